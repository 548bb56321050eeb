"""§7.viii on evaluations, one rule (``Evaluation.carries_abandoned_flag``): the flag recorded
on the evaluation, or the account's flag while the semester runs. The page, the reports and
the issued record agree; a past semester opened late neither takes today's flag nor
evaluates accounts that did not exist yet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory, active_since
from evaluations import reports, services
from evaluations.models import Evaluation
from evaluations.tests.conftest import all_values

pytestmark = pytest.mark.django_db


def flag(account, when=None):
    Account.objects.filter(pk=account.pk).update(flagged_abandoned_at=when or timezone.now())


def unflag(account):
    Account.objects.filter(pk=account.pk).update(flagged_abandoned_at=None)


@pytest.fixture
def veterans(cast):
    """The cast's accounts, active for two years (they existed in the previous semester)."""
    for account in (cast.account, cast.other_account):
        active_since(account, timezone.now() - timedelta(days=730))


def previous_semester():
    year, half = services.current_semester()
    return (year, 1) if half == 2 else (year - 1, 2)


def test_the_rule_counts_a_recorded_flag_whatever_the_date(evaluation):
    evaluation.was_flagged_abandoned = True
    assert evaluation.carries_abandoned_flag(None, date(2100, 1, 1))


def test_the_rule_counts_the_account_s_flag_only_while_the_semester_runs(evaluation):
    period = evaluation.period
    flagged = timezone.now()
    assert evaluation.carries_abandoned_flag(flagged, period.ends_on)
    assert not evaluation.carries_abandoned_flag(flagged, period.ends_on + timedelta(days=1))
    assert not evaluation.carries_abandoned_flag(None, period.ends_on)


def test_the_nightly_sweep_records_a_flag_raised_during_the_semester(cast, evaluation):
    flag(cast.account)

    assert services.record_abandoned_flags() == 1
    unflag(cast.account)  # activity recorded later: the account loses the flag …

    evaluation.refresh_from_db()
    assert evaluation.was_flagged_abandoned  # … the semester's evaluation keeps it
    assert services.record_abandoned_flags() == 0  # and a second run changes nothing


def test_the_sweep_leaves_issued_evaluations_and_past_semesters_alone(cast, veterans, issued, version):
    year, half = previous_semester()
    past, _ = services.open_period(year=year, half=half, by=cast.cncs)
    flag(cast.account)

    assert services.record_abandoned_flags() == 0
    assert not Evaluation.objects.filter(was_flagged_abandoned=True).exists()
    assert past.evaluations.exists()


def test_the_page_and_the_reports_agree_after_the_sweep(client, cast, evaluation):
    flag(cast.account)
    services.record_abandoned_flags()
    unflag(cast.account)
    client.force_login(cast.cncs)

    page = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    summary = reports.national_summary(Evaluation.objects.filter(period=evaluation.period), limit=60)

    assert page.context["abandoned"] is True
    assert summary.abandoned == 1


def test_issuing_takes_the_flag_of_the_running_semester(cast, evaluation):
    flag(cast.account)
    services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))

    evaluation.refresh_from_db()
    assert evaluation.was_flagged_abandoned


def test_a_past_semester_opened_late_does_not_take_today_s_flag(cast, veterans, version):
    flag(cast.account)
    year, half = previous_semester()

    period, _ = services.open_period(year=year, half=half, by=cast.cncs)

    assert not period.evaluations.get(account=cast.account).was_flagged_abandoned


def test_a_past_semester_opened_late_leaves_out_accounts_that_did_not_exist_then(cast, veterans, version):
    year, half = previous_semester()
    newcomer = AccountFactory(organ=cast.organ, network=cast.network, handle="CuentaNueva")
    Account.objects.filter(pk=newcomer.pk).update(activated_at=timezone.now(), created_at=timezone.now())

    period, _ = services.open_period(year=year, half=half, by=cast.cncs)

    evaluated = set(period.evaluations.values_list("account_id", flat=True))
    assert newcomer.pk not in evaluated
    assert cast.account.pk in evaluated
