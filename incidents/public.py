"""The public's "report a suspicious account" (no login): the form, its one rule (a rate
limit per client), and the page that answers with a receipt number and nothing else.

The client is kept only as a keyed hash of its address (``client_hash``), enough to count
its reports in the last hour, never the address itself. A hidden field people never see
(the honeypot) catches form-filling robots: they get a receipt like anyone, and nothing
is written. CNCS triages what arrives (``services.accept_public_report`` /
``services.dismiss_public_report``).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Network, Organ
from core.forms import UserInputMixin
from core.panels import Panel
from core.signin import client_ip_address

from . import access, services
from .models import PublicReport
from .services import new_receipt


class RateLimited(Exception):
    """This client already sent its reports for the hour; the message says so in Spanish."""


class PublicReportForm(UserInputMixin, forms.ModelForm):
    # Hidden from people by CSS and from assistive technology; robots fill every field.
    sitio_web = forms.CharField(
        label=gettext_lazy("Deje este campo vacío"),
        required=False,
        widget=forms.TextInput(attrs={"class": "hp", "tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = PublicReport
        fields = ["handle_or_url", "network", "claims_to_be", "contact"]
        help_texts = {
            "handle_or_url": gettext_lazy("El nombre de usuario (por ejemplo @INEMexic0) o la dirección de la cuenta."),
            "claims_to_be": gettext_lazy("Por ejemplo: «dice ser la Junta Distrital 05 de Jalisco»."),
            "contact": gettext_lazy("Solo si quiere que le busquemos; no se publica."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.filter(is_active=True).order_by("sort_order", "name")
        self.fields["network"].required = False
        self.fields["network"].empty_label = _("No sé / otra")

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("sitio_web"))


def client_hash(request) -> str:
    """A keyed hash of the client's address: counts its reports without keeping the address."""
    return salted_hmac("incidents.public_report", client_ip_address(request) or "").hexdigest()


def submit_public_report(*, fields: dict, client: str, now=None) -> PublicReport:
    """Record a public report with a fresh receipt number, unless this client already sent
    ``PUBLIC_REPORTS_PER_HOUR`` in the last hour."""
    now = now or timezone.now()
    with transaction.atomic():
        recent = PublicReport.objects.filter(client_hash=client, created_at__gte=now - timedelta(hours=1)).count()
        if recent >= settings.PUBLIC_REPORTS_PER_HOUR:
            raise RateLimited(
                _("Ya recibimos varios reportes desde su conexión en la última hora. Intente más tarde, por favor.")
            )
    for _attempt in range(5):
        report = PublicReport(**fields, client_hash=client, created_at=now, receipt=new_receipt())
        report.full_clean(exclude=["receipt"])  # its uniqueness is the database's to say
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # the same receipt drawn twice: draw again
            continue
        return report
    raise RuntimeError("No free receipt number after 5 draws")


def public_report(request):
    """Anyone may report an account that poses as the INE; the answer is only a receipt."""
    form = PublicReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            return render(request, "incidents/public_report_done.html", {"receipt": new_receipt()})
        try:
            report = submit_public_report(
                fields={name: form.cleaned_data[name] for name in form.Meta.fields}, client=client_hash(request)
            )
        except RateLimited as exc:
            context = {"form": form, "limited": str(exc)}
            return render(request, "incidents/public_report.html", context, status=429)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "incidents/public_report_done.html", {"receipt": report.receipt})
    return render(request, "incidents/public_report.html", {"form": form})


# --- CNCS triages what the public sent --------------------------------------------------------


class DismissForm(UserInputMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motivo del descarte"), widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(UserInputMixin, forms.Form):
    organ = forms.ModelChoiceField(
        label=gettext_lazy("Órgano suplantado (opcional)"),
        queryset=Organ.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=gettext_lazy("El Instituto en general"),
    )


@login_required
def triage(request):
    """The public's reports waiting for CNCS, oldest first; the last ones it decided below."""
    if not access.can_triage_public_reports(request.user):
        raise PermissionDenied(_("Los reportes ciudadanos los atiende Comunicación Social."))
    reports = PublicReport.objects.select_related("network", "triaged_by", "incident")
    return render(
        request,
        "incidents/public_report_triage.html",
        {
            "waiting": reports.filter(status=PublicReport.Status.NEW).order_by("created_at", "pk"),
            "decided": reports.exclude(status=PublicReport.Status.NEW).order_by("-triaged_at", "-pk")[:20],
            "organs": list(AcceptForm.base_fields["organ"].queryset.only("pk", "name")),
        },
    )


@login_required
@require_POST
def triage_decide(request, pk: int):
    report = get_object_or_404(PublicReport, pk=pk)
    try:
        if request.POST.get("decision") == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["organ"])
            organ = form.cleaned_data["organ"]
            incident = services.accept_public_report(
                report_id=report.pk, by=request.user, organ_id=organ.pk if organ else None
            )
            messages.success(request, _("Reporte %(receipt)s aceptado como incidente.") % {"receipt": report.receipt})
            return redirect(reverse("incidents:detail", args=[incident.pk]))
        form = DismissForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.dismiss_public_report(report_id=report.pk, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Reporte %(receipt)s descartado.") % {"receipt": report.receipt})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("public_report_triage:list")


def public_reports_panel(request) -> Panel | None:
    """On CNCS's home page: how many of the public's reports wait for it."""
    if not access.can_triage_public_reports(request.user):
        return None
    waiting = PublicReport.objects.filter(status=PublicReport.Status.NEW).count()
    return Panel(template="incidents/_public_reports_panel.html", order=15, context={"waiting": waiting})
