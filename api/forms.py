from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UserInputMixin
from core.validators import validate_single_line


class TokenForm(UserInputMixin, forms.Form):
    name = forms.CharField(
        label=_("Nombre de la clave"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Para reconocerla después, p. ej. «Tablero de monitoreo»."),
    )
