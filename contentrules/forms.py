from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UserInputMixin

from . import services

MAX_DRAFT = 20000


class ReviewForm(UserInputMixin, forms.Form):
    texto = forms.CharField(
        label=_("Texto por revisar"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "true", "lang": "es-MX"}),
        max_length=MAX_DRAFT,
        strip=False,
        help_text=_("Pegue el borrador tal como se publicaría o la respuesta que piensa dar."),
    )
    red = forms.ChoiceField(label=_("Red social"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["red"].choices = [("", _("Sin red (no revisa la longitud)")), *services.network_choices()]


class ListForm(UserInputMixin, forms.Form):
    terms = forms.CharField(
        label=_("Palabras o frases, una por renglón"),
        widget=forms.Textarea(attrs={"rows": 18}),
        required=False,
        max_length=100_000,
        help_text=_(
            "Una palabra en mayúsculas (PAN) solo coincide en mayúsculas; las demás, sin importar mayúsculas ni "
            "acentos. Un asterisco al final coincide con cualquier terminación (pendej*). Quitar un renglón "
            "retira la palabra; el historial la conserva."
        ),
    )
