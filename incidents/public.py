"""The public's "report a suspicious account" (no login): the form, its one rule (a rate
limit per client), and the page that answers with a receipt number and nothing else.

The client is kept only as a keyed hash of its address (``client_hash``), enough to count
its reports in the last hour, never the address itself. A hidden field people never see
(the honeypot) catches form-filling robots: they get a receipt like anyone, and nothing
is written. CNCS triages what arrives (``services.accept_public_report`` /
``services.dismiss_public_report``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Network
from core.forms import UserInputMixin

from .models import PublicReport


class RateLimited(Exception):
    """This client already sent its reports for the hour; the message says so in Spanish."""


RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread over the phone


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
    return salted_hmac("incidents.public_report", request.META.get("REMOTE_ADDR", "")).hexdigest()


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
        report = PublicReport(**fields, client_hash=client, created_at=now, receipt=new_receipt(now))
        report.full_clean(exclude=["receipt"])  # its uniqueness is the database's to say
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # the same receipt drawn twice: draw again
            continue
        return report
    raise RuntimeError("No free receipt number after 5 draws")


def new_receipt(now) -> str:
    return f"RC-{timezone.localdate(now):%y%m}-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))


def public_report(request):
    """Anyone may report an account that poses as the INE; the answer is only a receipt."""
    form = PublicReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            return render(request, "incidents/public_report_done.html", {"receipt": new_receipt(timezone.now())})
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
