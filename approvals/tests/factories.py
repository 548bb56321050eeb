"""Requests at each step, made through the services so their history is real."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.models import AccountRequest

Kind = AccountRequest.Kind


def minimal_pdf_bytes(text: str = "Oficio de prueba") -> bytes:
    """A small, valid one-page PDF."""
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


def pdf_upload(name: str = "oficio.pdf", text: str = "Oficio de prueba") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf_bytes(text), content_type="application/pdf")


def opening_fields(cast, **overrides) -> dict:
    fields = {
        "network": cast.network,
        "proposed_name": "INE Junta de prueba",
        "proposed_handle": "INENueva",
        "purpose": "Difundir el programa de credencialización y la capacitación electoral del órgano.",
        "proposed_titular": cast.admin,
        "proposed_suplente": cast.suplente,
        "oficio_number": "INE/JLE/0001/2026",
    }
    fields.update(overrides)
    return fields


def opening(cast, *, submit: bool = True, by=None, oficio=True, **overrides) -> AccountRequest:
    return services.create_request(
        by=by or cast.titular,
        kind=Kind.OPENING,
        oficio=pdf_upload() if oficio else None,
        submit=submit,
        **opening_fields(cast, **overrides),
    )


def closing(cast, *, submit: bool = True, account=None, **overrides) -> AccountRequest:
    fields = {"account": account or cast.account, "reason": "El programa concluyó.", "oficio_number": "INE/0002/2026"}
    fields.update(overrides)
    return services.create_request(by=cast.titular, kind=Kind.CLOSING, oficio=pdf_upload(), submit=submit, **fields)


def publicity(cast, *, submit: bool = True, **overrides) -> AccountRequest:
    fields = {
        "network": cast.network,
        "proposed_name": "Consejera Electoral 01",
        "proposed_handle": "Consejera01",
        "account_url": "https://x.com/Consejera01",
        "purpose": "Que la ciudadanía identifique la cuenta personal de la consejera.",
        "oficio_number": "INE/CE01/0003/2026",
    }
    fields.update(overrides)
    return services.create_request(by=cast.consejero, kind=Kind.PUBLICITY, oficio=pdf_upload(), submit=submit, **fields)


def approved_opening(cast, **overrides) -> AccountRequest:
    req = opening(cast, **overrides)
    return services.approve_request(request_id=req.pk, by=cast.cncs)


def mailbox_ready_opening(cast, **overrides) -> AccountRequest:
    req = approved_opening(cast, **overrides)
    return services.record_mailbox(request_id=req.pk, by=cast.unicom, mailbox="redes.junta@ine.mx")


def acknowledged_closing(cast, **overrides) -> AccountRequest:
    req = closing(cast, **overrides)
    return services.approve_request(request_id=req.pk, by=cast.cncs)
