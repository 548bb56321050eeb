"""Every write to the accounts app: one function per transition.

Each function is one transaction that locks what it changes, re-checks the state,
records who/when/from→to, and writes its notifications in the same transaction.
Views, admin actions, commands and tasks call these; none sets a status itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.formats import local_datetime
from notifications.services import notify

from . import access
from .models import (
    Account,
    AccountStatusChange,
    Designation,
    LogEntry,
    Network,
    Organ,
    OutOfOfficePeriod,
    PasswordRotation,
    User,
)

PASSWORD_ROTATION_MONTHS = 2  # approved INE rule: passwords change every two months


def password_rotation_due_on(moment: datetime) -> date:
    """Two calendar months after a rotation (31 Dec → 28/29 Feb), in Mexico City time."""
    return timezone.localdate(moment) + relativedelta(months=PASSWORD_ROTATION_MONTHS)


class InvalidTransition(ValidationError):
    pass


# --- Accounts -----------------------------------------------------------------------------


def _full_clean_with_instances(instance, *loaded: str) -> None:
    """``full_clean`` without asking the database whether the ``loaded`` foreign keys exist:
    the caller passed rows it read. Everything else is checked as ``full_clean`` checks it,
    the constraints on those fields included (an inventory import creates thousands)."""
    errors: dict[str, list] = {}
    checks = (lambda: instance.clean_fields(exclude=loaded), instance.clean, instance.validate_unique)
    for check in (*checks, instance.validate_constraints):
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_account(
    *,
    organ: Organ,
    network: Network,
    name: str,
    purpose: str,
    by: User | None,
    status: str = Account.Status.REQUESTED,
    history_reason: str = "",
    **fields,
) -> Account:
    account = Account(organ=organ, network=network, name=name, purpose=purpose, status=status, **fields)
    _full_clean_with_instances(account, "organ", "network")
    if status in Account.OPERATED_STATUSES:
        account.activated_at = account.activated_at or timezone.now()
        if account.password_rotation_due_on is None:
            account.password_rotation_due_on = password_rotation_due_on(
                account.last_password_rotation_at or account.activated_at
            )
    account._history_user = by
    if history_reason:
        account._change_reason = history_reason
    account.save()
    AccountStatusChange.objects.create(
        account=account, from_status="", to_status=status, changed_by=by, comment=_("Alta de la cuenta")
    )
    return account


# A hack makes these accounts compromised; recovered, they go back to the status they had.
HACKABLE_STATUSES = (Account.Status.ACTIVE, Account.Status.REGULARIZING)


def status_before_compromise(account_id: int) -> str:
    """The status a compromised account had when it was hacked, to go back to on recovery."""
    change = (
        AccountStatusChange.objects.filter(account_id=account_id, to_status=Account.Status.COMPROMISED)
        .order_by("-changed_at", "-id")
        .first()
    )
    if change is not None and change.from_status in HACKABLE_STATUSES:
        return change.from_status
    return Account.Status.ACTIVE


def change_account_status(*, account_id: int, to_status: str, by: User | None, comment: str = "", **updates) -> Account:
    """Move an account along ``Account.TRANSITIONS``; the first of two racing callers wins."""
    with transaction.atomic():
        account = Account.objects.select_for_update().select_related("network").get(pk=account_id)
        from_status = account.status
        if from_status == to_status:
            # The caller saw another status: whoever got the lock first already made this
            # move. Returning quietly would let the loser of a race believe it won.
            raise InvalidTransition(
                _("La cuenta ya está %(status)s.") % {"status": Account.Status(to_status).label.lower()}
            )
        if to_status not in Account.TRANSITIONS[from_status]:
            raise InvalidTransition(
                _("La cuenta está %(from)s y no puede pasar a %(to)s.")
                % {"from": Account.Status(from_status).label.lower(), "to": Account.Status(to_status).label.lower()}
            )
        # The conditional UPDATE is the claim: on any database only one caller sees count 1.
        if Account.objects.filter(pk=account_id, status=from_status).update(status=to_status) != 1:
            raise InvalidTransition(_("Otra persona cambió el estado de esta cuenta al mismo tiempo."))
        now = timezone.now()
        account.status = to_status
        for field, value in updates.items():
            setattr(account, field, value)
        if to_status == Account.Status.ACTIVE and account.activated_at is None:
            account.activated_at = now
            if account.password_rotation_due_on is None:
                account.password_rotation_due_on = password_rotation_due_on(now)
        if to_status in Account.ENDED_STATUSES:
            account.closed_at = now
        account.full_clean(exclude=["registration_email"] if not account.registration_email else None)
        account._history_user = by
        account.save()
        AccountStatusChange.objects.create(
            account=account,
            from_status=from_status,
            to_status=to_status,
            changed_by=by,
            changed_at=now,
            comment=comment,
        )
    return account


@transaction.atomic
def update_account_details(*, account_id: int, by: User, history_reason: str = "", **fields) -> Account:
    """Keep an account's details current; who may change which field is in ``access``.
    ``history_reason`` is kept as the history row's reason (an import names its row)."""
    account = Account.objects.select_for_update().select_related("network").get(pk=account_id)
    allowed = access.require_editable_account_fields(by, account)
    if set(fields) - set(allowed):
        raise PermissionDenied(
            _("Solo Comunicación Social cambia el nombre de usuario, la dirección y el correo de registro.")
        )
    if "handle" in fields:
        # "@INEJalisco" and "INEJalisco" are the same handle: no change, no history row.
        fields["handle"] = account.network.normalize_handle(fields["handle"])
    changed = [f for f, v in fields.items() if getattr(account, f) != v]
    if not changed:
        return account
    for field in changed:
        setattr(account, field, fields[field])
    account.full_clean()
    account._history_user = by
    if history_reason:
        account._change_reason = history_reason
    account.save()
    return account


def flag_abandoned_accounts(now: datetime | None = None) -> int:
    """Flag active accounts with no bitácora activity for too long (§7.viii), once each."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.ABANDONED_ACCOUNT_DAYS)
    # The same condition finds the candidates and claims each one, so an entry or a closure
    # committed in between is seen by the claim and the account is not flagged.
    abandoned = (
        Account.objects.filter(status=Account.Status.ACTIVE, flagged_abandoned_at__isnull=True)
        .exclude(last_activity_at__gte=limit)
        .exclude(last_activity_at__isnull=True, activated_at__gte=limit)
    )
    candidates = list(abandoned.select_related("organ", "network"))
    flagged = 0
    for account in candidates:
        with transaction.atomic():
            if abandoned.filter(pk=account.pk).update(flagged_abandoned_at=now) != 1:
                continue
            flagged += 1
            notify(
                [*access.cncs_users(), *access.organ_people(account.organ)],
                kind="account.possibly_abandoned",
                title=_("Cuenta posiblemente abandonada: %(account)s") % {"account": account},
                body=_(
                    "La cuenta %(account)s de %(organ)s no registra actividad en su bitácora desde hace más de "
                    "%(days)s días. Registre su actividad o solicite su cierre."
                )
                % {"account": account, "organ": account.organ, "days": settings.ABANDONED_ACCOUNT_DAYS},
                url=reverse("accounts:detail", args=[account.pk]),
            )
    return flagged


# --- Administrators -------------------------------------------------------------------


def _locked_people(*people: User) -> tuple[User, ...]:
    """Lock these people's rows in primary-key order (two writers never deadlock) and return
    them fresh from the database, in the order given."""
    locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk")}
    return tuple(locked[p.pk] for p in people)


def designate_administrators(
    *,
    organ_id: int,
    by: User,
    titular: User,
    suplente: User,
    oficio_number: str = "",
    check_access: bool = True,
    history_reason: str = "",
) -> list[Designation]:
    """Set the organ's titular and suplente administrators (§5.1, §7.iv).

    A replaced designation is ended, never deleted. CNCS and the Comité's Presidente and
    Secretario Técnico are notified of every change. The inventory import passes
    ``check_access=False`` after its own access check (CNCS), and names its row in
    ``history_reason``.
    """
    if titular.pk == suplente.pk:
        raise ValidationError(_("La misma persona no puede ser administradora titular y suplente."))
    with transaction.atomic():
        # The people first, then the organ (the order update_staff_assignment takes them), and
        # their rows as they are now: one moved or deactivated meanwhile is not designated.
        titular, suplente = _locked_people(titular, suplente)
        organ = Organ.objects.select_for_update().get(pk=organ_id)
        if check_access:
            access.require_designate(by, organ)
        wanted = {Designation.Role.TITULAR: titular, Designation.Role.SUPLENTE: suplente}
        errors: dict[str, list[str]] = {}
        for role, user in wanted.items():
            try:
                Designation.check_eligible(organ, role, user)
            except ValidationError as exc:
                errors[role] = exc.messages
        if errors:
            raise ValidationError(errors)

        current = {d.role: d for d in Designation.objects.select_for_update().filter(organ=organ, ends_at__isnull=True)}
        now = timezone.now()
        ended, created = [], []
        for role, user in wanted.items():
            old = current.get(role)
            if old is not None and old.user_id == user.pk:
                continue
            if old is not None:
                old.ends_at, old.ended_by = now, by
                old._history_user = by
                if history_reason:
                    old._change_reason = history_reason
                old.save(update_fields=["ends_at", "ended_by"])
                ended.append(old)
        for role, user in wanted.items():
            old = current.get(role)
            if old is not None and old.user_id == user.pk:
                continue
            designation = Designation(
                organ=organ, user=user, role=role, starts_at=now, designated_by=by, oficio_number=oficio_number
            )
            designation._history_user = by
            if history_reason:
                designation._change_reason = history_reason
            designation.save()
            created.append(designation)
        if not created:
            return []

        lines = [
            _("%(role)s: %(person)s (%(title)s), desde %(date)s")
            % {
                "role": d.get_role_display(),
                "person": d.user,
                "title": d.user.job_title or d.user.get_position_level_display(),
                "date": local_datetime(d.starts_at),
            }
            for d in created
        ] + [
            _("Concluye: %(person)s como %(role)s") % {"person": d.user, "role": d.get_role_display().lower()}
            for d in ended
        ]
        notify(
            [*access.cncs_users(), *access.committee_users(), *(d.user for d in created), *(d.user for d in ended)],
            kind="designation.changed",
            title=_("Cambio de administradores: %(organ)s") % {"organ": organ},
            body=_("%(by)s designó administradores de cuentas de %(organ)s.\n%(lines)s")
            % {"by": by, "organ": organ, "lines": "\n".join(lines)},
            url=reverse("accounts:organ", args=[organ.pk]),
        )
    return created


def set_organ_head(
    *, organ_id: int, head: User | None, by: User | None, check_access: bool = True, history_reason: str = ""
) -> Organ:
    """Record who heads an organ (its titular), or that nobody does.

    The titular files the organ's requests and designates its administrators (§7), so the
    change is kept in the organ's history with who made it, and CNCS, the Comité and both
    people are told, like a change of administrators.
    """
    with transaction.atomic():
        if head is not None:
            # The person before the organ, as everywhere: their organ and status as they are now.
            (head,) = _locked_people(head)
        organ = Organ.objects.select_for_update(of=("self",)).select_related("head").get(pk=organ_id)
        if check_access:
            access.require_change_organ_head(by)
        if organ.head_id == (head.pk if head else None):
            return organ
        if head is not None:
            if not head.is_active:
                raise ValidationError({"head": _("%(person)s no está activo en el sistema.") % {"person": head}})
            if head.organ_id != organ.pk:
                raise ValidationError(
                    {
                        "head": _("%(person)s no pertenece a %(organ)s; la persona titular es de su propio personal.")
                        % {"person": head, "organ": organ}
                    }
                )
            # One person heads one organ (a one-to-one column): say so instead of failing on it.
            other = Organ.objects.filter(head=head).exclude(pk=organ.pk).first()
            if other is not None:
                raise ValidationError(
                    {"head": _("%(person)s ya es titular de %(other)s.") % {"person": head, "other": other}}
                )
            # §5.1 names the head and the two administrators apart (Designation.check_eligible
            # refuses designating the head; this is the same rule from the other side).
            designation = (
                Designation.objects.select_for_update().filter(organ=organ, user=head, ends_at__isnull=True).first()
            )
            if designation is not None:
                raise ValidationError(
                    {
                        "head": ValidationError(
                            _(
                                "%(person)s es %(role)s de %(organ)s: quien encabeza el órgano no puede ser uno de "
                                "sus administradores (§5.1). Designe primero a otra persona en su lugar."
                            )
                            % {"person": head, "role": designation.get_role_display().lower(), "organ": organ},
                            code="organ_head",
                        )
                    }
                )
        previous = organ.head
        organ.head = head
        organ._history_user = by
        if history_reason:
            organ._change_reason = history_reason
        organ.save(update_fields=["head"])
        nobody = _("nadie")
        notify(
            [*access.cncs_users(), *access.committee_users(), *(u for u in (head, previous) if u is not None)],
            kind="organ.head_changed",
            title=_("Cambio de titular: %(organ)s") % {"organ": organ},
            body=_("%(by)s registró como titular de %(organ)s a %(new)s (antes: %(old)s).")
            % {"by": by or _("El sistema"), "organ": organ, "new": head or nobody, "old": previous or nobody},
            url=reverse("accounts:organ", args=[organ.pk]),
        )
    return organ


def update_staff_assignment(
    *,
    user_id: int,
    by: User | None,
    organ: Organ | None,
    position_level: str,
    is_active: bool,
    check_access: bool = True,
    history_reason: str = "",
) -> User:
    """Change a person's organ, position level or active status, and what hangs on them.

    A designation and a headship count only while the person is active and belongs to the
    organ, so leaving it (or being deactivated) ends them here, with who and when, the organ's
    history and the notifications of any change of administrators or titular, instead of
    silently. A level a current designation does not allow (§5.1) is refused: the organ's
    titular designates someone else first. ``by=None`` (with ``check_access=False``) is the
    system itself, e.g. deactivating people who stopped signing in (accounts.inactivity).
    """
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=user_id)
        if check_access:
            access.require_change_staff_assignment(by)
        wanted = {"organ_id": organ.pk if organ else None, "position_level": position_level, "is_active": is_active}
        changed = [field for field, value in wanted.items() if getattr(person, field) != value]
        if not changed:
            return person
        # Organs before designations, in the order designate_administrators and set_organ_head
        # take them, so a designation made meanwhile in the person's organs is seen below.
        current = Designation.objects.filter(user=person, ends_at__isnull=True)
        organ_ids = {person.organ_id, *current.values_list("organ_id", flat=True)} - {None}
        locked = list(Organ.objects.select_for_update().filter(Q(pk__in=organ_ids) | Q(head=person)).order_by("pk"))
        headed = next((o for o in locked if o.head_id == person.pk), None)
        designations = list(current.select_for_update().select_related("organ").order_by("organ_id", "role"))

        for field, value in wanted.items():
            setattr(person, field, value)
        stays_in = person.organ_id if person.is_active else None  # where the person keeps any role
        errors = []
        for designation in designations:
            if designation.organ_id != stays_in:
                continue
            try:
                Designation.check_eligible(designation.organ, designation.role, person)
            except ValidationError as exc:
                errors.extend(
                    _(
                        "%(reason)s Antes de cambiar su nivel, la persona titular de %(organ)s debe designar a "
                        "otra persona como %(role)s."
                    )
                    % {"reason": message, "organ": designation.organ, "role": designation.get_role_display().lower()}
                    for message in exc.messages
                )
        if errors:
            raise ValidationError({"position_level": errors})
        person.save(update_fields=changed)

        now = timezone.now()
        ended = [d for d in designations if d.organ_id != stays_in]
        for designation in ended:
            designation.ends_at, designation.ended_by = now, by
            designation._history_user = by
            if history_reason:
                designation._change_reason = history_reason
            designation.save(update_fields=["ends_at", "ended_by"])
        if headed is not None and headed.pk != stays_in:
            set_organ_head(
                organ_id=headed.pk, head=None, by=by, check_access=check_access, history_reason=history_reason
            )

        for designation in ended:
            left = Organ.objects.select_related("head").get(pk=designation.organ_id)
            if not person.is_active:
                reason = _("ya no está activa en el sistema")
            else:
                reason = _("ya no pertenece a %(organ)s (ahora: %(new)s)") % {
                    "organ": left,
                    "new": organ or _("ningún órgano"),
                }
            notify(
                [*access.cncs_users(), *access.committee_users(), person, left.head],
                kind="designation.changed",
                title=_("Cambio de administradores: %(organ)s") % {"organ": left},
                body=_(
                    "%(by)s registró que %(person)s %(reason)s.\n%(line)s\n"
                    "La persona titular de %(organ)s debe designar a quien la sustituya."
                )
                % {
                    "by": by or _("El sistema"),
                    "person": person,
                    "reason": reason,
                    "organ": left,
                    "line": _("Concluye: %(person)s como %(role)s")
                    % {"person": person, "role": designation.get_role_display().lower()},
                },
                url=reverse("accounts:organ", args=[left.pk]),
            )
    return person


# --- Bitácora, out-of-office, passwords ------------------------------------------------------


def _require_operator(by: User, account: Account) -> None:
    access.require_operator(by, account)


def _refuse_before_account_existed(account: Account, moment: datetime, field: str, message: str) -> None:
    """``message`` names the date refused and takes the account's start as ``%(since)s``."""
    since = account.existed_since
    if moment < since:
        raise ValidationError({field: message % {"since": local_datetime(since)}})


# Passed only by record_password_rotation: the one writer of "password rotated" entries.
_ROTATION = object()


@transaction.atomic
def add_log_entry(
    *,
    account_id: int,
    by: User,
    kind: str,
    text: str,
    link: str = "",
    occurred_at: datetime | None = None,
    corrects_id: int | None = None,
    check_access: bool = True,
    _rotation: object = None,
) -> LogEntry:
    """Append to the bitácora (§8.iii). Other apps pass ``check_access=False`` for entries
    the system writes on a person's behalf after their own access checks.

    A "password rotated" entry is written only by ``record_password_rotation``, behind its
    attestation (it passes ``_rotation=_ROTATION``); nobody may choose that kind by hand."""
    # Locked, so that a closure either waits for this entry or is seen by it.
    account = Account.objects.select_for_update(of=("self",)).select_related("organ").get(pk=account_id)
    if not account.is_live:
        raise ValidationError(
            _("La cuenta %(account)s está cerrada: su bitácora ya no admite entradas.") % {"account": account}
        )
    if check_access:
        _require_operator(by, account)
    corrects = None
    if corrects_id is not None:
        corrects = LogEntry.objects.filter(pk=corrects_id, account=account).first()
        if corrects is None:
            raise ValidationError({"corrects": _("La entrada que intenta corregir no pertenece a esta cuenta.")})
        kind = LogEntry.Kind.CORRECTION
    if kind == LogEntry.Kind.PASSWORD_ROTATED and _rotation is not _ROTATION:
        raise ValidationError(
            {
                "kind": ValidationError(
                    _(
                        "Un cambio de contraseña no se escribe a mano en la bitácora: regístrelo en «Registrar "
                        "cambio de contraseña», donde se declara que cumple la política."
                    ),
                    code="password_rotation_by_hand",
                )
            }
        )
    entry = LogEntry(
        account=account,
        author=by,
        kind=kind,
        text=text,
        link=link,
        occurred_at=occurred_at or timezone.now(),
        corrects=corrects,
    )
    entry.full_clean()
    if entry.occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("La fecha del hecho no puede estar en el futuro.")})
    _refuse_before_account_existed(
        account,
        entry.occurred_at,
        "occurred_at",
        _("La fecha del hecho no puede ser anterior a la cuenta, que existe desde el %(since)s."),
    )
    entry.save()
    Account.objects.filter(pk=account.pk).update(last_activity_at=timezone.now(), flagged_abandoned_at=None)
    return entry


@transaction.atomic
def add_out_of_office_period(
    *, account_id: int, by: User, starts_on: date, ends_on: date, reason: str, attention_hours: str, monitor: User
) -> OutOfOfficePeriod:
    # Locked, so that a closure either waits for this period or is seen by it.
    account = Account.objects.select_for_update(of=("self",)).select_related("organ").get(pk=account_id)
    if not account.is_live:
        raise ValidationError(
            _("La cuenta %(account)s está cerrada: ya no admite periodos vacacionales o inhábiles.")
            % {"account": account}
        )
    _require_operator(by, account)
    if not access.organ_administrators(account.organ).filter(pk=monitor.pk).exists():
        raise ValidationError({"monitor": _("Quien monitorea debe ser administrador designado del órgano.")})
    period = OutOfOfficePeriod(
        account=account,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        attention_hours=attention_hours,
        monitor=monitor,
        created_by=by,
    )
    period.full_clean()
    _check_out_of_office_dates(account, starts_on, ends_on)
    period.save()
    return period


def _check_out_of_office_dates(account: Account, starts_on: date, ends_on: date) -> None:
    """A period announces an absence to come: it has not ended, is not too long, and does
    not overlap another of the account's periods. Called with the account row locked, so
    two people adding periods at once cannot both miss each other's."""
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("El periodo ya terminó: la fecha final no puede estar en el pasado.")})
    days = (ends_on - starts_on).days + 1
    if days > settings.OUT_OF_OFFICE_MAX_DAYS:
        raise ValidationError(
            {
                "ends_on": _(
                    "El periodo dura %(days)s días; el máximo es de %(max)s días (contando el primero y el último)."
                )
                % {"days": days, "max": settings.OUT_OF_OFFICE_MAX_DAYS}
            }
        )
    overlapping = (
        OutOfOfficePeriod.objects.filter(account=account, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by(*OutOfOfficePeriod.DATE_ORDER)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _(
                "Se traslapa con el periodo del %(starts_on)s al %(ends_on)s ya registrado para esta cuenta. "
                "Elija otras fechas."
            )
            % {
                "starts_on": date_format(overlapping.starts_on, "d/m/Y"),
                "ends_on": date_format(overlapping.ends_on, "d/m/Y"),
            }
        )


def record_password_rotation(
    *, account_id: int, by: User, rotated_at: datetime | None = None, meets_policy: bool
) -> PasswordRotation:
    """Record that the password was changed. No password is ever sent here or stored."""
    rotated_at = rotated_at or timezone.now()
    if not meets_policy:
        raise ValidationError({"meets_policy": _("Debe confirmar que la nueva contraseña cumple la política.")})
    if rotated_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"rotated_at": _("La fecha del cambio no puede estar en el futuro.")})
    with transaction.atomic():
        account = Account.objects.select_for_update().select_related("organ").get(pk=account_id)
        _require_operator(by, account)
        _refuse_before_account_existed(
            account,
            rotated_at,
            "rotated_at",
            _("La fecha del cambio no puede ser anterior a la cuenta, que existe desde el %(since)s."),
        )
        rotation = PasswordRotation.objects.create(
            account=account, rotated_by=by, rotated_at=rotated_at, meets_policy=True
        )
        if account.last_password_rotation_at is None or rotated_at >= account.last_password_rotation_at:
            account.last_password_rotation_at = rotated_at
            account.password_rotation_due_on = password_rotation_due_on(rotated_at)
            account._history_user = by
            account.save(update_fields=["last_password_rotation_at", "password_rotation_due_on", "updated_at"])
        add_log_entry(
            account_id=account.pk,
            by=by,
            kind=LogEntry.Kind.PASSWORD_ROTATED,
            text=_("Se cambió la contraseña; quien la cambió declara que cumple la política institucional."),
            occurred_at=rotated_at,
            _rotation=_ROTATION,
        )
    return rotation
