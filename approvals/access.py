"""Who may see and do what with requests — built on ``accounts.access``, decided only here.

Seeing: CNCS, the Comité and superusers see every request that was sent (drafts stay
with their organ); an organ's titular sees all of the organ's requests, its
administrators those that were sent; UNICOM sees the openings it must act on or acted on.
Doing: only the organ's titular files, edits, sends and withdraws; only CNCS decides;
only UNICOM records the mailbox; the organ's titular or administrators finish the
opening (register the handle) or the closing (confirm the cancellation).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import access as accounts_access
from accounts.models import User

from .models import AccountRequest

Kind = AccountRequest.Kind
Status = AccountRequest.Status

UNICOM_STATUSES = (Status.APPROVED, Status.MAILBOX_READY, Status.COMPLETED)


def sees_all_requests(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or accounts_access.is_cncs(user) or accounts_access.is_committee(user)
    )


def requests_visible_to(user: User) -> QuerySet[AccountRequest]:
    """Every list of requests starts here."""
    qs = AccountRequest.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if sees_all_requests(user):
        return qs.exclude(status=Status.DRAFT)
    scope = Q(pk__in=[])
    head = accounts_access.headed_organ_id(user)
    if head:
        scope |= Q(organ_id=head)
    administered = accounts_access.administered_organ_ids(user)
    if administered:
        scope |= Q(organ_id__in=administered) & ~Q(status=Status.DRAFT)
    if accounts_access.is_unicom(user):
        scope |= Q(kind=Kind.OPENING, status__in=UNICOM_STATUSES)
    return qs.filter(scope)


def get_request_for(user: User, pk: int) -> AccountRequest:
    """The request, or 404 for anyone who may not see it (no leak of its existence)."""
    found = (
        requests_visible_to(user)
        .select_related(
            "organ",
            "organ__entidad",
            "requester",
            "network",
            "account",
            "account__network",
            "proposed_titular",
            "proposed_suplente",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("No existe la solicitud o no tiene acceso a ella."))
    return found


# --- Roles ------------------------------------------------------------------------------


def is_organ_head(user: User, organ_id: int) -> bool:
    return user.is_authenticated and accounts_access.headed_organ_id(user) == organ_id


def is_organ_operator(user: User, organ_id: int) -> bool:
    """The organ's titular or one of its current administrators: they open and cancel accounts."""
    return is_organ_head(user, organ_id) or organ_id in accounts_access.administered_organ_ids(user)


def can_decide(user: User) -> bool:
    """Only Comunicación Social decides (§7.iii)."""
    return user.is_authenticated and accounts_access.is_cncs(user)


def can_see_dashboard(user: User) -> bool:
    return can_decide(user)


def can_record_mailbox(user: User) -> bool:
    return user.is_authenticated and accounts_access.is_unicom(user)


def kinds_user_may_file(user: User) -> list[str]:
    """An organ's titular files openings and closings; only a consejero asks for publicity (§7.vi)."""
    if not accounts_access.headed_organ_id(user):
        return []
    kinds = [Kind.OPENING, Kind.CLOSING]
    if accounts_access.is_consejero(user):
        kinds.append(Kind.PUBLICITY)
    return kinds


# --- What a person may do with one request, for pages and buttons -------------------------


def can_edit(user: User, req: AccountRequest) -> bool:
    return req.is_editable and is_organ_head(user, req.organ_id)


def can_withdraw(user: User, req: AccountRequest) -> bool:
    return req.status in AccountRequest.WITHDRAWABLE_STATUSES and is_organ_head(user, req.organ_id)


def can_decide_request(user: User, req: AccountRequest) -> bool:
    return req.status == Status.SUBMITTED and can_decide(user)


def can_record_mailbox_for(user: User, req: AccountRequest) -> bool:
    return req.kind == Kind.OPENING and req.status == Status.APPROVED and can_record_mailbox(user)


def can_register_account(user: User, req: AccountRequest) -> bool:
    return req.kind == Kind.OPENING and req.status == Status.MAILBOX_READY and is_organ_operator(user, req.organ_id)


def can_confirm_closure(user: User, req: AccountRequest) -> bool:
    return req.kind == Kind.CLOSING and req.status == Status.APPROVED and is_organ_operator(user, req.organ_id)
