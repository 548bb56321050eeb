"""The figures an evaluation is pre-filled with: what the system knows of an account in a
period, each with where it came from and a link. Read-only; nothing here writes.

Contract (used by the evaluation pages, the issued-version snapshot and the reports):
``for_evaluation(evaluation, now=None) -> list[FigureGroup]``, one group per
``Criterion.Source`` that has figures; ``to_json(groups)`` gives the snapshot kept in
``IssuedVersion.figures`` and ``from_json`` reads it back.

The window is the period's days in Mexico City time, from its first day to its last or to
today, whichever comes first; an entry at 05:30 UTC on 1 July belongs to 30 June. Every
source is read with a fixed number of queries, whatever the account holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from statistics import median
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access as accounts_access
from accounts import rotation as accounts_rotation
from accounts import selectors as accounts_selectors
from accounts.models import Account, LogEntry, OutOfOfficePeriod, PasswordRotation
from consultations.models import Consultation
from core.formats import duration as format_duration
from core.formats import local_datetime
from incidents.models import Incident, IncidentKind, IncidentStatus

from . import rotations, training
from .models import Criterion

# How many incidents and out-of-office periods are listed one by one; the rest are counted.
LISTED_INCIDENTS = 5
LISTED_PERIODS = 10


@dataclass(frozen=True)
class Figure:
    label: str  # Spanish, e.g. "Entradas de bitácora en el periodo"
    value: str  # as displayed, e.g. "14" or "3 de 3 a tiempo"
    detail: str = ""  # a short Spanish explanation, e.g. "del 01/07/2026 al 24/11/2026"
    url: str = ""  # where the figure came from (a page of the app); "" when there is none
    warning: bool = False  # shown highlighted (overdue, flagged, long gap, ...)


@dataclass(frozen=True)
class FigureGroup:
    source: str  # a Criterion.Source value
    title: str
    figures: list[Figure] = field(default_factory=list)


# --- The window ------------------------------------------------------------------------------


def local_midnight(day: date) -> datetime:
    """The aware moment a Mexico City day starts."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class Window:
    """The part of the period that has happened: ``first_day`` to ``last_day`` (Mexico City
    dates); ``start``/``stop`` bound the queries (``stop`` exclusive); ``end`` is where the
    last gap ends: the end of the period, or now while it runs."""

    first_day: date
    last_day: date
    start: datetime
    stop: datetime
    end: datetime
    today: date
    ended: bool

    @classmethod
    def of(cls, period, now: datetime) -> Window:
        today = timezone.localdate(now, timezone.get_default_timezone())
        last_day = min(period.ends_on, today)
        start = local_midnight(period.starts_on)
        stop = max(local_midnight(last_day + timedelta(days=1)), start)
        return cls(
            first_day=period.starts_on,
            last_day=last_day,
            start=start,
            stop=stop,
            end=max(min(local_midnight(period.ends_on + timedelta(days=1)), now), start),
            today=today,
            ended=period.ends_on < today,
        )

    def within(self, since: datetime | None, until: datetime | None) -> Window:
        """The part of the window the account existed in: from its activation (or record) to
        its closure. Days before it existed are not days without activity."""
        tz = timezone.get_default_timezone()
        narrowed = self
        if since and since > self.start:
            narrowed = replace(narrowed, first_day=timezone.localdate(since, tz), start=since)
        if until and until < self.end:
            narrowed = replace(narrowed, last_day=timezone.localdate(until, tz), end=max(until, narrowed.start))
        return narrowed

    @property
    def days(self) -> int:
        return max((self.last_day - self.first_day).days + 1, 0)

    def describe(self) -> str:
        if self.days == 0:
            return _("El periodo aún no comienza (inicia el %(start)s).") % {"start": _day(self.first_day)}
        return _("Del %(start)s al %(end)s (hora del centro de México).") % {
            "start": _day(self.first_day),
            "end": _day(self.last_day),
        }


# --- Wording ---------------------------------------------------------------------------------


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


_moment = local_datetime


def _moment_the(value: datetime) -> str:
    return _("el %(at)s") % {"at": _moment(value)}


# As the incident pages say it: "1 d 3 h 05 min"; a dash when there is none.
duration = format_duration


def _count(n: int) -> str:
    return str(n) if n else _("Sin registros")


def _breakdown(counter: Counter, labels: dict) -> str:
    """ "3 Publicación, 1 Respuesta …", the most frequent first, in the choices' own words."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], str(labels.get(item[0], item[0]))))
    return "; ".join(f"{labels.get(key, key)}: {n}" for key, n in ordered) + "." if ordered else ""


def _url(name: str, *args, query: dict | None = None) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


# --- Sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    length: timedelta
    since: datetime
    until: datetime


def longest_gap(moments: list[datetime], start: datetime, end: datetime) -> Gap:
    """The longest stretch with no entry, from the period's start to the first entry, between
    consecutive entries, and from the last one to ``end``. ``moments`` sorted."""
    edges = [start, *(min(max(m, start), end) for m in moments), end]
    best = Gap(timedelta(0), start, start)
    for since, until in zip(edges, edges[1:], strict=False):
        if until - since > best.length:
            best = Gap(until - since, since, until)
    return best


def cadence_days(network) -> int:
    """The network's expected cadence in days (§6.xx), from the network catalogue."""
    return network.update_cadence_days


def cadence_label(days: int) -> str:
    if days == 1:
        return _("Diaria")
    if days == 7:
        return _("Semanal")
    return _("Cada %(n)s días") % {"n": days}


def _activity(evaluation, account: Account, window: Window) -> list[Figure]:
    rows = list(
        LogEntry.objects.filter(account_id=account.pk, occurred_at__gte=window.start, occurred_at__lt=window.stop)
        .order_by("occurred_at", "id")
        .values_list("occurred_at", "kind", "corrects_id")
    )
    # A correction points at the entry it corrects: the fact is counted once, in the original.
    entries = [(at, kind) for at, kind, corrects_id in rows if corrects_id is None]
    corrections = len(rows) - len(entries)
    moments = [at for at, _kind in entries]
    detail_url = _url("accounts:detail", account.pk)
    tz = timezone.get_default_timezone()

    count_detail = [window.describe()]
    if entries:
        count_detail.append(_breakdown(Counter(kind for _at, kind in entries), dict(LogEntry.Kind.choices)))
    if corrections:
        count_detail.append(
            ngettext(
                "%(n)s corrección de una entrada anterior, no contada aparte.",
                "%(n)s correcciones de entradas anteriores, no contadas aparte.",
                corrections,
            )
            % {"n": corrections}
        )
    # Gaps and idle days count only while the account existed (entries before it are refused).
    lived = window.within(account.existed_since, account.closed_at)
    if lived != window and lived.days:
        count_detail.insert(
            1,
            _("Se cuenta del %(start)s al %(end)s, mientras la cuenta existió.")
            % {"start": _day(lived.first_day), "end": _day(lived.last_day)},
        )
    figures = [
        Figure(
            label=_("Entradas de bitácora en el periodo"),
            value=_count(len(entries)),
            detail=" ".join(count_detail),
            url=detail_url,
        )
    ]

    cadence = cadence_days(account.network)
    if lived.days:
        gap = longest_gap(moments, lived.start, lived.end)
        exceeded = gap.length > timedelta(days=cadence)
        if gap.since == window.start:
            since = _("el inicio del periodo")
        elif gap.since == lived.start:
            since = _("la activación de la cuenta, el %(at)s") % {"at": _moment(gap.since)}
        else:
            since = _moment_the(gap.since)
        if gap.until == window.end:
            until = _("el fin del periodo") if window.ended else _("hoy")
        elif gap.until == lived.end:
            until = _("el cierre de la cuenta, el %(at)s") % {"at": _moment(gap.until)}
        else:
            until = _moment_the(gap.until)
        figures.append(
            Figure(
                label=_("Mayor intervalo sin registros en la bitácora"),
                value=duration(gap.length),
                detail=_("Desde %(since)s hasta %(until)s.") % {"since": since, "until": until},
                url=detail_url,
                warning=exceeded,
            )
        )
        active_days = {day for day in (timezone.localdate(at, tz) for at in moments) if day >= lived.first_day}
        active_days = {day for day in active_days if day <= lived.last_day}
        idle = lived.days - len(active_days)
        figures.append(
            Figure(
                label=_("Días sin actividad"),
                value=_("%(idle)s de %(days)s") % {"idle": idle, "days": lived.days},
                detail=_("Días del periodo sin ninguna entrada en la bitácora. %(window)s")
                % {"window": lived.describe()},
                url=detail_url,
            )
        )
    else:
        gap, exceeded = None, False

    last = _moment(moments[-1]) if moments else _("Sin registros")
    last_detail = (
        _("Última actividad registrada en la cuenta: %(at)s.") % {"at": _moment(account.last_activity_at)}
        if account.last_activity_at
        else _("La cuenta no registra actividad.")
    )
    figures.append(Figure(label=_("Última actividad en el periodo"), value=last, detail=last_detail, url=detail_url))

    cadence_detail = [_("La que el catálogo de redes sociales señala para %(network)s.") % {"network": account.network}]
    if gap is not None:
        cadence_detail.append(
            (
                _("El mayor intervalo sin registros (%(gap)s) la excede.")
                if exceeded
                else _("El mayor intervalo sin registros (%(gap)s) no la excede.")
            )
            % {"gap": duration(gap.length)}
        )
    figures.append(
        Figure(
            label=_("Periodicidad de actualización esperada (§6.xx)"),
            value=cadence_label(cadence),
            detail=" ".join(cadence_detail),
            url=detail_url,
            warning=exceeded,
        )
    )

    flagged_at = account.flagged_abandoned_at
    abandoned_detail = [
        _("Se marca cuando una cuenta activa pasa más de %(days)s días sin actividad en su bitácora.")
        % {"days": settings.ABANDONED_ACCOUNT_DAYS}
    ]
    if evaluation.was_flagged_abandoned:
        abandoned_detail.append(_("Estaba marcada cuando se creó esta evaluación."))
    figures.append(
        Figure(
            label=_("Posiblemente abandonada (§7.viii)"),
            value=_("Sí, desde el %(at)s") % {"at": _moment(flagged_at)} if flagged_at else _("No"),
            detail=" ".join(abandoned_detail),
            url=detail_url,
            warning=bool(flagged_at or evaluation.was_flagged_abandoned),
        )
    )
    return figures


def _consultations(account: Account, window: Window) -> list[Figure]:
    rows = list(
        Consultation.objects.filter(
            account_id=account.pk, submitted_at__gte=window.start, submitted_at__lt=window.stop
        ).values_list("kind", "status", "answer", "submitted_at", "answered_at")
    )
    list_url = _url("consultations:list")
    figures = [
        Figure(
            label=_("Consultas a Comunicación Social en el periodo"),
            value=_count(len(rows)),
            detail=" ".join(
                filter(
                    None, [window.describe(), _breakdown(Counter(r[0] for r in rows), dict(Consultation.Kind.choices))]
                )
            ),
            url=list_url,
        )
    ]
    if not rows:
        return figures
    by_status = Counter(r[1] for r in rows)
    answers = Counter(r[2] for r in rows if r[1] == Consultation.Status.ANSWERED)
    for status, label in Consultation.Status.choices:
        n = by_status.get(status, 0)
        detail = (
            _breakdown(answers, dict(Consultation.Answer.choices)) if status == Consultation.Status.ANSWERED else ""
        )
        figures.append(
            Figure(
                label=str(label), value=str(n), detail=detail, url=_url("consultations:list", query={"estado": status})
            )
        )
    times = [answered - submitted for _k, status, _a, submitted, answered in rows if answered is not None]
    figures.append(
        Figure(
            label=_("Mediana del tiempo de respuesta"),
            value=duration(median(times)) if times else _("Sin respuestas"),
            detail=ngettext(
                "Del envío a la respuesta, sobre %(n)s consulta respondida.",
                "Del envío a la respuesta, sobre %(n)s consultas respondidas.",
                len(times),
            )
            % {"n": len(times)},
            url=_url("consultations:list", query={"estado": Consultation.Status.ANSWERED}),
        )
    )
    return figures


def _incidents(account: Account, window: Window) -> list[Figure]:
    rows = list(
        Incident.objects.filter(account_id=account.pk, detected_at__gte=window.start, detected_at__lt=window.stop)
        .order_by("detected_at", "id")
        .values_list("pk", "kind", "status", "detected_at", "reported_at", "resolved_at")
    )
    list_url = _url("incidents:list", query={"organ": account.organ_id, "network": account.network_id})
    kinds = dict(IncidentKind.choices)
    statuses = dict(IncidentStatus.choices)
    figures = [
        Figure(
            label=_("Incidentes detectados en el periodo"),
            value=_count(len(rows)),
            detail=" ".join(filter(None, [window.describe(), _breakdown(Counter(r[1] for r in rows), kinds)])),
            url=list_url,
        )
    ]
    if not rows:
        return figures
    unresolved = [r for r in rows if r[2] in Incident.UNRESOLVED_STATUSES]
    figures.append(
        Figure(
            label=_("Incidentes sin resolver"),
            value=str(len(unresolved)),
            detail=_("Reportados o contenidos, aún no resueltos."),
            url=list_url,
            warning=bool(unresolved),
        )
    )
    to_report = [reported - detected for _pk, _k, _s, detected, reported, _r in rows]
    to_resolve = [resolved - reported for _pk, _k, _s, _d, reported, resolved in rows if resolved is not None]
    figures.append(
        Figure(
            label=_("Mediana de la detección al reporte"),
            value=duration(median(to_report)),
            detail=_("Cuánto tardó el órgano en reportar lo que detectó."),
            url=list_url,
        )
    )
    figures.append(
        Figure(
            label=_("Mediana del reporte a la resolución"),
            value=duration(median(to_resolve)) if to_resolve else _("Ninguno resuelto"),
            detail=ngettext("Sobre %(n)s incidente resuelto.", "Sobre %(n)s incidentes resueltos.", len(to_resolve))
            % {"n": len(to_resolve)},
            url=list_url,
        )
    )
    for pk, kind, status, detected, reported, resolved in rows[:LISTED_INCIDENTS]:
        parts = [
            _("Detectado el %(at)s; reportado en %(report)s")
            % {"at": _moment(detected), "report": duration(reported - detected)}
        ]
        if resolved is not None:
            parts.append(_("resuelto en %(time)s") % {"time": duration(resolved - reported)})
        else:
            parts.append(_("sin resolver"))
        figures.append(
            Figure(
                label=_("#%(pk)s %(kind)s") % {"pk": pk, "kind": kinds.get(kind, kind)},
                value=str(statuses.get(status, status)),
                detail="; ".join(parts) + ".",
                url=_url("incidents:detail", pk),
                warning=status in Incident.UNRESOLVED_STATUSES,
            )
        )
    if len(rows) > LISTED_INCIDENTS:
        more = len(rows) - LISTED_INCIDENTS
        figures.append(
            Figure(
                label=_("Otros incidentes del periodo"),
                value=ngettext("%(n)s más", "%(n)s más", more) % {"n": more},
                detail=_("Véalos en la lista de incidentes del órgano."),
                url=list_url,
            )
        )
    return figures


def _rotations(account: Account, window: Window) -> list[Figure]:
    judged = rotations.assess(
        PasswordRotation.objects.filter(account_id=account.pk, rotated_at__lt=window.stop).values_list(
            "rotated_at", flat=True
        ),
        start=window.start,
        stop=window.stop,
        last_day=window.last_day,
        activated_at=account.activated_at,
        registered=account.last_password_rotation_at,
    )
    checks, due_after = judged.checks, judged.due_after
    detail_url = _url("accounts:detail", account.pk)
    status_url = _url("accounts:rotation_status", query={"organ": account.organ_id, "network": account.network_id})
    figures = [
        Figure(
            label=_("Cambios de contraseña en el periodo"),
            value=_count(len(checks)),
            detail=" ".join(
                [window.describe(), _("Cada cambio vence dos meses después del anterior (o de la activación).")]
            ),
            url=detail_url,
        )
    ]
    if checks:
        late = judged.late
        figures.append(
            Figure(
                label=_("Cambios a tiempo"),
                value=_("%(on_time)s de %(total)s a tiempo")
                % {"on_time": len(checks) - len(late), "total": len(checks)},
                detail="; ".join(
                    _("Tarde el %(at)s (vencía el %(due)s)") % {"at": _moment(c.rotated_at), "due": _day(c.due_on)}
                    for c in late
                ),
                url=detail_url,
                warning=bool(late),
            )
        )
    if window.ended:
        if due_after is None:
            value = _("Sin cambios registrados")
        elif judged.overdue:
            value = _("Vencida desde el %(due)s") % {"due": _day(due_after)}
        else:
            value = _("Al día (el siguiente cambio vencía el %(due)s)") % {"due": _day(due_after)}
        figures.append(
            Figure(
                label=_("Al cierre del periodo"),
                value=value,
                detail=_("El cambio de contraseña vigente el último día del periodo."),
                url=detail_url,
                warning=judged.overdue,
            )
        )
    if account.is_operated:
        state = accounts_rotation.rotation_state(account.password_rotation_due_on, window.today)
        figures.append(
            Figure(
                label=_("Situación actual"),
                value=str(accounts_rotation.RotationState(state).label),
                detail=accounts_rotation.countdown(account.password_rotation_due_on, window.today),
                url=status_url,
                warning=state == accounts_rotation.RotationState.OVERDUE,
            )
        )
    else:
        figures.append(
            Figure(
                label=_("Situación actual"),
                value=str(account.get_status_display()),
                detail=_("La cuenta no está en operación: no tiene cambios de contraseña pendientes."),
                url=detail_url,
            )
        )
    return figures


def _out_of_office(account: Account, window: Window) -> list[Figure]:
    periods = list(
        OutOfOfficePeriod.objects.filter(
            account_id=account.pk, starts_on__lte=window.last_day, ends_on__gte=window.first_day
        )
        .select_related("monitor")
        .order_by(*OutOfOfficePeriod.DATE_ORDER)
    )
    detail_url = _url("accounts:detail", account.pk)
    without_hours = [p for p in periods if not p.attention_hours.strip()]
    figures = [
        Figure(
            label=_("Periodos vacacionales o inhábiles en el periodo"),
            value=_count(len(periods)),
            detail=" ".join(
                filter(
                    None,
                    [
                        window.describe(),
                        ngettext(
                            "%(n)s sin horario de atención publicado.",
                            "%(n)s sin horario de atención publicado.",
                            len(without_hours),
                        )
                        % {"n": len(without_hours)}
                        if without_hours
                        else "",
                    ],
                )
            ),
            url=detail_url,
            warning=bool(without_hours),
        )
    ]
    for period in periods[:LISTED_PERIODS]:
        hours = period.attention_hours.strip()
        figures.append(
            Figure(
                label=_("Del %(start)s al %(end)s") % {"start": _day(period.starts_on), "end": _day(period.ends_on)},
                value=period.reason,
                detail=(
                    _("Horario publicado: %(hours)s. Monitorea: %(monitor)s.")
                    % {"hours": hours, "monitor": period.monitor}
                    if hours
                    else _("Sin horario de atención publicado (§5.1). Monitorea: %(monitor)s.")
                    % {"monitor": period.monitor}
                ),
                url=detail_url,
                warning=not hours,
            )
        )
    if len(periods) > LISTED_PERIODS:
        more = len(periods) - LISTED_PERIODS
        figures.append(
            Figure(
                label=_("Otros periodos"),
                value=ngettext("%(n)s más", "%(n)s más", more) % {"n": more},
                url=detail_url,
            )
        )
    figures.append(
        Figure(
            label=_("Horario de atención de la cuenta"),
            value=account.attention_hours or _("Sin registrar"),
            detail=_("El horario habitual que la cuenta publica."),
            url=detail_url,
        )
    )
    return figures


def _training(account: Account, now: datetime) -> list[Figure]:
    organ = account.organ
    # The administrators as ``access`` counts them (active, still on the organ's staff), with
    # the role of their current designation.
    sound = {user.pk for user in accounts_access.administrators_by_organ([organ.pk]).get(organ.pk, [])}
    designations = [d for d in accounts_selectors.current_designations(organ) if d.user_id in sound]
    detail_url = _url("accounts:detail", account.pk)
    if not designations:
        return [
            Figure(
                label=_("Personas administradoras"),
                value=_("Sin administradores designados"),
                detail=_("El órgano no tiene administradores vigentes a quienes capacitar."),
                url=_url("accounts:organ", organ.pk),
                warning=True,
            )
        ]
    flagged = training.flagged_user_ids([d.user_id for d in designations], now=now)
    figures = []
    for designation in designations:
        is_flagged = designation.user_id in flagged
        figures.append(
            Figure(
                label=str(designation.get_role_display()),
                value=str(designation.user),
                detail=(
                    _(
                        "Sin capacitación en los últimos %(months)s meses, o designada después de la última "
                        "reunión de capacitación."
                    )
                    % {"months": settings.TRAINING_VALID_MONTHS}
                    if is_flagged
                    else _("Capacitación vigente.")
                ),
                url=detail_url,
                warning=is_flagged,
            )
        )
    return figures


# --- The contract ----------------------------------------------------------------------------


def for_evaluation(evaluation, now=None) -> list[FigureGroup]:
    """Every source's figures for the evaluation's account in its period, in the order of
    ``Criterion.Source``. A fixed number of queries."""
    now = now or timezone.now()
    account = evaluation.account
    window = Window.of(evaluation.period, now)
    built = {
        Criterion.Source.ACTIVITY: lambda: _activity(evaluation, account, window),
        Criterion.Source.CONSULTATIONS: lambda: _consultations(account, window),
        Criterion.Source.INCIDENTS: lambda: _incidents(account, window),
        Criterion.Source.ROTATIONS: lambda: _rotations(account, window),
        Criterion.Source.OUT_OF_OFFICE: lambda: _out_of_office(account, window),
        Criterion.Source.TRAINING: lambda: _training(account, now),
    }
    return [
        FigureGroup(source=str(source.value), title=str(source.label), figures=build())
        for source, build in built.items()
    ]


def to_json(groups: list[FigureGroup]) -> dict:
    """A JSON-serializable snapshot: every text a plain string (lazy ones forced)."""
    return {
        "groups": [
            {
                "source": str(group.source),
                "title": str(group.title),
                "figures": [
                    {
                        "label": str(figure.label),
                        "value": str(figure.value),
                        "detail": str(figure.detail),
                        "url": str(figure.url),
                        "warning": bool(figure.warning),
                    }
                    for figure in group.figures
                ],
            }
            for group in groups
        ]
    }


def from_json(data: dict) -> list[FigureGroup]:
    """The inverse of ``to_json``; a snapshot missing keys (an older one) still reads."""
    groups = []
    for group in (data or {}).get("groups") or []:
        figures = [
            Figure(
                label=str(item.get("label", "")),
                value=str(item.get("value", "")),
                detail=str(item.get("detail", "")),
                url=str(item.get("url", "")),
                warning=bool(item.get("warning", False)),
            )
            for item in group.get("figures") or []
        ]
        groups.append(
            FigureGroup(source=str(group.get("source", "")), title=str(group.get("title", "")), figures=figures)
        )
    return groups
