"""Forms of the incidents app: they collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import NO_BLOCKING_POLICY, PlatformAction


class PlatformActionField(forms.ChoiceField):
    """Offers only "reported to the platform" and "hidden under its rules". Any other value
    sent (a "block" typed into the request) is refused with the policy's own words, not
    with a generic "not a valid choice"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [("", "---------"), *PlatformAction.choices])
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        if value and value not in PlatformAction.values:
            raise ValidationError(NO_BLOCKING_POLICY, code="blocking_forbidden")
        super().validate(value)


class PlatformActionForm(forms.Form):
    platform_action = PlatformActionField(label=_("Medida ante la plataforma"))
