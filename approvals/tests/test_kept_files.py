"""An oficio attached to a request form that comes back with an error is kept, named on the
page, and used when the fixed form is sent again; nobody else can claim it."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from approvals.models import AccountRequest
from approvals.tests import factories
from core import kept_uploads

NEW_OPENING = reverse("approvals:create", args=["apertura"])


def opening_post(cast, **overrides) -> dict:
    data = {
        "network": cast.network.pk,
        "proposed_name": "INE Junta de prueba",
        "proposed_handle": "INENueva",
        "purpose": "Difundir el programa de credencialización.",
        "proposed_titular": cast.admin.pk,
        "proposed_suplente": cast.suplente.pk,
        "oficio_number": "INE/JLE/0001/2026",
        "enviar": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def kept_files(media_root):
    folder = media_root / kept_uploads.KEPT_DIR
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


def submit_with_an_error(client, cast, **overrides):
    """A wrong network (the form refuses it) and a valid oficio."""
    client.force_login(cast.titular)
    return client.post(NEW_OPENING, opening_post(cast, network="999999", oficio=factories.pdf_upload(), **overrides))


def test_a_form_error_keeps_the_oficio_and_says_so(client, cast, private_media):
    response = submit_with_an_error(client, cast)

    assert response.status_code == 200
    form = response.context["form"]
    assert "network" in form.errors
    assert form.data["oficio_kept"]
    page = response.content.decode()
    assert "Se conserva el oficio adjunto: oficio.pdf (" in page
    assert "Puede reemplazarlo." in page
    assert f'value="{form.data["oficio_kept"]}"' in page
    assert len(kept_files(private_media)) == 1
    assert not AccountRequest.objects.exists()


def test_the_fixed_form_sent_without_attaching_again_saves_the_kept_oficio(client, cast, private_media):
    token = submit_with_an_error(client, cast).context["form"].data["oficio_kept"]

    response = client.post(NEW_OPENING, opening_post(cast, oficio_kept=token))

    req = AccountRequest.objects.get()
    assert response.status_code == 302
    assert req.status == AccountRequest.Status.SUBMITTED
    with req.oficio.open("rb") as f:
        assert f.read() == factories.minimal_pdf_bytes()
    assert kept_files(private_media) == []


def test_a_service_refusal_also_keeps_the_oficio(client, cast, private_media):
    client.force_login(cast.titular)
    response = client.post(NEW_OPENING, opening_post(cast, purpose="", oficio=factories.pdf_upload("firmado.pdf")))

    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors
    assert "Se conserva el oficio adjunto: firmado.pdf (" in response.content.decode()


def test_a_new_file_replaces_the_kept_one(client, cast, private_media):
    token = submit_with_an_error(client, cast).context["form"].data["oficio_kept"]

    client.post(
        NEW_OPENING, opening_post(cast, oficio_kept=token, oficio=factories.pdf_upload("nuevo.pdf", text="Otro"))
    )

    with AccountRequest.objects.get().oficio.open("rb") as f:
        assert f.read() == factories.minimal_pdf_bytes("Otro")


def test_another_user_cannot_reuse_the_token(client, cast, private_media):
    token = submit_with_an_error(client, cast).context["form"].data["oficio_kept"]
    client.force_login(cast.other_titular)

    response = client.post(
        NEW_OPENING,
        opening_post(cast, oficio_kept=token, guardar="1", enviar=None, proposed_titular=None, proposed_suplente=None),
    )

    draft = AccountRequest.objects.get()
    assert response.status_code == 302
    assert draft.organ == cast.other_organ
    assert not draft.oficio


def test_a_forged_token_is_ignored(client, cast, private_media):
    submit_with_an_error(client, cast)
    forged = (
        kept_uploads.token_for(
            [kept_uploads.KeptUpload(key=kept_files(private_media)[0].name, name="x.pdf", size=1)],
            owner_id=cast.titular.pk,
        )[:-3]
        + "abc"
    )

    response = client.post(NEW_OPENING, opening_post(cast, oficio_kept=forged))

    assert response.status_code == 200
    assert "oficio" in response.context["form"].errors
    assert not AccountRequest.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused_and_not_kept(client, cast, private_media):
    client.force_login(cast.titular)
    fake = SimpleUploadedFile("oficio.pdf", b"not a pdf at all", content_type="application/pdf")

    response = client.post(NEW_OPENING, opening_post(cast, network="999999", oficio=fake))

    assert "oficio" in response.context["form"].errors
    assert response.context["form"].data["oficio_kept"] == ""
    assert kept_files(private_media) == []


def test_the_edit_form_keeps_a_replacement_oficio_too(client, cast, private_media):
    req = factories.opening(cast, submit=False)
    client.force_login(cast.titular)
    url = reverse("approvals:edit", args=[req.pk])

    response = client.post(url, opening_post(cast, network="999999", oficio=factories.pdf_upload("nuevo.pdf", "N")))
    token = response.context["form"].data["oficio_kept"]
    client.post(url, opening_post(cast, oficio_kept=token, guardar="1", enviar=None))

    req.refresh_from_db()
    with req.oficio.open("rb") as f:
        assert f.read() == factories.minimal_pdf_bytes("N")


def test_the_kept_copy_is_private_under_a_generated_name(client, cast, private_media):
    submit_with_an_error(client, cast)

    (copy,) = kept_files(private_media)
    assert copy.name != "oficio.pdf"
    assert copy.is_relative_to(private_media)


@pytest.mark.parametrize("hours_old, remains", [(1, True), (30, False)])
def test_stale_kept_copies_are_cleaned_up_by_age(client, cast, private_media, hours_old, remains):
    submit_with_an_error(client, cast)
    (copy,) = kept_files(private_media)
    then = time.time() - hours_old * 3600
    os.utime(copy, (then, then))

    call_command("clean_kept_uploads")

    assert copy.exists() is remains


def test_an_over_long_withdrawal_comment_is_refused_with_its_count_not_cut(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.titular)

    response = client.post(reverse("approvals:withdraw", args=[req.pk]), {"comment": "z" * 1200}, follow=True)

    req.refresh_from_db()
    assert req.status == AccountRequest.Status.SUBMITTED
    assert "El texto tiene 1,200 caracteres; el máximo es 1,000." in response.content.decode()
