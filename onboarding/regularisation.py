"""Regularisation of the accounts that existed before the criteria (Transitorio SEGUNDO).

The one place for its rules: the four steps an account's organ takes, the national deadline
and the organs' extensions, the two confirmations recorded with who and when, the reminders
as the deadline nears, and the outcome at the deadline (active, or reclassified as personal).
Views, panels and tasks only call these. ``open_for`` is what the import calls for each
account it creates.

The steps are read in bulk (``progress``): a page of any length takes a fixed number of
queries. Whether an account is complete is one SQL expression (``annotated``), so the
national counts, the reminders and the outcome all count the same way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import access as accounts_access
from accounts import services as accounts_services
from accounts.models import Account, Designation, Organ, PasswordRotation, User
from core.formats import local_datetime
from notifications.services import Message, notify, notify_many

from . import access
from .models import (
    ImportRow,
    OrganExtension,
    Regularisation,
    RegularisationReminder,
    RegularisationSchedule,
)

logger = logging.getLogger(__name__)

REGULARIZING = Account.Status.REGULARIZING


def long_date(day: date) -> str:
    """24 de noviembre de 2026: how the regularisation pages and messages write a deadline."""
    return date_format(day, "j \\d\\e F \\d\\e Y").lower()


def open_for(account: Account, *, source_row: ImportRow | None = None) -> Regularisation:
    """Start the regularisation of an account just imported as ``en regularización``.

    Called once, right after the account is created in the same transaction, so a plain
    INSERT: the one-to-one's unique index refuses a second record should anything try."""
    return Regularisation.objects.create(account=account, source_row=source_row)


# --- Completeness: one SQL expression ---------------------------------------------------------


def _sound_designation(role: str, until: datetime | None = None) -> Exists:
    """A current designation in ``role`` whose person is active and still on the organ's staff
    (the same test as ``accounts.selectors`` uses for coverage). With ``until``: one that had
    begun by then and had not ended before it."""
    current = Q(ends_at__isnull=True)
    if until is not None:
        current = Q(starts_at__lt=until) & (Q(ends_at__isnull=True) | Q(ends_at__gte=until))
    return Exists(
        Designation.objects.filter(
            current,
            organ_id=OuterRef("account__organ_id"),
            role=role,
            user__is_active=True,
            user__organ_id=OuterRef("account__organ_id"),
        )
    )


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` ends in Mexico City: a deadline day's steps count until then."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def annotated(
    queryset: QuerySet[Regularisation] | None = None, *, until: datetime | None = None
) -> QuerySet[Regularisation]:
    """Regularisations with each step as a column: ``has_titular``, ``has_suplente``,
    ``has_rotation`` and ``is_complete`` (all four steps done).

    The password step counts a rotation *recorded in the system* since the regularisation
    started (``PasswordRotation.created_at``), whatever day the person declares the change
    was made: the import writes no rotation, so any rotation of the account recorded here is
    one the organ's current administrators made and attested for this regularisation.

    ``until`` (the end of an organ's deadline day, when the outcome is decided) counts only
    the rotations recorded and the designations in force before it: a step done after the
    deadline does not save an account, however late the outcome runs. (The two confirmations
    are refused after the deadline.)
    """
    queryset = Regularisation.objects.all() if queryset is None else queryset
    rotations = PasswordRotation.objects.filter(
        account_id=OuterRef("account_id"), created_at__gte=OuterRef("started_at")
    )
    if until is not None:
        rotations = rotations.filter(created_at__lt=until)
    return queryset.annotate(
        has_titular=_sound_designation(Designation.Role.TITULAR, until),
        has_suplente=_sound_designation(Designation.Role.SUPLENTE, until),
        has_rotation=Exists(rotations),
    ).annotate(
        is_complete=ExpressionWrapper(
            Q(purpose_confirmed_at__isnull=False)
            & Q(criteria_accepted_at__isnull=False)
            & Q(has_titular=True)
            & Q(has_suplente=True)
            & Q(has_rotation=True),
            output_field=BooleanField(),
        )
    )


def in_progress() -> QuerySet[Regularisation]:
    """The regularisations still running: their account is in regularisation."""
    return annotated(Regularisation.objects.filter(account__status=REGULARIZING))


# --- Steps ------------------------------------------------------------------------------------


class StepKey:
    PURPOSE = "purpose"
    ADMINISTRATORS = "administrators"
    PASSWORD = "password"
    CRITERIA = "criteria"

    LABELS = {
        PURPOSE: gettext_lazy("Uso institucional confirmado"),
        ADMINISTRATORS: gettext_lazy("Administradores titular y suplente vigentes"),
        PASSWORD: gettext_lazy("Cambio de contraseña registrado"),
        CRITERIA: gettext_lazy("Criterios aceptados por la persona titular del órgano"),
    }
    # What a reminder or a reclassification says is missing.
    MISSING = {
        PURPOSE: gettext_lazy("confirmar el uso institucional"),
        ADMINISTRATORS: gettext_lazy("designar administradores titular y suplente vigentes"),
        PASSWORD: gettext_lazy("registrar un cambio de contraseña"),
        CRITERIA: gettext_lazy("que la persona titular del órgano acepte los criterios"),
    }
    ALL = (PURPOSE, ADMINISTRATORS, PASSWORD, CRITERIA)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    # Who and when, or what is missing.
    detail: str
    # Where the step is done: a page (``method`` "get") or a POST endpoint ("post").
    url: str
    method: str = "get"


@dataclass
class Progress:
    regularisation: Regularisation
    steps: list[Step] = field(default_factory=list)

    @property
    def account(self) -> Account:
        return self.regularisation.account

    @property
    def is_complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def missing(self) -> list[str]:
        return [str(StepKey.MISSING[step.key]) for step in self.steps if not step.done]


def _who_when(person: User | None, moment) -> str:
    return _("%(person)s, el %(when)s") % {"person": person or _("el sistema"), "when": local_datetime(moment)}


def progress(regularisations: Iterable[Regularisation]) -> list[Progress]:
    """The four steps of each regularisation, in three queries whatever their number.

    ``regularisations`` come from ``annotated()`` (a queryset or a list of its rows)."""
    if isinstance(regularisations, QuerySet):
        regularisations = regularisations.select_related(
            "account__organ", "account__network", "purpose_confirmed_by", "criteria_accepted_by"
        )
    rows = list(regularisations)
    organ_ids = {r.account.organ_id for r in rows}
    designations: dict[int, dict[str, Designation]] = defaultdict(dict)
    for designation in Designation.objects.filter(
        organ_id__in=organ_ids, ends_at__isnull=True, user__is_active=True
    ).select_related("user"):
        if designation.user.organ_id == designation.organ_id:
            designations[designation.organ_id][designation.role] = designation
    rotations: dict[int, PasswordRotation] = {}
    for rotation in (
        PasswordRotation.objects.filter(account_id__in=[r.account_id for r in rows])
        .select_related("rotated_by")
        .order_by("account_id", "created_at")
    ):
        rotations[rotation.account_id] = rotation  # the latest recorded
    result = []
    for r in rows:
        account = r.account
        organ_people = designations.get(account.organ_id, {})
        steps = []
        if r.purpose_confirmed_at:
            detail = _who_when(r.purpose_confirmed_by, r.purpose_confirmed_at)
        else:
            detail = _("Falta que la persona titular del órgano o un administrador lo confirme.")
        steps.append(
            Step(
                StepKey.PURPOSE,
                str(StepKey.LABELS[StepKey.PURPOSE]),
                bool(r.purpose_confirmed_at),
                detail,
                reverse("onboarding:regularisation_confirm_purpose", args=[account.pk]),
                "post",
            )
        )
        titular = organ_people.get(Designation.Role.TITULAR)
        suplente = organ_people.get(Designation.Role.SUPLENTE)
        if r.has_titular and r.has_suplente:
            detail = _("Titular: %(titular)s; suplente: %(suplente)s.") % {
                "titular": titular.user if titular else "—",
                "suplente": suplente.user if suplente else "—",
            }
        else:
            missing = [
                role.label.lower()
                for role, held in (
                    (Designation.Role.TITULAR, r.has_titular),
                    (Designation.Role.SUPLENTE, r.has_suplente),
                )
                if not held
            ]
            detail = _("Falta designar: %(roles)s.") % {"roles": _(" y ").join(missing)}
        steps.append(
            Step(
                StepKey.ADMINISTRATORS,
                str(StepKey.LABELS[StepKey.ADMINISTRATORS]),
                bool(r.has_titular and r.has_suplente),
                detail,
                reverse("accounts:designate", args=[account.organ_id]),
            )
        )
        rotation = rotations.get(account.pk)
        if r.has_rotation and rotation is not None:
            detail = _who_when(rotation.rotated_by, rotation.rotated_at)
        else:
            detail = _("Falta que un administrador registre un cambio de contraseña de la cuenta.")
        steps.append(
            Step(
                StepKey.PASSWORD,
                str(StepKey.LABELS[StepKey.PASSWORD]),
                bool(r.has_rotation),
                detail,
                reverse("accounts:rotation_add", args=[account.pk]),
            )
        )
        if r.criteria_accepted_at:
            detail = _who_when(r.criteria_accepted_by, r.criteria_accepted_at)
        else:
            detail = _("Falta que la persona titular del órgano acepte los criterios.")
        steps.append(
            Step(
                StepKey.CRITERIA,
                str(StepKey.LABELS[StepKey.CRITERIA]),
                bool(r.criteria_accepted_at),
                detail,
                reverse("onboarding:regularisation_accept_criteria", args=[account.pk]),
                "post",
            )
        )
        result.append(Progress(r, steps))
    return result


def steps(regularisation: Regularisation | Account) -> list[Step]:
    """The four steps of one account (or of its regularisation)."""
    account_id = regularisation.pk if isinstance(regularisation, Account) else regularisation.account_id
    [one] = progress(annotated(Regularisation.objects.filter(account_id=account_id)))
    return one.steps


# --- Deadline ---------------------------------------------------------------------------------


def national_deadline() -> date | None:
    return (
        RegularisationSchedule.objects.filter(scope=RegularisationSchedule.NATIONAL)
        .values_list("deadline", flat=True)
        .first()
    )


def effective_deadlines(organ_ids: Iterable[int], national: date | None = None) -> dict[int, date | None]:
    """Each organ's last day to comply: its extension, or the national date. An extension
    only ever adds time, so if the national date is later moved past it, the later one counts."""
    organ_ids = set(organ_ids)
    national = national_deadline() if national is None else national
    extended = dict(OrganExtension.objects.filter(organ_id__in=organ_ids).values_list("organ_id", "deadline"))
    result = {}
    for organ_id in organ_ids:
        candidates = [d for d in (national, extended.get(organ_id)) if d is not None]
        result[organ_id] = max(candidates) if candidates else None
    return result


def effective_deadline(organ: Organ | int) -> date | None:
    organ_id = organ if isinstance(organ, int) else organ.pk
    return effective_deadlines([organ_id])[organ_id]


def _deadline_passed(organ_id: int, today: date) -> date | None:
    """The organ's deadline when it has passed (the day after it), else None."""
    deadline = effective_deadline(organ_id)
    return deadline if deadline is not None and deadline < today else None


def _organs_in_regularisation() -> list[int]:
    return sorted(set(Account.objects.filter(status=REGULARIZING).values_list("organ_id", flat=True)))


def set_deadline(*, deadline: date, by: User) -> RegularisationSchedule:
    """CNCS sets (or moves) the national deadline: never to a past day, and never once it has
    passed. Every change is kept in the schedule's history; the organs concerned and CNCS are told."""
    access.require_manage_regularisation(by)
    today = timezone.localdate()
    if deadline < today:
        raise ValidationError(
            {
                "deadline": _("La fecha límite no puede estar en el pasado (hoy es %(today)s).")
                % {"today": long_date(today)}
            }
        )
    with transaction.atomic():
        schedule = (
            RegularisationSchedule.objects.select_for_update().filter(scope=RegularisationSchedule.NATIONAL).first()
        )
        previous = schedule.deadline if schedule else None
        if previous is not None and previous < today:
            raise ValidationError(
                _("La fecha límite nacional venció el %(date)s: ya no puede moverse. Otorgue prórrogas por órgano.")
                % {"date": long_date(previous)}
            )
        if previous == deadline:
            return schedule
        if schedule is None:
            schedule = RegularisationSchedule(deadline=deadline, set_by=by, set_at=timezone.now())
        else:
            schedule.deadline, schedule.set_by, schedule.set_at = deadline, by, timezone.now()
        schedule._history_user = by
        schedule.save()
        organ_ids = _organs_in_regularisation()
        people = accounts_access.people_by_organ(organ_ids)
        if previous is None:
            body = _("%(by)s fijó la fecha límite nacional de regularización: %(date)s.")
        else:
            body = _("%(by)s movió la fecha límite nacional de regularización del %(old)s al %(date)s.")
        body = body % {"by": by, "date": long_date(deadline), "old": long_date(previous) if previous else ""}
        body += " " + _(
            "Las cuentas que existían antes de los criterios deben completar a más tardar ese día: el uso "
            "institucional confirmado, administradores titular y suplente vigentes, un cambio de contraseña "
            "registrado y la aceptación de los criterios por la persona titular del órgano. Las que no lo hagan "
            "se considerarán cuentas personales de quienes las operan (Transitorio SEGUNDO)."
        )
        notify(
            [*accounts_access.cncs_users(), *(u for users in people.values() for u in users)],
            kind="onboarding.deadline_set",
            title=_("Fecha límite de regularización: %(date)s") % {"date": long_date(deadline)},
            body=body,
            url=reverse("onboarding:regularisation"),
        )
    return schedule


def grant_extension(*, organ_id: int, deadline: date, reason: str, by: User) -> OrganExtension:
    """CNCS gives one organ a later deadline, before the organ's current one passes."""
    access.require_manage_regularisation(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo de la prórroga.")})
    today = timezone.localdate()
    with transaction.atomic():
        organ = Organ.objects.select_for_update().get(pk=organ_id)
        extension = OrganExtension.objects.filter(organ=organ).first()
        current = effective_deadline(organ.pk)
        if current is None:
            raise ValidationError(_("Aún no hay fecha límite nacional de regularización: fíjela antes de prorrogarla."))
        if current < today:
            raise ValidationError(
                _("La fecha límite de %(organ)s venció el %(date)s: ya no puede prorrogarse.")
                % {"organ": organ, "date": long_date(current)}
            )
        if deadline <= current:
            raise ValidationError(
                {
                    "deadline": _("La prórroga debe ser posterior a la fecha límite vigente de %(organ)s, el %(date)s.")
                    % {"organ": organ, "date": long_date(current)}
                }
            )
        if extension is None:
            extension = OrganExtension(organ=organ)
        extension.deadline, extension.reason, extension.granted_by = deadline, reason, by
        extension.granted_at = timezone.now()
        extension.full_clean()
        extension._history_user = by
        extension.save()
        notify(
            [*accounts_access.organ_people(organ), *accounts_access.cncs_users()],
            kind="onboarding.extension_granted",
            title=_("Prórroga de regularización: %(organ)s") % {"organ": organ},
            body=_(
                "%(by)s prorrogó la fecha límite de regularización de %(organ)s del %(old)s al %(new)s. "
                "Motivo: %(reason)s"
            )
            % {"by": by, "organ": organ, "old": long_date(current), "new": long_date(deadline), "reason": reason},
            url=reverse("onboarding:regularisation_organ", args=[organ.pk]),
        )
    return extension


# --- The two confirmations ----------------------------------------------------------------------


def _locked(account_ids: Iterable[int]) -> list[Regularisation]:
    """The regularisations and their accounts locked, in primary-key order (never a deadlock)."""
    ids = sorted(set(account_ids))
    list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    return list(
        Regularisation.objects.select_for_update(of=("self",))
        .filter(account_id__in=ids)
        .select_related("account__organ", "account__network", "purpose_confirmed_by", "criteria_accepted_by")
        .order_by("account_id")
    )


def _check_open(regularisation: Regularisation) -> None:
    account = regularisation.account
    if account.status != REGULARIZING:
        raise ValidationError(
            _("La cuenta %(account)s ya no está en regularización (está %(status)s).")
            % {"account": account, "status": account.get_status_display().lower()}
        )


def _check_deadline(organ: Organ, today: date) -> None:
    passed = _deadline_passed(organ.pk, today)
    if passed is not None:
        raise ValidationError(
            _("La fecha límite de regularización de %(organ)s venció el %(date)s.")
            % {"organ": organ, "date": long_date(passed)}
        )


def _record_step(account_id: int, by: User, *, require, field: str, already: str) -> Regularisation:
    """Record one of the two confirmations (``<field>_at`` and ``<field>_by``) with who and
    when, on the locked record; ``already`` is the refusal when someone did it first."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked([account_id])
        if not locked:
            raise ValidationError(_("Esa cuenta no está en regularización."))
        [regularisation] = locked
        _check_open(regularisation)
        require(by, regularisation.account)
        done_at = getattr(regularisation, f"{field}_at")
        if done_at:
            raise ValidationError(
                already
                % {
                    "account": regularisation.account,
                    "person": getattr(regularisation, f"{field}_by"),
                    "when": local_datetime(done_at),
                }
            )
        _check_deadline(regularisation.account.organ, today)
        setattr(regularisation, f"{field}_at", timezone.now())
        setattr(regularisation, f"{field}_by", by)
        regularisation._history_user = by
        regularisation.save(update_fields=[f"{field}_at", f"{field}_by"])
    return regularisation


def confirm_purpose(*, account_id: int, by: User) -> Regularisation:
    """The organ's titular or an administrator confirms the account is used for institutional purposes."""
    return _record_step(
        account_id,
        by,
        require=access.require_confirm_purpose,
        field="purpose_confirmed",
        already=_("El uso institucional de %(account)s ya lo confirmó %(person)s el %(when)s."),
    )


def accept_criteria(*, account_id: int, by: User) -> Regularisation:
    """The organ's titular accepts the criteria for one of its accounts."""
    return _record_step(
        account_id,
        by,
        require=access.require_accept_criteria,
        field="criteria_accepted",
        already=_("Los criterios de %(account)s ya los aceptó %(person)s el %(when)s."),
    )


def accept_criteria_for_organ(*, organ_id: int, by: User) -> int:
    """The organ's titular accepts the criteria for every account of the organ still in
    regularisation and not yet accepted, in one transaction. Returns how many."""
    today = timezone.localdate()
    with transaction.atomic():
        organ = Organ.objects.get(pk=organ_id)
        account_ids = Account.objects.filter(organ_id=organ_id, status=REGULARIZING).values_list("pk", flat=True)
        locked = [r for r in _locked(account_ids) if r.account.status == REGULARIZING]
        if locked:
            # The same rule as for one account; with none in regularisation there is nothing to refuse.
            access.require_accept_criteria(by, locked[0].account)
        pending = [r for r in locked if not r.criteria_accepted_at]
        if not pending:
            raise ValidationError(
                _("%(organ)s no tiene cuentas en regularización con los criterios por aceptar.") % {"organ": organ}
            )
        _check_deadline(organ, today)
        now = timezone.now()
        for regularisation in pending:
            access.require_accept_criteria(by, regularisation.account)
            regularisation.criteria_accepted_at, regularisation.criteria_accepted_by = now, by
            regularisation._history_user = by
            regularisation.save(update_fields=["criteria_accepted_at", "criteria_accepted_by"])
    return len(pending)


# --- Reminders ----------------------------------------------------------------------------------


def reminder_stages() -> list[int]:
    return sorted({int(days) for days in settings.REGULARISATION_REMINDER_DAYS_BEFORE if int(days) >= 0})


def _missing_by_organ(organ_ids: Iterable[int]) -> dict[int, list[Progress]]:
    """The incomplete accounts of these organs, with their steps."""
    rows = progress(in_progress().filter(account__organ_id__in=set(organ_ids), is_complete=False))
    result: dict[int, list[Progress]] = defaultdict(list)
    for row in rows:
        result[row.account.organ_id].append(row)
    return result


def missing_summary(rows: list[Progress]) -> list[str]:
    """What an organ still lacks, step by step: "2 cuentas: confirmar el uso institucional"."""
    lines = []
    for key in StepKey.ALL:
        n = sum(1 for row in rows for step in row.steps if step.key == key and not step.done)
        if n:
            lines.append(
                ngettext("%(n)s cuenta: %(missing)s", "%(n)s cuentas: %(missing)s", n)
                % {"n": n, "missing": StepKey.MISSING[key]}
            )
    return lines


def send_regularisation_reminders(today: date | None = None) -> int:
    """Remind each organ with incomplete accounts as its deadline nears, once per stage.
    Returns the number of organs reminded.

    A stage is claimed by inserting its unique ``RegularisationReminder`` row; whoever fails to
    insert it (another worker, an earlier run) sends nothing. When several stages are due at
    once (a sweep that did not run for days) only the nearest one is sent and the earlier ones
    are claimed unsent. An extension or a moved date is a new deadline: its stages start again.
    """
    today = today or timezone.localdate()
    stages = reminder_stages()
    if not stages:
        return 0
    organ_ids = sorted(set(in_progress().filter(is_complete=False).values_list("account__organ_id", flat=True)))
    deadlines = effective_deadlines(organ_ids)
    due_by_organ = {}
    for organ_id in organ_ids:
        deadline = deadlines[organ_id]
        if deadline is None or today > deadline:
            continue
        due = [days for days in stages if (deadline - today).days <= days]
        if due:
            due_by_organ[organ_id] = (deadline, due)
    if not due_by_organ:
        return 0
    claimed: dict[tuple[int, date], set[int]] = defaultdict(set)
    for organ_id, deadline, days in RegularisationReminder.objects.filter(organ_id__in=list(due_by_organ)).values_list(
        "organ_id", "deadline", "days_before"
    ):
        claimed[(organ_id, deadline)].add(days)
    reminded = 0
    for organ_id, (deadline, due) in due_by_organ.items():
        already = claimed[(organ_id, deadline)]
        pending = sorted(set(due) - already)
        if not pending:
            continue
        # The nearest stage due, unless a nearer one already went out.
        send = pending[0] if pending[0] < min(already, default=pending[0] + 1) else None
        reminded += _send_reminder(organ_id, deadline, pending, send, today)
    return reminded


def _send_reminder(organ_id: int, deadline: date, pending: list[int], send: int | None, today: date) -> int:
    with transaction.atomic():
        mine = []
        for days in pending:  # ascending, so two workers claim in the same order
            try:
                with transaction.atomic():
                    mine.append(
                        RegularisationReminder.objects.create(organ_id=organ_id, deadline=deadline, days_before=days)
                    )
            except IntegrityError:
                continue  # someone else claimed it
        if send is None or not any(r.days_before == send for r in mine):
            return 0
        organ = Organ.objects.get(pk=organ_id)
        rows = _missing_by_organ([organ_id]).get(organ_id, [])
        recipients = list(accounts_access.organ_people(organ))
        if not rows or not recipients:
            # Completed meanwhile, or nobody to tell: release the claims so that a later
            # sweep decides again rather than record a reminder nobody received.
            RegularisationReminder.objects.filter(pk__in=[r.pk for r in mine]).delete()
            return 0
        days_left = (deadline - today).days
        params = {"organ": organ, "date": long_date(deadline), "days": days_left}
        if days_left == 0:
            title = _("Hoy vence la regularización de cuentas de %(organ)s") % params
            when = _("La fecha límite de regularización de %(organ)s es hoy, %(date)s.") % params
        else:
            title = (
                ngettext(
                    "Falta %(days)s día para regularizar las cuentas de %(organ)s",
                    "Faltan %(days)s días para regularizar las cuentas de %(organ)s",
                    days_left,
                )
                % params
            )
            when = _("La fecha límite de regularización de %(organ)s es el %(date)s.") % params
        accounts = ", ".join(str(row.account) for row in rows)
        body = "\n".join(
            [
                when,
                ngettext(
                    "Falta por completar %(n)s cuenta (%(accounts)s):",
                    "Faltan por completar %(n)s cuentas (%(accounts)s):",
                    len(rows),
                )
                % {"n": len(rows), "accounts": accounts},
                *(f"– {line}" for line in missing_summary(rows)),
                _(
                    "Las cuentas que no se regularicen a tiempo se considerarán cuentas personales de quienes las "
                    "operan y dejarán de figurar en el registro público de cuentas institucionales."
                ),
            ]
        )
        notify_many(
            [
                Message(
                    recipients=recipients,
                    kind="onboarding.reminder",
                    title=title,
                    body=body,
                    url=reverse("onboarding:regularisation_organ", args=[organ_id]),
                )
            ]
        )
    logger.info("Regularisation reminder (%d days before %s) sent to organ %s", send, deadline, organ_id)
    return 1


# --- The outcome at the deadline ----------------------------------------------------------------


def close_regularisation(today: date | None = None) -> int:
    """The day after an organ's deadline: each of its accounts still in regularisation becomes
    active (complete) or is reclassified as personal (incomplete). Returns how many accounts.

    Idempotent: the account's status transition is the claim (a second run, or a second
    worker, finds nothing in regularisation). One transaction per organ, so its people and
    CNCS get one message per outcome listing the accounts, written with the changes."""
    today = today or timezone.localdate()
    organ_ids = _organs_in_regularisation()
    deadlines = effective_deadlines(organ_ids)
    decided = 0
    for organ_id in organ_ids:
        deadline = deadlines[organ_id]
        if deadline is None or deadline >= today:
            continue
        decided += _close_organ(organ_id, deadline, today)
    return decided


def _close_organ(organ_id: int, deadline: date, today: date) -> int:
    with transaction.atomic():
        # Re-read under the lock: an extension granted meanwhile moves the deadline.
        # No ordering: the organs' default one joins a nullable table, which FOR UPDATE refuses.
        list(Organ.objects.select_for_update().filter(pk=organ_id).order_by().values_list("pk", flat=True))
        current = effective_deadline(organ_id)
        if current is None or current >= today:
            return 0
        account_ids = list(Account.objects.filter(organ_id=organ_id, status=REGULARIZING).values_list("pk", flat=True))
        _locked(account_ids)
        rows = progress(
            annotated(
                Regularisation.objects.filter(account_id__in=account_ids, account__status=REGULARIZING),
                until=end_of_day(current),
            )
        )
        now = timezone.now()
        outcomes: dict[str, list[Progress]] = defaultdict(list)
        for row in rows:
            if row.is_complete:
                to_status, outcome = Account.Status.ACTIVE, Regularisation.Outcome.REGULARISED
                comment = _(
                    "Regularizada (Transitorio SEGUNDO): su órgano completó los requisitos antes de la fecha límite "
                    "del %(date)s."
                ) % {"date": long_date(current)}
            else:
                to_status, outcome = Account.Status.RECLASSIFIED, Regularisation.Outcome.RECLASSIFIED
                comment = _(
                    "Reclasificada como cuenta personal (Transitorio SEGUNDO): venció la fecha límite del %(date)s "
                    "sin que se completara la regularización. Faltó: %(missing)s."
                ) % {"date": long_date(current), "missing": "; ".join(row.missing)}
            try:
                accounts_services.change_account_status(
                    account_id=row.account.pk, to_status=to_status, by=None, comment=comment
                )
            except ValidationError as exc:
                # Decided by someone else meanwhile (closed, say), or data the account's rules
                # refuse: left as it is, and said in the log; the next run tries again.
                logger.warning("Regularisation of account %s not decided: %s", row.account.pk, exc.messages)
                continue
            regularisation = row.regularisation
            regularisation.outcome, regularisation.decided_at = outcome, now
            regularisation._history_user = None
            regularisation.save(update_fields=["outcome", "decided_at"])
            outcomes[outcome].append(row)
        if not outcomes:
            return 0
        organ = Organ.objects.get(pk=organ_id)
        recipients = [*accounts_access.organ_people(organ), *accounts_access.cncs_users()]
        url = reverse("onboarding:regularisation_organ", args=[organ_id])
        messages = []
        regularised = outcomes.get(Regularisation.Outcome.REGULARISED, [])
        if regularised:
            messages.append(
                Message(
                    recipients=recipients,
                    kind="onboarding.regularised",
                    title=ngettext(
                        "%(organ)s: %(n)s cuenta regularizada",
                        "%(organ)s: %(n)s cuentas regularizadas",
                        len(regularised),
                    )
                    % {"organ": organ, "n": len(regularised)},
                    body="\n".join(
                        [
                            ngettext(
                                "Al vencer la fecha límite del %(date)s, esta cuenta de %(organ)s cumplió los "
                                "requisitos y queda activa como cuenta institucional:",
                                "Al vencer la fecha límite del %(date)s, estas cuentas de %(organ)s cumplieron los "
                                "requisitos y quedan activas como cuentas institucionales:",
                                len(regularised),
                            )
                            % {"date": long_date(current), "organ": organ},
                            *(f"– {row.account}" for row in regularised),
                        ]
                    ),
                    url=url,
                )
            )
        reclassified = outcomes.get(Regularisation.Outcome.RECLASSIFIED, [])
        if reclassified:
            messages.append(
                Message(
                    recipients=recipients,
                    kind="onboarding.reclassified",
                    title=ngettext(
                        "%(organ)s: %(n)s cuenta reclasificada como personal",
                        "%(organ)s: %(n)s cuentas reclasificadas como personales",
                        len(reclassified),
                    )
                    % {"organ": organ, "n": len(reclassified)},
                    body="\n".join(
                        [
                            ngettext(
                                "Al vencer la fecha límite del %(date)s, esta cuenta de %(organ)s no completó la "
                                "regularización: ya no es una cuenta institucional del INE, se considera cuenta "
                                "personal de quienes la operan y sale del registro público. Solo puede volver "
                                "mediante una nueva solicitud de apertura.",
                                "Al vencer la fecha límite del %(date)s, estas cuentas de %(organ)s no completaron la "
                                "regularización: ya no son cuentas institucionales del INE, se consideran cuentas "
                                "personales de quienes las operan y salen del registro público. Solo pueden volver "
                                "mediante una nueva solicitud de apertura.",
                                len(reclassified),
                            )
                            % {"date": long_date(current), "organ": organ},
                            *(
                                _("– %(account)s. Faltó: %(missing)s.")
                                % {"account": row.account, "missing": "; ".join(row.missing)}
                                for row in reclassified
                            ),
                        ]
                    ),
                    url=url,
                )
            )
        notify_many(messages)
    return sum(len(rows) for rows in outcomes.values())


# --- Figures for the pages and the panel ----------------------------------------------------------


@dataclass
class Counts:
    label: str = ""
    key: object = None
    in_regularisation: int = 0
    complete: int = 0
    regularised: int = 0
    reclassified: int = 0

    @property
    def incomplete(self) -> int:
        return self.in_regularisation - self.complete

    @property
    def total(self) -> int:
        return self.in_regularisation + self.regularised + self.reclassified

    @property
    def percent_complete(self) -> int:
        """Regularised or complete, out of all: how far the group has come."""
        return round(100 * (self.complete + self.regularised) / self.total) if self.total else 0

    def add(self, row: dict) -> None:
        if row["outcome"] == Regularisation.Outcome.REGULARISED:
            self.regularised += 1
        elif row["outcome"] == Regularisation.Outcome.RECLASSIFIED:
            self.reclassified += 1
        elif row["account__status"] == REGULARIZING:
            self.in_regularisation += 1
            self.complete += bool(row["is_complete"])


@dataclass
class NationalFigures:
    total: Counts
    by_entidad: list[Counts]
    by_organ: list[Counts]
    by_network: list[Counts]


def national_totals() -> Counts:
    """The national counts alone, in one aggregate query (the home panel)."""
    reg = Q(account__status=REGULARIZING)
    totals = annotated().aggregate(
        in_regularisation=Count("pk", filter=reg),
        complete=Count("pk", filter=reg & Q(is_complete=True)),
        regularised=Count("pk", filter=Q(outcome=Regularisation.Outcome.REGULARISED)),
        reclassified=Count("pk", filter=Q(outcome=Regularisation.Outcome.RECLASSIFIED)),
    )
    return Counts(**totals)


def national_figures(*, entidad_id: int | None = None, network_id: int | None = None) -> NationalFigures:
    """The counts per entidad, organ and network, from one query of a few columns per account."""
    queryset = annotated()
    if entidad_id:
        queryset = queryset.filter(account__organ__entidad_id=entidad_id)
    if network_id:
        queryset = queryset.filter(account__network_id=network_id)
    rows = queryset.order_by().values(
        "outcome",
        "is_complete",
        "account__status",
        "account__organ_id",
        "account__organ__name",
        "account__organ__entidad_id",
        "account__organ__entidad__name",
        "account__organ__entidad__code",
        "account__network_id",
        "account__network__name",
        "account__network__sort_order",
    )
    total = Counts()
    entidades: dict[object, Counts] = {}
    organs: dict[int, Counts] = {}
    networks: dict[int, Counts] = {}
    sort = {}
    for row in rows:
        total.add(row)
        entidad_key = row["account__organ__entidad_id"]
        entidades.setdefault(
            entidad_key,
            Counts(
                label=row["account__organ__entidad__name"] or _("Oficinas centrales y consejerías"), key=entidad_key
            ),
        ).add(row)
        sort[("e", entidad_key)] = row["account__organ__entidad__code"] or 0
        organs.setdefault(
            row["account__organ_id"], Counts(label=row["account__organ__name"], key=row["account__organ_id"])
        ).add(row)
        networks.setdefault(
            row["account__network_id"], Counts(label=row["account__network__name"], key=row["account__network_id"])
        ).add(row)
        sort[("n", row["account__network_id"])] = row["account__network__sort_order"]
    return NationalFigures(
        total=total,
        by_entidad=sorted(entidades.values(), key=lambda c: sort[("e", c.key)]),
        by_organ=sorted(organs.values(), key=lambda c: c.label),
        by_network=sorted(networks.values(), key=lambda c: (sort[("n", c.key)], c.label)),
    )
