"""Forms of the evaluation workflow: they collect input; the services decide (the scale of
each criterion, what may be issued, who acknowledges)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Entidad, Network, Organ
from core.forms import CountedMaxLengthValidator, StrictFilterMixin, UserInputMixin
from core.validators import validate_multiline_text, validate_single_line

from . import services
from .models import EvaluationStatus, Period, Score

COMMENT_MAX = 3000
SUMMARY_MAX = 6000


class OpenPeriodForm(forms.Form):
    """The semesters CNCS may open by hand: the current one and recent past ones not yet open."""

    semester = forms.ChoiceField(label=_("Semestre"))

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["semester"].choices = [
            (f"{year}-{half}", semester_label(year, half)) for year, half in services.openable_semesters(now)
        ]

    def clean_semester(self) -> tuple[int, int]:
        year, half = self.cleaned_data["semester"].split("-")
        return int(year), int(half)


def semester_label(year: int, half: int) -> str:
    start, end = Period.bounds(year, half)
    label = _("Primer semestre de %(year)s") if half == 1 else _("Segundo semestre de %(year)s")
    return f"{label % {'year': year}} ({start:%d/%m}–{end:%d/%m/%Y})"


class EvaluationFilter(StrictFilterMixin, django_filters.FilterSet):
    """Status, entidad, network, organ and a search by account over the user's visible
    evaluations of one period; an invalid value matches nothing."""

    status = django_filters.ChoiceFilter(label=_("Estado"), choices=EvaluationStatus.choices, empty_label=_("Todos"))
    entidad = django_filters.ModelChoiceFilter(
        label=_("Entidad"), queryset=Entidad.objects.all(), field_name="organ__entidad", empty_label=_("Todas")
    )
    network = django_filters.ModelChoiceFilter(
        label=_("Red social"), queryset=Network.objects.all(), field_name="account__network", empty_label=_("Todas")
    )
    organ = django_filters.ModelChoiceFilter(label=_("Órgano"), queryset=Organ.objects.none(), empty_label=_("Todos"))
    q = django_filters.CharFilter(label=_("Cuenta"), method="by_account", max_length=100)

    def __init__(self, *args, organs=None, one_organ=False, **kwargs):
        super().__init__(*args, **kwargs)
        if one_organ:
            # Someone who sees one organ's evaluations: its entidad and organ are not a choice.
            del self.filters["entidad"], self.filters["organ"]
        else:
            self.filters["organ"].queryset = organs if organs is not None else Organ.objects.none()
        self.form.fields["q"].validators.append(validate_single_line)
        self.form.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Nombre o usuario")})

    def by_account(self, queryset, name, value):
        value = value.strip().lstrip("@")
        if not value:
            return queryset
        return queryset.filter(Q(account__handle__icontains=value) | Q(account__name__icontains=value))


def _comment_field() -> forms.CharField:
    # Added after UserInputMixin's set-up, so the counted limit is given here.
    return forms.CharField(
        label=_("Comentario"),
        required=False,
        validators=[CountedMaxLengthValidator(COMMENT_MAX), validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreForm(UserInputMixin, forms.Form):
    """A value and a comment per criterion of the evaluation's version, and the summary.

    The scale is in each value's label; the service refuses a value outside it, naming the
    criterion, so the refusal reads the same whoever sends the form.
    """

    summary = forms.CharField(
        label=_("Observaciones generales"),
        required=False,
        max_length=SUMMARY_MAX,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, scores: list[Score], **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        for score in scores:
            criterion = score.criterion
            self.fields[services.value_field(criterion.pk)] = forms.IntegerField(
                label=_("Puntaje (de %(min)s a %(max)s)") % {"min": criterion.scale_min, "max": criterion.scale_max},
                required=False,
                min_value=None,
                max_value=None,
                # No min/max attributes: the browser would refuse in its own language; the
                # service's message is Spanish and names the criterion.
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[services.comment_field(criterion.pk)] = _comment_field()
            self.initial.setdefault(services.value_field(criterion.pk), score.value)
            self.initial.setdefault(services.comment_field(criterion.pk), score.comment)
        # The summary after the criteria, as on the page.
        self.order_fields([f for f in self.fields if f != "summary"] + ["summary"])

    def clean(self):
        cleaned = super().clean()
        for score in self.scores:
            value = cleaned.get(services.value_field(score.criterion.pk))
            # Beyond a database integer the service's scale check would never be reached.
            if value is not None and not -32768 <= value <= 32767:
                self.add_error(
                    services.value_field(score.criterion.pk),
                    _("«%(name)s»: el puntaje va de %(min)s a %(max)s.")
                    % {
                        "name": score.criterion.name,
                        "min": score.criterion.scale_min,
                        "max": score.criterion.scale_max,
                    },
                )
        return cleaned

    def rows(self):
        """Per criterion: the score (with its criterion) and its two bound fields."""
        return [
            {
                "score": score,
                "criterion": score.criterion,
                "value": self[services.value_field(score.criterion.pk)],
                "comment": self[services.comment_field(score.criterion.pk)],
            }
            for score in self.scores
        ]

    def values(self) -> dict[int, tuple[int | None, str]]:
        return {
            score.criterion.pk: (
                self.cleaned_data.get(services.value_field(score.criterion.pk)),
                self.cleaned_data.get(services.comment_field(score.criterion.pk), ""),
            )
            for score in self.scores
        }


class CorrectForm(ScoreForm):
    reason = forms.CharField(
        label=_("Motivo de la corrección"),
        max_length=COMMENT_MAX,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("El órgano lo verá junto a la nueva emisión; la anterior sigue visible."),
        error_messages={"required": _("Escriba el motivo de la corrección; el órgano lo verá.")},
    )


class AcknowledgeForm(UserInputMixin, forms.Form):
    response = forms.CharField(
        label=_("Respuesta del órgano (opcional)"),
        required=False,
        max_length=SUMMARY_MAX,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=32767)
