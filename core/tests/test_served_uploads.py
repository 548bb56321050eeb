"""Served uploads never run in the site's origin: sandboxed, not sniffed, always a download,
named and typed by what the content is (a PNG uploaded as ``x.html`` downloads as ``x.png``)
and a PDF never shown inside a page of ours, so its embedded JavaScript never runs there."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services as approval_services
from approvals.tests import factories as approval_factories
from consultations import services as consultation_services
from consultations.models import Consultation
from core.files import detected_type, download_name, private_file_response

# The smallest file filetype reads as a PNG: its signature and the IHDR chunk's start.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
# A PDF that would run JavaScript when opened in a viewer that runs it.
PDF_WITH_JS = approval_factories.minimal_pdf_bytes().replace(
    b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert('x')) >>", 1
)


def assert_safe(response, *, filename: str, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


# --- The pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("x.html", "png", "x.png"),
        ("captura.PNG", "png", "captura.PNG"),
        ("foto.jpeg", "jpg", "foto.jpeg"),
        ("foto.JPG", "jpg", "foto.JPG"),
        ("informe.pdf.exe", "pdf", "informe.pdf.pdf"),
        ("sin-extension", "pdf", "sin-extension.pdf"),
        ("pagina.html", "", "pagina.bin"),
        ("", "png", "archivo.png"),
    ],
)
def test_the_download_name_takes_the_extension_of_the_detected_type(name, extension, expected):
    assert download_name(name, extension) == expected


def test_the_type_is_read_from_the_content_and_the_file_is_left_at_its_start():
    handle = io.BytesIO(PNG)
    assert detected_type(handle) == ("image/png", "png")
    assert handle.tell() == 0
    assert detected_type(io.BytesIO(b"<html><script>alert(1)</script></html>")) == ("application/octet-stream", "")


def test_html_uploaded_as_a_picture_is_served_as_an_opaque_download(private_media):
    stored = ContentFile(b"<html><script>alert(document.cookie)</script></html>", name="foto.png")
    response = private_file_response(stored, filename="foto.png")
    assert_safe(response, filename="foto.bin", content_type="application/octet-stream")


# --- Through the views ------------------------------------------------------------------------------


def test_a_png_attached_as_x_html_downloads_as_x_png(client, cast, private_media):
    consultation = consultation_services.open_consultation(
        account_id=cast.account.pk,
        by=cast.admin,
        kind=Consultation.Kind.INFORMATION,
        question="¿Podemos publicar esta imagen?",
        subject_text="Imagen",
        attachments=[SimpleUploadedFile("x.html", PNG, "text/html")],
    )
    attachment = consultation.attachments.get()
    client.force_login(cast.admin)

    response = client.get(reverse("consultations:attachment", args=[consultation.pk, attachment.pk]))

    assert_safe(response, filename="x.png", content_type="image/png")
    assert b"".join(response.streaming_content) == PNG


def test_the_oficio_is_a_sandboxed_download_and_never_shown_inside_a_page(client, cast, private_media):
    req = approval_factories.opening(cast)
    client.force_login(cast.cncs)

    response = client.get(reverse("approvals:oficio", args=[req.pk]))

    assert_safe(response, filename=f"oficio-{req.folio}.pdf", content_type="application/pdf")
    # Not framed by our own pages either (the dashboard links to it instead).
    assert response["X-Frame-Options"] == "DENY"
    dashboard = client.get(reverse("approvals:dashboard") + f"?ver={req.pk}").content.decode()
    assert "<iframe" not in dashboard
    assert reverse("approvals:oficio", args=[req.pk]) in dashboard


def test_a_pdf_with_javascript_is_only_ever_a_download(client, cast, private_media):
    assert b"/JavaScript" in PDF_WITH_JS
    consultation = consultation_services.open_consultation(
        account_id=cast.account.pk,
        by=cast.admin,
        kind=Consultation.Kind.INFORMATION,
        question="¿Este PDF?",
        subject_text="PDF",
        attachments=[SimpleUploadedFile("cartel.pdf", PDF_WITH_JS, "application/pdf")],
    )
    client.force_login(cast.admin)

    attachment = consultation.attachments.get()
    response = client.get(reverse("consultations:attachment", args=[consultation.pk, attachment.pk]))

    assert_safe(response, filename="cartel.pdf", content_type="application/pdf")


def test_identity_material_downloads_named_by_its_content(client, cast, private_media):
    req = approval_factories.opening(cast)
    approval_services.approve_request(
        request_id=req.pk, by=cast.cncs, identity_material=SimpleUploadedFile("logo.png", PNG, "image/png")
    )
    client.force_login(cast.titular)

    response = client.get(reverse("approvals:identity_material", args=[req.pk]))

    assert_safe(response, filename=f"identidad-grafica-{req.folio}.png", content_type="image/png")
