"""Two people confirming the same account, two sweeps sending the same reminder, two runs of the
outcome at once: on PostgreSQL with real connections, exactly one wins each time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account, AccountStatusChange
from accounts.tests.concurrency import run_together
from notifications.models import Notification
from onboarding import regularisation
from onboarding.models import Regularisation, RegularisationReminder

from .regularisation_factories import complete, imported_account, national_deadline

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _start():
    return (timezone.localtime() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)


def test_two_people_confirming_the_purpose_at_once_one_wins(cast):
    account = imported_account(cast.organ, cast.network)
    results = run_together(
        lambda: regularisation.confirm_purpose(account_id=account.pk, by=cast.titular),
        lambda: regularisation.confirm_purpose(account_id=account.pk, by=cast.admin),
    )
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, ValidationError) and "ya lo confirmó" in error.messages[0]
    r = Regularisation.objects.get(account=account)
    [winner] = [value for kind, value in results if kind == "ok"]
    assert r.purpose_confirmed_by_id == winner.purpose_confirmed_by_id
    assert r.history.filter(purpose_confirmed_at__isnull=False).count() == 1


def test_two_sweeps_send_a_reminder_once(cast):
    start = _start()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate() + timedelta(days=7), cast.cncs)
        sweep = regularisation.send_regularisation_reminders
        results = run_together(sweep, sweep, sweep)
    assert [kind for kind, _ in results] == ["ok"] * 3, results
    assert sorted(value for _, value in results) == [0, 0, 1]
    assert Notification.objects.filter(kind="onboarding.reminder", recipient=cast.titular).count() == 1
    assert set(RegularisationReminder.objects.values_list("days_before", flat=True)) == {7, 14}


def test_two_runs_of_the_outcome_at_once_decide_each_account_once(cast):
    start = _start()
    with time_machine.travel(start, tick=False):
        done = imported_account(cast.organ, cast.network)
        complete(done, head=cast.titular, admin=cast.admin)
        undone = [imported_account(cast.organ, cast.network) for _ in range(3)]
        imported_account(cast.other_organ, cast.network)
        national_deadline(timezone.localdate(), cast.cncs)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        run = regularisation.close_regularisation
        results = run_together(run, run)
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sum(value for _, value in results) == 5
    assert Account.objects.get(pk=done.pk).status == Account.Status.ACTIVE
    assert all(Account.objects.get(pk=a.pk).status == Account.Status.RECLASSIFIED for a in undone)
    assert AccountStatusChange.objects.filter(to_status__in=["active", "reclassified"]).count() == 5
    assert Notification.objects.filter(kind="onboarding.reclassified", recipient=cast.cncs).count() == 2
    assert Notification.objects.filter(kind="onboarding.regularised", recipient=cast.cncs).count() == 1
