"""Exactly once under real concurrency: several workers sweeping the same rows at once on
PostgreSQL, each thread with its own connection, and a worker dying with a batch claimed."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts import rotation
from accounts import services as account_services
from accounts.models import Account, PasswordReminder
from accounts.tests.concurrency import run_together
from accounts.tests.factories import AccountFactory
from consultations import services
from consultations.models import Consultation, ConsultationEvent
from notifications.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4


def in_threads(*targets):
    """Run each target at once in its own thread; return the results (None where it raised)
    and the exceptions."""
    outcomes = run_together(*targets)
    return [v if kind == "ok" else None for kind, v in outcomes], [v for kind, v in outcomes if kind == "error"]


def make_due(cast, n: int) -> tuple[list[Consultation], timezone.datetime]:
    submitted = timezone.now() - timedelta(hours=60)
    due = services.deadline_for(submitted)
    rows = Consultation.objects.bulk_create(
        Consultation(
            account=cast.account,
            kind=Consultation.Kind.INFORMATION,
            question=f"Pregunta {i}",
            subject_text="¿?",
            requested_by=cast.admin,
            submitted_at=submitted + timedelta(seconds=i),
            due_at=due + timedelta(seconds=i),
            next_reminder_at=due + timedelta(seconds=i) - timedelta(hours=24),
        )
        for i in range(n)
    )
    return rows, due


def assert_each_once(kind: str, n: int, recipients_each: int):
    events = ConsultationEvent.objects.filter(kind=kind)
    assert events.count() == n
    assert events.values("consultation").distinct().count() == n
    notes = Notification.objects.filter(kind=f"consultation.{kind}")
    assert notes.count() == n * recipients_each
    assert max(Counter(notes.values_list("recipient", "url")).values()) == 1


def test_four_workers_expiring_at_once_expire_each_consultation_once(cast):
    rows, due = make_due(cast, 300)
    now = due + timedelta(minutes=10)
    results, errors = in_threads(*[lambda: services.expire_due_consultations(now=now, batch_size=25)] * WORKERS)
    assert errors == []
    assert sum(results) == 300
    assert sum(1 for r in results if r) > 1, f"only one worker got rows: {results}"
    assert not Consultation.objects.filter(status=Consultation.Status.OPEN).exists()
    assert_each_once("expired", 300, recipients_each=3)  # the requester (titular admin), the suplente, CNCS
    # A double sweep afterwards finds nothing.
    assert services.expire_due_consultations(now=now) == 0
    assert_each_once("expired", 300, recipients_each=3)


def test_four_workers_reminding_at_once_remind_each_threshold_once(cast):
    rows, due = make_due(cast, 300)
    now = due + timedelta(seconds=300) - timedelta(hours=24)
    results, errors = in_threads(*[lambda: services.send_due_reminders(now=now, batch_size=25)] * WORKERS)
    assert errors == []
    assert sum(results) == 300
    assert_each_once("reminder", 300, recipients_each=1)
    assert services.send_due_reminders(now=now) == 0


def test_a_worker_that_dies_holding_a_batch_blocks_no_one_and_its_batch_is_swept_later(cast):
    rows, due = make_due(cast, 120)
    now = due + timedelta(minutes=10)
    real = services.notify_many
    claimed, release = threading.Event(), threading.Event()

    def notify_many(messages):
        if threading.current_thread().name == "doomed":
            claimed.set()
            release.wait(timeout=30)
            raise RuntimeError("worker killed")
        return real(messages)

    outcome = {}

    def doomed():
        try:
            services.expire_due_consultations(now=now, batch_size=50)
        except RuntimeError as exc:
            outcome["doomed"] = exc
        finally:
            connection.close()

    with mock.patch.object(services, "notify_many", notify_many):
        thread = threading.Thread(target=doomed, name="doomed")
        thread.start()
        assert claimed.wait(timeout=30)
        # While the doomed worker holds its 50 rows, another worker sweeps the rest at once
        # (SKIP LOCKED) instead of waiting for it.
        results, errors = in_threads(lambda: services.expire_due_consultations(now=now, batch_size=50))
        assert errors == []
        assert results == [70]
        release.set()
        thread.join(timeout=30)
    assert isinstance(outcome.get("doomed"), RuntimeError)
    # Its batch rolled back as if never claimed; the next sweep takes it.
    assert Consultation.objects.filter(status=Consultation.Status.OPEN).count() == 50
    assert services.expire_due_consultations(now=now) == 50
    assert_each_once("expired", 120, recipients_each=3)


def test_an_answer_racing_the_expiry_sweep_ends_in_exactly_one_outcome(cast):
    consultations = [
        services.open_consultation(
            account_id=cast.account.pk, by=cast.admin, kind="information", question=f"#{i}", subject_text="x"
        )
        for i in range(40)
    ]
    sweep_now = max(c.due_at for c in consultations)

    def answer_all():
        answered = 0
        for c in consultations:
            try:
                services.answer_consultation(
                    consultation_id=c.pk, by=cast.cncs, answer="information_provided", answer_text="Dato"
                )
                answered += 1
            except ValidationError:
                pass
        return answered

    results, errors = in_threads(answer_all, lambda: services.expire_due_consultations(now=sweep_now, batch_size=5))
    assert errors == []
    assert sum(results) == 40
    statuses = Counter(Consultation.objects.values_list("status", flat=True))
    assert statuses[Consultation.Status.OPEN] == 0
    assert statuses[Consultation.Status.ANSWERED] == results[0]
    for c in Consultation.objects.prefetch_related("events"):
        kinds = {e.kind for e in c.events.all()}
        assert len(kinds & {ConsultationEvent.Kind.ANSWERED, ConsultationEvent.Kind.EXPIRED}) == 1


def test_two_cncs_answering_at_once_only_one_wins(cast):
    c = services.open_consultation(
        account_id=cast.account.pk, by=cast.admin, kind="pertinence", question="¿?", subject_text="x"
    )

    def answer(kind):
        return lambda: services.answer_consultation(consultation_id=c.pk, by=cast.cncs, answer=kind)

    results, errors = in_threads(answer("publish"), answer("do_not_publish"))
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert ConsultationEvent.objects.filter(kind="answered").count() == 1
    assert Notification.objects.filter(kind="consultation.answered").count() == 2


def test_a_consultation_racing_the_accounts_closure_is_never_opened_after_it(cast, monkeypatch):
    # The consultation pauses after reading the account, and the closure starts meanwhile:
    # with the account row locked the closure waits, or the consultation sees it closed.
    check = services.access.can_operate_account

    def paused_check(*args, **kwargs):
        result = check(*args, **kwargs)
        time.sleep(0.5)
        return result

    def close_a_moment_later():
        time.sleep(0.1)
        return account_services.change_account_status(
            account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs
        )

    monkeypatch.setattr(services.access, "can_operate_account", paused_check)
    results = run_together(
        lambda: services.open_consultation(
            account_id=cast.account.pk, by=cast.admin, kind="information", question="¿?", subject_text="x"
        ),
        close_a_moment_later,
    )
    assert results[1][0] == "ok", results
    account = Account.objects.get(pk=cast.account.pk)
    assert account.status == Account.Status.CLOSED
    if results[0][0] == "error":
        assert isinstance(results[0][1], ValidationError) and "está cerrada" in results[0][1].messages[0]
    assert not Consultation.objects.filter(account=account, submitted_at__gte=account.closed_at).exists(), (
        "a consultation opened on an account that was already closed"
    )


def test_four_workers_sending_password_reminders_at_once_send_each_once(cast):
    today = timezone.localdate()
    Account.objects.filter(pk__in=[cast.account.pk, cast.other_account.pk]).update(
        password_rotation_due_on=today + timedelta(days=60)
    )
    for _ in range(60):
        AccountFactory(organ=cast.organ, network=cast.network, password_rotation_due_on=today - timedelta(days=7))
    results, errors = in_threads(*[lambda: rotation.send_password_reminders(batch_size=10)] * WORKERS)
    assert errors == []
    assert sum(results) == 60
    assert PasswordReminder.objects.count() == 60
    notes = Notification.objects.filter(kind="password.overdue")
    assert notes.count() == 60 * 4  # two administrators, the organ's titular, CNCS
    assert max(Counter(notes.values_list("recipient", "url")).values()) == 1
    assert rotation.send_password_reminders() == 0
