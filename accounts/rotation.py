"""Password rotation (approved INE rule: every two months): status and reminders.

The due date is ``Account.password_rotation_due_on``, which ``services`` sets on activation
and on every recorded rotation with ``services.password_rotation_due_on``; nothing here
computes "two months later" again. This module answers two questions: is an account ok,
due soon or overdue, and which reminder does it need today; and it words both, always
counting from the real day (never "today" about a past date). The sweep sends each
reminder once: the claim is the insertion of a ``PasswordReminder`` row, unique per
account, due date and stage, in the same transaction as its notifications.
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
from django.utils.translation import gettext_lazy, ngettext

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


def overdue_every() -> int:
    return settings.PASSWORD_REMINDER_OVERDUE_EVERY_DAYS


def schedule_text() -> str:
    """Who is reminded when: the sentence the status page shows, beside the rule itself."""
    return ngettext(
        "Se avisa a sus administradores %(before)s días antes y el día del vencimiento. Si vence, "
        "al día siguiente y después cada día se avisa también a la persona titular del órgano y a "
        "Comunicación Social, igual que cuando el órgano no tiene administradores designados.",
        "Se avisa a sus administradores %(before)s días antes y el día del vencimiento. Si vence, "
        "al día siguiente y después cada %(every)s días se avisa también a la persona titular del "
        "órgano y a Comunicación Social, igual que cuando el órgano no tiene administradores designados.",
        overdue_every(),
    ) % {"before": days_before(), "every": overdue_every()}


def countdown(due_on: date | None, today: date) -> str:
    """How far the due date is from today, as the status page says it."""
    if due_on is None:
        return _("sin cambios registrados")
    days = (due_on - today).days
    if days == 0:
        return _("vence hoy")
    if days > 0:
        return ngettext("vence en %(n)s día", "vence en %(n)s días", days) % {"n": days}
    return ngettext("%(n)s día de retraso", "%(n)s días de retraso", -days) % {"n": -days}


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

    -7 in the week before, 0 on the due date itself and only then, and once overdue 1 (the
    first sweep after the due date escalates at once), then 8, 15, … every
    ``overdue_every()`` days. A sweep that ran late, or a back-dated rotation, sends only
    the latest stage, never a backlog of stale ones; its text counts from the real day.
    """
    days = (today - due_on).days
    if days < -days_before():
        return None
    if days < 0:
        return -days_before()
    if days == 0:
        return 0
    return 1 + (days - 1) // overdue_every() * overdue_every()


def _message(reminder: PasswordReminder, recipients: list, today: date, *, no_administrators: bool) -> Message:
    """The text counts from ``today``, not from the stage: a reminder sent late says so."""
    account = reminder.account
    days_left = (reminder.due_on - today).days
    params = {
        "account": account,
        "organ": account.organ,
        "date": reminder.due_on.strftime("%d/%m/%Y"),
        "days": abs(days_left),
    }
    if days_left > 0:
        title = _("Cambio de contraseña próximo: %(account)s") % params
        body = (
            ngettext(
                "La contraseña de la cuenta %(account)s de %(organ)s debe cambiarse a más tardar el %(date)s, "
                "dentro de %(days)s día.",
                "La contraseña de la cuenta %(account)s de %(organ)s debe cambiarse a más tardar el %(date)s, "
                "dentro de %(days)s días.",
                params["days"],
            )
            % params
        )
    elif days_left == 0:
        title = _("Hoy vence el cambio de contraseña: %(account)s") % params
        body = _("La contraseña de la cuenta %(account)s de %(organ)s debe cambiarse hoy, %(date)s.") % params
    else:
        title = _("Cambio de contraseña vencido: %(account)s") % params
        body = (
            ngettext(
                "La contraseña de la cuenta %(account)s de %(organ)s debió cambiarse el %(date)s; "
                "lleva %(days)s día de retraso. Las contraseñas se cambian cada dos meses.",
                "La contraseña de la cuenta %(account)s de %(organ)s debió cambiarse el %(date)s; "
                "lleva %(days)s días de retraso. Las contraseñas se cambian cada dos meses.",
                params["days"],
            )
            % params
        )
    parts = [body]
    if no_administrators:
        parts.append(
            _(
                "%(organ)s no tiene administradores designados vigentes que reciban este aviso; "
                "designe a sus administradores."
            )
            % params
        )
    parts.append(
        _("Cámbiela en la red social y registre el cambio en el sistema; el sistema no recibe ni guarda contraseñas.")
    )
    return Message(
        recipients=recipients,
        kind="password.overdue" if days_left < 0 else "password.reminder",
        title=title,
        body=" ".join(parts),
        url=reverse("accounts:detail", args=[account.pk]),
    )


def _escalates(reminder: PasswordReminder, admins: dict) -> bool:
    """Overdue, or nobody administers the organ: its titular and CNCS must hear of it."""
    return reminder.stage > 0 or not admins.get(reminder.account.organ_id)


def _recipients(reminder: PasswordReminder, admins: dict, people: dict, cncs: list) -> list:
    """The organ's administrators; when it escalates, also the organ's titular and CNCS."""
    organ_id = reminder.account.organ_id
    if _escalates(reminder, admins):
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
        admins = administrators_by_organ(organ_ids)
        escalates = any(_escalates(r, admins) for r in mine)
        people = people_by_organ(organ_ids) if escalates else {}
        cncs = list(access.cncs_users()) if escalates else []
        messages, sent, unreachable = [], [], []
        for reminder in mine:
            recipients = _recipients(reminder, admins, people, cncs)
            if not recipients:
                unreachable.append(reminder.pk)
                continue
            message = _message(reminder, recipients, today, no_administrators=not admins.get(reminder.account.organ_id))
            reminder.recipients = len({u.pk for u in recipients})
            messages.append(message)
            sent.append(reminder)
        if unreachable:
            # Nobody to tell (no administrators, no titular, no CNCS): release the claim so
            # the next sweep tries again, rather than record a reminder nobody received.
            logger.warning("Password reminders with no recipient, to retry: %s", unreachable)
            PasswordReminder.objects.filter(pk__in=unreachable).delete()
        if not sent:
            return 0
        PasswordReminder.objects.bulk_update(sent, ["recipients"])
        notify_many(messages)
    logger.info("Password reminders sent: %d", len(sent))
    return len(sent)
