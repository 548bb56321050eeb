"""The weighted score and the semester boundaries (the database constraints are tested with
the services that write through them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.tests.factories import AccountFactory
from evaluations.models import Period, weighted_score


def criterion(weight, scale_min=0, scale_max=4):
    return SimpleNamespace(weight=weight, scale_min=scale_min, scale_max=scale_max)


def test_full_marks_on_every_criterion_score_100():
    assert weighted_score([(criterion(40), 4), (criterion(60), 4)]) == Decimal("100.0")


def test_each_criterion_counts_by_its_weight():
    # 40 × 4/4 + 60 × 0/4 = 40 of 100
    assert weighted_score([(criterion(40), 4), (criterion(60), 0)]) == Decimal("40.0")


def test_a_scale_that_starts_at_one_counts_its_minimum_as_zero():
    assert weighted_score([(criterion(50, 1, 5), 1), (criterion(50, 1, 5), 3)]) == Decimal("25.0")


def test_weights_need_not_add_to_100():
    assert weighted_score([(criterion(1), 4), (criterion(2), 1)]) == Decimal("50.0")


def test_the_score_is_rounded_half_up_to_one_decimal():
    # 1/3 of 100 = 33.333…
    assert weighted_score([(criterion(1, 0, 3), 1)]) == Decimal("33.3")
    # 2/3 of 100 = 66.666…
    assert weighted_score([(criterion(1, 0, 3), 2)]) == Decimal("66.7")


def test_an_unscored_criterion_leaves_no_score():
    assert weighted_score([(criterion(40), 4), (criterion(60), None)]) is None


def test_no_criteria_leave_no_score():
    assert weighted_score([]) is None


@pytest.mark.parametrize(
    ("day", "semester"),
    [
        (date(2026, 1, 1), (2026, 1)),
        (date(2026, 6, 30), (2026, 1)),
        (date(2026, 7, 1), (2026, 2)),
        (date(2026, 12, 31), (2026, 2)),
    ],
)
def test_the_semester_of_a_day(day, semester):
    assert Period.semester_of(day) == semester


def test_the_bounds_of_each_semester():
    assert Period.bounds(2027, 1) == (date(2027, 1, 1), date(2027, 6, 30))
    assert Period.bounds(2027, 2) == (date(2027, 7, 1), date(2027, 12, 31))


@pytest.mark.django_db
def test_work_to_do_is_the_editable_evaluations_of_accounts_not_closed(cast):
    from accounts.models import Account
    from evaluations.models import Evaluation
    from evaluations.tests.factories import EvaluationFactory

    pending = EvaluationFactory(account=cast.account)
    closed = EvaluationFactory(period=pending.period, account=cast.other_account)
    Account.objects.filter(pk=cast.other_account.pk).update(status=Account.Status.CLOSED)
    issued_account = AccountFactory(organ=cast.organ)
    EvaluationFactory(
        period=pending.period, account=issued_account, status="issued", score=50, issued_at=timezone.now()
    )

    assert list(Evaluation.objects.to_do()) == [pending]
    assert closed.status == "pending"


@pytest.mark.django_db
def test_an_issued_evaluation_needs_a_score_and_a_date_in_the_database(cast):
    from django.db import IntegrityError, transaction

    from evaluations.tests.factories import EvaluationFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationFactory(account=cast.account, status="issued")
