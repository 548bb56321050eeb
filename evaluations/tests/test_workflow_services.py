"""The evaluation workflow's transitions and refusals: opening a period, scoring, issuing,
correcting and acknowledging; the history rows and the notifications each one writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory, active_since
from evaluations import services
from evaluations.models import (
    CriteriaVersion,
    Evaluation,
    EvaluationStatus,
    EvaluationStatusChange,
    IssuedVersion,
    Period,
    Score,
)
from evaluations.tests.conftest import all_values
from evaluations.tests.factories import CriteriaVersionFactory, published_version
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def notified(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def history(evaluation) -> list[tuple[str, str, str]]:
    return [
        (c.from_status, c.to_status, c.changed_by.username if c.changed_by else "")
        for c in EvaluationStatusChange.objects.filter(evaluation=evaluation).order_by("changed_at", "id")
    ]


# --- Opening a period ------------------------------------------------------------------------


def test_opening_creates_one_pending_evaluation_per_operated_account_with_empty_scores(cast, version):
    compromised = AccountFactory(organ=cast.organ, status=Account.Status.COMPROMISED)
    AccountFactory(organ=cast.organ, status=Account.Status.CLOSED)
    AccountFactory(organ=cast.organ, status=Account.Status.REQUESTED)

    period, created = services.open_period(year=2026, half=2, by=cast.cncs)

    assert created == 3
    assert set(period.evaluations.values_list("account_id", flat=True)) == {
        cast.account.pk,
        cast.other_account.pk,
        compromised.pk,
    }
    assert period.criteria == version
    assert (period.starts_on.isoformat(), period.ends_on.isoformat()) == ("2026-07-01", "2026-12-31")
    assert period.opened_by == cast.cncs
    evaluation = period.evaluations.get(account=cast.account)
    assert evaluation.status == EvaluationStatus.PENDING
    assert evaluation.organ == cast.organ
    assert evaluation.score is None
    assert list(evaluation.scores.values_list("value", flat=True)) == [None, None, None]
    assert set(evaluation.scores.values_list("criterion_id", flat=True)) == set(
        version.criteria.values_list("pk", flat=True)
    )


def test_opening_copies_the_abandoned_flag(cast, version):
    Account.objects.filter(pk=cast.account.pk).update(flagged_abandoned_at=timezone.now() - timedelta(days=3))
    period, _ = services.open_period(year=2026, half=2, by=cast.cncs)
    flags = dict(period.evaluations.values_list("account_id", "was_flagged_abandoned"))
    assert flags == {cast.account.pk: True, cast.other_account.pk: False}


def test_opening_twice_makes_one_period_and_the_same_evaluations(cast, version):
    first, created = services.open_period(year=2026, half=2, by=cast.cncs)
    before = set(Evaluation.objects.values_list("pk", flat=True))
    AccountFactory(organ=cast.organ)  # activated after the opening: not in this period

    again, created_again = services.open_period(year=2026, half=2)

    assert (created, created_again) == (2, 0)
    assert again == first
    assert Period.objects.count() == 1
    assert set(Evaluation.objects.values_list("pk", flat=True)) == before
    assert Score.objects.count() == 2 * 3


def test_cncs_is_told_once_when_the_period_opens(cast, version):
    services.open_period(year=2026, half=2, by=cast.cncs)
    services.open_period(year=2026, half=2, by=cast.cncs)
    assert notified(services.OPENED_KIND) == {"cncs"}
    assert Notification.objects.filter(kind=services.OPENED_KIND).count() == 1


def test_opening_without_a_published_version_is_refused(cast):
    CriteriaVersionFactory(created_by=cast.president)  # a draft does not count
    with pytest.raises(ValidationError, match="No hay criterios de evaluación publicados"):
        services.open_period(year=2026, half=2, by=cast.cncs)
    assert not Period.objects.exists()
    assert not Evaluation.objects.exists()


def test_the_period_uses_the_version_in_force_when_it_opened(cast):
    old = published_version(created_by=cast.president)
    CriteriaVersion.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=30))
    newer = published_version(created_by=cast.president)
    period, _ = services.open_period(year=2026, half=2, by=cast.cncs)
    assert period.criteria == newer


def test_a_future_semester_is_refused(cast, version):
    with time_machine.travel(datetime(2026, 11, 24, 18, tzinfo=UTC)):
        with pytest.raises(ValidationError, match="aún no empieza"):
            services.open_period(year=2027, half=1, by=cast.cncs)
    assert not Period.objects.exists()


def test_a_past_semester_not_yet_opened_can_be_opened_by_hand(cast):
    # Published before the day the clock is moved to, whatever the real date of the run.
    published_version(created_by=cast.president, published_at=datetime(2026, 1, 2, 18, tzinfo=UTC))
    for account in (cast.account, cast.other_account):
        active_since(account, datetime(2026, 1, 15, 18, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 24, 18, tzinfo=UTC)):
        period, created = services.open_period(year=2026, half=1, by=cast.cncs)
    assert (period.year, period.half, created) == (2026, 1, 2)


@pytest.mark.parametrize("role", ["titular", "admin", "president", "unicom", "outsider"])
def test_only_cncs_opens_a_period_by_hand(cast, version, role):
    with pytest.raises(PermissionDenied):
        services.open_period(year=2026, half=2, by=getattr(cast, role))
    assert not Period.objects.exists()


def test_the_semesters_offered_by_hand_are_the_current_one_and_past_ones_not_opened(cast):
    published_version(created_by=cast.president, published_at=datetime(2026, 1, 2, 18, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 24, 18, tzinfo=UTC)):
        services.open_period(year=2026, half=1, by=cast.cncs)
        assert services.openable_semesters(back=3) == [(2026, 2), (2025, 2), (2025, 1)]


@pytest.mark.parametrize(
    ("moment", "semester"),
    [
        # 05:30 UTC on 1 July is 23:30 on 30 June in Mexico City (UTC−6): still the first semester.
        (datetime(2026, 7, 1, 5, 30, tzinfo=UTC), (2026, 1)),
        (datetime(2026, 7, 1, 6, 10, tzinfo=UTC), (2026, 2)),
        # New Year: 05:59 UTC on 1 January is still 31 December in Mexico City.
        (datetime(2027, 1, 1, 5, 59, tzinfo=UTC), (2026, 2)),
        (datetime(2027, 1, 1, 6, 0, tzinfo=UTC), (2027, 1)),
    ],
)
def test_the_beat_task_opens_the_semester_of_the_mexico_city_date(cast, moment, semester):
    for account in (cast.account, cast.other_account):
        active_since(account, moment - timedelta(days=30))
    with time_machine.travel(moment - timedelta(days=1)):
        published_version(created_by=cast.president)
    with time_machine.travel(moment):
        created = services.open_current_period()
    period = Period.objects.get()
    assert (period.year, period.half) == semester
    assert period.opened_by is None
    assert created == 2


def test_the_beat_task_is_idempotent(cast, version):
    assert services.open_current_period() == 2
    assert services.open_current_period() == 0
    assert Period.objects.count() == 1


def test_the_beat_task_waits_for_published_criteria_without_failing(cast):
    assert services.open_current_period() == 0
    assert not Period.objects.exists()


def test_the_database_refuses_a_second_evaluation_of_an_account_in_a_period(cast, evaluation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(period=evaluation.period, account=cast.account, organ=cast.organ)


def test_the_database_refuses_a_second_period_for_a_semester(cast, period):
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(
            year=period.year,
            half=period.half,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            criteria=period.criteria,
        )


# --- Scoring ---------------------------------------------------------------------------------


def test_the_first_save_moves_pending_to_in_progress_and_records_who(cast, evaluation):
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={}, summary="Empezamos.")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.IN_PROGRESS
    assert evaluation.summary == "Empezamos."
    assert history(evaluation) == [("pending", "in_progress", "cncs")]
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={}, summary="Seguimos.")
    assert len(history(evaluation)) == 1


def test_the_score_is_computed_once_every_criterion_has_a_value(cast, evaluation):
    criteria = list(evaluation.period.criteria.criteria.order_by("position"))  # weights 40, 30, 30
    services.save_scores(
        evaluation_id=evaluation.pk, by=cast.cncs, values={criteria[0].pk: (4, "Diario."), criteria[1].pk: (2, "")}
    )
    evaluation.refresh_from_db()
    assert evaluation.score is None
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={criteria[2].pk: (0, "Tarde.")})
    evaluation.refresh_from_db()
    # 40 × 4/4 + 30 × 2/4 + 30 × 0/4 = 55
    assert evaluation.score == Decimal("55.0")
    assert Score.objects.get(evaluation=evaluation, criterion=criteria[0]).comment == "Diario."


@pytest.mark.parametrize("value", [5, -1, 100])
def test_a_value_outside_the_scale_is_refused_naming_the_criterion(cast, evaluation, value):
    criterion = evaluation.period.criteria.criteria.first()
    with pytest.raises(ValidationError) as refused:
        services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={criterion.pk: (value, "")})
    errors = refused.value.message_dict[services.value_field(criterion.pk)]
    assert errors == [f"«{criterion.name}»: el puntaje va de 0 a 4; {value} está fuera de la escala."]
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PENDING
    assert Score.objects.get(evaluation=evaluation, criterion=criterion).value is None


def test_a_criterion_of_another_version_is_refused(cast, evaluation):
    stranger = published_version(created_by=cast.president).criteria.first()
    with pytest.raises(ValidationError, match="no pertenece a esta evaluación"):
        services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={stranger.pk: (1, "")})


def test_a_nul_character_in_a_comment_is_refused(cast, evaluation):
    criterion = evaluation.period.criteria.criteria.first()
    with pytest.raises(ValidationError) as refused:
        services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={criterion.pk: (1, "a\x00b")})
    assert services.comment_field(criterion.pk) in refused.value.message_dict


@pytest.mark.parametrize("role", ["titular", "admin", "president", "secretary", "unicom", "outsider"])
def test_only_cncs_scores(cast, evaluation, role):
    with pytest.raises(PermissionDenied):
        services.save_scores(evaluation_id=evaluation.pk, by=getattr(cast, role), values=all_values(evaluation))
    assert not Score.objects.filter(evaluation=evaluation, value__isnull=False).exists()


def test_a_closed_account_is_not_evaluated(cast, evaluation):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(ValidationError, match="La cuenta está cerrada desde el"):
        services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))
    with pytest.raises(ValidationError, match="La cuenta está cerrada"):
        services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PENDING
    assert not Evaluation.objects.filter(pk=evaluation.pk).to_do().exists()


# --- Issuing ---------------------------------------------------------------------------------


def test_issuing_with_an_unscored_criterion_is_refused_naming_it(cast, evaluation):
    criteria = list(evaluation.period.criteria.criteria.order_by("position"))
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={criteria[0].pk: (3, "")})
    with pytest.raises(ValidationError) as refused:
        services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs)
    message = " ".join(refused.value.messages)
    assert f"«{criteria[1].name}»" in message and f"«{criteria[2].name}»" in message
    assert f"«{criteria[0].name}»" not in message
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.IN_PROGRESS
    assert not IssuedVersion.objects.exists()
    assert not Notification.objects.filter(kind=services.ISSUED_KIND).exists()


def test_issuing_keeps_a_snapshot_and_tells_the_organ(cast, issued):
    assert issued.status == EvaluationStatus.ISSUED
    assert issued.revision == 1
    assert issued.issued_by == cast.cncs and issued.issued_at is not None
    assert issued.score == Decimal("75.0")
    version = IssuedVersion.objects.get(evaluation=issued)
    assert (version.revision, version.score, version.summary, version.reason) == (1, Decimal("75.0"), "Bien.", "")
    assert [s["value"] for s in version.scores] == [3, 3, 3]
    assert set(version.scores[0]) == {"criterion", "name", "weight", "scale_min", "scale_max", "value", "comment"}
    assert "groups" in version.figures
    assert notified(services.ISSUED_KIND) == {"titular", "admin_titular", "admin_suplente"}
    assert Notification.objects.filter(kind=services.ISSUED_KIND).first().url == f"/evaluaciones/{issued.pk}/"
    assert history(issued) == [("pending", "in_progress", "cncs"), ("in_progress", "issued", "cncs")]


def test_issuing_with_the_values_saves_them_first_in_the_same_step(cast, evaluation):
    services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation, 4), summary="")
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.score) == (EvaluationStatus.ISSUED, Decimal("100.0"))
    assert history(evaluation) == [("pending", "in_progress", "cncs"), ("in_progress", "issued", "cncs")]


def test_issuing_records_the_abandoned_flag_raised_during_the_period(cast, evaluation):
    assert not evaluation.was_flagged_abandoned
    Account.objects.filter(pk=cast.account.pk).update(flagged_abandoned_at=timezone.now())
    services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))
    evaluation.refresh_from_db()
    assert evaluation.was_flagged_abandoned


def test_an_issued_evaluation_cannot_be_edited(cast, issued):
    with pytest.raises(services.InvalidTransition, match="ya se emitió"):
        services.save_scores(evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued, 0), summary="Otra.")
    issued.refresh_from_db()
    assert issued.score == Decimal("75.0") and issued.summary == "Bien."


def test_issuing_twice_is_refused_and_says_who_issued_first(cast, issued):
    with pytest.raises(services.InvalidTransition, match="emisión 1") as refused:
        services.issue_evaluation(evaluation_id=issued.pk, by=cast.cncs)
    assert cast.cncs.get_full_name() and cast.cncs.get_full_name() in str(refused.value)
    assert IssuedVersion.objects.filter(evaluation=issued).count() == 1


def test_only_cncs_issues(cast, evaluation):
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))
    for person in (cast.titular, cast.president, cast.admin):
        with pytest.raises(PermissionDenied):
            services.issue_evaluation(evaluation_id=evaluation.pk, by=person)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.IN_PROGRESS


# --- Acknowledging ---------------------------------------------------------------------------


def test_the_titular_acknowledges_with_a_response_and_cncs_is_told(cast, issued):
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular, response="Atenderemos lo señalado.")
    issued.refresh_from_db()
    assert issued.status == EvaluationStatus.ACKNOWLEDGED
    assert (issued.acknowledged_by, issued.response) == (cast.titular, "Atenderemos lo señalado.")
    assert history(issued)[-1] == ("issued", "acknowledged", "titular")
    assert EvaluationStatusChange.objects.filter(evaluation=issued).last().comment == "Atenderemos lo señalado."
    assert notified(services.ACKNOWLEDGED_KIND) == {"cncs"}


@pytest.mark.parametrize("role", ["admin", "suplente", "staff", "other_titular", "other_admin", "cncs", "president"])
def test_only_the_organs_titular_acknowledges(cast, issued, role):
    with pytest.raises(PermissionDenied, match="Solo la persona titular del órgano evaluado"):
        services.acknowledge_evaluation(evaluation_id=issued.pk, by=getattr(cast, role))
    issued.refresh_from_db()
    assert issued.status == EvaluationStatus.ISSUED


def test_another_organs_titular_cannot_acknowledge_it_even_with_its_id(cast, issued, other_evaluation):
    services.issue_evaluation(evaluation_id=other_evaluation.pk, by=cast.cncs, values=all_values(other_evaluation))
    with pytest.raises(PermissionDenied):
        services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.other_titular)
    services.acknowledge_evaluation(evaluation_id=other_evaluation.pk, by=cast.other_titular)


def test_acknowledging_twice_is_refused_saying_when(cast, issued):
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular)
    with pytest.raises(services.InvalidTransition, match="Ya se acusó recibo de esta evaluación el"):
        services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular, response="Otra vez")
    issued.refresh_from_db()
    assert issued.response == ""
    assert Notification.objects.filter(kind=services.ACKNOWLEDGED_KIND).count() == 1


def test_an_evaluation_not_issued_cannot_be_acknowledged(cast, evaluation):
    with pytest.raises(services.InvalidTransition, match="aún no se emite"):
        services.acknowledge_evaluation(evaluation_id=evaluation.pk, by=cast.titular)


def test_acknowledging_an_issue_already_corrected_is_refused(cast, issued):
    services.correct_evaluation(
        evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued, 2), summary="Bien.", reason="Error de captura."
    )
    with pytest.raises(services.InvalidTransition, match="se corrigió mientras la leía"):
        services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular, revision=1)
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular, revision=2)


# --- Correcting ------------------------------------------------------------------------------


def test_a_correction_reissues_with_the_reason_and_keeps_the_old_issue(cast, issued):
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular, response="Enterados.")
    services.correct_evaluation(
        evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued, 4), summary="Muy bien.", reason="Se revisó."
    )
    issued.refresh_from_db()
    assert issued.status == EvaluationStatus.ISSUED
    assert (issued.revision, issued.score, issued.summary) == (2, Decimal("100.0"), "Muy bien.")
    assert issued.acknowledged_at is None and issued.acknowledged_by is None and issued.response == ""
    versions = list(IssuedVersion.objects.filter(evaluation=issued).order_by("revision"))
    assert [(v.revision, v.score, v.reason) for v in versions] == [
        (1, Decimal("75.0"), ""),
        (2, Decimal("100.0"), "Se revisó."),
    ]
    assert history(issued)[-1] == ("acknowledged", "issued", "cncs")
    assert EvaluationStatusChange.objects.filter(evaluation=issued).last().comment == "Se revisó."
    assert notified(services.CORRECTED_KIND) == {"titular", "admin_titular", "admin_suplente"}


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(cast, issued, reason):
    with pytest.raises(ValidationError) as refused:
        services.correct_evaluation(
            evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued, 4), summary="", reason=reason
        )
    assert "reason" in refused.value.message_dict
    issued.refresh_from_db()
    assert issued.revision == 1


def test_a_correction_that_changes_nothing_is_refused(cast, issued):
    with pytest.raises(ValidationError, match="no hay nada que corregir"):
        services.correct_evaluation(
            evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued), summary="Bien.", reason="Por si acaso."
        )
    assert IssuedVersion.objects.filter(evaluation=issued).count() == 1


def test_a_correction_cannot_leave_a_criterion_unscored(cast, issued):
    values = all_values(issued)
    first = next(iter(values))
    values[first] = (None, "")
    with pytest.raises(ValidationError) as refused:
        services.correct_evaluation(evaluation_id=issued.pk, by=cast.cncs, values=values, summary="", reason="X")
    assert services.value_field(first) in refused.value.message_dict
    assert Score.objects.get(evaluation=issued, criterion_id=first).value == 3


def test_a_correction_out_of_scale_is_refused(cast, issued):
    values = all_values(issued, 9)
    with pytest.raises(ValidationError, match="fuera de la escala"):
        services.correct_evaluation(evaluation_id=issued.pk, by=cast.cncs, values=values, summary="", reason="X")


def test_an_evaluation_not_yet_issued_is_not_corrected(cast, evaluation):
    with pytest.raises(services.InvalidTransition, match="aún no se emite"):
        services.correct_evaluation(
            evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation), summary="", reason="X"
        )


def test_only_cncs_corrects(cast, issued):
    with pytest.raises(PermissionDenied):
        services.correct_evaluation(
            evaluation_id=issued.pk, by=cast.president, values=all_values(issued, 4), summary="", reason="X"
        )


def test_an_evaluation_issued_before_the_account_closed_can_still_be_corrected(cast, issued):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.CLOSED, closed_at=timezone.now())
    services.correct_evaluation(
        evaluation_id=issued.pk, by=cast.cncs, values=all_values(issued, 4), summary="", reason="Error de captura."
    )
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular)
    issued.refresh_from_db()
    assert (issued.revision, issued.status) == (2, EvaluationStatus.ACKNOWLEDGED)
