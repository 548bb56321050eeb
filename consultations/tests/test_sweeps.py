from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import Group
from accounts.tests.factories import UserFactory
from consultations import services
from consultations.models import Consultation, ConsultationEvent
from notifications.models import Notification

from .conftest import mx

pytestmark = pytest.mark.django_db

SUBMITTED = mx(2026, 3, 10, 9, 30)
DUE = mx(2026, 3, 12, 9, 30)
MINUTE = timedelta(minutes=1)


def reminders_of(c: Consultation) -> list[int]:
    return list(c.events.filter(kind=ConsultationEvent.Kind.REMINDER).values_list("hours_left", flat=True))


def notes(kind: str):
    return Notification.objects.filter(kind=kind)


# --- Reminders to CNCS -------------------------------------------------------------------


@pytest.mark.parametrize("hours_left", [24, 4])
def test_no_reminder_a_minute_before_its_threshold(open_consultation, hours_left):
    c = open_consultation(SUBMITTED)
    if hours_left == 4:
        services.send_due_reminders(now=DUE - timedelta(hours=24))
    before = reminders_of(c)
    assert services.send_due_reminders(now=DUE - timedelta(hours=hours_left) - MINUTE) == 0
    assert reminders_of(c) == before


@pytest.mark.parametrize("hours_left", [24, 4])
def test_the_reminder_goes_to_cncs_at_its_threshold(cast, open_consultation, hours_left):
    c = open_consultation(SUBMITTED)
    if hours_left == 4:
        services.send_due_reminders(now=DUE - timedelta(hours=24))
    Notification.objects.all().delete()
    assert services.send_due_reminders(now=DUE - timedelta(hours=hours_left)) == 1
    assert hours_left in reminders_of(c)
    sent = notes("consultation.reminder").get()
    assert sent.recipient == cast.cncs
    assert f"Quedan {hours_left} horas" in sent.title
    assert "12/03/2026 09:30" in sent.body


def test_each_reminder_is_sent_once(open_consultation):
    c = open_consultation(SUBMITTED)
    for minutes in range(0, 24 * 60, 17):  # beat ticking through the last day
        services.send_due_reminders(now=DUE - timedelta(hours=24) + timedelta(minutes=minutes))
    assert sorted(reminders_of(c)) == [4, 24]
    assert notes("consultation.reminder").count() == 2
    c.refresh_from_db()
    assert c.next_reminder_at is None


def test_a_late_sweep_sends_only_the_most_urgent_reminder(open_consultation):
    c = open_consultation(SUBMITTED)
    assert services.send_due_reminders(now=DUE - timedelta(hours=3)) == 1
    assert reminders_of(c) == [4]
    assert services.send_due_reminders(now=DUE - timedelta(hours=2)) == 0


def test_every_cncs_person_is_reminded(cast, open_consultation):
    second = UserFactory(username="cncs2", groups=[Group.CNCS])
    open_consultation(SUBMITTED)
    services.send_due_reminders(now=DUE - timedelta(hours=24))
    assert set(notes("consultation.reminder").values_list("recipient", flat=True)) == {cast.cncs.pk, second.pk}


def test_no_reminder_once_answered(cast, open_consultation):
    c = open_consultation(SUBMITTED, kind=Consultation.Kind.PERTINENCE)
    with time_machine.travel(DUE - timedelta(hours=30), tick=False):
        services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=Consultation.Answer.PUBLISH)
    assert services.send_due_reminders(now=DUE - timedelta(hours=4)) == 0


def test_no_reminder_once_the_term_is_over(open_consultation):
    c = open_consultation(SUBMITTED)
    assert services.send_due_reminders(now=DUE) == 0
    assert reminders_of(c) == []


def test_the_thresholds_are_configurable(settings, open_consultation):
    settings.CONSULTATION_REMINDERS_HOURS_LEFT = [36, 1]
    c = open_consultation(SUBMITTED)
    assert services.send_due_reminders(now=DUE - timedelta(hours=36) - MINUTE) == 0
    assert services.send_due_reminders(now=DUE - timedelta(hours=36)) == 1
    assert services.send_due_reminders(now=DUE - timedelta(hours=1)) == 1
    assert sorted(reminders_of(c)) == [1, 36]


def test_a_threshold_already_reminded_is_not_reminded_again_after_a_configuration_change(settings, open_consultation):
    c = open_consultation(SUBMITTED)
    services.send_due_reminders(now=DUE - timedelta(hours=24))
    settings.CONSULTATION_REMINDERS_HOURS_LEFT = [24, 12]
    Consultation.objects.filter(pk=c.pk).update(next_reminder_at=DUE - timedelta(hours=20))
    assert services.send_due_reminders(now=DUE - timedelta(hours=20)) == 0
    assert services.send_due_reminders(now=DUE - timedelta(hours=12)) == 1
    assert sorted(reminders_of(c)) == [12, 24]


# --- Expiry: the 48-hour boundary ---------------------------------------------------------


def test_not_expired_a_minute_before_the_deadline(open_consultation):
    c = open_consultation(SUBMITTED)
    assert services.expire_due_consultations(now=DUE - MINUTE) == 0
    c.refresh_from_db()
    assert c.status == Consultation.Status.OPEN


@pytest.mark.parametrize("late", [timedelta(0), MINUTE])
def test_expired_at_and_after_the_deadline(open_consultation, late):
    c = open_consultation(SUBMITTED)
    assert services.expire_due_consultations(now=DUE + late) == 1
    c.refresh_from_db()
    assert c.status == Consultation.Status.EXPIRED
    assert c.expired_at == DUE + late
    assert c.next_reminder_at is None
    assert c.events.get(kind=ConsultationEvent.Kind.EXPIRED).at == DUE


def test_expiry_notifies_the_administrators_with_the_inetel_text_and_cncs(cast, open_consultation):
    open_consultation(SUBMITTED, by=cast.suplente)
    services.expire_due_consultations(now=DUE)
    expired = notes("consultation.expired")
    assert set(expired.values_list("recipient__username", flat=True)) == {"admin_suplente", "admin_titular", "cncs"}
    organ_side = expired.get(recipient=cast.suplente).body
    assert "INETEL" in organ_side and "Plataforma Nacional de Transparencia" in organ_side
    assert "venció el 12/03/2026 09:30" in expired.get(recipient=cast.cncs).body


def test_answered_consultations_never_expire(cast, open_consultation):
    c = open_consultation(SUBMITTED, kind=Consultation.Kind.PERTINENCE)
    with time_machine.travel(DUE - MINUTE, tick=False):
        services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=Consultation.Answer.PUBLISH)
    assert services.expire_due_consultations(now=DUE + timedelta(days=5)) == 0


def test_only_due_consultations_expire(open_consultation):
    due = open_consultation(SUBMITTED)
    later = open_consultation(SUBMITTED + timedelta(hours=1))
    assert services.expire_due_consultations(now=DUE + timedelta(minutes=30)) == 1
    assert set(Consultation.objects.filter(status="expired").values_list("pk", flat=True)) == {due.pk}
    assert Consultation.objects.get(pk=later.pk).status == Consultation.Status.OPEN


# --- Exactly once -------------------------------------------------------------------------


def test_a_second_sweep_finds_nothing_and_sends_nothing(open_consultation):
    for hour in range(3):
        open_consultation(SUBMITTED + timedelta(hours=hour))
    assert services.expire_due_consultations(now=DUE + timedelta(hours=5)) == 3
    sent = Notification.objects.count()
    assert services.expire_due_consultations(now=DUE + timedelta(hours=5)) == 0
    assert services.expire_due_consultations(now=DUE + timedelta(hours=6)) == 0
    assert Notification.objects.count() == sent
    assert ConsultationEvent.objects.filter(kind=ConsultationEvent.Kind.EXPIRED).count() == 3


def test_a_sweep_killed_half_way_loses_nothing_and_repeats_nothing(open_consultation):
    for hour in range(5):
        open_consultation(SUBMITTED + timedelta(hours=hour))
    real = services.notify_many
    calls = {"n": 0}

    def dies_on_second_batch(messages):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(messages)

    with mock.patch.object(services, "notify_many", dies_on_second_batch):
        with pytest.raises(RuntimeError):
            services.expire_due_consultations(now=DUE + timedelta(hours=6), batch_size=2)
    # The first batch committed; the batch in flight rolled back as if never claimed.
    assert Consultation.objects.filter(status=Consultation.Status.EXPIRED).count() == 2
    assert services.expire_due_consultations(now=DUE + timedelta(hours=6), batch_size=2) == 3
    assert ConsultationEvent.objects.filter(kind=ConsultationEvent.Kind.EXPIRED).count() == 5
    per_consultation = notes("consultation.expired").values("url").distinct().count()
    assert per_consultation == 5
    assert notes("consultation.expired").count() == 5 * 3  # requester+titular admin (same person), suplente, cncs


def test_a_sweep_works_through_every_batch(open_consultation):
    for minute in range(7):
        open_consultation(SUBMITTED + timedelta(minutes=minute))
    assert services.expire_due_consultations(now=DUE + timedelta(hours=1), batch_size=3) == 7
    assert not Consultation.objects.filter(status=Consultation.Status.OPEN).exists()


@pytest.mark.parametrize("sweep", ["expire", "remind"])
def test_a_sweeps_query_count_does_not_grow_with_its_rows(cast, open_consultation, sweep):
    run = {
        "expire": lambda: services.expire_due_consultations(now=DUE + timedelta(hours=2)),
        "remind": lambda: services.send_due_reminders(now=DUE - timedelta(hours=23)),
    }[sweep]

    def queries_for(n: int) -> tuple[int, int]:
        Consultation.objects.all().delete()
        for i in range(n):
            open_consultation(SUBMITTED + timedelta(seconds=i))
        with CaptureQueriesContext(connection) as ctx:
            assert run() == n
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
        return len(ctx.captured_queries) - len(inserts), len(inserts)

    few, many = queries_for(2), queries_for(40)
    assert few[0] == many[0]
    # Multi-row INSERTs, split only by the database's limit on bound parameters
    # (999 on SQLite, 65,535 on PostgreSQL): a handful of statements, never one per row.
    assert many[1] <= few[1] + 2
