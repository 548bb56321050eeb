"""The exports read back: the workbook's cells typed (numbers, Mexico City dates), Spanish
headers, nothing a spreadsheet would run as a formula, and one CSV per table."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import AccountFactory
from evaluations import reports
from evaluations.models import Score
from evaluations.tests.factories import EvaluationFactory, PeriodFactory, published_version

pytestmark = pytest.mark.django_db

MEXICO = ZoneInfo("America/Mexico_City")
FORMULA = "=cmd|' /C calc'!A0"


def wall(*args) -> datetime:
    """A Mexico City wall time as a spreadsheet cell holds it: naive."""
    return datetime(*args, tzinfo=MEXICO).replace(tzinfo=None)


@pytest.fixture
def data(cast):
    period = PeriodFactory(year=2026, half=2, criteria=published_version())
    criteria = list(period.criteria.criteria.order_by("position"))
    risky = AccountFactory(organ=cast.organ, network=cast.network, name=FORMULA, handle="Riesgo")
    issued = EvaluationFactory(
        period=period,
        account=risky,
        status="acknowledged",
        score=Decimal("72.5"),
        # 23:30 on 1 December in Mexico City is already 2 December in UTC.
        issued_at=datetime(2026, 12, 1, 23, 30, tzinfo=MEXICO),
        acknowledged_at=datetime(2026, 12, 3, 9, 15, tzinfo=MEXICO),
        was_flagged_abandoned=True,
    )
    Score.objects.bulk_create(
        [Score(evaluation=issued, criterion=c, value=v) for c, v in zip(criteria, (4, 2, 3), strict=True)]
    )
    EvaluationFactory(period=period, account=cast.other_account, status="pending")
    cast.period, cast.criteria, cast.issued = period, criteria, issued
    return cast


def _xlsx(client, user, period):
    client.force_login(user)
    response = client.get(reverse("evaluations:report_export", args=["xlsx"]) + f"?periodo={period.pk}")
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_a_sheet_per_table_with_spanish_headers(client, data):
    response, book = _xlsx(client, data.cncs, data.period)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="evaluaciones-2026-semestre-2.xlsx"'
    assert book.sheetnames == [str(t) for t in reports.EXPORT_TITLES.values()]
    assert book.sheetnames[0] == "Evaluaciones"
    headers = [c.value for c in book["Evaluaciones"][1]]
    assert headers[:10] == [
        "Órgano",
        "Entidad",
        "Red social",
        "Cuenta",
        "Usuario",
        "Estado",
        "Calificación",
        "Emitida",
        "Recibida por el órgano",
        "Posiblemente abandonada",
    ]
    assert headers[10:] == [f"{c.name} (0–4)" for c in data.criteria]
    assert book["Evaluaciones"].freeze_panes == "A2"
    assert book["Evaluaciones"].column_dimensions["A"].width == len(data.organ.name) + 2


def test_the_workbook_cells_are_typed_numbers_and_mexico_city_dates(client, data):
    _response, book = _xlsx(client, data.cncs, data.period)
    sheet = book["Evaluaciones"]
    rows = {row[3].value: row for row in sheet.iter_rows(min_row=2)}
    risky = rows["'" + FORMULA]  # escaped: read as text, never run
    assert risky[3].data_type == "s"
    assert risky[5].value == "Recibida por el órgano"
    assert isinstance(risky[6].value, float) and risky[6].value == 72.5 and risky[6].number_format == "0.0"
    assert risky[7].value == wall(2026, 12, 1, 23, 30)  # not 2 December (UTC)
    assert risky[7].is_date and risky[7].number_format == "dd/mm/yyyy hh:mm"
    assert risky[8].value == wall(2026, 12, 3, 9, 15)
    assert risky[9].value == "Sí"
    assert [c.value for c in risky[10:]] == [4, 2, 3]
    assert all(isinstance(c.value, int) for c in risky[10:])
    pending = rows[data.other_account.name]
    assert pending[5].value == "Pendiente"
    assert pending[6].value is None and pending[7].value is None
    assert [c.value for c in pending[10:]] == [None, None, None]


def test_the_summary_sheets_hold_numbers(client, data):
    _response, book = _xlsx(client, data.cncs, data.period)

    summary = {row[0].value: row[1] for row in book["Resumen"].iter_rows(min_row=2)}
    assert summary["Cuentas evaluadas"].value == 2
    assert isinstance(summary["Cuentas evaluadas"].value, int)
    assert summary["Calificación promedio (emitidas y recibidas)"].value == 72.5
    assert summary["Inicia"].is_date and summary["Inicia"].value == wall(2026, 7, 1)
    assert summary["Umbral"].value == 60
    organs = list(book["Por órgano"].iter_rows(values_only=True))
    assert organs[0] == (
        "Órgano",
        "Entidad",
        "Cuentas evaluadas",
        "Emitidas",
        "Calificación promedio",
        "Calificación mínima",
        "Bajo el umbral",
    )
    central = "Oficinas centrales y consejerías"
    assert (data.organ.name, central, 1, 1, 72.5, 72.5, 0) in organs
    assert (data.other_organ.name, central, 1, 0, None, None, 0) in organs
    bands = list(book["Distribución"].iter_rows(min_row=2, values_only=True))
    assert (70, 80, 1) in bands and sum(n for _low, _high, n in bands) == 1


def _csv(client, user, period, table=""):
    client.force_login(user)
    query = f"?periodo={period.pk}" + (f"&tabla={table}" if table else "")
    return client.get(reverse("evaluations:report_export", args=["csv"]) + query)


def test_the_csv_of_the_evaluations_decodes_and_escapes_formulas(client, data):
    response = _csv(client, data.president, data.period)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="evaluaciones-2026-semestre-2-evaluaciones.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["Órgano", "Entidad", "Red social", "Cuenta", "Usuario", "Estado", "Calificación"]
    risky = next(r for r in rows if r[4] == "@Riesgo")
    assert risky[3] == "'" + FORMULA
    assert risky[6:10] == ["72.5", "2026-12-01 23:30", "2026-12-03 09:15", "Sí"]
    assert risky[10:] == ["4", "2", "3"]


@pytest.mark.parametrize("table", list(reports.EXPORT_TITLES))
def test_every_table_has_its_csv(client, data, table):
    response = _csv(client, data.cncs, data.period, table)

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{table}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) >= 2 and all(rows[0])


def test_an_unknown_table_is_a_400(client, data):
    assert _csv(client, data.cncs, data.period, "contrasenas").status_code == 400
