"""Reads that need care: the dashboard's figures and the lists behind the home panels.

Every function takes an already scoped queryset (``access.requests_visible_to``) or a
user, so nothing here can widen what a person sees.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts import access as accounts_access
from accounts.models import Account, Organ, User

from . import access
from .models import AccountRequest

Status = AccountRequest.Status


def with_related(qs: QuerySet[AccountRequest]) -> QuerySet[AccountRequest]:
    """What a list row shows (``is_overdue`` included), in the same query whatever the number of rows."""
    return qs.with_overdue().select_related(
        "organ", "organ__entidad", "requester", "network", "account", "account__network"
    )


def pending(qs: QuerySet[AccountRequest]) -> QuerySet[AccountRequest]:
    return qs.filter(status=Status.SUBMITTED).order_by("submitted_at", "pk")


def counts_by_status(qs: QuerySet[AccountRequest]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status a dashboard shows, zeros included."""
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [(code, label, counts.get(code, 0)) for code, label in Status.choices if code != Status.DRAFT]


def organs_with_requests(qs: QuerySet[AccountRequest]) -> QuerySet[Organ]:
    return Organ.objects.filter(pk__in=qs.order_by().values("organ_id")).order_by("name")


def closable_accounts(organ: Organ, user: User) -> QuerySet[Account]:
    """The organ's accounts a closing may name: live ones the user can see."""
    return accounts_access.accounts_visible_to(user).filter(organ=organ, status__in=Account.OPERATED_STATUSES)


def awaiting_mailbox(user: User) -> QuerySet[AccountRequest]:
    """UNICOM's queue: approved openings whose @ine.mx mailbox is not provisioned yet."""
    return with_related(
        access.requests_visible_to(user).filter(kind=AccountRequest.Kind.OPENING, status=Status.APPROVED)
    ).order_by("decided_at", "pk")


def organ_requests_in_progress(user: User) -> QuerySet[AccountRequest]:
    """The open requests of the organs the user heads or administers."""
    return with_related(
        access.requests_visible_to(user).filter(
            organ_id__in=accounts_access.organ_ids_of(user), status__in=AccountRequest.OPEN_STATUSES
        )
    ).order_by("-updated_at", "-pk")
