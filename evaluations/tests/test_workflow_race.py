"""Two people (or the beat task and a person) acting at once on PostgreSQL, in real threads:
only one wins, and the loser is told."""

from __future__ import annotations

import pytest

from accounts.tests.concurrency import run_together
from evaluations import services
from evaluations.models import Evaluation, EvaluationStatusChange, IssuedVersion, Period, Score
from evaluations.tests.conftest import all_values

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("people", [2, 4])
def test_issuing_at_once_makes_one_revision(cast, evaluation, people):
    values = all_values(evaluation)
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=values)

    def issue():
        return services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs)

    results = run_together(*[issue for _ in range(people)])

    assert [kind for kind, _ in results].count("ok") == 1
    losers = [value for kind, value in results if kind == "error"]
    assert len(losers) == people - 1
    assert all(isinstance(loser, services.InvalidTransition) for loser in losers), losers
    evaluation.refresh_from_db()
    assert evaluation.revision == 1
    assert IssuedVersion.objects.filter(evaluation=evaluation).count() == 1
    assert EvaluationStatusChange.objects.filter(evaluation=evaluation, to_status="issued").count() == 1


def test_acknowledging_and_correcting_at_once_never_acknowledge_an_unseen_issue(cast, issued):
    def acknowledge():
        return services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular, revision=1)

    def correct():
        return services.correct_evaluation(
            evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued, 4), summary="", reason="Revisión."
        )

    results = run_together(acknowledge, correct)

    assert results[1][0] == "ok", results  # the correction always lands: acknowledged or not, it re-issues
    issued.refresh_from_db()
    assert issued.revision == 2
    # Whichever came first, the organ has not acknowledged the second issue.
    assert issued.acknowledged_at is None


def test_the_beat_task_and_cncs_opening_at_once_make_one_period(cast, version):
    year, half = services.current_semester()

    def by_hand():
        return services.open_period(year=year, half=half, by=cast.cncs)[1]

    results = run_together(services.open_current_period, by_hand)

    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(value for _, value in results) == [0, 2]
    assert Period.objects.count() == 1
    assert Evaluation.objects.count() == 2
    assert Score.objects.count() == 2 * 3
