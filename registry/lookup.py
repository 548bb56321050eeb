"""The public registry's answers: is this account really the INE's? And the directory.

One place for what the public may know of an account (``public_record``) and for what a
lookup answers (``verify``); the lookup page, the directory, the open data and the API read
them. Only what CNCS approved is vouched for: an account's registered handle (approved with
its opening request, or a change CNCS confirmed). A proposed change makes both handles
"pending verification" until CNCS decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountStatusChange, Network, Organ

from . import normalize
from .models import HandleChange


class Status:
    OFFICIAL = "official"
    PERSONAL = "personal"
    COMPROMISED = "compromised"
    CLOSED = "closed"
    PENDING = "pending_verification"
    RECLASSIFIED = "reclassified"
    UNREGISTERED = "unregistered"

    LABELS = {
        OFFICIAL: _("Cuenta institucional del INE"),
        PERSONAL: _("Cuenta personal publicitada de una consejería"),
        COMPROMISED: _("Cuenta del INE comprometida"),
        CLOSED: _("Cuenta cerrada: ya no es del INE"),
        PENDING: _("Pendiente de verificación"),
        RECLASSIFIED: _("No es una cuenta institucional del INE"),
        UNREGISTERED: _("No registrada"),
    }
    ALL = tuple(LABELS)
    # When one query matches several accounts, the answer is the most cautious one.
    PRECEDENCE = (COMPROMISED, PENDING, OFFICIAL, PERSONAL, RECLASSIFIED, CLOSED, UNREGISTERED)


@dataclass(frozen=True)
class Match:
    status: str
    account: Account
    # The handle a pending change would give the account ("" when none is pending).
    pending_handle: str = ""

    @property
    def closed_on(self) -> date | None:
        return timezone.localdate(self.account.closed_at) if self.account.closed_at else None

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status])


@dataclass(frozen=True)
class Verdict:
    query: str
    status: str
    matches: list[Match] = field(default_factory=list)
    # Registered accounts the query imitates (a look-alike), when it matched none.
    similar_to: list[Account] = field(default_factory=list)
    # False when the text names no profile (a name, another site, a network's own page).
    names_a_profile: bool = True
    # Confirmed changes that took this handle away from an account of the Institute: the
    # old handle is nobody's now (a hijacker may register it), and the account goes on
    # under its new one.
    renamed: list[HandleChange] = field(default_factory=list)

    @property
    def account(self) -> Account | None:
        return self.matches[0].account if self.matches else None

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status])


def _public_accounts() -> QuerySet[Account]:
    return Account.objects.select_related("organ__entidad", "network")


def account_status(account: Account, pending: bool = False) -> str:
    """The registry's word for an account the public may see."""
    if account.status == Account.Status.CLOSED:
        return Status.CLOSED
    if account.status == Account.Status.RECLASSIFIED:
        return Status.RECLASSIFIED
    if account.status == Account.Status.COMPROMISED:
        return Status.COMPROMISED
    # The registry vouches only for what CNCS approved: an imported account is not yet.
    if pending or account.status == Account.Status.REGULARIZING:
        return Status.PENDING
    return Status.PERSONAL if account.is_consejero_personal else Status.OFFICIAL


def _sorted(matches: list[Match]) -> list[Match]:
    return sorted(
        matches, key=lambda m: (Status.PRECEDENCE.index(m.status), m.account.network.sort_order, m.account.pk)
    )


def verify(q: str, network_code: str | None = None) -> Verdict:
    """What the public lookup answers for a handle or any form of a profile's address."""
    networks = list(Network.objects.all())
    if network_code:
        networks = [n for n in networks if n.code == network_code]
    query = normalize.parse(q, networks)
    if not query.names_a_profile:
        return Verdict(query=q, status=Status.UNREGISTERED, names_a_profile=False)
    network_ids = [n.pk for n in (query.networks or networks)]
    if not network_ids:
        return Verdict(query=q, status=Status.UNREGISTERED)

    pending = {
        change.account_id: change
        for change in HandleChange.objects.filter(
            status=HandleChange.Status.PROPOSED, account__network_id__in=network_ids
        )
        .annotate(new_handle_lower=Lower("new_handle"), handle_lower=Lower("account__handle"))
        .filter(Q(new_handle_lower=query.key) | Q(handle_lower=query.key))
        .select_related("account__organ__entidad", "account__network")
    }
    # The key is already lower case: compared with LOWER(handle), the query uses the account's
    # handle index (handle__iexact compares UPPER() of both and no index has that).
    held = list(
        _public_accounts()
        .annotate(handle_lower=Lower("handle"))
        .filter(
            network_id__in=network_ids,
            handle_lower=query.key,
            status__in=(*Account.OPERATED_STATUSES, *Account.ENDED_STATUSES),
        )
    )
    matches: list[Match] = []
    live_networks = set()
    for account in held:
        if account.is_operated:
            change = pending.get(account.pk)
            matches.append(
                Match(account_status(account, change is not None), account, change.new_handle if change else "")
            )
            live_networks.add(account.network_id)
    for change in pending.values():
        # Asked by the new handle: the account still holds the old one until CNCS confirms.
        if change.account.is_operated and change.account not in held:
            matches.append(Match(account_status(change.account, True), change.account, change.new_handle))
            live_networks.add(change.account.network_id)
    closed = sorted(
        (a for a in held if not a.is_live and a.network_id not in live_networks),
        key=lambda a: a.closed_at or timezone.now(),
        reverse=True,
    )
    seen_networks = set()
    for account in closed:
        # The latest closure per network; an account live under that handle takes precedence.
        if account.network_id not in seen_networks:
            matches.append(Match(account_status(account), account))
            seen_networks.add(account.network_id)
    matches = _sorted(matches)
    if matches:
        return Verdict(query=q, status=matches[0].status, matches=matches)
    return Verdict(
        query=q,
        status=Status.UNREGISTERED,
        similar_to=look_alikes(query.key, network_ids),
        renamed=renamed_from(query.key, network_ids),
    )


def renamed_from(key: str, network_ids: list[int]) -> list[HandleChange]:
    """The latest confirmed change per operated account that left the handle ``key``."""
    changes = (
        HandleChange.objects.filter(
            status=HandleChange.Status.CONFIRMED,
            account__network_id__in=network_ids,
            account__status__in=Account.OPERATED_STATUSES,
        )
        .annotate(old_handle_lower=Lower("old_handle"))
        .filter(old_handle_lower=key)
        .exclude(account__handle="")
        .select_related("account__organ__entidad", "account__network")
        .order_by("-decided_at", "-id")
    )
    latest: dict[int, HandleChange] = {}
    for change in changes:
        latest.setdefault(change.account_id, change)
    return list(latest.values())


def look_alikes(key: str, network_ids: list[int], limit: int = 5) -> list[Account]:
    """Operated accounts whose handle ``key`` imitates (see ``normalize.looks_alike``). The
    national official accounts are compared on every network: their handles are reserved
    everywhere, so "INEMexico" on Instagram imitates INE's X and Facebook accounts."""
    candidates = (
        _public_accounts()
        .filter(Q(network_id__in=network_ids) | Q(is_official=True), status__in=Account.OPERATED_STATUSES)
        .exclude(handle="")
        .order_by("-is_official", "network__sort_order", "handle")
    )
    found = []
    for account in candidates.iterator(chunk_size=2000):
        registered = account.network.handle_key(account.handle)
        elsewhere = account.network_id not in network_ids
        if normalize.looks_alike(key, registered) or (elsewhere and key == registered):
            found.append(account)
            if len(found) == limit:
                break
    return found


def public_record(account: Account, status: str | None = None) -> dict:
    """Everything the public may know of an account; nothing about the people behind it."""
    organ = account.organ
    closed_on = timezone.localdate(account.closed_at) if account.closed_at and not account.is_live else None
    return {
        "network": account.network.code,
        "network_name": account.network.name,
        "handle": account.display_handle,
        "url": account.url,
        "name": account.name,
        "organ": organ.name,
        "organ_kind": organ.kind,
        "entidad": organ.entidad.name if organ.entidad_id else None,
        "is_national_official": account.is_official,
        "status": status or account_status(account),
        "closed_on": closed_on.isoformat() if closed_on else None,
    }


def pending_handles(account_ids) -> dict[int, str]:
    """The handle each of these accounts would take by a change still waiting for CNCS."""
    return dict(
        HandleChange.objects.filter(status=HandleChange.Status.PROPOSED, account_id__in=list(account_ids)).values_list(
            "account_id", "new_handle"
        )
    )


def public_records(accounts) -> list[dict]:
    """``public_record`` for many operated accounts (a directory page, the open data), each
    with its registry status: an account with a change waiting for CNCS is pending
    verification. One query for the pending changes, whatever the number of rows."""
    accounts = list(accounts)
    pending = pending_handles(a.pk for a in accounts)
    return [public_record(a, account_status(a, a.pk in pending)) for a in accounts]


# --- The directory ----------------------------------------------------------------------


def directory(*, network: str = "", entidad: int | None = None, organ_kind: str = "", q: str = "") -> QuerySet[Account]:
    """Accounts the Institute operates today, the national official ones first, then by
    organ (central offices, consejerías, juntas locales, distritales), entidad and network."""
    accounts = _public_accounts().filter(status__in=Account.OPERATED_STATUSES).exclude(handle="")
    if any("\x00" in value for value in (network, organ_kind, q or "")):
        # Nothing stored holds a NUL, and PostgreSQL refuses one in a query.
        return accounts.none()
    if network:
        accounts = accounts.filter(network__code=network)
    if entidad:
        accounts = accounts.filter(organ__entidad__code=entidad)
    if organ_kind:
        accounts = accounts.filter(organ__kind=organ_kind)
    q = (q or "").strip()
    if q:
        key = q.lstrip("@")
        accounts = accounts.filter(
            Q(handle__icontains=key)
            | Q(name__icontains=q)
            | Q(organ__name__icontains=q)
            | Q(organ__acronym__iexact=q)
            | Q(organ__entidad__name__icontains=q)
        )
    kind_order = Case(
        *(When(organ__kind=kind, then=Value(i)) for i, kind in enumerate(Organ.Kind.values)),
        output_field=IntegerField(),
    )
    return accounts.annotate(kind_order=kind_order).order_by(
        "-is_official",
        "kind_order",
        "organ__entidad__code",
        "organ__district_number",
        "organ__name",
        "network__sort_order",
        "handle",
    )


def last_change() -> datetime | None:
    """When the registry last changed: an account started or stopped being operated,
    changed status, or CNCS confirmed a new handle."""
    moments = [
        AccountStatusChange.objects.aggregate(m=Max("changed_at"))["m"],
        Account.objects.filter(status__in=(*Account.OPERATED_STATUSES, *Account.ENDED_STATUSES)).aggregate(
            m=Max("activated_at")
        )["m"],
        HandleChange.objects.filter(status=HandleChange.Status.CONFIRMED).aggregate(m=Max("decided_at"))["m"],
    ]
    moments = [m for m in moments if m]
    return max(moments) if moments else None
