"""The notification outbox: ``notify()`` is the one way anything tells anyone anything.

A Notification row is written in the caller's transaction, so it exists exactly when the
event does. E-mail goes out after commit from a Celery task; if the broker or the mail
server is down the row stays pending and the periodic sweep delivers it later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .tasks import deliver_notification_emails

logger = logging.getLogger(__name__)


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
    Returns the new notifications' ids."""
    rows = []
    for message in messages:
        if message.url and (not message.url.startswith("/") or message.url.startswith("//")):
            # Links are to this site's own pages (reverse()); never an outside address.
            raise ValueError(f"Notification links must be site paths, not {message.url!r}")
        seen: set[int] = set()
        title = message.title[:200]
        for user in message.recipients:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append((user.pk, message.kind, title, message.body, message.url))
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
            )
            for recipient_id, kind, title, body, url in rows
        ],
        batch_size=2000,
    )
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: enqueue_email_delivery(ids))
    return ids


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
