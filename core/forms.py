"""Form helpers every app uses."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class StrictFilterMixin:
    """For a django-filter ``FilterSet``: an invalid filter matches nothing.

    django-filter drops a value that fails validation (an organ outside the user's scope,
    an unknown status) and lists everything, so a tampered link would widen the list
    instead of narrowing it. With this mixin ``qs`` is empty until every filter is valid;
    the form's errors say why. Put it before ``FilterSet`` in the bases.
    """

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)
