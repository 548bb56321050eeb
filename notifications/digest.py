"""The daily digest: one e-mail per person per day with the notifications held for it.

A notification whose recipient takes its kind in the digest is written as DIGEST (see
``services.held_for_digest``); the immediate sweep never claims it. Once a day (the beat
runs ``send_daily_digests`` at 08:00, Mexico City) each person with held notifications
gets one e-mail listing them, and they are marked SENT.

The digest is claimed by inserting its ``DigestRun(user, day)`` row, unique, before the
e-mail goes out: a second run the same day, or a second worker at the same moment, finds
the row and sends nothing. Like the immediate e-mails, delivery is at-least-once with a
bounded window: a worker that dies after the SMTP server accepted the digest but before
marking it leaves an unsent run, released after ``STALE_CLAIM``, and a later run that day
(the task's retry) sends it again. A failed send releases its claim at once and the items
stay held, for the retry or, failing that, the next day's digest.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formats import local_datetime

from .delivery import STALE_CLAIM, close_quietly
from .kinds import label_for
from .models import DigestRun, Notification

logger = logging.getLogger(__name__)

MEXICO_CITY = ZoneInfo("America/Mexico_City")
# A digest lists at most this many items; the rest are counted and wait in the inbox.
MAX_LISTED_ITEMS = 200
BATCH_SIZE = 200

HELD = Notification.EmailStatus.DIGEST


class DigestsFailed(Exception):
    """Some digests could not be sent; their claims were released for a retry."""


def send_daily_digests(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send today's digest to everyone with held notifications. Returns how many were sent.

    Safe to run twice or from two workers at once. Raises DigestsFailed after the whole
    run if any digest failed, so the task retries (only the failed ones are left to do)."""
    now = now or timezone.now()
    day = timezone.localdate(now, MEXICO_CITY)
    DigestRun.objects.filter(day=day, sent_at__isnull=True, claimed_at__lt=now - STALE_CLAIM).delete()
    candidates = list(
        Notification.objects.filter(email_status=HELD, created_at__lte=now)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    done = set(DigestRun.objects.filter(day=day, user_id__in=candidates).values_list("user_id", flat=True))
    todo = [user_id for user_id in candidates if user_id not in done]
    sent = failed = 0
    for start in range(0, len(todo), batch_size):
        batch_sent, batch_failed = _send_batch(todo[start : start + batch_size], day, now)
        sent, failed = sent + batch_sent, failed + batch_failed
    logger.info("Daily digests for %s: %d sent, %d failed", day, sent, failed)
    if failed:
        raise DigestsFailed(f"{failed} digests failed on {day}")
    return sent


def _send_batch(user_ids: list[int], day: date, now: datetime) -> tuple[int, int]:
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
    inactive = [pk for pk, u in users.items() if not u.is_active]
    if inactive:
        # Deactivated since the events: the in-app rows stay, no e-mail to a former colleague.
        Notification.objects.filter(recipient_id__in=inactive, email_status=HELD).update(
            email_status=Notification.EmailStatus.FAILED, email_last_error=_("La persona destinataria está inactiva.")
        )
    active = sorted(pk for pk, u in users.items() if u.is_active)  # sorted: two workers never deadlock
    if not active:
        return 0, 0
    token = uuid.uuid4()
    DigestRun.objects.bulk_create(
        [DigestRun(user_id=pk, day=day, claimed_at=timezone.now(), claim_token=token) for pk in active],
        ignore_conflicts=True,
    )
    mine = list(
        DigestRun.objects.filter(day=day, user_id__in=active, claim_token=token).order_by("user_id")
    )  # only the runs whose insert landed are ours
    if not mine:
        return 0, 0
    items = defaultdict(list)
    for item in (
        Notification.objects.filter(recipient_id__in=[r.user_id for r in mine], email_status=HELD, created_at__lte=now)
        .order_by("recipient_id", "created_at", "pk")
        .only("pk", "recipient_id", "kind", "title", "url", "created_at")
    ):
        items[item.recipient_id].append(item)
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server is unreachable: release every claim
        logger.warning("Digests for %s not sent, no mail server: %s", day, exc)
        DigestRun.objects.filter(claim_token=token, sent_at__isnull=True).delete()
        return 0, len(mine)
    sent = failed = 0
    try:
        for run in mine:
            held = items.get(run.user_id, [])
            if not held:  # nothing left to tell (the rows went another way since): no e-mail
                run.delete()
                continue
            # Renew the claim just before sending: a slow batch's later claims must not look
            # stale to another run; if another run already took this one over, leave it.
            renewed = DigestRun.objects.filter(pk=run.pk, claim_token=token, sent_at__isnull=True).update(
                claimed_at=timezone.now()
            )
            if not renewed:
                continue
            try:
                _message(users[run.user_id], held, day, connection).send()
            except Exception as exc:  # noqa: BLE001 - release the claim; the items stay held
                logger.warning("Digest for user %s on %s failed: %s", run.user_id, day, exc)
                DigestRun.objects.filter(pk=run.pk, sent_at__isnull=True).delete()
                failed += 1
                close_quietly(connection)  # a later send opens a fresh connection
                continue
            sent_at = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in held], email_status=HELD).update(
                email_status=Notification.EmailStatus.SENT,
                email_sent_at=sent_at,
                email_attempts=F("email_attempts") + 1,
            )
            DigestRun.objects.filter(pk=run.pk).update(sent_at=sent_at, items=len(held))
            sent += 1
    finally:
        close_quietly(connection)
    return sent, failed


def _message(user, held: list[Notification], day: date, connection) -> EmailMessage:
    lines = [_("Estos son los avisos que eligió recibir en su resumen diario:"), ""]
    for n in held[:MAX_LISTED_ITEMS]:
        when = local_datetime(n.created_at)
        link = f"{settings.SITE_URL}{n.url}" if n.url else f"{settings.SITE_URL}{reverse('notifications:inbox')}"
        lines += [f"• {when} · {label_for(n.kind)}: {n.title}", f"  {link}"]
    if len(held) > MAX_LISTED_ITEMS:
        lines += [
            "",
            _("Y %(count)s avisos más; véalos en su bandeja: %(link)s")
            % {"count": len(held) - MAX_LISTED_ITEMS, "link": f"{settings.SITE_URL}{reverse('notifications:inbox')}"},
        ]
    lines += [
        "",
        _("Horas del centro de México. Puede elegir cómo recibir cada tipo de aviso en: %(link)s")
        % {"link": f"{settings.SITE_URL}{reverse('notifications:preferences')}"},
        "",
        _("— Sistema de redes sociales institucionales del INE"),
    ]
    subject = _("Resumen diario de notificaciones del %(date)s") % {"date": day.strftime("%d/%m/%Y")}
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection)
