"""Forms of the incidents app: they collect input; the services decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import organ_ids_of
from accounts.models import Account, Entidad, Network, Organ
from consultations.services import check_attachments
from core.forms import DateTimeInput, KeepsUploadsMixin, MultipleFileInput, StrictFilterMixin, UserInputMixin

from . import services
from .models import NO_BLOCKING_POLICY, IncidentKind, IncidentStatus, PlatformAction, StatementTemplate, StepKind


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


class IncidentFilter(StrictFilterMixin, django_filters.FilterSet):
    """Kind, organ, entidad and network over a user's visible incidents; an invalid value
    (an organ outside the user's scope, an unknown kind) matches nothing."""

    kind = django_filters.ChoiceFilter(label=_("Tipo"), choices=IncidentKind.choices, empty_label=_("Todos"))
    status = django_filters.ChoiceFilter(label=_("Estado"), choices=IncidentStatus.choices, empty_label=_("Todos"))
    organ = django_filters.ModelChoiceFilter(label=_("Órgano"), queryset=Organ.objects.none(), empty_label=_("Todos"))
    entidad = django_filters.ModelChoiceFilter(
        label=_("Entidad"), queryset=Entidad.objects.all(), field_name="organ__entidad", empty_label=_("Todas")
    )
    network = django_filters.ModelChoiceFilter(
        label=_("Red social"), queryset=Network.objects.all(), method="by_network", empty_label=_("Todas")
    )

    def __init__(self, *args, organs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organ"].queryset = organs if organs is not None else Organ.objects.none()

    def by_network(self, queryset, name, value):
        # The account's network, or the fake account's for an impersonation.
        return queryset.filter(Q(account__network=value) | Q(network=value))


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.mp4"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(KeepsUploadsMixin, UserInputMixin, forms.Form):
    """Three fields an administrator can fill under stress from a phone; the rest later."""

    kept_upload_fields = {"attachments": _("Se conservan las capturas: %(files)s. Puede reemplazarlas.")}

    account = forms.ModelChoiceField(label=_("Cuenta"), queryset=Account.objects.none())
    detected_at = forms.DateTimeField(label=_("¿Cuándo lo detectó?"), widget=DateTimeInput())
    description = forms.CharField(label=_("¿Qué vio?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    attachments = MultipleFileField(label=_("Capturas de pantalla (opcional)"), required=False)

    def __init__(self, *args, accounts=None, kind: str = IncidentKind.HACK, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["attachments"].help_text = _("Hasta %(n)s imágenes o PDF de %(mb)s MB cada uno.") % {
            "n": settings.CONSULTATION_MAX_ATTACHMENTS,
            "mb": settings.CONSULTATION_MAX_ATTACHMENT_MB,
        }
        if kind == IncidentKind.IMPERSONATION:
            # The fake account is not one of ours: what it is called and where.
            del self.fields["account"]
            self.fields = {
                "fake_handle": forms.CharField(label=_("Cuenta falsa (usuario o dirección)"), max_length=300),
                "network": forms.ModelChoiceField(
                    label=_("Red social (opcional)"), queryset=Network.objects.all(), required=False
                ),
                **self.fields,
            }
        else:
            self.fields["account"].queryset = accounts if accounts is not None else Account.objects.none()
            self.fields["account"].label_from_instance = lambda a: f"{a.display_handle or a.name} — {a.network}"

    def report(self, by):
        """Files the valid report through ``services.report_incident`` (the page and the API
        alike). An impersonation is filed for the reporter's own organ, if they have one."""
        data = self.cleaned_data
        organ_ids = sorted(organ_ids_of(by))
        return services.report_incident(
            by=by,
            kind=self.kind,
            detected_at=data["detected_at"],
            description=data["description"],
            account_id=data["account"].pk if data.get("account") else None,
            organ_id=organ_ids[0] if self.kind == IncidentKind.IMPERSONATION and organ_ids else None,
            fake_handle=data.get("fake_handle", ""),
            network_id=data["network"].pk if data.get("network") else None,
            attachments=data["attachments"],
        )

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        try:
            check_attachments(uploads)
        except ValidationError as exc:
            messages = exc.message_dict.get("attachments", []) if hasattr(exc, "error_dict") else exc.messages
            raise ValidationError(messages)
        return uploads


class StepForm(UserInputMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Paso"), choices=StepKind.choices, widget=forms.HiddenInput)
    not_applicable = forms.BooleanField(label=_("No aplica"), required=False)
    reason = forms.CharField(label=_("Motivo o detalle"), required=False, max_length=2000)


class StatementForm(UserInputMixin, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Usar una plantilla"),
        queryset=StatementTemplate.objects.all(),
        required=False,
        empty_label=_("Ninguna: escribir el texto"),
        help_text=_("El texto de la plantilla se copia al incidente y puede editarlo después."),
    )
    statement_text = forms.CharField(
        label=_("Comunicado institucional"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )


class CorrectionForm(UserInputMixin, forms.Form):
    correction_text = forms.CharField(
        label=_("Corrección publicada"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    correction_url = forms.URLField(
        label=_("Enlace a la corrección"), required=False, max_length=500, assume_scheme="https"
    )
    corrected_at = forms.DateTimeField(label=_("Publicada"), widget=DateTimeInput(), required=False)


class NoteForm(UserInputMixin, forms.Form):
    note = forms.CharField(label=_("Nota"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class TransitionForm(UserInputMixin, forms.Form):
    note = forms.CharField(label=_("Comentario (opcional)"), required=False, max_length=2000)


class CloseForm(UserInputMixin, forms.Form):
    summary = forms.CharField(
        label=_("Resumen (qué pasó, qué se cambió)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    lessons = forms.CharField(
        label=_("Lecciones aprendidas"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
