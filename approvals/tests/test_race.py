"""Two CNCS people deciding the same request at once, on PostgreSQL with real connections.

Each thread has its own database connection. The services hold the row lock while they
write notifications; a short pause there (patched ``notify``) widens the window so the
second decision arrives while the first transaction is still open.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from accounts.models import Account
from accounts.tests.concurrency import run_together
from accounts.tests.factories import UserFactory
from approvals import services
from approvals.models import AccountRequest, RequestTransition
from approvals.tests import factories
from notifications.models import Notification
from notifications.services import notify as real_notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Status = AccountRequest.Status


def slow_notify(*args, **kwargs):
    time.sleep(0.3)
    return real_notify(*args, **kwargs)


@pytest.fixture
def two_cncs(cast):
    return cast.cncs, UserFactory(
        username="cncs_b", first_name="Rosa", last_name="Díaz", groups=["Comunicación Social"]
    )


@pytest.fixture
def slow(monkeypatch):
    monkeypatch.setattr(services, "notify", slow_notify)


def test_approve_and_reject_at_once_record_exactly_one_decision(cast, two_cncs, slow):
    req = factories.opening(cast)
    first, second = two_cncs

    results = run_together(
        lambda: services.approve_request(request_id=req.pk, by=first, comment="Procede."),
        lambda: services.reject_request(request_id=req.pk, by=second, reason="No procede."),
    )

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, services.AlreadyResolved)
    req.refresh_from_db()
    winner = req.decided_by
    assert f"Esta solicitud ya fue resuelta por {winner.get_full_name()}" in loser.messages[0]
    assert req.status in (Status.APPROVED, Status.REJECTED)
    decisions = RequestTransition.objects.filter(request=req, from_status=Status.SUBMITTED)
    assert decisions.count() == 1
    assert decisions.get().by == winner
    assert (
        Notification.objects.filter(kind__in=["approvals.approved", "approvals.rejected"])
        .values("kind")
        .distinct()
        .count()
        == 1
    )
    assert Account.objects.filter(handle="INENueva").count() == (1 if req.status == Status.APPROVED else 0)


def test_two_approvals_at_once_create_one_account(cast, two_cncs, slow):
    req = factories.opening(cast)
    first, second = two_cncs

    results = run_together(
        lambda: services.approve_request(request_id=req.pk, by=first),
        lambda: services.approve_request(request_id=req.pk, by=second),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert Account.objects.filter(handle="INENueva").count() == 1
    assert RequestTransition.objects.filter(request=req, to_status=Status.APPROVED).count() == 1
    assert Notification.objects.filter(recipient=cast.unicom, kind="approvals.mailbox_needed").count() == 1


def test_a_decision_racing_a_withdrawal_leaves_one_outcome(cast, two_cncs, slow):
    # A rejection is final, so whichever runs second must be refused. (A *return* racing a
    # withdrawal may legitimately see both succeed one after the other: a returned request
    # can still be withdrawn.)
    req = factories.opening(cast)

    results = run_together(
        lambda: services.reject_request(request_id=req.pk, by=two_cncs[0], reason="No procede."),
        lambda: services.withdraw_request(request_id=req.pk, by=cast.titular),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    req.refresh_from_db()
    assert req.status in (Status.REJECTED, Status.WITHDRAWN)
    assert RequestTransition.objects.filter(request=req, from_status=Status.SUBMITTED).count() == 1


def test_two_reminder_workers_at_once_remind_once(cast, settings, slow):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 5
    req = factories.opening(cast)
    AccountRequest.objects.filter(pk=req.pk).update(submitted_at=req.submitted_at - timedelta(days=6))

    results = run_together(services.send_overdue_reminders, services.send_overdue_reminders)

    assert sorted(value for _, value in results) == [0, 1], results
    assert Notification.objects.filter(recipient=cast.cncs, kind="approvals.reminder").count() == 1
