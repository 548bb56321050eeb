"""Reads that need care: coverage gaps, dashboard figures, public verification."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Account, Designation, Organ, OutOfOfficePeriod, User


@dataclass
class CoverageGap:
    organ: Organ
    live_accounts: int
    problems: list[str] = field(default_factory=list)


def _sound_designation(role: str) -> Exists:
    """A current designation in the role whose person is active and still on the organ's staff."""
    return Exists(
        Designation.objects.filter(
            organ=OuterRef("pk"), role=role, ends_at__isnull=True, user__is_active=True, user__organ=OuterRef("pk")
        )
    )


def organs_with_coverage_gaps() -> QuerySet[Organ]:
    """Organs with live accounts lacking a sound titular or suplente administrator, selected
    in SQL: the organs whose administration is complete are never loaded."""
    sound = [_sound_designation(role) for role in Designation.Role]
    return (
        Organ.objects.annotate(live_accounts=Count("accounts", filter=~Q(accounts__status=Account.Status.CLOSED)))
        .filter(live_accounts__gt=0)
        .exclude(reduce(operator.and_, sound))
        .order_by("name")
    )


def coverage_gaps() -> list[CoverageGap]:
    """Organs with live accounts but without a sound titular and suplente administrator.

    A designation is unsound when its person is inactive or no longer on the organ's staff.
    A fixed number of queries, whatever the number of organs; only the gaps are loaded.
    """
    current = Designation.objects.filter(ends_at__isnull=True).select_related("user")
    organs = (
        organs_with_coverage_gaps()
        .select_related("entidad")
        .prefetch_related(Prefetch("designations", queryset=current, to_attr="current_designations"))
    )
    gaps = []
    for organ in organs:
        by_role = {d.role: d for d in organ.current_designations}
        problems = []
        for role in Designation.Role:
            d = by_role.get(role)
            if d is None:
                problems.append(_("Sin %(role)s vigente.") % {"role": role.label.lower()})
            elif not d.user.is_active:
                problems.append(_("%(role)s %(person)s está inactivo.") % {"role": role.label, "person": d.user})
            elif d.user.organ_id != organ.pk:
                problems.append(
                    _("%(role)s %(person)s ya no pertenece al órgano.") % {"role": role.label, "person": d.user}
                )
        gaps.append(CoverageGap(organ=organ, live_accounts=organ.live_accounts, problems=problems))
    return gaps


def current_designations(organ: Organ) -> QuerySet[Designation]:
    # "titular" sorts after "suplente"; the titular is shown first.
    return organ.designations.filter(ends_at__isnull=True).select_related("user").order_by("-role")


def recent_out_of_office_periods(account: Account, limit: int = 20) -> list[OutOfOfficePeriod]:
    """The account's latest periods (by start), listed in date order, the earliest first."""
    latest = account.out_of_office.select_related("monitor").order_by(
        *(f"-{name}" for name in OutOfOfficePeriod.DATE_ORDER)
    )[:limit]
    return list(reversed(latest))


def account_counts_by_status(accounts: QuerySet[Account]) -> dict[str, int]:
    counts = dict(accounts.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in Account.Status.values}


def organ_staff_for_designation(organ: Organ) -> QuerySet[User]:
    return User.objects.filter(organ=organ, is_active=True).order_by("last_name", "first_name")
