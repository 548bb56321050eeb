from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput, StrictFilterMixin, UserInputMixin
from core.validators import validate_single_line

from .models import Account, Entidad, LogEntry, Network, Organ, User


class OrganScopedFilter(StrictFilterMixin, django_filters.FilterSet):
    """Search and organ / entidad / network filters over a user's visible accounts.

    ``organs`` is the user's visible organs, so the organ list never names another's; an
    organ outside them (or any other invalid value) matches nothing.
    """

    q = django_filters.CharFilter(label=_("Buscar"), method="search")
    organ = django_filters.ModelChoiceFilter(label=_("Órgano"), queryset=Organ.objects.none(), empty_label=_("Todos"))
    entidad = django_filters.ModelChoiceFilter(
        label=_("Entidad"), queryset=Entidad.objects.all(), field_name="organ__entidad", empty_label=_("Todas")
    )
    network = django_filters.ModelChoiceFilter(
        label=_("Red social"), queryset=Network.objects.all(), empty_label=_("Todas")
    )

    def __init__(self, *args, organs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organ"].queryset = organs if organs is not None else Organ.objects.none()

    def search(self, queryset, name, value):
        value = value.strip().lstrip("@")
        return queryset.filter(Q(name__icontains=value) | Q(handle__icontains=value) | Q(organ__name__icontains=value))


class AccountFilter(OrganScopedFilter):
    status = django_filters.ChoiceFilter(label=_("Estado"), choices=Account.Status.choices, empty_label=_("Todos"))
    abandoned = django_filters.BooleanFilter(
        label=_("Posiblemente abandonada"), field_name="flagged_abandoned_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Account
        fields = ["q", "organ", "entidad", "network", "status", "abandoned"]


class LogEntryForm(UserInputMixin, forms.Form):
    # Corrections are made from the entry they correct; a password rotation only by recording
    # it (accounts.services.record_password_rotation), with its attestation.
    kind = forms.ChoiceField(
        label=_("Tipo"),
        choices=[
            c for c in LogEntry.Kind.choices if c[0] not in (LogEntry.Kind.CORRECTION, LogEntry.Kind.PASSWORD_ROTATED)
        ],
    )
    occurred_at = forms.DateTimeField(label=_("Fecha y hora del hecho"), widget=DateTimeInput(), required=False)
    text = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    link = forms.URLField(label=_("Enlace (opcional)"), required=False, max_length=500, assume_scheme="https")
    corrects = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OutOfOfficeForm(UserInputMixin, forms.Form):
    starts_on = forms.DateField(label=_("Desde"), widget=DateInput())
    ends_on = forms.DateField(label=_("Hasta"), widget=DateInput())
    reason = forms.CharField(label=_("Motivo"), max_length=200)
    attention_hours = forms.CharField(
        label=_("Horario de atención publicado"), max_length=200, help_text=_("Se publica a la ciudadanía.")
    )
    monitor = forms.ModelChoiceField(label=_("Quién monitorea la cuenta"), queryset=User.objects.none())

    def __init__(self, *args, monitors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if monitors is not None:
            self.fields["monitor"].queryset = monitors

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("La fecha final no puede ser anterior a la inicial."))
        return data


class PasswordRotationForm(UserInputMixin, forms.Form):
    rotated_at = forms.DateTimeField(label=_("Fecha y hora del cambio"), widget=DateTimeInput(), required=False)
    meets_policy = forms.BooleanField(
        label=_(
            "Declaro que la nueva contraseña tiene al menos 12 caracteres, combina mayúsculas, minúsculas, "
            "números y símbolos, y no repite contraseñas anteriores."
        ),
        error_messages={"required": _("Debe confirmar que la nueva contraseña cumple la política.")},
    )


class AccountDetailsForm(UserInputMixin, forms.ModelForm):
    # Declared so an address typed without a scheme is read as https:// (Django 6 default).
    url = forms.URLField(label=_("Dirección"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Account
        fields = ["name", "handle", "url", "registration_email", "attention_hours", "verification_status"]

    def __init__(self, *args, editable: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for name in [f for f in self.fields if f not in editable]:
            del self.fields[name]


class DesignationForm(UserInputMixin, forms.Form):
    titular = forms.ModelChoiceField(label=_("Administrador titular"), queryset=User.objects.none())
    suplente = forms.ModelChoiceField(label=_("Administrador suplente"), queryset=User.objects.none())
    oficio_number = forms.CharField(
        label=_("Número de oficio"), max_length=60, required=False, validators=[validate_single_line]
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone may be offered; the service explains precisely why a wrong choice fails.
        queryset = staff if staff is not None else User.objects.none()
        self.fields["titular"].queryset = queryset
        self.fields["suplente"].queryset = queryset
        label = lambda u: f"{u} — {u.job_title or ''} ({u.get_position_level_display() or _('sin nivel')})"  # noqa: E731
        self.fields["titular"].label_from_instance = label
        self.fields["suplente"].label_from_instance = label
