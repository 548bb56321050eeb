"""The evaluation reports: thin views over ``evaluations.reports`` (figures), ``charts``
(SVG) and two writers of the same tables (CSV, XLSX)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.models import Organ
from core.params import int_param
from core.spreadsheet import spreadsheet_safe

from . import access, charts, reports
from .models import Period

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_reports(user) -> None:
    if not access.sees_reports(user):
        raise PermissionDenied(_("Solo Comunicación Social y el Comité consultan los informes de evaluación."))


def _period(request, periods: list[Period]) -> Period | None:
    """The ``?periodo=`` chosen, by default the latest; an unknown one is a 404."""
    pk = int_param(request.GET, "periodo")
    if pk is None:
        return periods[0] if periods else None
    for period in periods:
        if period.pk == pk:
            return period
    raise Http404(_("No existe ese periodo de evaluación."))


def _with_links(evaluations) -> list:
    rows = list(evaluations)
    for evaluation in rows:
        evaluation.url = reports.evaluation_url(evaluation.pk)
    return rows


def _figures_bars(figures: list[reports.Figures], limit: int) -> list[charts.Bar]:
    return [
        charts.Bar(
            f.extra.get("short", f.label),
            f.average,
            hatched=f.average is not None and f.average < limit,
            note=ngettext("%(n)s emitida", "%(n)s emitidas", f.issued) % {"n": f.issued},
        )
        for f in figures
    ]


@login_required
def reports_summary(request):
    """The national report of a period: summary, groups, distribution, lists, trend."""
    user = request.user
    _require_reports(user)
    periods = reports.periods()
    period = _period(request, periods)
    context = {
        "periods": periods,
        "period": period,
        "sees_reports": True,
        "report_tab": "summary",
        "export_links": [(slug, str(title)) for slug, title in reports.EXPORT_TITLES.items()],
    }
    if period is not None:
        limit = reports.threshold()
        visible = access.evaluations_visible_to(user)
        current = visible.filter(period=period)
        window = reports.window(period)
        entidades = reports.by_entidad(current, limit)
        networks = reports.by_network(current, limit)
        bands = reports.distribution(current, limit)
        incidents = reports.incidents_by_kind(user, current, window)
        trend = reports.trend(visible, periods, limit)
        compliance = reports.rotation_compliance(current, window)
        context.update(
            threshold=limit,
            summary=reports.national_summary(current, limit),
            entidades=entidades,
            networks=networks,
            organs=reports.by_organ(current, limit),
            bands=bands,
            below=_with_links(reports.below_threshold(current, limit)),
            abandoned=_with_links(reports.with_status_labels(reports.abandoned(current))),
            compliance=compliance,
            rotation_rows=compliance.rows(window),
            window=window,
            incidents=incidents,
            incidents_total=sum(n for *_rest, n in incidents),
            trend=trend,
            distribution_chart=charts.column_chart(
                "grafica-distribucion",
                _("Distribución de las calificaciones emitidas, por bandas de diez puntos"),
                [charts.Bar(b.label, b.count, hatched=b.under_threshold) for b in bands],
                threshold=limit,
                threshold_line=False,
                axis_label=_("cuentas"),
            ),
            entidad_chart=charts.bar_chart(
                "grafica-entidades",
                _("Calificación promedio por entidad"),
                _figures_bars(entidades, limit),
                threshold=limit,
            ),
            network_chart=charts.bar_chart(
                "grafica-redes",
                _("Calificación promedio por red social"),
                _figures_bars(networks, limit),
                threshold=limit,
            ),
            incidents_chart=charts.bar_chart(
                "grafica-incidentes",
                _("Incidentes por tipo en el periodo"),
                [charts.Bar(label, n) for _kind, label, n in incidents],
                maximum=charts.nice_maximum(max((n for *_rest, n in incidents), default=0)),
            ),
            trend_chart=charts.column_chart(
                "grafica-tendencia",
                _("Calificación promedio por periodo"),
                _figures_bars(trend, limit),
                maximum=100,
                threshold=limit,
                axis_label=_("calificación"),
            ),
        )
    return render(request, "evaluations/report_summary.html", context)


ALL_ORGANS = "todos"


@login_required
def report_organs(request):
    """One organ's report, or every organ's (``?organo=todos``, each a section and one per
    printed page). CNCS and the Comité start from the list of organs; a titular sees the
    report of the organ they head, and another organ's is a 404."""
    user = request.user
    scope = access.organ_report_scope(user)
    if scope is None:
        raise PermissionDenied(
            _(
                "Solo Comunicación Social, el Comité y la persona titular de cada órgano "
                "consultan el informe por órgano."
            )
        )
    every_organ = request.GET.get("organo") == ALL_ORGANS
    organ_id = None if every_organ else int_param(request.GET, "organo")
    if scope is not True:
        if organ_id not in (None, scope):
            raise Http404(_("No existe ese órgano o no tiene acceso a su informe."))
        organ_id, every_organ = scope, False
    periods = reports.periods()
    period = _period(request, periods)
    organ = get_object_or_404(Organ, pk=organ_id) if organ_id else None
    context = {
        "periods": periods,
        "period": period,
        "organ": organ,
        "every_organ": every_organ,
        "all_organs": ALL_ORGANS,
        "sees_all": scope is True,
        "sees_reports": scope is True,
        "report_tab": "organs",
    }
    if period is None:
        return render(request, "evaluations/report_organs.html", context)
    limit = reports.threshold()
    current = access.evaluations_visible_to(user).filter(period=period)
    context["threshold"] = limit
    if scope is True:
        context["organs"] = reports.organs_with_evaluations(current)
    if organ is None and not every_organ:
        context["organ_figures"] = reports.by_organ(current, limit)
        return render(request, "evaluations/report_organs.html", context)
    if organ is not None:
        current = current.filter(organ=organ)
        trend = reports.trend(access.evaluations_visible_to(user).filter(organ=organ), periods, limit)
        context["trend"] = trend
        context["trend_chart"] = charts.column_chart(
            "grafica-tendencia-organo",
            _("Calificación promedio de %(organ)s por periodo") % {"organ": organ.name},
            _figures_bars(trend, limit),
            maximum=100,
            threshold=limit,
            axis_label=_("calificación"),
        )
    criteria, sections = reports.organ_sections(user, current, period, limit, reports.window(period))
    for section in sections:
        for evaluation in section.rows:
            evaluation.url = reports.evaluation_url(evaluation.pk)
    context.update(criteria=criteria, sections=sections)
    return render(request, "evaluations/report_organs.html", context)


# --- Exports --------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    """Mexico City wall time, naive: a spreadsheet cell has no time zone."""
    return timezone.localtime(moment).replace(tzinfo=None)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(value)


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, Decimal):
        # Scores and averages have one decimal: shown with it, stored as a number.
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.0"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    return value


def _filename(period: Period, extension: str, slug: str = "") -> str:
    suffix = f"-{slug}" if slug else ""
    return f"evaluaciones-{period.year}-semestre-{period.half}{suffix}.{extension}"


def _csv(table: reports.Table, period: Period) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(period, "csv", table.slug)}"'
    response.write("\ufeff")  # so spreadsheet programs read the accents correctly
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _widths(table: reports.Table) -> list[int]:
    """Each column as wide as its longest text (dates 16), between 8 and 48 characters."""
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        for index, value in enumerate(row):
            length = 16 if isinstance(value, date) else len(str(value)) if value is not None else 0
            widths[index] = max(widths[index], length)
    return [max(8, min(width + 2, 48)) for width in widths]


def _xlsx(tables: list[reports.Table], period: Period) -> HttpResponse:
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        sheet.freeze_panes = "A2"
        for index, width in enumerate(_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        header_cells = []
        for header in table.headers:
            cell = WriteOnlyCell(sheet, value=spreadsheet_safe(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(period, "xlsx")}"'
    return response


@login_required
def report_export(request, format: str):
    """The period's tables: every one as a sheet of the workbook, or one (``?tabla=``) as CSV."""
    if format not in ("csv", "xlsx"):
        raise Http404(_("Los informes se exportan en CSV o XLSX."))
    user = request.user
    _require_reports(user)
    period = _period(request, reports.periods())
    if period is None:
        raise Http404(_("Todavía no hay periodos de evaluación."))
    visible = access.evaluations_visible_to(user)
    window = reports.window(period)
    if format == "xlsx":
        return _xlsx(reports.export_tables(user, visible, period, window), period)
    slug = request.GET.get("tabla") or "evaluaciones"
    if slug not in reports.EXPORT_TITLES:
        raise BadRequest(_("El parámetro «tabla» no corresponde a ninguna tabla del informe."))
    return _csv(reports.export_tables(user, visible, period, window, only=slug)[0], period)
