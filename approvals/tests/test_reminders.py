"""The daily reminder to CNCS of requests waiting longer than the configured days."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.tests.factories import UserFactory
from approvals import services
from approvals.models import AccountRequest
from approvals.tasks import remind_overdue_requests
from approvals.tests import factories
from notifications.models import Notification

MX = ZoneInfo("America/Mexico_City")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=MX)


@pytest.fixture(autouse=True)
def five_days(settings):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 5


def sent_at(cast, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return factories.opening(cast, **kwargs)


def reminders(user=None):
    qs = Notification.objects.filter(kind="approvals.reminder")
    return qs.filter(recipient=user) if user else qs


def test_a_request_waiting_longer_than_the_limit_is_reminded_to_every_cncs_user(cast):
    second = UserFactory(username="cncs2", groups=["Comunicación Social"])
    req = sent_at(cast, MONDAY_9 - timedelta(days=6))

    with time_machine.travel(MONDAY_9, tick=False):
        assert services.send_overdue_reminders() == 1

    for user in (cast.cncs, second):
        note = reminders(user).get()
        assert req.folio in note.body
        assert "6 días en espera" in note.body
        assert note.url == "/solicitudes/tablero/?vencidas=1"
    assert not reminders().exclude(recipient__in=[cast.cncs, second]).exists()
    req.refresh_from_db()
    assert req.last_reminded_on == MONDAY_9.date()


def test_a_request_within_the_limit_is_not_reminded(cast):
    sent_at(cast, MONDAY_9 - timedelta(days=4, hours=23))

    with time_machine.travel(MONDAY_9, tick=False):
        assert services.send_overdue_reminders() == 0

    assert not reminders().exists()


def test_the_reminder_goes_out_once_a_day(cast):
    sent_at(cast, MONDAY_9 - timedelta(days=6))

    with time_machine.travel(MONDAY_9, tick=False):
        services.send_overdue_reminders()
    with time_machine.travel(MONDAY_9 + timedelta(hours=10), tick=False):
        assert services.send_overdue_reminders() == 0
    assert reminders(cast.cncs).count() == 1

    with time_machine.travel(MONDAY_9 + timedelta(days=1), tick=False):
        assert services.send_overdue_reminders() == 1
    assert reminders(cast.cncs).count() == 2


def test_the_day_is_the_mexico_city_day(cast):
    sent_at(cast, MONDAY_9 - timedelta(days=6))

    # 23:30 in Mexico City is already the next day in UTC; it is still the same local day.
    with time_machine.travel(datetime(2026, 3, 2, 7, 0, tzinfo=MX), tick=False):
        services.send_overdue_reminders()
    with time_machine.travel(datetime(2026, 3, 2, 23, 30, tzinfo=MX), tick=False):
        assert services.send_overdue_reminders() == 0


def test_several_overdue_requests_make_one_reminder_per_person(cast):
    first = sent_at(cast, MONDAY_9 - timedelta(days=9))
    second = sent_at(cast, MONDAY_9 - timedelta(days=7), proposed_handle="INEOtra")

    with time_machine.travel(MONDAY_9, tick=False):
        assert services.send_overdue_reminders() == 2

    note = reminders(cast.cncs).get()
    assert "2 solicitudes" in note.title
    assert note.body.index(first.folio) < note.body.index(second.folio)


@pytest.mark.parametrize("decision", ["approve", "reject", "return", "withdraw"])
def test_a_resolved_request_is_not_reminded(cast, decision):
    req = sent_at(cast, MONDAY_9 - timedelta(days=6))
    with time_machine.travel(MONDAY_9 - timedelta(days=1), tick=False):
        if decision == "approve":
            services.approve_request(request_id=req.pk, by=cast.cncs)
        elif decision == "reject":
            services.reject_request(request_id=req.pk, by=cast.cncs, reason="No procede.")
        elif decision == "return":
            services.return_request(request_id=req.pk, by=cast.cncs, comment="Corrija.")
        else:
            services.withdraw_request(request_id=req.pk, by=cast.titular)

    with time_machine.travel(MONDAY_9, tick=False):
        assert services.send_overdue_reminders() == 0


def test_a_resubmitted_request_counts_from_its_new_submission(cast):
    req = sent_at(cast, MONDAY_9 - timedelta(days=10))
    with time_machine.travel(MONDAY_9 - timedelta(days=2), tick=False):
        services.return_request(request_id=req.pk, by=cast.cncs, comment="Corrija.")
        services.submit_request(request_id=req.pk, by=cast.titular)

    with time_machine.travel(MONDAY_9, tick=False):
        assert services.send_overdue_reminders() == 0


def test_a_row_claimed_by_another_worker_today_is_skipped(cast):
    req = sent_at(cast, MONDAY_9 - timedelta(days=6))
    # Another worker claimed it moments ago (the conditional UPDATE already happened).
    AccountRequest.objects.filter(pk=req.pk).update(last_reminded_on=MONDAY_9.date())

    with time_machine.travel(MONDAY_9, tick=False):
        assert services.send_overdue_reminders() == 0

    assert not reminders().exists()


def test_the_celery_task_sends_the_reminder(cast):
    sent_at(cast, MONDAY_9 - timedelta(days=6))

    with time_machine.travel(MONDAY_9, tick=False):
        assert remind_overdue_requests.delay().get() == 1
        assert remind_overdue_requests.delay().get() == 0


def test_the_task_is_scheduled_daily_in_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["approvals-remind-overdue-requests"]

    assert entry["task"] == "approvals.tasks.remind_overdue_requests"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})  # before the 08:00 digest
