"""Two people reporting the same hack at once, and two sweeps at once, on PostgreSQL with
real connections. The report locks the account, so the second waits and finds the first."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Account
from accounts.tests.concurrency import run_together
from incidents import services
from incidents.models import Incident
from notifications.models import Notification
from notifications.services import notify as real_notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def slow_notify(*args, **kwargs):
    # Widens the window: the first report still holds its transaction open.
    time.sleep(0.3)
    return real_notify(*args, **kwargs)


def test_two_simultaneous_hack_reports_make_one_incident(cast, monkeypatch):
    monkeypatch.setattr(services, "notify", slow_notify)

    def report(by):
        return lambda: services.report_incident(
            by=by,
            kind=Incident.Kind.HACK,
            account_id=cast.account.pk,
            detected_at=timezone.now() - timedelta(minutes=5),
            description=f"Reporta {by.username}",
        )

    results = run_together(report(cast.admin), report(cast.suplente))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    outcomes = [value for _, value in results]
    assert sorted(o.created for o in outcomes) == [False, True]
    assert outcomes[0].incident.pk == outcomes[1].incident.pk
    assert Incident.objects.count() == 1
    assert Account.objects.get(pk=cast.account.pk).status == Account.Status.COMPROMISED
    # One fan-out: the titular, CNCS and UNICOM once each.
    assert Notification.objects.filter(kind=services.REPORTED_KIND).count() == 3


def test_two_simultaneous_stale_sweeps_notify_once(cast):
    services.report_incident(
        by=cast.admin,
        kind=Incident.Kind.HACK,
        account_id=cast.account.pk,
        detected_at=timezone.now(),
        description="No podemos entrar.",
    )
    later = timezone.now() + timedelta(hours=5)
    with time_machine.travel(later):
        sweep = lambda: services.send_stale_reminders(later)  # noqa: E731
        results = run_together(sweep, sweep)
    assert sorted(value for _, value in results) == [0, 1]
    assert Notification.objects.filter(kind=services.STALE_KIND).count() == 2
