"""The daily digest: one e-mail per person and day, whatever runs it and how often."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.db import connection

from accounts.access import Group
from accounts.tests.concurrency import run_together
from accounts.tests.factories import UserFactory
from notifications import tasks
from notifications.delivery import STALE_CLAIM
from notifications.digest import DigestsFailed, send_daily_digests
from notifications.models import DigestRun, Notification, NotificationPreference
from notifications.services import notify

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
EVENING = datetime(2026, 3, 10, 18, 30, tzinfo=MX)
NEXT_MORNING = datetime(2026, 3, 11, 8, 0, tzinfo=MX)


def _held(user, kind="consultation.expired", title="Consulta vencida", url="/consultas/7/", at=EVENING):
    with time_machine.travel(at, tick=False):
        [n] = notify([user], kind=kind, title=title, body="Cuerpo", url=url)
    n.refresh_from_db()
    assert n.email_status == "digest"
    return n


def _digests(user):
    return [m for m in mail.outbox if m.to == [user.email] and m.subject.startswith("Resumen diario")]


def test_two_runs_the_same_day_send_one_email(cast, mailoutbox):
    _held(cast.cncs)
    with time_machine.travel(NEXT_MORNING):
        assert send_daily_digests() == 1
    with time_machine.travel(NEXT_MORNING + timedelta(hours=3)):
        assert send_daily_digests() == 0
    assert len(mailoutbox) == 1
    assert DigestRun.objects.get().items == 1


def test_items_of_two_kinds_go_in_one_email_with_time_and_link(cast, mailoutbox):
    first = _held(cast.cncs, title="Consulta 7 vencida", url="/consultas/7/")
    _held(cast.cncs, "approvals.reminder", "3 solicitudes esperan", "/solicitudes/", at=EVENING + timedelta(minutes=5))
    with time_machine.travel(NEXT_MORNING):
        assert send_daily_digests() == 1
    [message] = mailoutbox
    assert message.to == [cast.cncs.email]
    assert message.subject == "Resumen diario de notificaciones del 11/03/2026"
    assert "10/03/2026 18:30 · Consulta vencida sin respuesta: Consulta 7 vencida" in message.body
    assert f"{settings.SITE_URL}/consultas/7/" in message.body
    assert "10/03/2026 18:35 · Recordatorio de solicitudes que esperan resolución: 3 solicitudes esperan" in (
        message.body
    )
    assert f"{settings.SITE_URL}/solicitudes/" in message.body
    assert message.body.index("Consulta 7") < message.body.index("3 solicitudes")  # oldest first
    first.refresh_from_db()
    assert first.email_status == "sent" and first.email_sent_at is not None
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_person_with_nothing_held_gets_no_digest(cast, mailoutbox):
    notify([cast.admin], kind="consultation.expired", title="Inmediata", body="Cuerpo")  # immediate for them
    _held(cast.cncs)
    mailoutbox.clear()
    with time_machine.travel(NEXT_MORNING):
        assert send_daily_digests() == 1
    assert _digests(cast.admin) == []
    assert len(_digests(cast.cncs)) == 1
    assert not DigestRun.objects.filter(user=cast.admin).exists()


def test_a_deactivated_person_gets_no_digest(cast, mailoutbox):
    held = _held(cast.cncs)
    cast.cncs.is_active = False
    cast.cncs.save(update_fields=["is_active"])
    with time_machine.travel(NEXT_MORNING):
        assert send_daily_digests() == 0
    assert mailoutbox == []
    held.refresh_from_db()
    assert held.email_status == "failed"  # nothing left waiting for a former colleague
    assert held.read_at is None  # the in-app row stays


def test_the_next_day_brings_only_the_new_items(cast, mailoutbox):
    _held(cast.cncs, title="Del lunes")
    with time_machine.travel(NEXT_MORNING):
        send_daily_digests()
    _held(cast.cncs, title="Del martes", at=NEXT_MORNING + timedelta(hours=4))
    with time_machine.travel(NEXT_MORNING + timedelta(days=1)):
        assert send_daily_digests() == 1
    first, second = mailoutbox
    assert "Del lunes" in first.body and "Del martes" not in first.body
    assert "Del martes" in second.body and "Del lunes" not in second.body


def test_items_written_after_the_run_wait_for_the_next_day(cast, mailoutbox):
    _held(cast.cncs, title="Antes")
    with time_machine.travel(NEXT_MORNING):
        send_daily_digests()
    late = _held(cast.cncs, title="Después", at=NEXT_MORNING + timedelta(hours=2))
    with time_machine.travel(NEXT_MORNING + timedelta(hours=3)):
        assert send_daily_digests() == 0
    late.refresh_from_db()
    assert late.email_status == "digest"


def test_the_digest_is_only_for_what_the_person_chose(cast, mailoutbox):
    NotificationPreference.objects.create(user=cast.admin, kind="designation.changed", delivery="digest")
    _held(cast.admin, "designation.changed", "Cambio de administradores", "/organos/1/")
    with time_machine.travel(NEXT_MORNING):
        assert send_daily_digests() == 1
    assert "Cambio de administradores" in _digests(cast.admin)[0].body


def test_a_long_digest_lists_the_first_items_and_counts_the_rest(cast, mailoutbox):
    with time_machine.travel(EVENING, tick=False):
        notify([cast.cncs], kind="consultation.expired", title="Vencida", body="Cuerpo")
        for _ in range(204):
            notify([cast.cncs], kind="consultation.expired", title="Vencida", body="Cuerpo")
    with time_machine.travel(NEXT_MORNING):
        send_daily_digests()
    [message] = mailoutbox
    assert message.body.count("Consulta vencida sin respuesta: Vencida") == 200
    assert "Y 5 avisos más" in message.body
    assert not Notification.objects.filter(email_status="digest").exists()


def test_the_day_is_mexico_citys(cast, mailoutbox):
    _held(cast.cncs)
    late_evening = datetime(2026, 3, 11, 23, 30, tzinfo=MX)  # already the 12th in UTC
    with time_machine.travel(late_evening):
        send_daily_digests()
    assert DigestRun.objects.get().day.isoformat() == "2026-03-11"


# --- Failures and claims ------------------------------------------------------------------------


def test_a_failed_digest_releases_its_claim_and_a_retry_sends_it(cast, settings, mailoutbox):
    held = _held(cast.cncs)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with time_machine.travel(NEXT_MORNING), pytest.raises(DigestsFailed):
        send_daily_digests()
    assert not DigestRun.objects.exists()
    held.refresh_from_db()
    assert held.email_status == "digest"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NEXT_MORNING + timedelta(minutes=15)):
        assert send_daily_digests() == 1
    assert len(mailoutbox) == 1


def test_a_digest_whose_send_raises_is_released_and_the_others_still_go(cast, mailoutbox):
    _held(cast.cncs)
    second = UserFactory(groups=[Group.CNCS])
    _held(second)
    real_send = mail.EmailMessage.send

    def refuse_cncs(message, *args, **kwargs):
        if message.to == [cast.cncs.email]:
            raise OSError("550 mailbox unavailable")
        return real_send(message, *args, **kwargs)

    with time_machine.travel(NEXT_MORNING), mock.patch.object(mail.EmailMessage, "send", refuse_cncs):
        with pytest.raises(DigestsFailed):
            send_daily_digests()
    assert [m.to for m in mailoutbox] == [[second.email]]
    assert list(DigestRun.objects.values_list("user", flat=True)) == [second.pk]


def test_a_claim_left_by_a_dead_worker_is_released_later_that_day(cast, mailoutbox):
    _held(cast.cncs)
    DigestRun.objects.create(
        user=cast.cncs,
        day=NEXT_MORNING.date(),
        claimed_at=NEXT_MORNING,
        claim_token="00000000-0000-0000-0000-000000000001",
    )
    with time_machine.travel(NEXT_MORNING + timedelta(minutes=5)):
        assert send_daily_digests() == 0  # the claim is fresh: its worker may still be sending
    with time_machine.travel(NEXT_MORNING + STALE_CLAIM + timedelta(minutes=1)):
        assert send_daily_digests() == 1
    assert len(mailoutbox) == 1


def test_the_task_retries_when_a_digest_failed():
    assert DigestsFailed in tasks.send_notification_digests.autoretry_for


def test_the_beat_sends_the_digests_daily_at_eight_mexico_city():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("send_notification_digests"))
    assert entry["schedule"] == crontab(hour=8, minute=0)
    assert settings.CELERY_TIMEZONE == "America/Mexico_City"
    assert tasks.send_notification_digests.name == entry["task"]


def test_the_beat_task_sends_the_digests(cast, mailoutbox):
    _held(cast.cncs)
    with time_machine.travel(NEXT_MORNING):
        assert tasks.send_notification_digests.delay().get() == 1
    assert len(mailoutbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest_per_person(mailoutbox):
    people = UserFactory.create_batch(3, groups=[Group.CNCS])
    for person in people:
        _held(person)
    with time_machine.travel(NEXT_MORNING):
        results = run_together(send_daily_digests, send_daily_digests, send_daily_digests)
    assert [status for status, _ in results] == ["ok", "ok", "ok"]
    assert sum(sent for _, sent in results) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert DigestRun.objects.filter(sent_at__isnull=False).count() == 3
    connection.close()


def test_a_claim_taken_over_by_another_run_during_a_slow_batch_is_not_sent_twice(cast, mailoutbox):
    """Each claim is renewed just before its e-mail: if another run took it over meanwhile
    (it looked stale), this run leaves it to that one."""
    second = UserFactory(username="cncs2", groups=[Group.CNCS])
    _held(cast.cncs)
    _held(second)
    from notifications import digest

    real_message = digest._message

    def slow_first_send(user, held, day, connection):
        if user.pk == min(cast.cncs.pk, second.pk):  # while the first goes out, another run takes the second
            other = max(cast.cncs.pk, second.pk)
            DigestRun.objects.filter(user_id=other).update(claim_token="00000000-0000-0000-0000-000000000001")
        return real_message(user, held, day, connection)

    with time_machine.travel(NEXT_MORNING), mock.patch.object(digest, "_message", side_effect=slow_first_send):
        assert send_daily_digests() == 1
    assert len(mailoutbox) == 1
    taken = DigestRun.objects.get(user_id=max(cast.cncs.pk, second.pk))
    assert str(taken.claim_token).endswith("1") and taken.sent_at is None


def test_the_stale_request_reminder_runs_before_the_digest():
    reminder = settings.CELERY_BEAT_SCHEDULE["approvals-remind-overdue-requests"]["schedule"]
    digest_schedule = settings.CELERY_BEAT_SCHEDULE["notification-daily-digests"]["schedule"]
    assert isinstance(reminder, crontab) and isinstance(digest_schedule, crontab)
    assert (min(reminder.hour), min(reminder.minute)) < (min(digest_schedule.hour), min(digest_schedule.minute))
