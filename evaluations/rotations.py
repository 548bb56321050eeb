"""Password rotation within an evaluation period: the rule, in one place.

The evaluation's figures (one account, ``figures._rotations``) and the reports (every
evaluated account, ``reports.rotation_compliance``) both judge a period with ``assess``; they
only differ in how they read the rows. Pure functions: no queries, no "today".

The rule (approved INE rule, every two months): each rotation is on time or late against
the due date in force when it happened — two months after the rotation before it
(``accounts.services.password_rotation_due_on``), or after the activation for the first —
compared by Mexico City date; and the account is overdue at the end of the period (at
today while the period runs) when the due date left in force is before that day, or when
it never had one. A due date on the last day itself is not yet overdue, as in
``accounts.rotation.rotation_state``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.services import password_rotation_due_on


class Outcome(models.TextChoices):
    """One account's rotation in a period, the worst that applies: overdue at the end, then
    some rotation late, then every rotation on time; or no rotation was due in the period."""

    OVERDUE = "overdue", gettext_lazy("Vencida al cierre")
    LATE = "late", gettext_lazy("Algún cambio fuera de plazo")
    ON_TIME = "on_time", gettext_lazy("Todos los cambios a tiempo")
    NONE_DUE = "none_due", gettext_lazy("Sin cambio que venciera en el periodo")


@dataclass(frozen=True)
class RotationCheck:
    rotated_at: datetime
    due_on: date | None  # the due date in force when it happened; None if there was none
    late: bool


def check_rotations(previous: datetime | None, rotations: list[datetime]) -> tuple[list[RotationCheck], date | None]:
    """Each rotation (sorted) against the due date in force when it happened, and the due
    date left in force after the last one. ``previous`` is the rotation (or activation)
    before the first; with none, the first rotation cannot be late."""
    tz = timezone.get_default_timezone()
    due = password_rotation_due_on(previous) if previous else None
    checks = []
    for rotated_at in rotations:
        late = due is not None and timezone.localdate(rotated_at, tz) > due
        checks.append(RotationCheck(rotated_at, due, late))
        due = password_rotation_due_on(rotated_at)
    return checks, due


@dataclass(frozen=True)
class PeriodRotations:
    checks: tuple[RotationCheck, ...]  # the rotations within the period, oldest first
    due_after: date | None  # the due date in force on the last day
    overdue: bool  # at the last day: the end of the period, or today while it runs

    @property
    def late(self) -> list[RotationCheck]:
        return [c for c in self.checks if c.late]

    @property
    def outcome(self) -> str:
        if self.overdue:
            return Outcome.OVERDUE
        if self.late:
            return Outcome.LATE
        if self.checks:
            return Outcome.ON_TIME
        return Outcome.NONE_DUE


def baseline(
    previous: datetime | None, start: datetime, *, activated_at: datetime | None, registered: datetime | None
) -> datetime | None:
    """What the first rotation of the period was due after: the last rotation before the
    period; with none recorded, the last one the account was registered with (when it is
    before the period), or its activation (as ``accounts.services.create_account``)."""
    if previous is not None:
        return previous
    if registered is not None and registered < start:
        return registered
    return activated_at


def assess(
    rotations: Iterable[datetime],
    *,
    start: datetime,
    stop: datetime,
    last_day: date,
    activated_at: datetime | None,
    registered: datetime | None = None,
) -> PeriodRotations:
    """Judge one account's period. ``rotations``: its rotation moments, any order, at least
    every one before ``stop`` (later ones are ignored); ``start``/``stop`` bound the period
    (``stop`` exclusive) and ``last_day`` is the Mexico City day the period is judged at.
    ``registered`` is ``Account.last_password_rotation_at``."""
    ordered = sorted(r for r in rotations if r < stop)
    before = [r for r in ordered if r < start]
    within = [r for r in ordered if r >= start]
    first_due_after = baseline(before[-1] if before else None, start, activated_at=activated_at, registered=registered)
    checks, due_after = check_rotations(first_due_after, within)
    return PeriodRotations(checks=tuple(checks), due_after=due_after, overdue=due_after is None or due_after < last_day)
