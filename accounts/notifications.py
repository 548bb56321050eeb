"""The notification outbox: ``notify()`` is the one way anything tells anyone anything.

A Notification row is written in the caller's transaction, so it exists exactly when the
event does. E-mail goes out after commit from a Celery task; if the broker or the mail
server is down the row stays pending and the periodic sweep delivers it later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .bulk import insert_rows
from .models import Notification, User

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Message:
    recipients: Iterable[User]
    kind: str
    title: str
    body: str
    url: str = ""


def notify(
    recipients: Iterable[User],
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
    ids = insert_rows(
        Notification,
        ["recipient_id", "kind", "title", "body", "url"],
        rows,
        constants={"created_at": now, "email_next_attempt_at": now},
    )
    if ids:
        transaction.on_commit(lambda: enqueue_email_delivery(ids))
    return ids


def enqueue_email_delivery(ids: list[int]) -> None:
    """Hand the e-mails to the worker; if the broker is unreachable the sweep will."""
    from .tasks import deliver_notification_emails

    try:
        deliver_notification_emails.delay(ids)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the rows stay pending
        logger.warning("Broker unavailable (%s); %d notification e-mails left for the sweep", exc, len(ids))


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), MAX_BACKOFF)


def deliver_email(notification_id: int) -> bool:
    """Send one notification's e-mail, at most once. Returns True if this call sent it."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        email_status=Notification.EmailStatus.PENDING,
        email_next_attempt_at__lte=now,
    ).update(email_status=Notification.EmailStatus.SENDING, email_claimed_at=now)
    if claimed != 1:
        return False  # someone else has it, or it is not due: both fine
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not n.recipient.is_active:
        # Deactivated since the event: keep the in-app row, send nothing to a former colleague.
        Notification.objects.filter(pk=n.pk).update(
            email_status=Notification.EmailStatus.FAILED, email_last_error=_("La persona destinataria está inactiva.")
        )
        return False
    link = f"{settings.SITE_URL}{n.url}" if n.url else settings.SITE_URL
    message = _(
        "%(body)s\n\nConsulte el detalle en: %(link)s\n\n— Sistema de redes sociales institucionales del INE"
    ) % {
        "body": n.body,
        "link": link,
    }
    try:
        send_mail(n.title, message, settings.DEFAULT_FROM_EMAIL, [n.recipient.email], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - record any transport failure and retry
        attempts = n.email_attempts + 1
        gave_up = attempts >= settings.NOTIFICATION_MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=n.pk).update(
            email_status=Notification.EmailStatus.FAILED if gave_up else Notification.EmailStatus.PENDING,
            email_attempts=attempts,
            email_next_attempt_at=timezone.now() + _backoff(attempts),
            email_last_error=str(exc)[:2000],
            email_claimed_at=None,
        )
        logger.warning("E-mail for notification %s failed (attempt %s): %s", n.pk, attempts, exc)
        return False
    Notification.objects.filter(pk=n.pk).update(
        email_status=Notification.EmailStatus.SENT,
        email_sent_at=timezone.now(),
        email_attempts=n.email_attempts + 1,
        email_last_error="",
    )
    return True


def deliver_pending_emails(batch_size: int = 500) -> int:
    """The sweep: release claims a dead worker left behind, then send what is due."""
    now = timezone.now()
    Notification.objects.filter(
        email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=now - STALE_CLAIM
    ).update(email_status=Notification.EmailStatus.PENDING, email_claimed_at=None)
    due = list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING, email_next_attempt_at__lte=now)
        .order_by("email_next_attempt_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    return sum(deliver_email(pk) for pk in due)


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
