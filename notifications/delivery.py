"""E-mail delivery of the outbox: one claim per notification, retries with backoff.

Delivery is at-least-once with a bounded window: a notification is claimed (PENDING →
SENDING) right before its e-mail goes out and marked SENT right after. A worker that dies
between the SMTP server's acceptance and that mark leaves a claim, released after
``STALE_CLAIM``; only then may the e-mail go out a second time. ``EMAIL_TIMEOUT`` bounds
every socket operation of a send, and the system check ``notifications.E001`` keeps it
well below ``STALE_CLAIM`` (at most a tenth of it: one send is several such operations),
so a hung SMTP conversation gives up long before its claim is released, and a live worker
does not race the sweep for the same notification.

A batch (the sweep's, or the ids handed over after one commit) goes out over one SMTP
connection, opened at the first claimed notification; each notification is still claimed
and marked on its own, so a batch cut short leaves the rest pending, never half-done. A
failed send closes the connection (the next notification opens a new one); a connection
that cannot be opened at all ends the batch, since the next sends would fail the same way.
Notifications held for the daily digest (DIGEST) are never claimed here: see digest.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)
# "Well below": a send is several socket operations, each bounded by EMAIL_TIMEOUT.
MAX_EMAIL_TIMEOUT = STALE_CLAIM / 10


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), MAX_BACKOFF)


class _ConnectionFailed(Exception):
    """The mail server could not be reached: the rest of the batch would fail the same way."""


def deliver_email(notification_id: int) -> bool:
    """Send one notification's e-mail, at most once. Returns True if this call sent it."""
    return deliver_emails([notification_id]) == 1


def deliver_emails(notification_ids: Iterable[int]) -> int:
    """Send each notification's e-mail over one SMTP connection. Returns how many this call sent."""
    sent = 0
    connection = None
    try:
        for pk in notification_ids:
            notification = _claim(pk)
            if notification is None:
                continue
            try:
                if connection is None:
                    connection = get_connection()
                    _open(connection)
                _build_message(notification, connection).send()
            except Exception as exc:  # noqa: BLE001 - record any transport failure and retry
                _record_failure(notification, exc)
                if connection is not None:
                    close_quietly(connection)
                    connection = None
                if isinstance(exc, _ConnectionFailed):
                    break
                continue
            Notification.objects.filter(pk=notification.pk).update(
                email_status=Notification.EmailStatus.SENT,
                email_sent_at=timezone.now(),
                email_attempts=notification.email_attempts + 1,
                email_last_error="",
            )
            sent += 1
    finally:
        if connection is not None:
            close_quietly(connection)
    return sent


def _claim(notification_id: int) -> Notification | None:
    """PENDING → SENDING if due; None when someone else has it, it is not due, or its
    recipient has left (then the in-app row stays and nothing is sent)."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        email_status=Notification.EmailStatus.PENDING,
        email_next_attempt_at__lte=now,
    ).update(email_status=Notification.EmailStatus.SENDING, email_claimed_at=now)
    if claimed != 1:
        return None
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not n.recipient.is_active:
        # Deactivated since the event: keep the in-app row, send nothing to a former colleague.
        Notification.objects.filter(pk=n.pk).update(
            email_status=Notification.EmailStatus.FAILED, email_last_error=_("La persona destinataria está inactiva.")
        )
        return None
    return n


def _open(connection: BaseEmailBackend) -> None:
    try:
        connection.open()
    except Exception as exc:
        raise _ConnectionFailed(str(exc) or exc.__class__.__name__) from exc


def close_quietly(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception as exc:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
        logger.info("Closing the SMTP connection failed: %s", exc)


def _build_message(n: Notification, connection: BaseEmailBackend) -> EmailMessage:
    link = f"{settings.SITE_URL}{n.url}" if n.url else settings.SITE_URL
    body = _("%(body)s\n\nConsulte el detalle en: %(link)s\n\n— Sistema de redes sociales institucionales del INE") % {
        "body": n.body,
        "link": link,
    }
    return EmailMessage(n.title, body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email], connection=connection)


def _record_failure(n: Notification, exc: Exception) -> None:
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
    return deliver_emails(due)
