"""The notification outbox: ``notify()`` is the one way anything tells anyone anything.

A Notification row is written in the caller's transaction, so it exists exactly when the
event does. E-mail goes out after commit from a Celery task; if the broker or the mail
server is down the row stays pending and the periodic sweep delivers it later. A row whose
recipient takes that kind in the daily digest is written as DIGEST instead, and waits for
``digest.send_daily_digests``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from core.validators import strip_control_characters

from . import kinds
from .models import Notification, NotificationPreference
from .tasks import deliver_notification_emails

logger = logging.getLogger(__name__)

DIGEST = NotificationPreference.Delivery.DIGEST
IMMEDIATE = NotificationPreference.Delivery.IMMEDIATE


@dataclass(frozen=True)
class Message:
    recipients: Iterable[AbstractBaseUser]
    kind: str
    title: str
    body: str
    url: str = ""


def notify(
    recipients: Iterable[AbstractBaseUser],
    *,
    kind: str,
    title: str,
    body: str,
    url: str = "",
) -> list[Notification]:
    """Write one in-app notification per distinct active recipient; e-mail after commit."""
    ids = notify_many([Message(recipients=recipients, kind=kind, title=title, body=body, url=url)])
    return list(Notification.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def notify_many(messages: Iterable[Message]) -> list[int]:
    """``notify()`` for many messages: one INSERT for all of them, one hand-off after commit.
    Returns the new notifications' ids.

    Each recipient's delivery (immediate or digest) is resolved for the whole batch at
    once: one query for their preferences, one for their groups when a kind defaults to
    the digest for some group, whatever the number of rows."""
    rows = []
    for message in messages:
        if message.url and (not message.url.startswith("/") or message.url.startswith("//")):
            # Links are to this site's own pages (reverse()); never an outside address.
            raise ValueError(f"Notification links must be site paths, not {message.url!r}")
        seen: set[int] = set()
        # The title is the e-mail's subject: a line break there would leave the message
        # undeliverable, whatever a form let through.
        title = strip_control_characters(str(message.title))[:200]
        for user in message.recipients:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append((user.pk, message.kind, title, message.body, message.url))
    if not rows:
        return []
    held = held_for_digest({(recipient_id, kind) for recipient_id, kind, *_ in rows})
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=recipient_id,
                kind=kind,
                title=title,
                body=body,
                url=url,
                created_at=now,
                email_next_attempt_at=now,
                email_status=(
                    Notification.EmailStatus.DIGEST
                    if (recipient_id, kind) in held
                    else Notification.EmailStatus.PENDING
                ),
            )
            for recipient_id, kind, title, body, url in rows
        ],
        batch_size=2000,
    )
    pending = [n.pk for n in created if n.email_status == Notification.EmailStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: enqueue_email_delivery(pending))
    return [n.pk for n in created]


def held_for_digest(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (recipient id, kind) pairs whose e-mail waits for the daily digest.

    At most two queries, whatever the number of pairs: the recipients' preferences, and
    their membership of the groups some kind sends to the digest by default. A mandatory
    or unregistered kind is never held."""
    switchable = {kind for _, kind in pairs if _switchable(kind)}
    pairs = {pair for pair in pairs if pair[1] in switchable}
    if not pairs:
        return set()
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user_id__in={user_id for user_id, _ in pairs}, kind__in=switchable
        ).values_list("user_id", "kind", "delivery")
    }
    undecided = pairs - chosen.keys()
    group_names = {name for _, kind in undecided for name in kinds.get_kind(kind).digest_for_groups}
    groups_of = _groups_of({user_id for user_id, _ in undecided}, group_names) if group_names else {}
    return {
        (user_id, kind)
        for user_id, kind in pairs
        if chosen.get((user_id, kind), default_delivery(kind, groups_of.get(user_id, set()))) == DIGEST
    }


def _switchable(code: str) -> bool:
    kind = kinds.get_kind(code)
    return kind is not None and not kind.mandatory


def default_delivery(code: str, group_names: set[str]) -> str:
    """The delivery of a kind for someone who has not chosen: the digest for the groups the
    kind names, immediate otherwise (and always, for a mandatory or unregistered kind)."""
    kind = kinds.get_kind(code)
    if kind is None or kind.mandatory or not group_names & set(kind.digest_for_groups):
        return IMMEDIATE
    return DIGEST


def _groups_of(user_ids: set[int], names: set[str]) -> dict[int, set[str]]:
    """Which of the named groups each user belongs to: one query."""
    memberships = get_user_model().groups.through.objects.filter(user_id__in=user_ids, group__name__in=names)
    groups_of: dict[int, set[str]] = {}
    for user_id, name in memberships.values_list("user_id", "group__name"):
        groups_of.setdefault(user_id, set()).add(name)
    return groups_of


def deliveries_for(user: AbstractBaseUser) -> dict[str, str]:
    """The delivery in force for each registered kind, for the preferences page."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    group_names = set(user.groups.values_list("name", flat=True))
    deliveries = {}
    for kind in kinds.registered_kinds():
        if _switchable(kind.code) and kind.code in chosen:
            deliveries[kind.code] = chosen[kind.code]
        else:
            deliveries[kind.code] = default_delivery(kind.code, group_names)
    return deliveries


def set_preferences(user: AbstractBaseUser, choices: dict[str, str]) -> None:
    """Store a person's choices. Only a choice that differs from the default for their role
    is kept, so someone who never chose follows the defaults as their roles change.
    Mandatory and unregistered kinds are ignored: they are always immediate."""
    group_names = set(user.groups.values_list("name", flat=True))
    keep = {
        code: delivery
        for code, delivery in choices.items()
        if _switchable(code) and delivery in (IMMEDIATE, DIGEST) and delivery != default_delivery(code, group_names)
    }
    with transaction.atomic():
        NotificationPreference.objects.filter(user=user, kind__in=set(choices) - set(keep)).delete()
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=user, kind=code, delivery=delivery) for code, delivery in keep.items()],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["delivery"],
        )


def enqueue_email_delivery(ids: list[int]) -> None:
    """Hand the e-mails to the worker; if the broker is unreachable the sweep will."""
    try:
        deliver_notification_emails.delay(ids)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the rows stay pending
        logger.warning("Broker unavailable (%s); %d notification e-mails left for the sweep", exc, len(ids))


def mark_read(user: AbstractBaseUser, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
