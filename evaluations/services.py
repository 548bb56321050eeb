"""Every write of the evaluation workflow: one function per transition.

Each transition is one transaction: it locks the evaluation (``select_for_update``), re-reads
its state, refuses with a Spanish message when the move is not allowed, claims the move with a
conditional UPDATE on the status (and revision) it read, writes an ``EvaluationStatusChange``
and the notifications in the same transaction. Two people acting at once never both win: the
second waits for the lock and then finds the evaluation already moved.

Decisions:
- A period opens for the accounts *operated* at that moment (active or compromised: a hacked
  account is still the Institute's and its handling of the incident is evaluated).
- CNCS opens by hand the current semester or a past one not yet opened, never a future one.
- A closed account is not evaluated: scoring and issuing its evaluation are refused ("La cuenta
  está cerrada…"); the evaluation stays pending and is not counted as work to do
  (``Evaluation.objects.to_do()``). An evaluation issued before the account closed can still be
  corrected and acknowledged: it is a record of when the account was operated.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from accounts.models import Account, User
from core.formats import local_datetime
from core.validators import validate_multiline_text
from notifications.services import notify

from . import access, figures
from .criteria import version_in_force
from .models import (
    EDITABLE_STATUSES,
    ISSUED_STATUSES,
    Evaluation,
    EvaluationStatus,
    EvaluationStatusChange,
    IssuedVersion,
    Period,
    Score,
    weighted_score,
)

logger = logging.getLogger(__name__)

OPENED_KIND = "evaluations.period_opened"
ISSUED_KIND = "evaluations.issued"
CORRECTED_KIND = "evaluations.corrected"
ACKNOWLEDGED_KIND = "evaluations.acknowledged"

# What save_scores, issue_evaluation and correct_evaluation take: criterion id → (value, comment).
ScoreValues = Mapping[int, tuple[int | None, str]]


class InvalidTransition(ValidationError):
    """The evaluation is not in a state that allows the move (already issued, not issued yet…)."""


def value_field(criterion_id: int) -> str:
    """The form field of a criterion's value: the services name their field errors after it."""
    return f"value_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


local = local_datetime


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else _("el sistema")


def evaluation_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:detail", args=[evaluation.pk])


# --- Periods ---------------------------------------------------------------------------------


def current_semester(now: datetime | None = None) -> tuple[int, int]:
    """The semester of the Mexico City date of ``now``."""
    return Period.semester_of(timezone.localdate(now or timezone.now()))


def openable_semesters(now: datetime | None = None, back: int = 4) -> list[tuple[int, int]]:
    """The semesters CNCS may open by hand: the current one and the ``back`` before it, newest
    first, less those already open."""
    year, half = current_semester(now)
    candidates = []
    for _step in range(back + 1):
        candidates.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    opened = set(
        Period.objects.filter(year__gte=candidates[-1][0], year__lte=candidates[0][0]).values_list("year", "half")
    )
    return [semester for semester in candidates if semester not in opened]


def open_period(*, year: int, half: int, by: User | None = None, now: datetime | None = None) -> tuple[Period, int]:
    """Open the semester: the period, with the criteria version in force, and one pending
    evaluation (with an empty score per criterion) for every account operated now.

    Idempotent: when the semester is already open nothing is created and ``(period, 0)`` is
    returned. ``by`` is None for the beat task; a person must be CNCS and may not open a future
    semester. Two openings at once make one period (its unique constraint).
    """
    now = now or timezone.now()
    if by is not None:
        access.require_evaluator(by)
    if half not in (1, 2):
        raise ValidationError({"semester": _("Elija el primer o el segundo semestre.")})
    if (year, half) > current_semester(now):
        raise ValidationError(
            {"semester": _("No se puede abrir un semestre que aún no empieza; el periodo se abre en su primer día.")}
        )
    if year < 2000:
        raise ValidationError({"semester": _("Elija un semestre a partir del año 2000.")})
    existing = Period.objects.filter(year=year, half=half).first()
    if existing is not None:
        return existing, 0
    version = version_in_force(now)
    if version is None:
        raise ValidationError(
            _(
                "No hay criterios de evaluación publicados: el Comité debe publicar una versión antes de "
                "abrir el periodo."
            )
        )
    starts_on, ends_on = Period.bounds(year, half)
    with transaction.atomic():
        try:
            with transaction.atomic():
                period = Period.objects.create(
                    year=year,
                    half=half,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    criteria=version,
                    opened_at=now,
                    opened_by=by,
                )
        except IntegrityError:
            # Someone else opened it a moment ago (the beat task and CNCS at once): theirs stands.
            return Period.objects.get(year=year, half=half), 0
        # Operated now and already in existence before the semester ended (a past semester
        # opened by hand does not evaluate an account for a time it did not exist).
        end = period.ends_at()
        accounts = (
            Account.objects.filter(status__in=Account.OPERATED_STATUSES)
            .filter(Q(created_at__lt=end) | Q(activated_at__lt=end))
            .values_list("pk", "organ_id", "flagged_abandoned_at")
        )
        today = timezone.localdate(now)
        Evaluation.objects.bulk_create(
            [
                Evaluation(
                    period=period,
                    account_id=account_id,
                    organ_id=organ_id,
                    was_flagged_abandoned=Evaluation(period=period).carries_abandoned_flag(flagged_at, today),
                    created_at=now,
                )
                for account_id, organ_id, flagged_at in accounts
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        evaluation_ids = list(Evaluation.objects.filter(period=period).values_list("pk", flat=True))
        criterion_ids = list(version.criteria.values_list("pk", flat=True))
        Score.objects.bulk_create(
            [Score(evaluation_id=e, criterion_id=c) for e in evaluation_ids for c in criterion_ids],
            batch_size=2000,
            ignore_conflicts=True,
        )
        notify(
            accounts_access.cncs_users(),
            kind=OPENED_KIND,
            title=_("Se abrió el periodo de evaluación: %(period)s") % {"period": period},
            body=_(
                "Se crearon %(count)s evaluaciones pendientes, una por cada cuenta activa, con los criterios "
                "«%(criteria)s». Abrió el periodo: %(who)s."
            )
            % {"count": len(evaluation_ids), "criteria": version.title, "who": _name(by)},
            url=reverse("evaluations:list") + f"?periodo={period.pk}",
        )
    return period, len(evaluation_ids)


def open_current_period(now: datetime | None = None) -> int:
    """The beat task: open the semester of today's Mexico City date; the evaluations created
    (0 when it is open already, or when no criteria are published yet — retried the next day)."""
    year, half = current_semester(now)
    try:
        _period, created = open_period(year=year, half=half, now=now)
    except ValidationError as exc:
        logger.warning("Period %s-%s not opened: %s", year, half, " ".join(exc.messages))
        return 0
    return created


# --- Scoring ---------------------------------------------------------------------------------


def _lock(evaluation_id: int) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("account__network", "organ", "period__criteria", "issued_by", "acknowledged_by")
        .get(pk=evaluation_id)
    )


def closed_account_refusal(evaluation: Evaluation) -> str | None:
    """Why a closed account's evaluation is not scored or issued (the page shows the same
    words before anyone tries); None when the account is not closed."""
    account = evaluation.account
    if account.status != Account.Status.CLOSED:
        return None
    if account.closed_at:
        return _("La cuenta está cerrada desde el %(date)s: ya no se evalúa, y su evaluación queda sin emitir.") % {
            "date": local(account.closed_at)
        }
    return _("La cuenta está cerrada: ya no se evalúa, y su evaluación queda sin emitir.")


def _refuse_closed_account(evaluation: Evaluation) -> None:
    refusal = closed_account_refusal(evaluation)
    if refusal:
        raise InvalidTransition(refusal)


def _refuse_issued(evaluation: Evaluation) -> None:
    if evaluation.status in ISSUED_STATUSES:
        raise InvalidTransition(
            _(
                "La evaluación ya se emitió (emisión %(revision)s, el %(when)s, por %(who)s) y no se modifica; "
                "para cambiarla use «Corregir y volver a emitir»."
            )
            % {
                "revision": evaluation.revision,
                "when": local(evaluation.issued_at),
                "who": _name(evaluation.issued_by),
            }
        )


def _move(evaluation: Evaluation, to_status: str, by: User, comment: str = "", now=None, **fields) -> None:
    """Claim the move with a conditional UPDATE on the status and revision we read; record it."""
    now = now or timezone.now()
    from_status = evaluation.status
    claimed = Evaluation.objects.filter(pk=evaluation.pk, status=from_status, revision=evaluation.revision).update(
        status=to_status, updated_at=now, **fields
    )
    if claimed != 1:
        raise InvalidTransition(_("Otra persona actuó sobre esta evaluación al mismo tiempo. Recargue la página."))
    evaluation.status = to_status
    for field, value in fields.items():
        setattr(evaluation, field, value)
    EvaluationStatusChange.objects.create(
        evaluation=evaluation,
        from_status=from_status,
        to_status=to_status,
        changed_by=by,
        changed_at=now,
        comment=comment,
    )


def _check_text(field: str, text: str) -> None:
    try:
        validate_multiline_text(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def scores_of(evaluation: Evaluation) -> list[Score]:
    return list(evaluation.scores.select_related("criterion").order_by("criterion__position", "criterion_id"))


def _apply_values(
    evaluation: Evaluation, values: ScoreValues, summary: str | None, *, require_all: bool = False
) -> tuple[list[Score], bool]:
    """Check and write the values, comments and summary; recompute the score. Returns the
    scores (criterion order) and whether anything changed. Nothing is written on an error."""
    scores = scores_of(evaluation)
    by_criterion = {score.criterion_id: score for score in scores}
    errors: dict[str, list[str]] = {}
    unknown = set(values) - set(by_criterion)
    if unknown:
        errors.setdefault("__all__", []).append(_("Uno de los criterios no pertenece a esta evaluación."))
    changed: list[Score] = []
    for criterion_id, (value, comment) in values.items():
        score = by_criterion.get(criterion_id)
        if score is None:
            continue
        criterion = score.criterion
        comment = (comment or "").strip()
        if value is not None and not (criterion.scale_min <= value <= criterion.scale_max):
            errors.setdefault(value_field(criterion_id), []).append(
                _("«%(name)s»: el puntaje va de %(min)s a %(max)s; %(value)s está fuera de la escala.")
                % {"name": criterion.name, "min": criterion.scale_min, "max": criterion.scale_max, "value": value}
            )
        if value is None and require_all:
            errors.setdefault(value_field(criterion_id), []).append(
                _("«%(name)s»: falta el puntaje.") % {"name": criterion.name}
            )
        try:
            validate_multiline_text(comment)
        except ValidationError as exc:
            errors.setdefault(comment_field(criterion_id), []).extend(exc.messages)
        if (value, comment) != (score.value, score.comment):
            score.value, score.comment = value, comment
            changed.append(score)
    if summary is not None:
        summary = summary.strip()
        try:
            validate_multiline_text(summary)
        except ValidationError as exc:
            errors.setdefault("summary", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if changed:
        Score.objects.bulk_update(changed, ["value", "comment"])
    fields = {"score": weighted_score((score.criterion, score.value) for score in scores)}
    if summary is not None:
        fields["summary"] = summary
    summary_changed = summary is not None and summary != evaluation.summary
    Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=timezone.now(), **fields)
    for field, value in fields.items():
        setattr(evaluation, field, value)
    return scores, bool(changed) or summary_changed


def save_scores(*, evaluation_id: int, by: User, values: ScoreValues, summary: str | None = None) -> Evaluation:
    """CNCS saves scores and comments while the evaluation is editable; the first save moves it
    from pending to in progress. The score is recomputed (None while a criterion is unscored)."""
    access.require_evaluator(by)
    with transaction.atomic():
        evaluation = _lock(evaluation_id)
        _refuse_issued(evaluation)
        _refuse_closed_account(evaluation)
        _apply_values(evaluation, values, summary)
        if evaluation.status == EvaluationStatus.PENDING:
            _move(evaluation, EvaluationStatus.IN_PROGRESS, by)
    return evaluation


def _unscored_error(scores: list[Score]) -> None:
    unscored = [score.criterion.name for score in scores if score.value is None]
    if unscored:
        raise ValidationError(
            _("Falta calificar %(count)s criterio(s) antes de emitir: %(names)s.")
            % {"count": len(unscored), "names": ", ".join(f"«{name}»" for name in unscored)},
            code="unscored",
        )


def _snapshot(evaluation: Evaluation, scores: list[Score], by: User, now, reason: str = "") -> IssuedVersion:
    return IssuedVersion.objects.create(
        evaluation=evaluation,
        revision=evaluation.revision,
        issued_at=now,
        issued_by=by,
        score=evaluation.score,
        summary=evaluation.summary,
        reason=reason,
        scores=[
            {
                "criterion": score.criterion.code,
                "name": score.criterion.name,
                "weight": score.criterion.weight,
                "scale_min": score.criterion.scale_min,
                "scale_max": score.criterion.scale_max,
                "value": score.value,
                "comment": score.comment,
            }
            for score in scores
        ],
        figures=figures.to_json(figures.for_evaluation(evaluation, now=now)),
    )


def _flag_now(evaluation: Evaluation, now: datetime) -> bool:
    """§7.viii at issue: ``Evaluation.carries_abandoned_flag``."""
    return evaluation.carries_abandoned_flag(evaluation.account.flagged_abandoned_at, timezone.localdate(now))


def record_abandoned_flags(now: datetime | None = None) -> int:
    """The nightly sweep after ``accounts``' own: an account flagged as possibly abandoned
    (§7.viii) while its semester runs keeps the flag on that semester's evaluation, even if
    the account records activity later and loses it. Issued evaluations are evidence and are
    not touched (a correction takes the flag). One UPDATE; returns the evaluations flagged."""
    today = timezone.localdate(now or timezone.now())
    return Evaluation.objects.filter(
        status__in=Evaluation.EDITABLE_STATUSES,
        was_flagged_abandoned=False,
        period__starts_on__lte=today,
        period__ends_on__gte=today,
        account__flagged_abandoned_at__isnull=False,
    ).update(was_flagged_abandoned=True)


def issue_evaluation(
    *, evaluation_id: int, by: User, values: ScoreValues | None = None, summary: str | None = None
) -> Evaluation:
    """Issue: every criterion scored, the status becomes issued, the revision goes up, a
    snapshot is kept and the organ's titular and administrators are told. ``values`` and
    ``summary``, when given, are saved first in the same transaction (the "Emitir" button)."""
    access.require_evaluator(by)
    with transaction.atomic():
        evaluation = _lock(evaluation_id)
        _refuse_issued(evaluation)
        _refuse_closed_account(evaluation)
        scores, _changed = _apply_values(evaluation, values or {}, summary)
        _unscored_error(scores)
        now = timezone.now()
        if evaluation.status == EvaluationStatus.PENDING:
            _move(evaluation, EvaluationStatus.IN_PROGRESS, by, now=now)
        _move(
            evaluation,
            EvaluationStatus.ISSUED,
            by,
            now=now,
            revision=evaluation.revision + 1,
            issued_at=now,
            issued_by=by,
            was_flagged_abandoned=_flag_now(evaluation, now),
        )
        _snapshot(evaluation, scores, by, now)
        notify(
            accounts_access.organ_people(evaluation.organ),
            kind=ISSUED_KIND,
            title=_("Evaluación emitida: %(account)s, %(period)s")
            % {"account": evaluation.account, "period": evaluation.period},
            body=_(
                "Comunicación Social emitió la evaluación de la cuenta %(account)s (%(period)s) con "
                "calificación %(score)s de 100. La persona titular del órgano acusa recibo en la página de la "
                "evaluación, con una respuesta si lo desea."
            )
            % {"account": evaluation.account, "period": evaluation.period, "score": evaluation.score},
            url=evaluation_url(evaluation),
        )
    return evaluation


def correct_evaluation(
    *, evaluation_id: int, by: User, values: ScoreValues, summary: str | None, reason: str
) -> Evaluation:
    """Correct an issued evaluation: the new scores and a new issue in one transaction, with the
    reason; the earlier issues stay visible. The organ acknowledges again."""
    access.require_evaluator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Escriba el motivo de la corrección; el órgano lo verá.")})
    _check_text("reason", reason)
    with transaction.atomic():
        evaluation = _lock(evaluation_id)
        if evaluation.status not in ISSUED_STATUSES:
            raise InvalidTransition(
                _("La evaluación aún no se emite: califíquela y emítala; la corrección es para una ya emitida.")
            )
        # No closed-account check: an account closed after its evaluation was issued keeps a
        # record that may still need fixing.
        scores, changed = _apply_values(evaluation, values, summary, require_all=True)
        if not changed:
            raise ValidationError(
                _("No cambió ningún puntaje, comentario ni las observaciones: no hay nada que corregir.")
            )
        _unscored_error(scores)
        now = timezone.now()
        _move(
            evaluation,
            EvaluationStatus.ISSUED,
            by,
            comment=reason,
            now=now,
            revision=evaluation.revision + 1,
            issued_at=now,
            issued_by=by,
            acknowledged_at=None,
            acknowledged_by=None,
            response="",
            was_flagged_abandoned=_flag_now(evaluation, now),
        )
        _snapshot(evaluation, scores, by, now, reason=reason)
        notify(
            accounts_access.organ_people(evaluation.organ),
            kind=CORRECTED_KIND,
            title=_("Evaluación corregida: %(account)s, %(period)s")
            % {"account": evaluation.account, "period": evaluation.period},
            body=_(
                "Comunicación Social corrigió la evaluación de la cuenta %(account)s (emisión %(revision)s, "
                "calificación %(score)s de 100). Motivo: %(reason)s. La persona titular del órgano acusa recibo "
                "de nuevo."
            )
            % {
                "account": evaluation.account,
                "revision": evaluation.revision,
                "score": evaluation.score,
                "reason": reason,
            },
            url=evaluation_url(evaluation),
        )
    return evaluation


# --- Acknowledging ---------------------------------------------------------------------------


def acknowledge_evaluation(
    *, evaluation_id: int, by: User, response: str = "", revision: int | None = None
) -> Evaluation:
    """The titular of the evaluated organ acknowledges the issued evaluation, with an optional
    response; CNCS is told. ``revision`` is the issue the person read: a correction made
    meanwhile is refused so nobody acknowledges what they have not seen."""
    response = (response or "").strip()
    _check_text("response", response)
    with transaction.atomic():
        evaluation = _lock(evaluation_id)
        access.require_acknowledger(by, evaluation)
        if evaluation.status == EvaluationStatus.ACKNOWLEDGED:
            raise InvalidTransition(
                _("Ya se acusó recibo de esta evaluación el %(when)s (%(who)s).")
                % {"when": local(evaluation.acknowledged_at), "who": _name(evaluation.acknowledged_by)}
            )
        if evaluation.status in EDITABLE_STATUSES:
            raise InvalidTransition(_("La evaluación aún no se emite; se acusa recibo cuando se emita."))
        if revision is not None and revision != evaluation.revision:
            raise InvalidTransition(
                _(
                    "La evaluación se corrigió mientras la leía (ahora es la emisión %(revision)s); revise la "
                    "nueva emisión y acuse recibo de nuevo."
                )
                % {"revision": evaluation.revision}
            )
        now = timezone.now()
        _move(
            evaluation,
            EvaluationStatus.ACKNOWLEDGED,
            by,
            comment=response,
            now=now,
            acknowledged_at=now,
            acknowledged_by=by,
            response=response,
        )
        notify(
            accounts_access.cncs_users(),
            kind=ACKNOWLEDGED_KIND,
            title=_("Acuse de recibo: evaluación de %(account)s, %(period)s")
            % {"account": evaluation.account, "period": evaluation.period},
            body=(
                _("%(who)s acusó recibo de la emisión %(revision)s. Respuesta: %(response)s")
                if response
                else _("%(who)s acusó recibo de la emisión %(revision)s, sin respuesta.")
            )
            % {"who": _name(by), "revision": evaluation.revision, "response": response},
            url=evaluation_url(evaluation),
        )
    return evaluation
