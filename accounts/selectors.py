"""Reads that need care: coverage gaps, dashboard figures, public verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Account, Designation, Network, Organ, OutOfOfficePeriod, User


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


def find_public_accounts(query: str) -> QuerySet[Account]:
    """What the public sees when checking whether an account is really INE's.

    A bare handle ("@INEMexico") may match the same name on several networks; an address
    ("https://x.com/INEMexico") matches only on the network that owns that domain.
    """
    query = (query or "").strip()
    live = Account.objects.filter(status__in=Account.OPERATED_STATUSES).select_related("organ", "network")
    if len(query) < 2:
        return live.none()
    looks_like_url = "://" in query or "/" in query
    if not looks_like_url:
        bare = query.lstrip("@")
        return live.filter(Q(handle__iexact=bare) | Q(name__iexact=query))
    parts = urlsplit(query if "://" in query else f"https://{query}")
    host = (parts.hostname or "").lower()
    segments = [seg for seg in parts.path.split("/") if seg]
    handle = segments[-1].lstrip("@") if segments else ""
    network_ids = [
        n.pk for n in Network.objects.all() if any(host == h or host.endswith("." + h) for h in n.allowed_hosts())
    ]
    if not network_ids:
        return live.none()
    by_url = Q(url__iexact=query.rstrip("/")) | Q(url__iexact=query.rstrip("/") + "/")
    by_handle = Q(network_id__in=network_ids, handle__iexact=handle) if handle else Q(pk__in=[])
    return live.filter(by_url | by_handle)


def organ_staff_for_designation(organ: Organ) -> QuerySet[User]:
    return User.objects.filter(organ=organ, is_active=True).order_by("last_name", "first_name")
