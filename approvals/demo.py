"""Demo requests for ``make run``: an opening from the CDMX junta waiting a week, so the
CNCS dashboard shows an overdue request from the start.

Run after ``accounts.demo.load_demo``. Never with DEBUG off. Jalisco is left untouched so
the whole opening and closing flows can be walked by hand with its demo users.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Network, User

from . import services
from .models import AccountRequest

DEMO_OFICIO = Path(__file__).resolve().parent / "data" / "oficio_demo.pdf"


def _oficio(number: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"oficio-{number}.pdf", DEMO_OFICIO.read_bytes(), content_type="application/pdf")


@transaction.atomic
def load_demo() -> bool:
    """Create the demo requests once; returns False when they were already there."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Las solicitudes de demostración solo se crean con DEBUG activo.")
    if AccountRequest.objects.exists():
        return False
    users = {u.username: u for u in User.objects.filter(username__in=["titular.cdmx", "admin.cdmx", "suplente.cdmx"])}
    if len(users) < 3:
        return False
    titular = users["titular.cdmx"]
    youtube = Network.objects.filter(code="youtube").first() or Network.objects.first()

    # An opening sent a week ago: past the reminder limit, highlighted on the dashboard.
    number = "INE/JLE/CDMX/0042/2026"
    req = services.create_request(
        by=titular,
        kind=AccountRequest.Kind.OPENING,
        oficio=_oficio(number),
        submit=True,
        network=youtube,
        proposed_name="INE Ciudad de México — Videos",
        proposed_handle="INECDMXvideos",
        purpose="Publicar en video las jornadas de credencialización y capacitación electoral de la junta.",
        proposed_titular=users["admin.cdmx"],
        proposed_suplente=users["suplente.cdmx"],
        oficio_number=number,
    )
    week_ago = timezone.now() - timedelta(days=7)
    AccountRequest.objects.filter(pk=req.pk).update(submitted_at=week_ago, created_at=week_ago)
    req.transitions.update(at=week_ago)
    return True
