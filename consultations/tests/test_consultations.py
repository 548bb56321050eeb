from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Account, LogEntry
from consultations import services
from consultations.models import Consultation, ConsultationEvent
from notifications.models import Notification

from .conftest import mx

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Opening ----------------------------------------------------------------------------


def test_due_at_is_48_hours_after_submission_stored_in_utc(open_consultation):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    assert c.submitted_at == mx(2026, 3, 10, 9, 30)
    assert c.due_at == mx(2026, 3, 12, 9, 30)
    c.refresh_from_db()
    assert c.due_at.utcoffset() == timedelta(0)


def test_the_48_hours_are_elapsed_hours_across_a_daylight_saving_change(open_consultation):
    # Mexico City still observed DST in 2022: clocks went from 2:00 to 3:00 on 3 April.
    c = open_consultation(mx(2022, 4, 2, 10, 0))
    assert c.due_at - c.submitted_at == timedelta(hours=48)
    assert c.due_at == mx(2022, 4, 4, 11, 0)  # 11:00 by the clock: one hour was skipped


def test_first_reminder_is_scheduled_at_24_hours_left(open_consultation):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    assert c.next_reminder_at == mx(2026, 3, 11, 9, 30)


@pytest.mark.parametrize(
    ("thresholds", "expected_hours_left"),
    [([4], 4), ([72, 24, 4], 24), ([48, 4], 4), ([], None)],
)
def test_thresholds_at_or_beyond_the_term_are_skipped(settings, open_consultation, thresholds, expected_hours_left):
    settings.CONSULTATION_REMINDERS_HOURS_LEFT = thresholds
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    if expected_hours_left is None:
        assert c.next_reminder_at is None
    else:
        assert c.next_reminder_at == c.due_at - timedelta(hours=expected_hours_left)


def test_opening_notifies_cncs_with_the_deadline(cast, open_consultation):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    note = Notification.objects.get(recipient=cast.cncs)
    assert note.kind == "consultation.opened"
    assert "12/03/2026 09:30" in note.body
    assert note.url == f"/consultas/{c.pk}/"
    assert not Notification.objects.filter(recipient=cast.admin).exists()


def test_opening_records_the_submitted_event(cast, open_consultation):
    c = open_consultation()
    assert list(c.events.values_list("kind", "actor")) == [(ConsultationEvent.Kind.SUBMITTED, cast.admin.pk)]


@pytest.mark.parametrize("who", ["titular", "staff", "other_admin", "cncs", "outsider"])
def test_only_the_organs_administrators_open_a_consultation(cast, open_consultation, who):
    with pytest.raises(PermissionDenied):
        open_consultation(by=getattr(cast, who))
    assert not Consultation.objects.exists()


def test_the_suplente_opens_one_too(cast, open_consultation):
    assert open_consultation(by=cast.suplente).requested_by == cast.suplente


def test_a_closed_account_takes_no_consultation_and_says_why(cast, open_consultation):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.CLOSED)
    with pytest.raises(ValidationError) as exc:
        open_consultation()
    assert exc.value.messages == ["La cuenta @INEPrueba (X (Twitter)) está cerrada: ya no admite consultas."]
    assert not Consultation.objects.exists()


def test_a_pdf_attachment_is_stored_privately_under_a_name_of_our_own(open_consultation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = open_consultation(attachments=[SimpleUploadedFile("borrador final.pdf", PDF, "text/plain")])
    attachment = c.attachments.get()
    assert attachment.original_name == "borrador final.pdf"
    assert attachment.content_type == "application/pdf"
    assert str(tmp_path) in attachment.file.path
    assert "borrador" not in attachment.file.name


def test_attachments_of_a_consultation_that_rolls_back_leave_no_file_behind(
    open_consultation, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path

    def broken_notify(*args, **kwargs):
        raise RuntimeError("the outbox failed")

    monkeypatch.setattr(services, "notify", broken_notify)
    with pytest.raises(RuntimeError):
        open_consultation(attachments=[SimpleUploadedFile(f"anexo {i}.pdf", PDF, "application/pdf") for i in range(2)])
    assert not Consultation.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_attachment_whose_content_is_not_allowed_is_refused(open_consultation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image at all", "image/png")
    with pytest.raises(ValidationError) as exc:
        open_consultation(attachments=[fake])
    assert "attachments" in exc.value.message_dict
    assert not Consultation.objects.exists()


def test_too_large_an_attachment_is_refused(open_consultation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CONSULTATION_MAX_ATTACHMENT_MB = 1
    big = SimpleUploadedFile("anexo.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError):
        open_consultation(attachments=[big])


# --- Answering: the 48-hour boundary -------------------------------------------------------


def test_cncs_answer_a_minute_before_the_deadline_is_accepted(cast, open_consultation):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    with time_machine.travel(mx(2026, 3, 12, 9, 29), tick=False):
        services.answer_consultation(
            consultation_id=c.pk,
            by=cast.cncs,
            answer=Consultation.Answer.INFORMATION_PROVIDED,
            answer_text="El módulo está en Av. Vallarta 100.",
        )
    c.refresh_from_db()
    assert c.status == Consultation.Status.ANSWERED
    assert c.answered_at == mx(2026, 3, 12, 9, 29)
    assert c.next_reminder_at is None


@pytest.mark.parametrize("minutes_after", [0, 1])
def test_cncs_answer_at_or_after_the_deadline_is_refused(cast, open_consultation, minutes_after):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    with time_machine.travel(mx(2026, 3, 12, 9, 30) + timedelta(minutes=minutes_after), tick=False):
        with pytest.raises(ValidationError, match="venció el 12/03/2026 09:30"):
            services.answer_consultation(
                consultation_id=c.pk, by=cast.cncs, answer=Consultation.Answer.INFORMATION_PROVIDED, answer_text="x"
            )
    c.refresh_from_db()
    assert c.status == Consultation.Status.OPEN  # the sweep, not the refusal, expires it


def test_an_answer_to_an_expired_consultation_is_refused(cast, open_consultation):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    services.expire_due_consultations(now=mx(2026, 3, 12, 9, 30))
    with pytest.raises(ValidationError):
        services.answer_consultation(
            consultation_id=c.pk, by=cast.cncs, answer=Consultation.Answer.INFORMATION_PROVIDED, answer_text="x"
        )


def test_the_answer_notifies_the_requester_and_the_organs_administrators(cast, open_consultation):
    c = open_consultation(by=cast.suplente, kind=Consultation.Kind.PERTINENCE)
    Notification.objects.all().delete()
    services.answer_consultation(
        consultation_id=c.pk,
        by=cast.cncs,
        answer=Consultation.Answer.PUBLISH_WITH_CHANGES,
        answer_text="Sustituya «checa» por «consulta».",
    )
    notes = Notification.objects.filter(kind="consultation.answered")
    assert set(notes.values_list("recipient__username", flat=True)) == {"admin_suplente", "admin_titular"}
    assert "Sustituya «checa» por «consulta»." in notes.first().body


@pytest.mark.parametrize("who", ["admin", "titular", "unicom", "president", "outsider"])
def test_only_cncs_answers(cast, open_consultation, who):
    c = open_consultation()
    with pytest.raises(PermissionDenied):
        services.answer_consultation(
            consultation_id=c.pk, by=getattr(cast, who), answer=Consultation.Answer.DO_NOT_PUBLISH
        )


def test_a_second_answer_is_refused(cast, open_consultation):
    c = open_consultation(kind=Consultation.Kind.PERTINENCE)
    services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=Consultation.Answer.PUBLISH)
    with pytest.raises(ValidationError, match="ya fue respondida"):
        services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=Consultation.Answer.DO_NOT_PUBLISH)
    assert c.events.filter(kind=ConsultationEvent.Kind.ANSWERED).count() == 1


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (Consultation.Kind.PERTINENCE, Consultation.Answer.INFORMATION_PROVIDED),
        (Consultation.Kind.INFORMATION, Consultation.Answer.PUBLISH),
        (Consultation.Kind.INFORMATION, Consultation.Answer.PUBLISH_WITH_CHANGES),
    ],
)
def test_an_answer_that_does_not_fit_the_question_is_refused(cast, open_consultation, kind, answer):
    c = open_consultation(kind=kind)
    with pytest.raises(ValidationError) as exc:
        services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=answer, answer_text="texto")
    assert "answer" in exc.value.message_dict


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (Consultation.Kind.PERTINENCE, Consultation.Answer.PUBLISH_WITH_CHANGES),
        (Consultation.Kind.INFORMATION, Consultation.Answer.INFORMATION_PROVIDED),
    ],
)
def test_changes_and_information_need_their_text(cast, open_consultation, kind, answer):
    c = open_consultation(kind=kind)
    with pytest.raises(ValidationError) as exc:
        services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=answer, answer_text="   ")
    assert "answer_text" in exc.value.message_dict


# --- The notice to the user after expiry -------------------------------------------------


@pytest.fixture
def expired(open_consultation):
    c = open_consultation(mx(2026, 3, 10, 9, 30))
    services.expire_due_consultations(now=mx(2026, 3, 12, 9, 31))
    c.refresh_from_db()
    assert c.status == Consultation.Status.EXPIRED
    return c


def test_the_ready_text_points_to_inetel_and_the_transparency_platform():
    text = services.user_notice_text()
    assert "INETEL" in text and "Plataforma Nacional de Transparencia" in text


def test_sending_the_notice_is_logged_in_the_accounts_bitacora(cast, expired):
    entry = services.send_user_notice(
        consultation_id=expired.pk, by=cast.suplente, text=services.user_notice_text(), link="https://x.com/r/1"
    )
    assert entry.account_id == cast.account.pk
    assert entry.author == cast.suplente
    assert entry.kind == LogEntry.Kind.INFO_REQUEST
    assert "INETEL" in entry.text and f"#{expired.pk}" in entry.text
    expired.refresh_from_db()
    assert expired.user_notice_sent_by == cast.suplente
    assert expired.events.filter(kind=ConsultationEvent.Kind.USER_NOTIFIED).count() == 1


def test_the_notice_is_recorded_once(cast, expired):
    services.send_user_notice(consultation_id=expired.pk, by=cast.admin, text="Texto")
    with pytest.raises(ValidationError, match="ya se había registrado"):
        services.send_user_notice(consultation_id=expired.pk, by=cast.suplente, text="Texto")
    assert LogEntry.objects.filter(account=cast.account).count() == 1


def test_no_notice_while_the_consultation_is_open(cast, open_consultation):
    c = open_consultation()
    with pytest.raises(ValidationError):
        services.send_user_notice(consultation_id=c.pk, by=cast.admin, text="Texto")


@pytest.mark.parametrize("who", ["titular", "cncs", "other_admin"])
def test_only_the_organs_administrators_send_the_notice(cast, expired, who):
    with pytest.raises(PermissionDenied):
        services.send_user_notice(consultation_id=expired.pk, by=getattr(cast, who), text="Texto")


@pytest.mark.parametrize(
    ("kind", "answers"),
    [
        (Consultation.Kind.PERTINENCE, ["publish", "publish_with_changes", "do_not_publish"]),
        (Consultation.Kind.INFORMATION, ["information_provided", "do_not_publish"]),
    ],
)
def test_the_answers_offered_fit_the_question_in_the_usual_order(open_consultation, kind, answers):
    assert [value for value, _ in open_consultation(kind=kind).allowed_answers()] == answers
