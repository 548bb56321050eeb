"""Importing inventories: preview, confirm, discard (and creating the people a file names).

``preview_import`` reads the file and records what confirming would do, row by row, writing
nothing else. ``confirm_import`` claims the preview (the first of two confirmations wins),
plans every row again against the database as it is then, and writes the valid rows in one
transaction through the accounts services, so history, the designation rules and the
notifications behave as in the web forms. ``discard_import`` closes a preview unwritten.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from accounts import services as accounts_services
from accounts.models import Account, Organ, User
from core.formats import local_datetime
from core.validators import strip_control_characters
from notifications.services import notify

from . import access, importing, regularisation
from .models import Import, ImportRow

# --- People ------------------------------------------------------------------------------------


def _free_username(email: str, taken: set[str] | None = None) -> str:
    """The address as user name (``-2``, ``-3``… when someone already has it). ``taken``: the
    names known to be in use, when the caller looked them up in bulk."""
    base = email.lower()[:150]
    username, n = base, 1
    while username in taken if taken is not None else User.objects.filter(username=username).exists():
        n += 1
        suffix = f"-{n}"
        username = base[: 150 - len(suffix)] + suffix
    return username


def create_staff_member(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organ: Organ,
    position_level: str,
    job_title: str = "",
    taken_usernames: set[str] | None = None,
) -> User:
    """A person who is not yet in the system, with no usable password: they sign in once
    the system's sign-in (or a password reset) gives them access."""
    user = User(
        username=_free_username(email, taken_usernames),
        email=email,
        first_name=first_name,
        last_name=last_name,
        organ=organ,
        position_level=position_level,
        job_title=job_title,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    if taken_usernames is not None:
        taken_usernames.add(user.username)
    return user


# --- Preview -----------------------------------------------------------------------------------


def _file_name(uploaded_file) -> str:
    name = strip_control_characters(os.path.basename(str(getattr(uploaded_file, "name", "") or "")))
    name = name or _("archivo sin nombre")
    limit = Import._meta.get_field("file_name").max_length
    if len(name) > limit:
        raise ValidationError(
            _("El nombre del archivo tiene %(length)s caracteres; el máximo es %(max)s. Acórtelo y cárguelo de nuevo.")
            % {"length": len(name), "max": limit},
            code="file_name_too_long",
        )
    return name


def _read_upload(uploaded_file) -> bytes:
    size = getattr(uploaded_file, "size", None)
    limit = settings.ONBOARDING_MAX_UPLOAD_BYTES
    too_big = ValidationError(
        _("El archivo pesa más de %(max)s MB; divídalo en archivos más pequeños.")
        % {"max": f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")},
        code="file_too_big",
    )
    if size is not None and size > limit:
        raise too_big
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    if len(content) > limit:
        raise too_big
    if not content:
        raise ValidationError(_("El archivo está vacío."), code="empty_file")
    return content


def _row_fields(row: importing.PlannedRow) -> dict:
    return {
        "action": row.action,
        "changes": row.changes,
        "errors": list(row.errors),
        "account_id": row.account_id,
        "person_id": row.person.user.pk if row.person is not None and row.person.user is not None else None,
    }


def preview_import(*, kind: str, uploaded_file, by: User, from_shell: bool = False) -> Import:
    """Read the file and record what confirming would do; nothing else is written.
    ``from_shell`` (the ``import_inventory`` command) allows the larger row limit."""
    access.require_import(by)
    if kind not in Import.Kind.values:
        raise ValidationError(_("Elija cuentas o personal."), code="invalid_kind")
    file_name = _file_name(uploaded_file)
    content = _read_upload(uploaded_file)
    ignored: list[str] = []
    rows = importing.read_rows(kind, content, ignored, max_rows=importing.row_limit(from_shell))
    plan = importing.plan_rows(kind, rows)
    counts = plan.counts()
    with transaction.atomic():
        run = Import.objects.create(
            kind=kind,
            status=Import.Status.PREVIEWED,
            file_name=file_name,
            checksum=hashlib.sha256(content).hexdigest(),
            size_bytes=len(content),
            uploaded_by=by,
            rows_total=len(plan.rows),
            created_count=counts[ImportRow.Action.CREATE],
            updated_count=counts[ImportRow.Action.UPDATE],
            unchanged_count=counts[ImportRow.Action.UNCHANGED],
            rejected_count=counts[ImportRow.Action.REJECTED],
            ignored_columns=ignored,
        )
        ImportRow.objects.bulk_create(
            [ImportRow(import_run=run, number=row.number, data=row.data, **_row_fields(row)) for row in plan.rows],
            batch_size=1000,
        )
    return run


# --- Confirm and discard --------------------------------------------------------------------------


def _already_decided(run: Import) -> ValidationError:
    params = {"person": run.decided_by, "when": local_datetime(run.decided_at)}
    if run.status == Import.Status.CONFIRMED:
        return ValidationError(
            _("Esta importación ya fue confirmada por %(person)s el %(when)s.") % params, code="already_confirmed"
        )
    return ValidationError(
        _("Esta importación fue descartada por %(person)s el %(when)s; nada se escribió.") % params,
        code="already_discarded",
    )


def _claim(import_id: int, by: User, to_status: str) -> Import:
    """The conditional UPDATE is the claim: of two people deciding at once, only one sees 1."""
    now = timezone.now()
    claimed = Import.objects.filter(pk=import_id, status=Import.Status.PREVIEWED).update(
        status=to_status, decided_by=by, decided_at=now
    )
    run = Import.objects.select_related("uploaded_by", "decided_by").get(pk=import_id)
    if claimed != 1:
        raise _already_decided(run)
    return run


def discard_import(*, import_id: int, by: User) -> Import:
    access.require_import(by)
    with transaction.atomic():
        return _claim(import_id, by, Import.Status.DISCARDED)


class _Writer:
    """Carries out a plan's rows in order, each in a savepoint: a row the services refuse now
    is rejected with their message and the rest go on."""

    def __init__(self, run: Import, by: User, plan: importing.Plan):
        self.run, self.by = run, by
        # The user names the new people would take, looked up once.
        wanted = sorted({p.email.lower()[:150] for row in plan.rows for p in row.people if p.user is None})
        self.taken_usernames: set[str] = set()
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            self.taken_usernames.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))

    def reason(self, row: importing.PlannedRow) -> str:
        return _("Importación %(id)s, fila %(row)s (%(file)s)") % {
            "id": self.run.pk,
            "row": row.number,
            "file": self.run.file_name,
        }

    def person(self, person: importing.PersonOp, reason: str) -> None:
        if person.user is None:
            person.user = create_staff_member(
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                organ=person.organ,
                position_level=person.level,
                job_title=person.job_title,
                taken_usernames=self.taken_usernames,
            )
            return
        user = person.user
        if user.organ_id != person.organ.pk or user.position_level != person.level:
            person.user = accounts_services.update_staff_assignment(
                user_id=user.pk,
                by=self.by,
                organ=person.organ,
                position_level=person.level,
                is_active=user.is_active,
                check_access=False,
                history_reason=reason,
            )
        if person.name_fields:
            fresh = User.objects.select_for_update().get(pk=user.pk)
            for name, value in person.name_fields.items():
                setattr(fresh, name, value)
            fresh.full_clean(exclude=["password"])
            fresh.save(update_fields=list(person.name_fields))
            person.user = fresh

    def row(self, row: importing.PlannedRow, source: ImportRow) -> None:
        reason = self.reason(row)
        for person in row.runs_people:
            self.person(person, reason)
        if row.runs_designation is not None:
            op = row.runs_designation
            accounts_services.designate_administrators(
                organ_id=op.organ.pk,
                by=self.by,
                titular=op.titular.user,
                suplente=op.suplente.user,
                check_access=False,
                history_reason=reason,
            )
        if row.account_create is not None:
            fields = dict(row.account_create)
            account = accounts_services.create_account(
                organ=fields.pop("organ"),
                network=fields.pop("network"),
                name=fields.pop("name"),
                purpose=fields.pop("purpose"),
                by=self.by,
                status=Account.Status.REGULARIZING,
                history_reason=reason,
                **fields,
            )
            regularisation.open_for(account, source_row=source)
            row.account_id = account.pk
        elif row.account_update:
            accounts_services.update_account_details(
                account_id=row.account_id, by=self.by, history_reason=reason, **row.account_update
            )

    def write(self, plan: importing.Plan, sources: dict[int, ImportRow]) -> None:
        done: set[int] = set()
        for row in plan.rows:
            if row.errors:
                row.settle()
                continue
            row.assign(done)
            row.settle()
            if row.action == ImportRow.Action.UNCHANGED:
                continue
            new_people = [p for p in row.runs_people if p.user is None]
            try:
                with transaction.atomic():
                    self.row(row, sources[row.number])
            except (ValidationError, IntegrityError) as exc:
                # Rolled back to the savepoint: the people this row created do not exist, and
                # the next valid row that names them creates them. An IntegrityError: another
                # import or request wrote the same account (or person) since this plan was made,
                # and the unique index, waited on, refused this one.
                for person in new_people:
                    person.user = None
                row.account_id = None if row.account_create is not None else row.account_id
                if isinstance(exc, IntegrityError):
                    row.errors.append(_("Otra importación o solicitud registró esta cuenta al mismo tiempo."))
                else:
                    row.errors.extend(exc.messages)
                row.settle()
            else:
                row.mark_done(done)


def confirm_import(*, import_id: int, by: User, from_shell: bool = False) -> Import:
    """Write the valid rows in one transaction; a second confirmation is refused. A preview
    made from the shell with more rows than the page allows is confirmed from the shell."""
    access.require_import(by)
    with transaction.atomic():
        run = _claim(import_id, by, Import.Status.CONFIRMED)
        limit = importing.row_limit(from_shell)
        if run.rows_total > limit:
            raise importing.too_many_rows(limit)
        sources = {row.number: row for row in run.rows.all()}
        plan = importing.plan_rows(run.kind, [(number, row.data) for number, row in sorted(sources.items())])
        _Writer(run, by, plan).write(plan, sources)
        # Only the rows whose outcome differs from their preview are saved again, and only the
        # columns that differ: on a file of new accounts, each row's link to its account; on a
        # repeated file, nothing. Small batches: each is one UPDATE … CASE id WHEN …, whose
        # cost grows with the square of its size on SQLite.
        changed: dict[tuple[str, ...], list[ImportRow]] = {}
        for row in plan.rows:
            source = sources[row.number]
            fields = _row_fields(row)
            differ = tuple(name for name, value in fields.items() if getattr(source, name) != value)
            if differ:
                for name in differ:
                    setattr(source, name, fields[name])
                changed.setdefault(differ, []).append(source)
        for differ, sources_changed in changed.items():
            ImportRow.objects.bulk_update(
                sources_changed, [name.removesuffix("_id") for name in differ], batch_size=100
            )
        counts = plan.counts()
        run.created_count = counts[ImportRow.Action.CREATE]
        run.updated_count = counts[ImportRow.Action.UPDATE]
        run.unchanged_count = counts[ImportRow.Action.UNCHANGED]
        run.rejected_count = counts[ImportRow.Action.REJECTED]
        run.save(update_fields=["created_count", "updated_count", "unchanged_count", "rejected_count"])
        notify(
            accounts_access.cncs_users(),
            kind="onboarding.import_confirmed",
            title=_("Inventario importado: %(file)s") % {"file": run.file_name},
            body=_(
                "%(by)s confirmó la importación de %(kind)s «%(file)s»: %(created)s creadas, %(updated)s "
                "actualizadas, %(unchanged)s sin cambios y %(rejected)s filas con errores que no se escribieron."
            )
            % {
                "by": by,
                "kind": run.get_kind_display().lower(),
                "file": run.file_name,
                "created": run.created_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
                "rejected": run.rejected_count,
            },
            url=reverse("onboarding:import_detail", args=[run.pk]),
        )
    return run
