"""Demo requests for ``make run``: an opening from the CDMX junta waiting a week, so the
CNCS dashboard shows an overdue request from the start.

Run after ``accounts.demo.load_demo``. Never with DEBUG off. Jalisco is left untouched so
the whole opening and closing flows can be walked by hand with its demo users.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Network, User

from . import services
from .models import AccountRequest


def minimal_pdf(text: str = "Oficio") -> bytes:
    """A small, valid one-page PDF (for the demo and the tests)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _oficio(number: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("oficio.pdf", minimal_pdf(f"Oficio {number}"), content_type="application/pdf")


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
