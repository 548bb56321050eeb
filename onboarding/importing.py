"""Reading an inventory file and planning what confirming it would do.

``read_rows`` turns the bytes of a CSV or XLSX file into numbered rows of cells (as text,
never evaluated); ``plan_rows`` decides, against the database as it is now, what each row
would do (create, update, nothing) and lists every problem in Spanish. Nothing here writes:
``onboarding.services`` records the preview and, on confirmation, re-plans and writes the
valid rows through the accounts services.

Reading: XLSX through openpyxl with ``data_only=False`` (a formula is read as its text,
never as a computed value; tablib's loader asks openpyxl for the cached values instead, and
a file not saved by Excel has none); CSV through the standard library's reader, which keeps
blank lines, so every row keeps the number a spreadsheet shows (tablib drops them).

Planning looks everything up once per file (organs, networks, live accounts, people,
designations), never once per row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Designation, Network, Organ, PositionLevel, User
from accounts.validators import validate_institutional_email
from core.formats import local_date
from registry.normalize import handle_from_path, looks_like_address

from .models import Import, ImportRow

if TYPE_CHECKING:
    from collections.abc import Iterable


# --- Columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the key in ImportRow.data
    header: str  # the Spanish header of the template file
    required: bool  # the file must have this column
    help: str  # one Spanish line for the upload page
    example: str = ""  # the template's example row

    def match_names(self) -> set[str]:
        """The header as written, without its parenthesis, and the key: folded."""
        header = str(self.header)
        return {fold(header), fold(re.sub(r"\(.*?\)", "", header)), fold(self.key)} - {""}


ACCOUNT_COLUMNS = [
    Column(
        "organ",
        _("Órgano (clave o nombre)"),
        True,
        _("La clave del catálogo o el nombre del órgano; se aceptan sin acentos ni mayúsculas."),
        "Junta Local Ejecutiva en Jalisco",
    ),
    Column(
        "network",
        _("Red social"),
        True,
        _("X, Facebook, Instagram, YouTube, TikTok…, por su nombre o su clave; vacía si la dirección la indica."),
        "X (Twitter)",
    ),
    Column(
        "handle",
        _("Usuario"),
        False,
        _("El nombre de usuario, con o sin @; puede omitirse si se da la dirección."),
        "@INEJalisco",
    ),
    Column(
        "url",
        _("Dirección (URL)"),
        False,
        _("La dirección del perfil; si falta, se forma con el usuario."),
        "https://x.com/INEJalisco",
    ),
    Column(
        "name",
        _("Nombre de la cuenta"),
        False,
        _("Como aparece en la red; si queda vacío, el usuario."),
        "INE Jalisco",
    ),
    Column(
        "purpose",
        _("Propósito"),
        True,
        _("Para qué se usa la cuenta, vinculado a los programas y actividades del órgano."),
        "Difundir las actividades de la Junta Local y atender a la ciudadanía de Jalisco.",
    ),
    Column(
        "registration_email",
        _("Correo de registro"),
        True,
        _("El correo @ine.mx con que se registró la cuenta en la red."),
        "redes.jalisco@ine.mx",
    ),
    Column(
        "titular_email",
        _("Correo del administrador titular"),
        True,
        _("@ine.mx. Todas las filas de un órgano nombran al mismo titular (mando medio o superior)."),
        "maria.lopez@ine.mx",
    ),
    Column("titular_first_name", _("Nombre(s) del titular"), False, _("Si la persona no está registrada."), "María"),
    Column("titular_last_name", _("Apellidos del titular"), False, _("Si la persona no está registrada."), "López"),
    Column(
        "titular_level",
        _("Nivel del titular"),
        False,
        _("Mando superior, mando medio o personal operativo; vacío conserva el registrado."),
        "Mando medio",
    ),
    Column(
        "suplente_email",
        _("Correo del administrador suplente"),
        True,
        _("@ine.mx. Todas las filas de un órgano nombran al mismo suplente (mando medio u operativo)."),
        "jose.ramirez@ine.mx",
    ),
    Column("suplente_first_name", _("Nombre(s) del suplente"), False, _("Si la persona no está registrada."), "José"),
    Column("suplente_last_name", _("Apellidos del suplente"), False, _("Si la persona no está registrada."), "Ramírez"),
    Column(
        "suplente_level",
        _("Nivel del suplente"),
        False,
        _("Mando superior, mando medio o personal operativo; vacío conserva el registrado."),
        "Personal operativo",
    ),
]

STAFF_COLUMNS = [
    Column("first_name", _("Nombre(s)"), True, _("Como en su nombramiento."), "María"),
    Column("last_name", _("Apellidos"), True, _("Como en su nombramiento."), "López Hernández"),
    Column(
        "email",
        _("Correo institucional"),
        True,
        _("Termina en @ine.mx; identifica a la persona al importar de nuevo."),
        "maria.lopez@ine.mx",
    ),
    Column(
        "organ",
        _("Órgano (clave o nombre)"),
        True,
        _("La clave del catálogo o el nombre del órgano de adscripción."),
        "Junta Local Ejecutiva en Jalisco",
    ),
    Column("job_title", _("Cargo"), False, _("El puesto, p. ej. Vocal de Capacitación."), "Vocal Ejecutiva"),
    Column(
        "level",
        _("Nivel de puesto"),
        True,
        _("Mando superior, mando medio o personal operativo."),
        "Mando superior",
    ),
]

# Cells every row must fill (a column may be present and a cell empty).
REQUIRED_CELLS = {
    Import.Kind.ACCOUNTS: ("organ", "purpose", "registration_email", "titular_email", "suplente_email"),
    Import.Kind.STAFF: ("first_name", "last_name", "email", "organ", "level"),
}
ERRORS_HEADER = _("Errores")


def columns_for(kind: str) -> list[Column]:
    if kind == Import.Kind.ACCOUNTS:
        return list(ACCOUNT_COLUMNS)
    if kind == Import.Kind.STAFF:
        return list(STAFF_COLUMNS)
    raise ValueError(f"Unknown import kind {kind!r}")


def _column(kind: str, key: str) -> Column:
    return next(c for c in columns_for(kind) if c.key == key)


# --- Folding: how names compare -------------------------------------------------------------------

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Accents, case, punctuation and repeated spaces forgiven: «Junta Local  Ejecutiva en
    Querétaro» and «junta local ejecutiva en queretaro» fold alike."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", plain).strip()


# --- Reading ----------------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return gettext("VERDADERO") if value else gettext("FALSO")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = getattr(value, "text", None)  # an array formula: its text, never its value
    if isinstance(text, str):
        return text.strip()
    return str(value).strip()


def _unquoted(text: str) -> str:
    """A cell our own rejected-rows CSV quoted so a spreadsheet would not run it
    (``core.spreadsheet.spreadsheet_safe``) reads back as it was."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


def row_limit(from_shell: bool = False) -> int:
    """The most data rows one file may have: on the page, what a confirmation can write within
    one web request (``ONBOARDING_WEB_MAX_ROWS``); from the shell (``import_inventory``), the
    larger ``ONBOARDING_MAX_ROWS``."""
    if from_shell:
        return settings.ONBOARDING_MAX_ROWS
    return min(settings.ONBOARDING_WEB_MAX_ROWS, settings.ONBOARDING_MAX_ROWS)


def too_many_rows(max_rows: int) -> ValidationError:
    if max_rows < settings.ONBOARDING_MAX_ROWS:
        message = gettext(
            "El archivo tiene más de %(max)s filas de datos, lo más que se importa desde esta página. "
            "Divídalo en archivos más pequeños, o pida al área de sistemas que lo importe con el comando "
            "import_inventory (hasta %(shell)s filas)."
        )
    else:
        message = gettext("El archivo tiene más de %(max)s filas de datos; divídalo en archivos más pequeños.")
    return ValidationError(
        message,
        code="too_many_rows",
        params={"max": f"{max_rows:,}", "shell": f"{settings.ONBOARDING_MAX_ROWS:,}"},
    )


def _collect(rows: Iterable[list[str]], max_rows: int) -> Sheet:
    headers: list[str] | None = None
    kept: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(rows, start=1):
        if headers is None:
            headers = cells
            continue
        if not any(cells):
            continue
        kept.append((number, cells))
        if len(kept) > max_rows:
            raise too_many_rows(max_rows)
    return Sheet(headers=headers or [], rows=kept)


def _read_xlsx(content: bytes, max_rows: int) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # a damaged or disguised file: openpyxl raises many kinds
        raise ValidationError(
            gettext("No se pudo leer el archivo XLSX; ábralo en su hoja de cálculo y guárdelo de nuevo."),
            code="unreadable",
        ) from exc
    try:
        sheet = book.worksheets[0]
        return _collect(([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)), max_rows)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(
            gettext("No se pudo leer el archivo XLSX; ábralo en su hoja de cálculo y guárdelo de nuevo."),
            code="unreadable",
        ) from exc
    finally:
        book.close()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _read_csv(content: bytes, max_rows: int) -> Sheet:
    if b"\x00" in content:
        raise ValidationError(
            gettext("El archivo no es un CSV ni un XLSX; guárdelo como CSV o como libro de Excel (.xlsx)."),
            code="not_a_table",
        )
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # A cell may be as long as the whole file (a long purpose is never refused nor cut); the
    # standard library's default limit (131,072 characters) is lower than the upload limit.
    limit = max(csv.field_size_limit(), settings.ONBOARDING_MAX_UPLOAD_BYTES + 1)
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    read = 0  # records read so far: the failing one is the next, as a spreadsheet numbers it

    def records():
        nonlocal read
        for row in reader:
            read += 1
            yield [_unquoted(c.strip()) for c in row]

    try:
        return _collect(records(), max_rows)
    except csv.Error as exc:
        # The reader's own text is English («field larger than field limit», «unexpected end
        # of data»): the person gets a fixed Spanish message with the row where it stopped.
        raise ValidationError(
            gettext(
                "Una celda del archivo CSV es demasiado larga o tiene comillas sin cerrar (fila %(row)s); "
                "revísela, guarde el archivo de nuevo y vuelva a cargarlo."
            ),
            code="unreadable",
            params={"row": read + 1},
        ) from exc


def read_sheet(content: bytes, max_rows: int | None = None) -> Sheet:
    """The file's first sheet: its header row and its non-blank rows with their numbers."""
    max_rows = max_rows or settings.ONBOARDING_MAX_ROWS
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content, max_rows)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            gettext("Los libros de Excel 97-2003 (.xls) no se aceptan; guárdelo como .xlsx o como CSV."),
            code="not_a_table",
        )
    return _read_csv(content, max_rows)


def read_rows(
    kind: str, content: bytes, ignored: list[str] | None = None, *, max_rows: int | None = None
) -> list[tuple[int, dict[str, str]]]:
    """``(number, data)`` for each data row, ``data`` keyed by ``Column.key``. Refuses a file
    without the required columns or without data rows. The headers no column matches (but
    «Errores», which our rejected-rows file adds) are appended to ``ignored``: the preview
    names them, so typed data is never dropped without a word."""
    sheet = read_sheet(content, max_rows)
    columns = columns_for(kind)
    names = {name: column for column in columns for name in column.match_names()}
    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        column = names.get(fold(header))
        if column is None:
            # Another column: the «Errores» of a rejected-rows file, or one we do not know.
            if ignored is not None and fold(header) != fold(ERRORS_HEADER):
                has_data = any(index < len(cells) and cells[index] for _number, cells in sheet.rows)
                if header or has_data:
                    ignored.append(header or gettext("columna %(n)s sin encabezado") % {"n": index + 1})
            continue
        if column.key in positions:
            raise ValidationError(
                gettext("La columna «%(column)s» aparece dos veces en los encabezados; deje solo una."),
                code="repeated_column",
                params={"column": column.header},
            )
        positions[column.key] = index
    missing = [str(c.header) for c in columns if c.required and c.key not in positions]
    if missing:
        raise ValidationError(
            gettext("Faltan columnas en la primera fila: %(columns)s. Use los encabezados de la plantilla."),
            code="missing_columns",
            params={"columns": ", ".join(f"«{m}»" for m in missing)},
        )
    if kind == Import.Kind.ACCOUNTS and "handle" not in positions and "url" not in positions:
        raise ValidationError(
            gettext("Falta la columna «%(handle)s» o la columna «%(url)s»; cada cuenta necesita una de las dos."),
            code="missing_columns",
            params={"handle": _column(kind, "handle").header, "url": _column(kind, "url").header},
        )
    rows = []
    for number, cells in sheet.rows:
        data = {
            c.key: (cells[positions[c.key]] if positions.get(c.key, len(cells)) < len(cells) else "") for c in columns
        }
        if any(data.values()):
            rows.append((number, data))
    if not rows:
        raise ValidationError(gettext("El archivo no tiene filas de datos debajo de los encabezados."), code="no_rows")
    return rows


# --- Looking things up once per file ------------------------------------------------------------

_CHUNK = 900  # below SQLite's limit of bound parameters in one statement


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Catalogue:
    """Organs, networks, live accounts, people and current designations, read in bulk."""

    def __init__(self, emails: Iterable[str] = ()):
        self.organs_by_id = {o.pk: o for o in Organ.objects.all()}
        self.organ_codes = {fold(o.code): o for o in self.organs_by_id.values()}
        self.organ_names: dict[str, list[Organ]] = {}
        for organ in self.organs_by_id.values():
            self.organ_names.setdefault(fold(organ.name), []).append(organ)
        self.networks = list(Network.objects.all())
        self.networks_by_id = {n.pk: n for n in self.networks}
        self.network_names: dict[str, Network] = {}
        for network in self.networks:
            for name in (network.code, network.name, re.sub(r"\(.*?\)", "", network.name)):
                self.network_names.setdefault(fold(name), network)
        self.accounts: dict[tuple[int, str], dict] = {}
        # Ended accounts (closed, reclassified) by the same key: an import may not bring one
        # back; only a new opening request may. The latest ended one per key is kept.
        self.ended_accounts: dict[tuple[int, str], dict] = {}
        for row in (
            Account.objects.exclude(handle="")
            .values(
                "pk", "organ_id", "network_id", "handle", "name", "url", "registration_email", "status", "closed_at"
            )
            .order_by("closed_at", "pk")
        ):
            network = self.networks_by_id[row["network_id"]]
            key = (network.pk, network.handle_key(row["handle"]))
            if row["status"] in Account.ENDED_STATUSES:
                self.ended_accounts[key] = row
            else:
                self.accounts[key] = row
        wanted = sorted({e.lower() for e in emails if e})
        self.people: dict[str, User] = {}
        for chunk in _chunks(wanted):
            for user in User.objects.annotate(email_key=Lower("email")).filter(email_key__in=chunk):
                self.people[user.email_key] = user
        self.designations: dict[int, dict[str, int]] = {}  # organ → role → user
        self.designations_of: dict[int, list[tuple[int, str]]] = {}  # user → [(organ, role)]
        for organ_id, role, user_id in Designation.objects.filter(ends_at__isnull=True).values_list(
            "organ_id", "role", "user_id"
        ):
            self.designations.setdefault(organ_id, {})[role] = user_id
            self.designations_of.setdefault(user_id, []).append((organ_id, role))

    def organ(self, text: str) -> tuple[Organ | None, str]:
        key = fold(text)
        organ = self.organ_codes.get(key)
        if organ is None:
            matches = self.organ_names.get(key, [])
            if len(matches) > 1:
                return None, gettext("Hay %(count)s órganos llamados «%(organ)s»; escriba su clave.") % {
                    "count": len(matches),
                    "organ": text,
                }
            organ = matches[0] if matches else None
        if organ is None:
            return None, gettext("No existe el órgano «%(organ)s».") % {"organ": text}
        if not organ.is_active:
            return None, gettext("El órgano «%(organ)s» ya no está vigente.") % {"organ": organ}
        return organ, ""

    def network(self, text: str) -> tuple[Network | None, str]:
        network = self.network_names.get(fold(text))
        if network is None:
            return None, gettext("No existe la red social «%(network)s».") % {"network": text}
        if not network.is_active:
            return None, gettext("La red social %(network)s ya no está vigente.") % {"network": network}
        return network, ""

    def network_of_address(self, url: str) -> Network | None:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        host = (parts.hostname or "").lower().rstrip(".")
        for network in self.networks:
            if any(host == h or host.endswith("." + h) for h in network.allowed_hosts()):
                return network
        return None


# --- Planning -----------------------------------------------------------------------------------


def _level(text: str) -> str | None:
    key = fold(text)
    for level in PositionLevel:
        if key in (fold(level.value), fold(level.label)):
            return level.value
    if key == "operativo":
        return PositionLevel.OPERATIVO.value
    return None


def _field_errors(model, name: str, value: str, header) -> list[str]:
    """The model field's own rules (length, one line, e-mail format), prefixed with the column."""
    try:
        model._meta.get_field(name).clean(value, None)
    except ValidationError as exc:
        return [gettext("%(column)s: %(message)s") % {"column": header, "message": message} for message in exc.messages]
    return []


def _email_errors(value: str, header) -> list[str]:
    errors = _field_errors(User, "email", value, header)
    if errors:
        return errors
    try:
        validate_institutional_email(value)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _same_person_message() -> str:
    constraint = next(c for c in Designation._meta.constraints if c.name == "designation_one_current_role_per_person")
    return str(constraint.violation_error_message)


def _ended_account_message(network: Network, handle: str, ended: dict) -> str:
    """An ended account (closed or reclassified) comes back only through a new opening request."""
    params = {
        "account": f"{network.handle_prefix}{handle}",
        "network": network,
        "date": local_date(timezone.localtime(ended["closed_at"], timezone.get_default_timezone()).date())
        if ended["closed_at"]
        else "—",
    }
    if ended["status"] == Account.Status.RECLASSIFIED:
        message = gettext(
            "La cuenta %(account)s de %(network)s fue reclasificada como personal el %(date)s: solo puede volver "
            "a ser institucional con una nueva solicitud de apertura."
        )
    else:
        message = gettext(
            "La cuenta %(account)s de %(network)s fue cerrada el %(date)s: solo puede volver a ser institucional "
            "con una nueva solicitud de apertura."
        )
    return message % params


@dataclass
class PersonOp:
    """A person an accounts or staff file names: created, updated or left as is."""

    email: str
    first_name: str
    last_name: str
    organ: Organ
    level: str
    job_title: str = ""
    user: User | None = None
    first_row: int = 0
    changes: list[str] = field(default_factory=list)  # Spanish labels
    name_fields: dict[str, str] = field(default_factory=dict)  # staff files: names and title to set
    done: bool = False

    @property
    def label(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def needed(self) -> bool:
        return self.user is None or bool(self.changes)


@dataclass
class DesignationOp:
    organ: Organ
    titular: PersonOp
    suplente: PersonOp
    first_row: int
    needed: bool = False
    done: bool = False


@dataclass
class PlannedRow:
    number: int
    data: dict[str, str]
    errors: list[str] = field(default_factory=list)
    # What the row writes when confirmed, in order.
    people: list[PersonOp] = field(default_factory=list)
    designation: DesignationOp | None = None
    account_create: dict | None = None
    account_update: dict | None = None
    account_id: int | None = None
    account_changes: list[str] = field(default_factory=list)
    person: PersonOp | None = None  # the staff row's person
    # Filled by ``assign``: the shared writes this row carries out.
    runs_people: list[PersonOp] = field(default_factory=list)
    runs_designation: DesignationOp | None = None

    # Settled by ``settle`` once the row's shared writes are known.
    action: str = ""
    changes: list[str] = field(default_factory=list)

    def settle(self) -> None:
        """What the row does, as the preview shows it (and the confirmation records it)."""
        self.action = self._action()
        self.changes = [] if self.errors else self._changes()

    def _action(self) -> str:
        if self.errors:
            return ImportRow.Action.REJECTED
        if self.account_create is not None or (self.person is not None and self.person.user is None):
            return ImportRow.Action.CREATE
        if self.account_update or self.runs_designation or self.runs_people:
            return ImportRow.Action.UPDATE
        return ImportRow.Action.UNCHANGED

    def _changes(self) -> list[str]:
        labels = list(self.account_changes)
        for person in self.runs_people:
            if person.user is None:
                if person is not self.person:
                    labels.append(gettext("se registra a %(person)s") % {"person": person.email})
            else:
                labels.extend(person.changes)
        if self.runs_designation is not None:
            labels.append(
                gettext("administradores de %(organ)s: %(titular)s (titular) y %(suplente)s (suplente)")
                % {
                    "organ": self.runs_designation.organ,
                    "titular": self.runs_designation.titular.email,
                    "suplente": self.runs_designation.suplente.email,
                }
            )
        return labels

    def assign(self, done: set[int]) -> None:
        """The shared writes (a person, an organ's designation) this row carries out: those
        that no earlier row did (``done`` holds their ids)."""
        self.runs_people = [p for p in self.people if p.needed and id(p) not in done]
        op = self.designation
        self.runs_designation = op if op is not None and op.needed and id(op) not in done else None

    def mark_done(self, done: set[int]) -> None:
        done.update(id(p) for p in self.runs_people)
        if self.runs_designation is not None:
            done.add(id(self.runs_designation))


@dataclass
class Plan:
    kind: str
    rows: list[PlannedRow]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ImportRow.Action.values, 0)  # settled rows
        for row in self.rows:
            counts[row.action] += 1
        return counts


def plan_rows(kind: str, rows: list[tuple[int, dict[str, str]]]) -> Plan:
    """What confirming would do with each row, against the database as it is now."""
    if kind == Import.Kind.ACCOUNTS:
        planner = _AccountPlanner(rows)
    else:
        planner = _StaffPlanner(rows)
    plan = Plan(kind=kind, rows=[planner.plan(number, data) for number, data in rows])
    _assign(plan)
    return plan


def _assign(plan: Plan) -> None:
    """Each shared write is carried out by the first valid row that needs it."""
    done: set[int] = set()
    for row in plan.rows:
        if not row.errors:
            row.assign(done)
            row.mark_done(done)
        row.settle()


class _Planner:
    kind: str
    email_keys: tuple[str, ...] = ()

    def __init__(self, rows: list[tuple[int, dict[str, str]]]):
        emails = {data.get(key, "") for _number, data in rows for key in self.email_keys}
        self.catalogue = Catalogue(emails)
        self.people: dict[str, PersonOp] = {}

    def header(self, key: str):
        return _column(self.kind, key).header

    def required_errors(self, data: dict[str, str]) -> list[str]:
        return [
            gettext("Falta «%(column)s».") % {"column": self.header(key)}
            for key in REQUIRED_CELLS[self.kind]
            if not data.get(key)
        ]

    def level_errors(self, text: str, header) -> tuple[str | None, list[str]]:
        if not text:
            return None, []
        level = _level(text)
        if level is None:
            return None, [
                gettext("%(column)s: «%(level)s» no es un nivel de puesto; escriba %(choices)s.")
                % {
                    "column": header,
                    "level": text,
                    "choices": ", ".join(str(label).lower() for label in PositionLevel.labels),
                }
            ]
        return level, []

    def assignment_errors(self, person: PersonOp) -> list[str]:
        """What ``update_staff_assignment`` would refuse: a level that a designation the person
        keeps (in the organ they will belong to) does not allow."""
        user = person.user
        if user is None or user.position_level == person.level:
            return []
        planned = User(
            pk=user.pk,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            organ_id=person.organ.pk,
            position_level=person.level,
            is_active=user.is_active,
        )
        errors = []
        for organ_id, role in self.catalogue.designations_of.get(user.pk, []):
            if organ_id != person.organ.pk:
                continue
            try:
                Designation.check_eligible(self.catalogue.organs_by_id[organ_id], role, planned)
            except ValidationError as exc:
                errors.extend(exc.messages)
        return errors


class _AccountPlanner(_Planner):
    kind = Import.Kind.ACCOUNTS
    email_keys = ("titular_email", "suplente_email")

    def __init__(self, rows):
        super().__init__(rows)
        self.seen_accounts: dict[tuple[int, str], int] = {}
        self.organ_ops: dict[int, DesignationOp] = {}

    def plan(self, number: int, data: dict[str, str]) -> PlannedRow:
        row = PlannedRow(number=number, data=data)
        errors = row.errors
        errors.extend(self.required_errors(data))
        organ = None
        if data.get("organ"):
            organ, error = self.catalogue.organ(data["organ"])
            if error:
                errors.append(error)
        identity = self.identity(data, errors)
        for key in ("purpose",):
            if data.get(key):
                errors.extend(_field_errors(Account, key, data[key], self.header(key)))
        if data.get("registration_email"):
            errors.extend(_email_errors(data["registration_email"], self.header("registration_email")))
        if organ is not None:
            self.plan_people(row, organ)
        if identity is not None:
            self.plan_account(row, organ, *identity)
        return row

    def identity(self, data: dict[str, str], errors: list[str]) -> tuple[Network, str, str] | None:
        """(network, handle, address) from the network, handle and address cells."""
        handle_text, url_text, network_text = data.get("handle", ""), data.get("url", ""), data.get("network", "")
        if not handle_text and not url_text:
            errors.append(
                gettext("Falta «%(handle)s» o «%(url)s».")
                % {"handle": self.header("handle"), "url": self.header("url")}
            )
            return None
        network = None
        if network_text:
            network, error = self.catalogue.network(network_text)
            if error:
                errors.append(error)
                return None
        if url_text:
            url_network = self.catalogue.network_of_address(url_text) if looks_like_address(url_text) else None
            if network is None and url_network is None:
                errors.append(
                    gettext("La dirección «%(url)s» no es de ninguna red social del catálogo.") % {"url": url_text}
                )
                return None
            if network is None:
                network = url_network
            if url_network is None or url_network.pk != network.pk:
                try:
                    network.validate_url(url_text)
                except ValidationError as exc:
                    errors.extend(exc.messages)
                return None
            parts = urlsplit(url_text if "://" in url_text else f"https://{url_text}")
            from_url = handle_from_path(network, parts.path)
            if not from_url:
                errors.append(
                    gettext("La dirección «%(url)s» no es la de un perfil de %(network)s.")
                    % {"url": url_text, "network": network}
                )
                return None
            if handle_text and network.handle_key(handle_text) != network.handle_key(from_url):
                errors.append(
                    gettext("La dirección «%(url)s» lleva a «%(other)s», no a «%(handle)s».")
                    % {"url": url_text, "other": from_url, "handle": handle_text}
                )
                return None
            handle = network.normalize_handle(handle_text) if handle_text else network.normalize_handle(from_url)
        else:
            if network is None:
                errors.append(gettext("Falta «%(column)s».") % {"column": self.header("network")})
                return None
            handle = network.normalize_handle(handle_text)
        try:
            network.validate_handle(handle_text or handle)
        except ValidationError as exc:
            errors.extend(exc.messages)
            return None
        try:
            Account.validate_handle_not_reserved(network, handle)
        except ValidationError as exc:
            errors.extend(exc.messages)
            return None
        # The address as typed when it is the profile's own https address; otherwise (no
        # scheme, a post's address, no address at all) the profile's address.
        url = network.profile_url(handle)
        if url_text:
            try:
                network.validate_url(url_text)
                network.validate_profile_url(url_text, handle)
            except ValidationError:
                pass
            else:
                url = url_text
        errors.extend(_field_errors(Account, "url", url, self.header("url")))
        return network, handle, url

    def person(self, row: PlannedRow, organ: Organ, role: str) -> PersonOp | None:
        data, errors = row.data, row.errors
        email = data.get(f"{role}_email", "")
        if not email:
            return None
        header = self.header(f"{role}_email")
        email_errors = _email_errors(email, header)
        if email_errors:
            errors.extend(email_errors)
            return None
        level, level_errors = self.level_errors(data.get(f"{role}_level", ""), self.header(f"{role}_level"))
        errors.extend(level_errors)
        if level_errors:
            return None
        key = email.lower()
        known = self.people.get(key)
        if known is not None:
            if known.organ.pk != organ.pk:
                errors.append(
                    gettext("«%(email)s» aparece en la fila %(row)s como personal de %(organ)s.")
                    % {"email": email, "row": known.first_row, "organ": known.organ}
                )
                return None
            if level and level != known.level:
                errors.append(
                    gettext("«%(email)s» aparece en la fila %(row)s con otro nivel (%(level)s).")
                    % {"email": email, "row": known.first_row, "level": PositionLevel(known.level).label.lower()}
                )
                return None
            return known
        user = self.catalogue.people.get(key)
        first, last = data.get(f"{role}_first_name", ""), data.get(f"{role}_last_name", "")
        if user is None:
            missing = [
                gettext("Falta «%(column)s»: «%(email)s» no está registrada en el sistema.")
                % {"column": self.header(f"{role}_{name}"), "email": email}
                for name, value in (("first_name", first), ("last_name", last), ("level", level))
                if not value
            ]
            if missing:
                errors.extend(missing)
                return None
            name_errors = [
                message
                for name, value in (("first_name", first), ("last_name", last))
                for message in _field_errors(User, name, value, self.header(f"{role}_{name}"))
            ]
            if name_errors:
                # Not remembered: a later row naming the person gets the same errors.
                errors.extend(name_errors)
                return None
        person = PersonOp(
            email=email,
            first_name=first if user is None else user.first_name,
            last_name=last if user is None else user.last_name,
            organ=organ,
            level=level or (user.position_level if user else ""),
            user=user,
            first_row=row.number,
        )
        if user is not None and (user.organ_id != organ.pk or person.level != user.position_level):
            # An accounts inventory names administrators; moving a person to another organ or
            # level (which ends their roles elsewhere) is the staff inventory's business.
            registered_in = self.catalogue.organs_by_id.get(user.organ_id)
            errors.append(
                gettext(
                    "%(person)s (%(email)s) está registrada en %(organ)s, con nivel %(level)s; para cambiar su "
                    "adscripción o su nivel, use el inventario de personal."
                )
                % {
                    "person": user.get_full_name() or user.username,
                    "email": user.email,
                    "organ": registered_in if registered_in is not None else gettext("ningún órgano"),
                    "level": str(user.get_position_level_display()).lower() or "—",
                }
            )
            return None
        self.people[key] = person
        return person

    def plan_people(self, row: PlannedRow, organ: Organ) -> None:
        errors = row.errors
        before = len(errors)
        emails = [row.data.get(f"{role}_email", "").lower() for role in ("titular", "suplente")]
        if emails[0] and emails[0] == emails[1]:
            errors.append(_same_person_message())
            return
        titular = self.person(row, organ, "titular")
        suplente = self.person(row, organ, "suplente")
        if titular is None or suplente is None:
            return
        if titular is suplente:
            errors.append(_same_person_message())
            return
        op = self.organ_ops.get(organ.pk)
        if op is not None and (op.titular is not titular or op.suplente is not suplente):
            errors.append(
                gettext(
                    "Las filas de %(organ)s deben nombrar a los mismos administradores: la fila %(row)s nombra a "
                    "%(titular)s (titular) y %(suplente)s (suplente)."
                )
                % {"organ": organ, "row": op.first_row, "titular": op.titular.email, "suplente": op.suplente.email}
            )
            return
        for role, person in ((Designation.Role.TITULAR, titular), (Designation.Role.SUPLENTE, suplente)):
            planned = User(
                pk=person.user.pk if person.user else None,
                username=person.email,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                organ_id=organ.pk,
                position_level=person.level,
                is_active=person.user.is_active if person.user else True,
            )
            try:
                Designation.check_eligible(organ, role, planned)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if len(errors) > before:
            return
        row.people = [titular, suplente]
        if op is None:
            current = self.catalogue.designations.get(organ.pk, {})
            needed = (
                titular.user is None
                or suplente.user is None
                or current.get(Designation.Role.TITULAR) != titular.user.pk
                or current.get(Designation.Role.SUPLENTE) != suplente.user.pk
            )
            op = DesignationOp(organ=organ, titular=titular, suplente=suplente, first_row=row.number, needed=needed)
            self.organ_ops[organ.pk] = op
        row.designation = op

    def plan_account(self, row: PlannedRow, organ: Organ | None, network: Network, handle: str, url: str) -> None:
        data, errors = row.data, row.errors
        key = (network.pk, network.handle_key(handle))
        first = self.seen_accounts.get(key)
        if first is not None:
            errors.append(gettext("Repetida: la misma cuenta está en la fila %(row)s.") % {"row": first})
            return
        self.seen_accounts[key] = row.number
        name = data.get("name", "")
        if name:
            errors.extend(_field_errors(Account, "name", name, self.header("name")))
        existing = self.catalogue.accounts.get(key)
        if existing is None and key in self.catalogue.ended_accounts:
            errors.append(_ended_account_message(network, handle, self.catalogue.ended_accounts[key]))
            return
        if existing is None:
            row.account_create = {
                "organ": organ,
                "network": network,
                "handle": handle,
                "url": url,
                "name": name or f"{network.handle_prefix}{handle}",
                "purpose": data.get("purpose", ""),
                "registration_email": data.get("registration_email", ""),
            }
            return
        row.account_id = existing["pk"]
        if organ is not None and existing["organ_id"] != organ.pk:
            errors.append(
                gettext("Ya existe esa cuenta, registrada para %(organ)s.")
                % {"organ": self.catalogue.organs_by_id[existing["organ_id"]]}
            )
            return
        wanted = {}
        if name and name != existing["name"]:
            wanted["name"] = name
        if data.get("url") and url != existing["url"]:
            wanted["url"] = url
        email = data.get("registration_email", "")
        if email and email.lower() != existing["registration_email"].lower():
            wanted["registration_email"] = email
        if wanted:
            row.account_update = wanted
            row.account_changes = [str(Account._meta.get_field(f).verbose_name) for f in wanted]


class _StaffPlanner(_Planner):
    kind = Import.Kind.STAFF
    email_keys = ("email",)

    def __init__(self, rows):
        super().__init__(rows)
        self.seen: dict[str, int] = {}
        # Who heads which organ, from the organs already read (no query).
        self.headed: dict[int, list[Organ]] = {}
        for organ in self.catalogue.organs_by_id.values():
            if organ.head_id is not None:
                self.headed.setdefault(organ.head_id, []).append(organ)

    def roles_ended(self, user: User, organ: Organ) -> list[str]:
        """What ``accounts.services.update_staff_assignment`` ends when ``user`` moves to
        ``organ``: the current designations and the headship outside the organ they keep
        (every one of them if the person is inactive)."""
        stays_in = organ.pk if user.is_active else None
        ended = [
            gettext("deja de ser %(role)s de %(organ)s")
            % {"role": str(Designation.Role(role).label).lower(), "organ": self.catalogue.organs_by_id[organ_id]}
            for organ_id, role in sorted(self.catalogue.designations_of.get(user.pk, []))
            if organ_id != stays_in
        ]
        ended.extend(
            gettext("deja de ser titular de %(organ)s") % {"organ": headed}
            for headed in self.headed.get(user.pk, [])
            if headed.pk != stays_in
        )
        return ended

    def plan(self, number: int, data: dict[str, str]) -> PlannedRow:
        row = PlannedRow(number=number, data=data)
        errors = row.errors
        errors.extend(self.required_errors(data))
        organ = None
        if data.get("organ"):
            organ, error = self.catalogue.organ(data["organ"])
            if error:
                errors.append(error)
        email = data.get("email", "")
        if email:
            email_errors = _email_errors(email, self.header("email"))
            errors.extend(email_errors)
            if not email_errors:
                first = self.seen.get(email.lower())
                if first is not None:
                    errors.append(
                        gettext("Repetida: la misma persona («%(email)s») está en la fila %(row)s.")
                        % {"email": email, "row": first}
                    )
                else:
                    self.seen[email.lower()] = number
        level, level_errors = self.level_errors(data.get("level", ""), self.header("level"))
        errors.extend(level_errors)
        for name in ("first_name", "last_name", "job_title"):
            if data.get(name):
                errors.extend(_field_errors(User, name, data[name], self.header(name)))
        if errors or organ is None or level is None:
            return row
        user = self.catalogue.people.get(email.lower())
        person = PersonOp(
            email=email,
            first_name=data["first_name"],
            last_name=data["last_name"],
            organ=organ,
            level=level,
            job_title=data.get("job_title", ""),
            user=user,
            first_row=number,
        )
        if user is not None:
            for name, label in (
                ("first_name", self.header("first_name")),
                ("last_name", self.header("last_name")),
                ("job_title", self.header("job_title")),
            ):
                value = data.get(name, "")
                if value and value != getattr(user, name):
                    person.name_fields[name] = value
                    person.changes.append(str(label).lower())
            if user.organ_id != organ.pk:
                person.changes.append(
                    "; ".join(
                        [
                            gettext("%(field)s: %(organ)s")
                            % {"field": User._meta.get_field("organ").verbose_name, "organ": organ},
                            *self.roles_ended(user, organ),
                        ]
                    )
                )
            if user.position_level != level:
                person.changes.append(
                    gettext("%(field)s: %(level)s")
                    % {
                        "field": User._meta.get_field("position_level").verbose_name,
                        "level": str(PositionLevel(level).label).lower(),
                    }
                )
            errors.extend(self.assignment_errors(person))
        row.person = person
        row.people = [person]
        return row


# --- Files out ------------------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = gettext("Inventario")[:31]
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = bold
    for number, cells in enumerate(rows, start=2):
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            # Text stays text: a cell that reads like a formula is written as a string, not run.
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    from core.spreadsheet import spreadsheet_safe

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for cells in rows:
        writer.writerow([spreadsheet_safe(c) for c in cells])
    # A BOM so that spreadsheet programs read the accents correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _file(fmt: str, stem: str, headers: list[str], rows: list[list[str]]) -> tuple[bytes, str, str]:
    if fmt == "xlsx":
        return _xlsx(headers, rows), XLSX_TYPE, f"{stem}.xlsx"
    if fmt == "csv":
        return _csv(headers, rows), CSV_TYPE, f"{stem}.csv"
    raise ValueError(f"Unknown format {fmt!r}")


def template_file(kind: str, fmt: str) -> tuple[bytes, str, str]:
    """The columns' headers and one example row."""
    columns = columns_for(kind)
    stem = gettext("plantilla_cuentas") if kind == Import.Kind.ACCOUNTS else gettext("plantilla_personal")
    return _file(fmt, stem, [str(c.header) for c in columns], [[c.example for c in columns]])


def rejected_rows_file(import_run: Import, fmt: str) -> tuple[bytes, str, str]:
    """The rejected rows with every column of the template and an «Errores» column: fixed
    and uploaded again, the «Errores» column is ignored."""
    columns = columns_for(import_run.kind)
    headers = [str(c.header) for c in columns] + [str(ERRORS_HEADER)]
    rows = [
        [row.data.get(c.key, "") for c in columns] + [" | ".join(row.errors)]
        for row in import_run.rows.filter(action=ImportRow.Action.REJECTED).order_by("number")
    ]
    stem = gettext("importacion_%(id)s_rechazadas") % {"id": import_run.pk}
    return _file(fmt, stem, headers, rows)
