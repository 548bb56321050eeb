"""Reads that need care: coverage gaps, dashboard figures, public verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Account, Designation, Network, Organ, User


@dataclass
class CoverageGap:
    organ: Organ
    live_accounts: int
    problems: list[str] = field(default_factory=list)


def coverage_gaps() -> list[CoverageGap]:
    """Organs with live accounts but without a sound titular and suplente administrator.

    A designation is unsound when its person is inactive or no longer on the organ's staff.
    A fixed number of queries, whatever the number of organs.
    """
    current = Designation.objects.filter(ends_at__isnull=True).select_related("user")
    organs = (
        Organ.objects.annotate(live_accounts=Count("accounts", filter=~Q(accounts__status=Account.Status.CLOSED)))
        .filter(live_accounts__gt=0)
        .select_related("entidad")
        .prefetch_related(Prefetch("designations", queryset=current, to_attr="current_designations"))
        .order_by("name")
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
        if problems:
            gaps.append(CoverageGap(organ=organ, live_accounts=organ.live_accounts, problems=problems))
    return gaps


def current_designations(organ: Organ) -> QuerySet[Designation]:
    return organ.designations.filter(ends_at__isnull=True).select_related("user").order_by("role")


def account_counts_by_status(accounts: QuerySet[Account]) -> dict[str, int]:
    counts = dict(accounts.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in Account.Status.values}


def find_public_accounts(query: str) -> QuerySet[Account]:
    """What the public sees when checking whether an account is really INE's."""
    query = (query or "").strip()
    live = Account.objects.filter(status__in=[Account.Status.ACTIVE, Account.Status.COMPROMISED]).select_related(
        "organ", "network"
    )
    if len(query) < 2:
        return live.none()
    bare = query.lstrip("@").rstrip("/")
    if "://" in bare or "." in bare and "/" in bare:
        handle = bare.rsplit("/", 1)[-1].lstrip("@")
        return live.filter(Q(url__iexact=query) | Q(url__iexact=bare) | Q(handle__iexact=handle))
    return live.filter(Q(handle__iexact=bare) | Q(name__iexact=query))


def organ_staff_for_designation(organ: Organ) -> QuerySet[User]:
    return User.objects.filter(organ=organ, is_active=True).order_by("last_name", "first_name")


def networks() -> QuerySet[Network]:
    return Network.objects.filter(is_active=True)
