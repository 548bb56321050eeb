from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts import selectors as accounts_selectors
from accounts.models import Account, Entidad, Network, Organ, User
from core.forms import FileInput, KeepsUploadsMixin, StrictFilterMixin, UserInputMixin, kept_token_name
from core.validators import validate_single_line

from .models import AccountRequest
from .uploads import validate_identity_material, validate_oficio

Kind = AccountRequest.Kind
Status = AccountRequest.Status


def _person_label(user: User) -> str:
    level = user.get_position_level_display() or _("sin nivel")
    return f"{user} — {user.job_title or ''} ({level})"


class RequestForm(KeepsUploadsMixin, UserInputMixin, forms.ModelForm):
    """The titular's form for every kind; drafts may be incomplete, sending checks the rest.

    The oficio attached to a submission that comes back with an error is kept for the next one."""

    kept_upload_fields = {"oficio": _("Se conserva el oficio adjunto: %(files)s. Puede reemplazarlo.")}

    account_url = forms.URLField(
        label=_("Dirección de la cuenta personal"), max_length=300, required=False, assume_scheme="https"
    )
    oficio = forms.FileField(
        label=_("Oficio firmado (PDF)"),
        required=False,
        widget=FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = AccountRequest
        fields = sorted({f for fields in AccountRequest.FIELDS_BY_KIND.values() for f in fields})
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, kind: str, organ: Organ, accounts: QuerySet[Account] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        self.instance.organ = organ
        keep = AccountRequest.FIELDS_BY_KIND[kind] + ["oficio", kept_token_name("oficio")]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.order_fields(keep)
        for field in self.fields.values():
            field.required = False
        if "network" in self.fields:
            self.fields["network"].queryset = Network.objects.filter(is_active=True)
        for name in ("proposed_titular", "proposed_suplente"):
            if name in self.fields:
                self.fields[name].queryset = accounts_selectors.organ_staff_for_designation(organ)
                self.fields[name].label_from_instance = _person_label
        if "proposed_titular" in self.fields:
            self.fields["proposed_titular"].help_text = _("Mando medio o superior del propio órgano (§5.1).")
            self.fields["proposed_suplente"].help_text = _("Mando medio o personal operativo del propio órgano (§5.1).")
        if "proposed_handle" in self.fields:
            self.fields["proposed_handle"].help_text = _("Sin @. Debe cumplir las reglas de la red elegida.")
        if "account" in self.fields:
            self.fields["account"].queryset = (
                accounts if accounts is not None else Account.objects.none()
            ).select_related("network")
            self.fields["account"].label = _("Cuenta que se cerrará")
        self.fields["oficio"].help_text = _("Solo PDF, hasta %(limit)s.") % {
            "limit": filesizeformat(settings.OFICIO_MAX_UPLOAD_BYTES)
        }
        if self.instance.oficio:
            self.fields["oficio"].help_text = _("Ya hay un oficio cargado; suba otro solo para reemplazarlo.")

    def clean_oficio(self):
        upload = self.cleaned_data.get("oficio")
        if upload:
            validate_oficio(upload)
        return upload or None

    def _post_clean(self):
        # The service validates the whole request; here only the fields' own formats,
        # so a draft with blanks still saves.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in AccountRequest.FIELDS_BY_KIND[self.instance.kind]}


class DecisionForm(UserInputMixin, forms.Form):
    DECISIONS = [
        ("approve", _("Aprobar")),
        ("return", _("Devolver para cambios")),
        ("reject", _("Rechazar")),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comentario"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    identity_material = forms.FileField(
        label=_("Material de identidad gráfica (opcional)"),
        required=False,
        widget=FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.zip"}),
        help_text=_("PDF, PNG, JPEG o ZIP."),
    )

    def clean_identity_material(self):
        upload = self.cleaned_data.get("identity_material")
        if upload:
            validate_identity_material(upload)
        return upload or None

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in ("return", "reject") and not (data.get("comment") or "").strip():
            message = _("Indique el motivo del rechazo.") if decision == "reject" else _("Indique qué debe cambiar.")
            self.add_error("comment", message)
        if decision != "approve" and data.get("identity_material"):
            self.add_error("identity_material", _("El material de identidad gráfica solo acompaña una aprobación."))
        return data


class MailboxForm(UserInputMixin, forms.Form):
    mailbox = forms.EmailField(label=_("Correo institucional aprovisionado"))
    comment = forms.CharField(label=_("Comentario (opcional)"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the language of the request (not once at import).
        self.fields["mailbox"].help_text = _("Debe terminar en @%(domain)s.") % {
            "domain": settings.INSTITUTIONAL_EMAIL_DOMAIN
        }


class RegisterAccountForm(UserInputMixin, forms.Form):
    handle = forms.CharField(label=_("Nombre de usuario real"), max_length=100, validators=[validate_single_line])
    url = forms.URLField(label=_("Dirección de la cuenta"), max_length=300, assume_scheme="https")
    attention_hours = forms.CharField(
        label=_("Horario de atención (opcional)"), required=False, max_length=200, validators=[validate_single_line]
    )


class WithdrawForm(UserInputMixin, forms.Form):
    comment = forms.CharField(label=_("Comentario (opcional)"), required=False, max_length=1000)


class ConfirmClosureForm(UserInputMixin, forms.Form):
    contents_deleted = forms.BooleanField(
        label=_("Se borraron los contenidos de la cuenta."),
        error_messages={"required": _("Confirme que se borraron los contenidos.")},
    )
    platform_cancelled = forms.BooleanField(
        label=_("La cuenta se canceló en la plataforma."),
        error_messages={"required": _("Confirme que la cuenta se canceló en la plataforma.")},
    )
    comment = forms.CharField(label=_("Comentario (opcional)"), required=False, max_length=1000)


class RequestFilter(StrictFilterMixin, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Estado"), choices=Status.choices, empty_label=_("Todos"))
    kind = django_filters.ChoiceFilter(label=_("Tipo"), choices=Kind.choices, empty_label=_("Todos"))
    organ = django_filters.ModelChoiceFilter(label=_("Órgano"), queryset=Organ.objects.none(), empty_label=_("Todos"))
    entidad = django_filters.ModelChoiceFilter(
        label=_("Entidad"), queryset=Entidad.objects.all(), field_name="organ__entidad", empty_label=_("Todas")
    )
    network = django_filters.ModelChoiceFilter(
        label=_("Red social"), queryset=Network.objects.all(), method="filter_network", empty_label=_("Todas")
    )
    vencidas = django_filters.BooleanFilter(
        label=_("Solo con espera vencida"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = AccountRequest
        fields = ["status", "kind", "organ", "entidad", "network", "vencidas"]

    def __init__(self, *args, organs: QuerySet[Organ] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organ"].queryset = organs if organs is not None else Organ.objects.all()

    def filter_network(self, queryset, name, value):
        # A closing names its network through the account it closes.
        return queryset.filter(Q(network=value) | Q(account__network=value))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.overdue()
