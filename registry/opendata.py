"""The registry as open data: every directory row with the fields of ``lookup.public_record``,
under the Mexican government's open-data licence."""

from __future__ import annotations

import csv
from datetime import datetime

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _

from core.spreadsheet import spreadsheet_safe

from . import lookup

LICENCE_NAME = "Términos de Libre Uso MX"
LICENCE_URL = "https://datos.gob.mx/libreusomx"
PUBLISHER = "Instituto Nacional Electoral"

# The columns of the CSV and the keys of each JSON account, in order, with what each means.
FIELDS = [
    ("network", _("clave de la red social (x, facebook, youtube, instagram, tiktok, threads, whatsapp, linkedin)")),
    ("network_name", _("nombre de la red social")),
    ("handle", _("nombre de usuario, como lo muestra la red")),
    ("url", _("dirección del perfil")),
    ("name", _("nombre de la cuenta")),
    ("organ", _("órgano del INE responsable de la cuenta")),
    ("organ_kind", _("tipo de órgano: central, consejero, junta_local o junta_distrital")),
    ("entidad", _("entidad federativa del órgano (vacío para oficinas centrales)")),
    ("is_national_official", _("true para las cuatro cuentas oficiales nacionales del Instituto")),
    ("status", _("official, personal, compromised o pending_verification")),
    ("status_label", _("el estado en palabras")),
    ("closed_on", _("fecha de cierre (vacío en las cuentas vigentes)")),
]


def rows(accounts) -> list[dict]:
    return [
        {**record, "status_label": str(lookup.Status.LABELS[record["status"]])}
        for record in lookup.public_records(accounts)
    ]


def _stamp(moment: datetime | None) -> str:
    return timezone.localtime(moment or timezone.now()).strftime("%Y%m%d")


def _headers(response: HttpResponse, last_change: datetime | None, extension: str) -> HttpResponse:
    disposition = "attachment" if extension == "csv" else "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="registro-cuentas-ine-{_stamp(last_change)}.{extension}"'
    )
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    if last_change:
        response["Last-Modified"] = http_date(last_change.timestamp())
    return response


def csv_response(accounts) -> HttpResponse:
    last_change = lookup.last_change()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # so spreadsheet programs read the accents correctly
    writer = csv.writer(response)
    writer.writerow([name for name, _meaning in FIELDS])
    for row in rows(accounts):
        writer.writerow([spreadsheet_safe(_cell(row[name])) for name, _meaning in FIELDS])
    return _headers(response, last_change, "csv")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def licence() -> dict:
    return {"name": LICENCE_NAME, "url": LICENCE_URL, "publisher": PUBLISHER}


def json_response(accounts) -> JsonResponse:
    last_change = lookup.last_change()
    accounts = rows(accounts)
    data = {
        "licence": licence(),
        "last_change": timezone.localtime(last_change).isoformat() if last_change else None,
        "generated_at": timezone.localtime().isoformat(),
        "count": len(accounts),
        "fields": {name: str(meaning) for name, meaning in FIELDS},
        "accounts": accounts,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/json; charset=utf-8"
    return _headers(response, last_change, "json")
