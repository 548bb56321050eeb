"""Attachments to a consultation that comes back with an error are kept for the next submission."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.tests.factories import minimal_pdf_bytes
from consultations.models import Consultation

NEW = reverse("consultations:new")


def consultation_post(cast, **overrides) -> dict:
    data = {
        "account": cast.account.pk,
        "kind": Consultation.Kind.PERTINENCE,
        "question": "¿Es pertinente publicar esta invitación?",
        "subject_text": "Te invitamos a tramitar tu credencial.",
    }
    data.update(overrides)
    return data


def test_attachments_survive_a_form_error_and_are_saved_on_the_fixed_submission(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.admin)
    attachments = [
        SimpleUploadedFile("cartel.pdf", minimal_pdf_bytes()),
        SimpleUploadedFile("b.pdf", minimal_pdf_bytes()),
    ]

    response = client.post(NEW, consultation_post(cast, question="", attachments=attachments))

    assert response.status_code == 200
    assert "question" in response.context["form"].errors
    assert "Se conservan los anexos: cartel.pdf (" in response.content.decode()
    token = response.context["form"].data["attachments_kept"]

    response = client.post(NEW, consultation_post(cast, attachments_kept=token))

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert sorted(a.original_name for a in consultation.attachments.all()) == ["b.pdf", "cartel.pdf"]
    assert not any((tmp_path / "kept").iterdir())


def test_an_attachment_of_a_refused_type_is_not_kept(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.admin)

    response = client.post(
        NEW, consultation_post(cast, question="", attachments=[SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf")])
    )

    form = response.context["form"]
    assert "attachments" in form.errors
    assert form.data["attachments_kept"] == ""


def test_another_person_cannot_use_the_kept_attachments(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.admin)
    response = client.post(
        NEW, consultation_post(cast, question="", attachments=[SimpleUploadedFile("a.pdf", minimal_pdf_bytes())])
    )
    token = response.context["form"].data["attachments_kept"]
    client.force_login(cast.suplente)

    client.post(NEW, consultation_post(cast, attachments_kept=token))

    assert Consultation.objects.get().attachments.count() == 0
