"""Forms of the evaluation procedure: they collect input; ``evaluations.criteria`` decides
(a published version, a repeated code, a scale whose maximum is not above its minimum)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UserInputMixin
from core.validators import validate_multiline_text, validate_single_line

from .models import Criterion


class VersionForm(UserInputMixin, forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200, validators=[validate_single_line])
    notes = forms.CharField(
        label=_("Notas"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multiline_text],
        help_text=_("Para qué cambia esta versión respecto de la anterior, acuerdo del Comité, etc."),
    )


class CriterionForm(UserInputMixin, forms.Form):
    name = forms.CharField(label=_("Criterio"), max_length=200, validators=[validate_single_line])
    code = forms.SlugField(
        label=_("Clave"),
        max_length=40,
        help_text=_("Corta, sin espacios ni acentos (p. ej. «frecuencia»); única en la versión."),
    )
    reference = forms.CharField(
        label=_("Fundamento"),
        required=False,
        max_length=60,
        validators=[validate_single_line],
        help_text=_("Apartado de los criterios, p. ej. §6.xx"),
    )
    description = forms.CharField(
        label=_("Descripción"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_multiline_text],
        help_text=_("Qué se evalúa y con qué evidencia."),
    )
    scale_min = forms.IntegerField(label=_("Mínimo de la escala"), min_value=0, max_value=99, initial=0)
    scale_max = forms.IntegerField(label=_("Máximo de la escala"), min_value=1, max_value=100, initial=4)
    scale_help = forms.CharField(
        label=_("Significado de la escala"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_multiline_text],
        help_text=_("Un renglón por valor, p. ej. «0: no cumple» … «4: cumple plenamente»."),
    )
    weight = forms.IntegerField(
        label=_("Peso"),
        min_value=1,
        max_value=100,
        help_text=_("Puntos de 100; los pesos de la versión deberían sumar 100."),
    )
    source = forms.ChoiceField(
        label=_("Cifras de apoyo"),
        required=False,
        choices=Criterion.Source.choices,
        help_text=_("Qué cifras del sistema se muestran a quien evalúa junto a este criterio."),
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("El máximo de la escala debe ser mayor que el mínimo."))
        return data

    @classmethod
    def for_criterion(cls, criterion: Criterion, **kwargs) -> CriterionForm:
        return cls(initial={f: getattr(criterion, f) for f in cls.base_fields}, **kwargs)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Subir")), ("down", _("Bajar"))])
