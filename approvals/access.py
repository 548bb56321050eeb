"""Who may see and do what with requests — built on ``accounts.access``, decided only here.

Seeing: CNCS, the Comité and superusers see every request that was sent (drafts stay
with their organ); an organ's titular sees all of the organ's requests, its
administrators those that were sent; UNICOM sees the openings it must act on or acted on.
Doing: ``AccountRequest.TRANSITIONS`` says which step is possible at each status and
which actor takes it; here only whether a user is that actor. The services refuse with
the same table, so a button shown is a step accepted.
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
Actor = AccountRequest.Actor
Action = AccountRequest.Action

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
        .with_overdue()
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


# --- Who is which actor ---------------------------------------------------------------------


def is_organ_head(user: User, organ_id: int | None) -> bool:
    return user.is_authenticated and organ_id is not None and accounts_access.headed_organ_id(user) == organ_id


def is_organ_operator(user: User, organ_id: int | None) -> bool:
    """The organ's titular or one of its current administrators: they open and cancel accounts."""
    return is_organ_head(user, organ_id) or organ_id in accounts_access.administered_organ_ids(user)


def is_actor(user: User, actor: str, organ_id: int | None) -> bool:
    """Whether ``user`` is ``actor`` for a request of the organ ``organ_id``."""
    if not user.is_authenticated:
        return False
    if actor == Actor.ORGAN_HEAD:
        return is_organ_head(user, organ_id)
    if actor == Actor.ORGAN_OPERATOR:
        return is_organ_operator(user, organ_id)
    if actor == Actor.CONSEJERO:
        return is_organ_head(user, organ_id) and accounts_access.is_consejero(user)
    if actor == Actor.CNCS:
        return accounts_access.is_cncs(user)
    if actor == Actor.UNICOM:
        return accounts_access.is_unicom(user)
    raise ValueError(f"Unknown actor: {actor}")


def can_decide(user: User) -> bool:
    """Only Comunicación Social decides (§7.iii)."""
    return is_actor(user, AccountRequest.actor_for(Action.APPROVE), None)


def can_see_dashboard(user: User) -> bool:
    return can_decide(user)


def can_record_mailbox(user: User) -> bool:
    return is_actor(user, AccountRequest.actor_for(Action.RECORD_MAILBOX), None)


def kinds_user_may_file(user: User) -> list[str]:
    """The kinds ``user`` may file for the organ they head (``AccountRequest.FILED_BY``)."""
    organ_id = accounts_access.headed_organ_id(user) if user.is_authenticated else None
    return [kind for kind, actor in AccountRequest.FILED_BY.items() if is_actor(user, actor, organ_id)]


# --- What a person may do with one request, for pages and buttons -------------------------


def can(user: User, req: AccountRequest, action: str) -> bool:
    """``action`` is possible now (status and kind) and ``user`` is the actor who takes it."""
    step = req.step(action)
    return step is not None and is_actor(user, step.actor, req.organ_id)


def can_edit(user: User, req: AccountRequest) -> bool:
    return can(user, req, Action.EDIT)


def can_withdraw(user: User, req: AccountRequest) -> bool:
    return can(user, req, Action.WITHDRAW)


def can_decide_request(user: User, req: AccountRequest) -> bool:
    return any(can(user, req, action) for action in AccountRequest.DECISIONS)


def can_record_mailbox_for(user: User, req: AccountRequest) -> bool:
    return can(user, req, Action.RECORD_MAILBOX)


def can_register_account(user: User, req: AccountRequest) -> bool:
    return can(user, req, Action.REGISTER_ACCOUNT)


def can_confirm_closure(user: User, req: AccountRequest) -> bool:
    return can(user, req, Action.CONFIRM_CLOSURE)
