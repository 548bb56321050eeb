"""E-mail delivery of the outbox: one claim per notification, retries with backoff.

Delivery is at-least-once with a bounded window: a notification is claimed (PENDING →
SENDING) before its e-mail goes out and marked SENT right after. A worker that dies
between the SMTP server's acceptance and that mark leaves a claim, released after
``STALE_CLAIM``; only then may the e-mail go out a second time. ``EMAIL_TIMEOUT`` is kept
well below ``STALE_CLAIM`` so a hung SMTP conversation gives up long before its claim is
released, and a live worker can never race the sweep for the same notification.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)


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
