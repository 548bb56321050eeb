"""Reads that need care: the dashboard's figures and the lists behind the home panels.

Every function takes an already scoped queryset (``access.requests_visible_to``) or a
user, so nothing here can widen what a person sees.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

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


# --- Where a request stands: its steps, read from the one transition table ---------------------

# The ways out of the straight path (back to the organ, refused, given up); every other step
# with a destination moves the request forward.
_OFF_PATH = frozenset({Status.RETURNED, Status.REJECTED, Status.WITHDRAWN})
# Not in the table because they depend on the kind: how each step reads on a progress bar.
_STEP_LABELS = {
    Status.DRAFT: _("Solicitud del órgano"),
    Status.SUBMITTED: _("Revisión de Comunicación Social"),
    Status.APPROVED: {
        AccountRequest.Kind.OPENING: _("Aprobada"),
        AccountRequest.Kind.CLOSING: _("Acuse de recibo"),
        AccountRequest.Kind.PUBLICITY: _("Aprobada y publicada"),
    },
    Status.MAILBOX_READY: _("Correo institucional"),
    Status.COMPLETED: {
        AccountRequest.Kind.OPENING: _("Cuenta registrada y activa"),
        AccountRequest.Kind.CLOSING: _("Cuenta cerrada"),
    },
}


class ProgressStep(NamedTuple):
    status: str
    label: str
    state: str  # "done", "current", "todo", or "stopped" (rejected / withdrawn)
    note: str = ""  # the current step's own status when it is off the path (returned)


class NextActor(NamedTuple):
    actor: str
    label: str
    actions: list[str]


class Progress(NamedTuple):
    steps: list[ProgressStep]
    next_actors: list[NextActor]


def _forward(status: str, kind: str) -> str | None:
    for step in AccountRequest.TRANSITIONS[status].values():
        if kind in step.kinds and step.to_status is not None and step.to_status not in _OFF_PATH:
            return step.to_status
    return None


def request_path(kind: str) -> list[str]:
    """The statuses a request of this kind goes through when nothing goes wrong."""
    path = [Status.DRAFT]
    while (following := _forward(path[-1], kind)) is not None:
        path.append(following)
    return path


def _step_label(status: str, kind: str) -> str:
    label = _STEP_LABELS.get(status, Status(status).label)
    return str(label.get(kind, Status(status).label) if isinstance(label, dict) else label)


def request_progress(req: AccountRequest) -> Progress:
    """The request's steps with the current one marked, and who acts next (and how)."""
    path = request_path(req.kind)
    status = req.status
    if status in path:
        current, stopped = path.index(status), False
    elif status == Status.COMPLETED:
        # A publicity approval completes at once (services.approve_request): the last step.
        current, stopped = len(path) - 1, False
    elif (following := _forward(status, req.kind)) is not None:
        # Returned: back before the step it leads to again.
        current, stopped = path.index(following) - 1, False
    else:
        # Rejected or withdrawn: the furthest step it could have been left from.
        reached = path.index(Status.SUBMITTED) if req.submitted_at else 0
        sources = [
            path.index(s)
            for s, steps in AccountRequest.TRANSITIONS.items()
            if s in path and any(st.to_status == status and req.kind in st.kinds for st in steps.values())
        ]
        current, stopped = max([i for i in sources if i <= reached] or [0]), True

    steps = []
    for i, s in enumerate(path[: current + 1] if stopped else path):
        state = "done" if i < current or (i == current and (stopped or status == Status.COMPLETED)) else "todo"
        note = ""
        if i == current and not stopped:
            state = "current"
            note = "" if status in path or status == Status.COMPLETED else str(Status(status).label)
        steps.append(ProgressStep(s, _step_label(s, req.kind), state, note))
    if stopped:
        steps.append(ProgressStep(status, str(Status(status).label), "stopped"))
    return Progress(steps, next_actors(req))


def next_actors(req: AccountRequest) -> list[NextActor]:
    """Who moves the request on from where it is, each with what they may do (edits and
    withdrawals are not what the request waits for)."""
    by_actor: dict[str, list[str]] = {}
    for action, step in AccountRequest.TRANSITIONS[req.status].items():
        if req.kind in step.kinds and step.to_status not in (None, Status.WITHDRAWN):
            by_actor.setdefault(step.actor, []).append(str(AccountRequest.Action(action).label))
    return [NextActor(actor, str(AccountRequest.Actor(actor).label), actions) for actor, actions in by_actor.items()]
