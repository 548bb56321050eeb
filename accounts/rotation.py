"""Password rotation (approved INE rule: every two months): status and reminders.

The due date is ``Account.password_rotation_due_on``, which ``services`` sets on activation
and on every recorded rotation with ``services.password_rotation_due_on``; nothing here
computes "two months later" again. This module answers two questions: is an account ok,
due soon or overdue, and which reminder does it need today. The sweep sends each reminder
once: the claim is the insertion of a ``PasswordReminder`` row, unique per account, due
date and stage, in the same transaction as its notifications.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.services import Message, notify_many

from . import access
from .access import administrators_by_organ, people_by_organ
from .models import Account, PasswordReminder

logger = logging.getLogger(__name__)


class RotationState(models.TextChoices):
    OK = "ok", gettext_lazy("Al día")
    DUE_SOON = "due_soon", gettext_lazy("Por vencer")
    OVERDUE = "overdue", gettext_lazy("Vencida")


def days_before() -> int:
    return settings.PASSWORD_REMINDER_DAYS_BEFORE


def rotation_state(due_on: date | None, today: date) -> str:
    """An account with no due date has never had a rotation recorded: it counts as overdue."""
    if due_on is None or due_on < today:
        return RotationState.OVERDUE
    if due_on <= today + timedelta(days=days_before()):
        return RotationState.DUE_SOON
    return RotationState.OK


def with_rotation_state(accounts: QuerySet[Account], today: date) -> QuerySet[Account]:
    """``rotation_state`` as a column, so pages can filter, count and sort on it."""
    return accounts.annotate(
        rotation_state=Case(
            When(
                Q(password_rotation_due_on__isnull=True) | Q(password_rotation_due_on__lt=today), then=Value("overdue")
            ),
            When(password_rotation_due_on__lte=today + timedelta(days=days_before()), then=Value("due_soon")),
            default=Value("ok"),
            output_field=models.CharField(),
        )
    )


def state_counts(accounts: QuerySet[Account], today: date) -> dict[str, int]:
    counts = dict(with_rotation_state(accounts, today).order_by().values_list("rotation_state").annotate(n=Count("pk")))
    return {state: counts.get(state, 0) for state in RotationState.values}


def reminder_stage(due_on: date, today: date) -> int | None:
    """The reminder an account needs today, as days from its due date, or None.

    -7 a week before, 0 on the due date, then 7, 14, … weekly while overdue. A sweep that
    ran late sends only the latest stage, never a backlog of stale ones.
    """
    days = (today - due_on).days
    if days < -days_before():
        return None
    if days < 0:
        return -days_before()
    every = settings.PASSWORD_REMINDER_OVERDUE_EVERY_DAYS
    return days // every * every


def _message(reminder: PasswordReminder, recipients: list, today: date) -> Message:
    account = reminder.account
    params = {
        "account": account,
        "organ": account.organ,
        "date": reminder.due_on.strftime("%d/%m/%Y"),
        "days": (today - reminder.due_on).days,
    }
    policy = _(
        "Cámbiela en la red social y registre el cambio en el sistema; el sistema no recibe ni guarda contraseñas."
    )
    if reminder.stage < 0:
        title = _("Cambio de contraseña próximo: %(account)s") % params
        body = (
            _("La contraseña de la cuenta %(account)s de %(organ)s debe cambiarse a más tardar el %(date)s.") % params
        )
    elif reminder.stage == 0:
        title = _("Hoy vence el cambio de contraseña: %(account)s") % params
        body = _("La contraseña de la cuenta %(account)s de %(organ)s debe cambiarse hoy, %(date)s.") % params
    else:
        title = _("Cambio de contraseña vencido: %(account)s") % params
        body = (
            _(
                "La contraseña de la cuenta %(account)s de %(organ)s debió cambiarse el %(date)s; "
                "lleva %(days)s días de retraso. Las contraseñas se cambian cada dos meses."
            )
            % params
        )
    return Message(
        recipients=recipients,
        kind="password.overdue" if reminder.stage > 0 else "password.reminder",
        title=title,
        body=f"{body} {policy}",
        url=reverse("accounts:detail", args=[account.pk]),
    )


def _recipients(reminder: PasswordReminder, admins: dict, people: dict, cncs: list) -> list:
    """Administrators always; once overdue, also the organ's titular and CNCS."""
    organ_id = reminder.account.organ_id
    if reminder.stage > 0:
        return [*people.get(organ_id, []), *cncs]
    return list(admins.get(organ_id, []))


def send_password_reminders(now: datetime | None = None, batch_size: int | None = None) -> int:
    """The sweep: send every reminder due today exactly once. Returns how many were sent.

    Safe to run twice, from two workers at once, or again after a worker died mid-batch:
    a reminder is claimed by inserting its unique row in the batch's transaction, and only
    the worker whose insert landed notifies.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    batch_size = batch_size or settings.DEADLINE_SWEEP_BATCH_SIZE
    candidates = list(
        Account.objects.filter(
            status__in=Account.OPERATED_STATUSES, password_rotation_due_on__lte=today + timedelta(days=days_before())
        )
        .order_by("pk")
        .values_list("pk", "password_rotation_due_on")
    )
    sent = 0
    for start in range(0, len(candidates), batch_size):
        sent += _send_batch(candidates[start : start + batch_size], now, today)
    return sent


def _send_batch(candidates: list[tuple[int, date]], now: datetime, today: date) -> int:
    stages = ((pk, due_on, reminder_stage(due_on, today)) for pk, due_on in candidates)
    wanted = {s for s in stages if s[2] is not None}
    if not wanted:
        return 0
    account_ids = sorted({w[0] for w in wanted})
    already = set(
        PasswordReminder.objects.filter(account_id__in=account_ids, due_on__gte=min(w[1] for w in wanted)).values_list(
            "account_id", "due_on", "stage"
        )
    )
    todo = sorted(wanted - already)  # a fixed order, so two workers never deadlock on the index
    if not todo:
        return 0
    token = uuid.uuid4()
    with transaction.atomic():
        PasswordReminder.objects.bulk_create(
            [
                PasswordReminder(account_id=pk, due_on=due_on, stage=stage, sent_at=now, claim_token=token)
                for pk, due_on, stage in todo
            ],
            ignore_conflicts=True,
        )
        mine = list(
            PasswordReminder.objects.filter(account_id__in=[t[0] for t in todo], claim_token=token)
            .select_related("account__organ", "account__network")
            .order_by("account_id")
        )
        # An account rotated or closed since the candidates were read needs no reminder.
        stale = [r.pk for r in mine if r.account.password_rotation_due_on != r.due_on or not r.account.is_operated]
        if stale:
            PasswordReminder.objects.filter(pk__in=stale).delete()
            mine = [r for r in mine if r.pk not in stale]
        if not mine:
            return 0
        organ_ids = {r.account.organ_id for r in mine}
        overdue = any(r.stage > 0 for r in mine)
        admins = administrators_by_organ(organ_ids)
        people = people_by_organ(organ_ids) if overdue else {}
        cncs = list(access.cncs_users()) if overdue else []
        messages = []
        for reminder in mine:
            message = _message(reminder, _recipients(reminder, admins, people, cncs), today)
            reminder.recipients = len({u.pk for u in message.recipients})
            messages.append(message)
        PasswordReminder.objects.bulk_update(mine, ["recipients"])
        notify_many(messages)
    logger.info("Password reminders sent: %d", len(mine))
    return len(mine)
