"""The evaluation reports (§8): every figure of a period, computed by the database.

Each function takes a queryset of evaluations that already went through
``access.evaluations_visible_to`` (so nobody can forget the scope) and answers with SQL
aggregates: a page's number of queries does not grow with its accounts. Only issued and
acknowledged evaluations have a score that counts: a pending one or one in progress is
counted as an account, never in an average, a minimum, a band or the below-threshold list.

Password-rotation compliance is the exception: the period's rule (``evaluations.rotations``,
shared with the evaluation's figures) is applied in Python to two queries' rows, the evaluated
accounts and their rotations, so it too costs the same for ten accounts or thousands. The
period is read through the figures' window (``figures.Window``: Mexico City days).

Averages are the sum of the scores divided by their count, rounded half up to one decimal
in Python, so SQLite (floats) and PostgreSQL (numerics) give the same figure.

Who sees which report is decided in ``evaluations.access`` (``sees_reports``, ``organ_report_scope``), from
``access`` and ``accounts.access``: the national reports are for CNCS and the Comité
(``access.sees_all``); an organ's titular sees the organ report of their own organ.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organ, PasswordRotation, User
from incidents import access as incidents_access
from incidents.models import IncidentKind

from . import rotations
from .figures import Window
from .models import ISSUED_STATUSES, Evaluation, EvaluationStatus, Period, Score

ONE_DECIMAL = Decimal("0.1")
BAND_WIDTH = 10
NO_ENTIDAD = gettext_lazy("Oficinas centrales y consejerías")

# --- Who sees which report ------------------------------------------------------------------


# --- The period -----------------------------------------------------------------------------


def periods() -> list[Period]:
    """Newest first, as the period selector lists them."""
    return list(Period.objects.select_related("criteria").order_by("-year", "-half"))


def threshold() -> int:
    return settings.EVALUATION_BELOW_THRESHOLD


def window(period: Period, now: datetime | None = None) -> Window:
    """The part of the period that has happened, in Mexico City days: the same window the
    evaluation's figures are read in (``figures.Window``), to its last day or to today."""
    return Window.of(period, now or timezone.now())


def evaluation_url(pk: int) -> str:
    """The evaluation's page (the workflow's ``evaluations:detail``), built in one place."""
    return reverse("evaluations:detail", args=[pk])


# --- Figures --------------------------------------------------------------------------------


def _average(total, count: int) -> Decimal | None:
    if not count or total is None:
        return None
    # A sum of one-decimal scores is exact at one decimal: quantizing first removes the
    # float noise SQLite adds, then the division is rounded half up like weighted_score.
    exact = Decimal(str(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return (exact / count).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _issued() -> Q:
    return Q(status__in=ISSUED_STATUSES)


def _aggregates(limit: int) -> dict:
    """The figures of any group of evaluations, as aggregate expressions."""
    issued = _issued()
    return {
        "accounts": Count("pk"),
        "issued": Count("pk", filter=issued),
        "total": Sum("score", filter=issued),
        "minimum": Min("score", filter=issued),
        "below": Count("pk", filter=issued & Q(score__lt=limit)),
    }


@dataclass(frozen=True)
class Figures:
    """One row of a grouped table: accounts evaluated, how many issued, their average,
    the lowest score and how many fell below the threshold."""

    key: object
    label: str
    accounts: int
    issued: int
    average: Decimal | None
    minimum: Decimal | None
    below: int
    extra: dict = field(default_factory=dict)


def _figures(row: dict, key, label) -> Figures:
    return Figures(
        key=key,
        label=str(label),
        accounts=row["accounts"],
        issued=row["issued"],
        average=_average(row["total"], row["issued"]),
        minimum=_score(row["minimum"]),
        below=row["below"],
    )


@dataclass(frozen=True)
class Summary:
    accounts: int
    issued: int
    average: Decimal | None
    minimum: Decimal | None
    below: int
    abandoned: int
    threshold: int
    by_status: list[tuple[str, str, int]]


def national_summary(evaluations: QuerySet[Evaluation], limit: int) -> Summary:
    """Accounts evaluated, by status, the average of the issued ones, how many below the
    threshold and how many were flagged as possibly abandoned (§7.viii)."""
    by_status = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in EvaluationStatus.values}
    row = evaluations.order_by().aggregate(
        **_aggregates(limit), abandoned=Count("pk", filter=Q(was_flagged_abandoned=True)), **by_status
    )
    return Summary(
        accounts=row["accounts"],
        issued=row["issued"],
        average=_average(row["total"], row["issued"]),
        minimum=_score(row["minimum"]),
        below=row["below"],
        abandoned=row["abandoned"],
        threshold=limit,
        by_status=[(s.value, str(s.label), row[f"status_{s}"]) for s in EvaluationStatus],
    )


def by_entidad(evaluations: QuerySet[Evaluation], limit: int) -> list[Figures]:
    """Per entidad of the evaluated organ; central offices and consejerías (no entidad) last."""
    rows = (
        evaluations.order_by()
        .values("organ__entidad_id", "organ__entidad__name", "organ__entidad__code")
        .annotate(**_aggregates(limit))
        .order_by(F("organ__entidad__code").asc(nulls_last=True))
    )
    return [_figures(r, r["organ__entidad_id"], r["organ__entidad__name"] or NO_ENTIDAD) for r in rows]


def by_organ(evaluations: QuerySet[Evaluation], limit: int) -> list[Figures]:
    rows = (
        evaluations.order_by()
        .values("organ_id", "organ__name", "organ__entidad__name")
        .annotate(**_aggregates(limit))
        .order_by("organ__name", "organ_id")
    )
    return [
        replace(
            _figures(r, r["organ_id"], r["organ__name"]),
            extra={"entidad": r["organ__entidad__name"] or str(NO_ENTIDAD)},
        )
        for r in rows
    ]


def by_network(evaluations: QuerySet[Evaluation], limit: int) -> list[Figures]:
    rows = (
        evaluations.order_by()
        .values("account__network_id", "account__network__name", "account__network__sort_order")
        .annotate(**_aggregates(limit))
        .order_by("account__network__sort_order", "account__network__name")
    )
    return [_figures(r, r["account__network_id"], r["account__network__name"]) for r in rows]


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    count: int
    # The whole band lies under the threshold: the chart hatches it.
    under_threshold: bool

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


def distribution(evaluations: QuerySet[Evaluation], limit: int) -> list[Band]:
    """Issued scores in bands of ten: [0, 10), [10, 20), … [90, 100], 100 in the last one."""
    lows = range(0, 100, BAND_WIDTH)
    issued = _issued()
    counts = evaluations.order_by().aggregate(
        **{
            f"band_{low}": Count(
                "pk",
                filter=issued
                & Q(score__gte=low)
                & (Q(score__lt=low + BAND_WIDTH) if low + BAND_WIDTH < 100 else Q(score__lte=100)),
            )
            for low in lows
        }
    )
    return [Band(low, low + BAND_WIDTH, counts[f"band_{low}"], low + BAND_WIDTH <= limit) for low in lows]


def _listed(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    return evaluations.select_related("account__network", "organ__entidad")


def below_threshold(evaluations: QuerySet[Evaluation], limit: int) -> QuerySet[Evaluation]:
    """Issued evaluations scored under the threshold, lowest first."""
    return _listed(evaluations.filter(_issued(), score__lt=limit)).order_by("score", "organ__name", "account__name")


def abandoned(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Accounts flagged as possibly abandoned (§7.viii) when evaluated, by organ."""
    return _listed(evaluations.filter(was_flagged_abandoned=True)).order_by("organ__name", "account__name")


@dataclass(frozen=True)
class Compliance:
    """Password rotation of the evaluated accounts within the period
    (``evaluations.rotations``): each account counted once, by its ``Outcome``."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    none_due: int = 0

    @property
    def accounts(self) -> int:
        return self.on_time + self.late + self.overdue + self.none_due

    def counted(self, outcome: str) -> Compliance:
        return replace(self, **{outcome: getattr(self, outcome) + 1})

    def rows(self, window: Window) -> list[tuple[str, str, int]]:
        """``(outcome, label, count)``, worst first, as the pages and the exports list them;
        "overdue" names the day it was judged at: the period's last day, or today."""
        return [(o.value, outcome_label(o, window), getattr(self, o.value)) for o in rotations.Outcome]


def outcome_label(outcome: str, window: Window) -> str:
    if outcome != rotations.Outcome.OVERDUE:
        return str(rotations.Outcome(outcome).label)
    day = window.last_day.strftime("%d/%m/%Y")
    if window.ended:
        return _("Vencida al cierre del periodo (%(day)s)") % {"day": day}
    return _("Vencida hoy (%(day)s)") % {"day": day}


def _rotation_outcomes(evaluations: QuerySet[Evaluation], window: Window) -> list[tuple[int, str]]:
    """``(organ_id, outcome)`` per evaluated account in operation during the period: two
    queries whatever the number of accounts. An account closed before the period ended
    (before today while it runs) is left out; one closed later counts by its record in the
    period. The organ is the evaluation's, as every other figure of the report."""
    operated = evaluations.order_by().exclude(account__closed_at__lt=window.stop)
    accounts = list(
        operated.values_list("account_id", "organ_id", "account__activated_at", "account__last_password_rotation_at")
    )
    moments: dict[int, list[datetime]] = defaultdict(list)
    for account_id, rotated_at in PasswordRotation.objects.filter(
        account_id__in=operated.values("account_id"), rotated_at__lt=window.stop
    ).values_list("account_id", "rotated_at"):
        moments[account_id].append(rotated_at)
    return [
        (
            organ_id,
            rotations.assess(
                moments.get(account_id, ()),
                start=window.start,
                stop=window.stop,
                last_day=window.last_day,
                activated_at=activated_at,
                registered=registered,
            ).outcome,
        )
        for account_id, organ_id, activated_at, registered in accounts
    ]


def rotation_compliance(evaluations: QuerySet[Evaluation], window: Window) -> Compliance:
    """The period's evaluated accounts by rotation outcome: every rotation on time, some
    late, overdue at the period's end (at today while it runs), or none due in the period."""
    compliance = Compliance()
    for _organ_id, outcome in _rotation_outcomes(evaluations, window):
        compliance = compliance.counted(outcome)
    return compliance


def rotation_by_organ(evaluations: QuerySet[Evaluation], window: Window) -> dict[int, Compliance]:
    found: dict[int, Compliance] = {}
    for organ_id, outcome in _rotation_outcomes(evaluations, window):
        found[organ_id] = found.get(organ_id, Compliance()).counted(outcome)
    return found


def _period_incidents(user: User, evaluations: QuerySet[Evaluation], window: Window):
    """Incidents the user may see, of the evaluated accounts, detected within the period
    (its days in Mexico City time, as far as they have happened)."""
    return incidents_access.incidents_visible_to(user).filter(
        account_id__in=evaluations.order_by().values("account_id"),
        detected_at__gte=window.start,
        detected_at__lt=window.stop,
    )


def incidents_by_kind(user: User, evaluations: QuerySet[Evaluation], window: Window) -> list[tuple[str, str, int]]:
    """``(kind, label, count)`` for every kind, zeros included."""
    counts = dict(_period_incidents(user, evaluations, window).order_by().values_list("kind").annotate(n=Count("pk")))
    return [(kind.value, str(kind.label), counts.get(kind.value, 0)) for kind in IncidentKind]


def incidents_by_organ(user: User, evaluations: QuerySet[Evaluation], window: Window) -> dict[int, dict[str, int]]:
    rows = _period_incidents(user, evaluations, window).order_by().values("organ_id", "kind").annotate(n=Count("pk"))
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["organ_id"], {})[row["kind"]] = row["n"]
    return found


def trend(evaluations: QuerySet[Evaluation], all_periods: list[Period], limit: int) -> list[Figures]:
    """Every period, oldest first: accounts, issued, average, lowest and below the threshold.

    ``evaluations`` is the visible set across periods (not filtered by one period); the
    label is the period's name, ``extra["short"]`` its short form for a chart."""
    rows = {r["period_id"]: r for r in evaluations.order_by().values("period_id").annotate(**_aggregates(limit))}
    empty = {"accounts": 0, "issued": 0, "total": None, "minimum": None, "below": 0}
    ordered = sorted(all_periods, key=lambda p: (p.year, p.half))
    return [replace(_figures(rows.get(p.pk, empty), p.pk, str(p)), extra={"short": period_label(p)}) for p in ordered]


def period_label(period: Period) -> str:
    """Short, for the charts: "1.er sem. 2026", "2.º sem. 2026"."""
    if period.half == 1:
        return _("1.er sem. %(year)s") % {"year": period.year}
    return _("2.º sem. %(year)s") % {"year": period.year}


# --- Lists ----------------------------------------------------------------------------------


def evaluation_rows(evaluations: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """The per-account list of a period, by organ, network and account."""
    return _listed(evaluations).order_by("organ__name", "organ_id", "account__network__sort_order", "account__name")


def criterion_values(evaluations: QuerySet[Evaluation]) -> dict[tuple[int, int], int | None]:
    """``{(evaluation_id, criterion_id): value}`` of the issued evaluations, in one query.

    A draft's values are CNCS's work in progress: the reports show none of them."""
    issued = evaluations.order_by().filter(_issued()).values("pk")
    return {
        (e, c): v
        for e, c, v in Score.objects.filter(evaluation__in=issued).values_list("evaluation_id", "criterion_id", "value")
    }


def criteria_of(period: Period) -> list:
    return list(period.criteria.criteria.order_by("position", "id"))


# --- The organ report -----------------------------------------------------------------------


@dataclass
class OrganSection:
    organ_id: int
    name: str
    entidad: str
    figures: Figures
    compliance: Compliance
    rotation: list[tuple[str, str, int]]  # ``Compliance.rows``: (outcome, label, count)
    incidents: list[tuple[str, str, int]]
    rows: list = field(default_factory=list)

    @property
    def incidents_found(self) -> list[tuple[str, int]]:
        return [(label, n) for _kind, label, n in self.incidents if n]


def organ_sections(
    user: User, evaluations: QuerySet[Evaluation], period: Period, limit: int, window: Window
) -> tuple[list, list[OrganSection]]:
    """One section per organ with its figures, its accounts' rotation and incidents, and
    its accounts, each with its criteria values; a fixed number of queries for any size."""
    criteria = criteria_of(period)
    figures = {f.key: f for f in by_organ(evaluations, limit)}
    compliance = rotation_by_organ(evaluations, window)
    incidents = incidents_by_organ(user, evaluations, window)
    values = criterion_values(evaluations)
    none = Compliance()
    labels = status_labels()
    sections: dict[int, OrganSection] = {}
    for evaluation in evaluation_rows(evaluations):
        section = sections.get(evaluation.organ_id)
        if section is None:
            organ = evaluation.organ
            counts = incidents.get(organ.pk, {})
            section = sections[organ.pk] = OrganSection(
                organ_id=organ.pk,
                name=organ.name,
                entidad=organ.entidad.name if organ.entidad else str(NO_ENTIDAD),
                figures=figures[organ.pk],
                compliance=compliance.get(organ.pk, none),
                rotation=compliance.get(organ.pk, none).rows(window),
                incidents=[(k.value, str(k.label), counts.get(k.value, 0)) for k in IncidentKind],
            )
        evaluation.criterion_values = [values.get((evaluation.pk, c.pk)) for c in criteria]
        evaluation.status_label = labels[evaluation.status]
        evaluation.below = evaluation.is_issued and evaluation.score < limit
        section.rows.append(evaluation)
    return criteria, list(sections.values())


def organs_with_evaluations(evaluations: QuerySet[Evaluation]) -> QuerySet[Organ]:
    return Organ.objects.filter(pk__in=evaluations.order_by().values("organ_id")).order_by("name")


def status_labels() -> dict[str, str]:
    """Built once per request: a long list never calls ``get_status_display`` per row."""
    return {value: str(label) for value, label in EvaluationStatus.choices}


def with_status_labels(evaluations) -> list[Evaluation]:
    labels = status_labels()
    rows = list(evaluations)
    for evaluation in rows:
        evaluation.status_label = labels[evaluation.status]
    return rows


def yes_no(flag: bool) -> str:
    return _("Sí") if flag else _("No")


# --- Exports --------------------------------------------------------------------------------

# ``?tabla=`` of the CSV export → the sheet's name, in the order of the workbook's sheets.
EXPORT_TITLES = {
    "evaluaciones": gettext_lazy("Evaluaciones"),
    "resumen": gettext_lazy("Resumen"),
    "entidades": gettext_lazy("Por entidad"),
    "organos": gettext_lazy("Por órgano"),
    "redes": gettext_lazy("Por red social"),
    "distribucion": gettext_lazy("Distribución"),
    "incidentes": gettext_lazy("Incidentes"),
    "tendencia": gettext_lazy("Tendencia"),
}


@dataclass
class Table:
    """One exported table: a CSV file (``?tabla=<slug>``) or a sheet of the workbook.

    Cells are typed Python values: ``str``, ``int``, ``Decimal``, ``date``, ``datetime``
    (aware; the writers turn it into Mexico City time) or ``None``."""

    slug: str
    headers: list[str]
    rows: list[list]

    @property
    def title(self) -> str:
        return str(EXPORT_TITLES[self.slug])


def _figures_table(slug: str, first: str, figures: list[Figures], *, entidad: bool = False) -> Table:
    headers = [first, *([_("Entidad")] if entidad else []), _("Cuentas evaluadas"), _("Emitidas")]
    headers += [_("Calificación promedio"), _("Calificación mínima"), _("Bajo el umbral")]
    rows = [
        [
            f.label,
            *([f.extra.get("entidad", "")] if entidad else []),
            f.accounts,
            f.issued,
            f.average,
            f.minimum,
            f.below,
        ]
        for f in figures
    ]
    return Table(slug, headers, rows)


def evaluations_table(evaluations: QuerySet[Evaluation], period: Period) -> Table:
    """The per-account list: who, status, score, dates, the §7.viii flag, every criterion."""
    criteria = criteria_of(period)
    values = criterion_values(evaluations)
    headers = [
        _("Órgano"),
        _("Entidad"),
        _("Red social"),
        _("Cuenta"),
        _("Usuario"),
        _("Estado"),
        _("Calificación"),
        _("Emitida"),
        _("Recibida por el órgano"),
        _("Posiblemente abandonada"),
        *(f"{c.name} ({c.scale_min}–{c.scale_max})" for c in criteria),
    ]
    labels = status_labels()
    rows = [
        [
            e.organ.name,
            e.organ.entidad.name if e.organ.entidad else str(NO_ENTIDAD),
            e.account.network.name,
            e.account.name,
            e.account.display_handle,
            labels[e.status],
            e.score,
            e.issued_at,
            e.acknowledged_at,
            yes_no(e.was_flagged_abandoned),
            *(values.get((e.pk, c.pk)) for c in criteria),
        ]
        for e in evaluation_rows(evaluations)
    ]
    return Table("evaluaciones", headers, rows)


def summary_table(summary: Summary, compliance: Compliance, period: Period, window: Window) -> Table:
    rows = [
        [_("Periodo"), str(period)],
        [_("Inicia"), period.starts_on],
        [_("Termina"), period.ends_on],
        [_("Cuentas evaluadas"), summary.accounts],
        *([label, n] for _status, label, n in summary.by_status),
        [_("Calificación promedio (emitidas y recibidas)"), summary.average],
        [_("Calificación mínima"), summary.minimum],
        [_("Umbral"), summary.threshold],
        [_("Cuentas bajo el umbral"), summary.below],
        [_("Cuentas posiblemente abandonadas"), summary.abandoned],
        [_("Cuentas en operación en el periodo (cambio de contraseña)"), compliance.accounts],
        *(
            [_("Cambio de contraseña: %(situation)s") % {"situation": label}, n]
            for _o, label, n in compliance.rows(window)
        ),
    ]
    return Table("resumen", [_("Concepto"), _("Valor")], rows)


def export_tables(
    user: User, evaluations: QuerySet[Evaluation], period: Period, window: Window, only: str | None = None
) -> list[Table]:
    """The tables of the period's report in the order of the workbook's sheets, or only the
    one named ``only`` (a CSV file holds one table).

    ``evaluations`` is the visible set across periods: the trend needs them all."""
    limit = threshold()
    current = evaluations.filter(period=period)
    builders = {
        "evaluaciones": lambda: evaluations_table(current, period),
        "resumen": lambda: summary_table(
            national_summary(current, limit), rotation_compliance(current, window), period, window
        ),
        "entidades": lambda: _figures_table("entidades", _("Entidad"), by_entidad(current, limit)),
        "organos": lambda: _figures_table("organos", _("Órgano"), by_organ(current, limit), entidad=True),
        "redes": lambda: _figures_table("redes", _("Red social"), by_network(current, limit)),
        "distribucion": lambda: Table(
            "distribucion",
            [_("Desde"), _("Hasta"), _("Cuentas")],
            [[b.low, b.high, b.count] for b in distribution(current, limit)],
        ),
        "incidentes": lambda: Table(
            "incidentes",
            [_("Tipo de incidente"), _("Incidentes")],
            [[label, n] for _kind, label, n in incidents_by_kind(user, current, window)],
        ),
        "tendencia": lambda: _figures_table("tendencia", _("Periodo"), trend(evaluations, periods(), limit)),
    }
    assert list(builders) == list(EXPORT_TITLES)
    return [build() for slug, build in builders.items() if only in (None, slug)]
