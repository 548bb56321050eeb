"""Forms of the regularisation pages: they collect the dates and the reason;
``onboarding.regularisation`` decides (past dates, later than the deadline, after it passed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, UserInputMixin


class DeadlineForm(UserInputMixin, forms.Form):
    deadline = forms.DateField(
        label=_("Fecha límite nacional"),
        widget=DateInput(),
        help_text=_("El último día para cumplir (hora del centro de México)."),
    )


class ExtensionForm(UserInputMixin, forms.Form):
    deadline = forms.DateField(
        label=_("Nueva fecha límite del órgano"),
        widget=DateInput(),
        help_text=_("Posterior a su fecha límite vigente."),
    )
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
