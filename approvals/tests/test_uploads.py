"""The oficio: a real PDF by content, within the size limit, stored under a generated name,
served only to people who may see the request."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories
from approvals.uploads import validate_oficio

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def files_under(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_real_pdf_passes():
    validate_oficio(factories.pdf_upload())


@pytest.mark.parametrize(
    "content",
    [
        PNG,
        b"Hola, esto es texto con nombre de PDF",
        b"<html><script>alert(1)</script></html>",
        b"   %PDF-1.4 leading spaces",
        b"MZ\x90\x00 an executable",
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(content):
    with pytest.raises(ValidationError) as exc:
        validate_oficio(SimpleUploadedFile("oficio.pdf", content, content_type="application/pdf"))

    assert exc.value.code == "not_pdf"


def test_a_pdf_without_the_pdf_extension_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_oficio(SimpleUploadedFile("oficio_firmado.php", factories.minimal_pdf_bytes()))

    assert exc.value.code == "bad_extension"


def test_an_oversize_pdf_is_refused(settings):
    settings.OFICIO_MAX_UPLOAD_BYTES = 1024
    big = factories.minimal_pdf_bytes() + b"%" + b"x" * 2048

    with pytest.raises(ValidationError) as exc:
        validate_oficio(SimpleUploadedFile("oficio.pdf", big))

    assert exc.value.code == "too_big"
    assert "1.0\xa0KB" in exc.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_oficio(SimpleUploadedFile("oficio.pdf", b""))


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\boot.pdf",
        "/etc/passwd.pdf",
        ".htaccess.pdf",
        "ofi\x00cio.pdf",
        "a\nb.pdf",
        'oficio"<script>.pdf',
    ],
)
def test_a_crafted_file_name_is_refused(name):
    # A File keeps the name it is given (an UploadedFile already drops directories).
    with pytest.raises(ValidationError) as exc:
        validate_oficio(File(io.BytesIO(factories.minimal_pdf_bytes()), name=name))

    assert exc.value.code == "bad_name"


@pytest.mark.parametrize("name", ["oficio.pdf.exe", "oficio.php", "oficio"])
def test_a_pdf_named_as_something_else_is_refused(name):
    with pytest.raises(ValidationError) as exc:
        validate_oficio(File(io.BytesIO(factories.minimal_pdf_bytes()), name=name))

    assert exc.value.code == "bad_extension"


def test_a_crafted_name_saves_nothing(cast, private_media):
    with pytest.raises(ValidationError) as exc:
        services.create_request(
            by=cast.titular,
            kind=AccountRequest.Kind.OPENING,
            oficio=File(io.BytesIO(factories.minimal_pdf_bytes()), name="../../etc/passwd.pdf"),
            **factories.opening_fields(cast),
        )

    assert "no es válido" in exc.value.message_dict["oficio"][0]
    assert not AccountRequest.objects.exists()
    assert files_under(private_media) == []


def test_the_stored_name_is_generated_never_the_clients(cast, private_media):
    req = factories.opening(cast, submit=False)

    assert re.fullmatch(r"oficios/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", req.oficio.name)
    assert (private_media / req.oficio.name).read_bytes().startswith(b"%PDF-")


def _post_opening(client, cast, upload, **extra):
    data = {
        "network": cast.network.pk,
        "proposed_name": "INE Junta de prueba",
        "proposed_handle": "INENueva",
        "purpose": "Difundir las actividades del órgano.",
        "proposed_titular": cast.admin.pk,
        "proposed_suplente": cast.suplente.pk,
        "oficio_number": "INE/1/2026",
        "oficio": upload,
        "enviar": "1",
    }
    data.update(extra)
    return client.post(reverse("approvals:create", args=["apertura"]), data)


def test_the_web_form_refuses_a_non_pdf_and_saves_nothing(client, cast, private_media):
    client.force_login(cast.titular)

    response = _post_opening(client, cast, SimpleUploadedFile("oficio.pdf", PNG, content_type="application/pdf"))

    assert response.status_code == 200
    assert "debe ser un documento PDF" in response.content.decode()
    assert not AccountRequest.objects.exists()
    assert files_under(private_media) == []


def test_the_web_form_refuses_an_oversize_pdf_and_saves_nothing(client, cast, settings, private_media):
    settings.OFICIO_MAX_UPLOAD_BYTES = 100
    client.force_login(cast.titular)

    response = _post_opening(client, cast, factories.pdf_upload())

    assert response.status_code == 200
    assert "el máximo permitido es" in response.content.decode()
    assert not AccountRequest.objects.exists()
    assert files_under(private_media) == []


def test_a_path_in_an_uploaded_file_name_never_reaches_the_disk(client, cast, private_media):
    """Over HTTP Django's parser already drops the directories of a crafted name; whatever
    survives, the file is stored under a generated name inside MEDIA_ROOT."""
    client.force_login(cast.titular)
    boundary = "BoUnDaRy"
    fields = {
        "network": str(cast.network.pk),
        "proposed_name": "INE Junta de prueba",
        "purpose": "Difundir.",
        "proposed_titular": str(cast.admin.pk),
        "proposed_suplente": str(cast.suplente.pk),
        "oficio_number": "INE/1/2026",
        "guardar": "1",
    }
    body = b""
    for key, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="oficio"; filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + factories.minimal_pdf_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.generic(
        "POST",
        reverse("approvals:create", args=["apertura"]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 302
    req = AccountRequest.objects.get()
    assert "passwd" not in req.oficio.name
    stored = files_under(private_media)
    assert [p.relative_to(private_media).as_posix() for p in stored] == [req.oficio.name]


# --- Serving: through a view that checks access, never from a public URL -------------------------


@pytest.mark.parametrize("who", ["titular", "admin", "cncs", "president", "secretary"])
def test_people_who_may_see_the_request_read_the_oficio(client, cast, who):
    req = factories.opening(cast)
    client.force_login(getattr(cast, who))

    response = client.get(reverse("approvals:oficio", args=[req.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # A download, sandboxed: its embedded JavaScript never runs in a page of ours (core.files).
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"] == f'attachment; filename="oficio-{req.folio}.pdf"'


@pytest.mark.parametrize("who", ["other_titular", "other_admin", "unicom", "outsider", "consejero"])
def test_people_who_may_not_see_the_request_get_404_for_the_oficio(client, cast, who):
    req = factories.opening(cast)
    client.force_login(getattr(cast, who))

    response = client.get(reverse("approvals:oficio", args=[req.pk]))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_the_oficio(client, cast):
    req = factories.opening(cast)

    response = client.get(reverse("approvals:oficio", args=[req.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_media_directory_has_no_public_url(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.titular)

    for url in (f"/{req.oficio.name}", f"/media/{req.oficio.name}", f"/var/private/{req.oficio.name}"):
        assert client.get(url).status_code == 404


def test_a_draft_without_an_oficio_has_nothing_to_serve(client, cast):
    req = factories.opening(cast, submit=False, oficio=False)
    client.force_login(cast.titular)

    assert client.get(reverse("approvals:oficio", args=[req.pk])).status_code == 404


def test_the_identity_material_is_downloaded_only_by_those_who_see_the_request(client, cast):
    req = factories.opening(cast)
    services.approve_request(request_id=req.pk, by=cast.cncs, identity_material=SimpleUploadedFile("manual.png", PNG))

    client.force_login(cast.admin)
    response = client.get(reverse("approvals:identity_material", args=[req.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]

    client.force_login(cast.other_titular)
    assert client.get(reverse("approvals:identity_material", args=[req.pk])).status_code == 404
