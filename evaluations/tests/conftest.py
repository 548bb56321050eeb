"""Fixtures of the evaluation workflow: a published version, the current semester opened by
CNCS (one evaluation per account of the standing cast), and helpers to score and issue."""

from __future__ import annotations

import pytest

from evaluations import services
from evaluations.models import Evaluation
from evaluations.tests.factories import published_version


@pytest.fixture
def version(cast):
    """A published version: three criteria (weights 40, 30, 30; scale 0–4)."""
    return published_version(created_by=cast.president)


@pytest.fixture
def period(cast, version):
    """The current semester, opened by CNCS."""
    year, half = services.current_semester()
    opened, _created = services.open_period(year=year, half=half, by=cast.cncs)
    return opened


@pytest.fixture
def evaluation(cast, period) -> Evaluation:
    """The evaluation of the cast's account (the organ's) in the current period."""
    return Evaluation.objects.get(period=period, account=cast.account)


@pytest.fixture
def other_evaluation(cast, period) -> Evaluation:
    return Evaluation.objects.get(period=period, account=cast.other_account)


def all_values(evaluation: Evaluation, value=3, comment="Cumple.") -> dict[int, tuple[int | None, str]]:
    """A value and comment for every criterion of the evaluation's version."""
    return {c.pk: (value, comment) for c in evaluation.period.criteria.criteria.all()}


@pytest.fixture
def issued(cast, evaluation) -> Evaluation:
    """The organ's evaluation scored 3 of 4 everywhere and issued by CNCS."""
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation), summary="Bien.")
    services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs)
    evaluation.refresh_from_db()
    return evaluation
