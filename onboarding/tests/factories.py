"""Inventory files for the onboarding tests: rows by column key, written as CSV or XLSX."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from onboarding.importing import columns_for
from onboarding.models import Import


def headers(kind: str = Import.Kind.ACCOUNTS) -> list[str]:
    return [str(c.header) for c in columns_for(kind)]


def account_row(organ, /, **cells) -> dict[str, str]:
    """A valid accounts row for ``organ`` (its code), cells overridden by key."""
    row = {
        "organ": organ.code,
        "network": "x",
        "handle": "@INENuevo",
        "url": "",
        "name": "",
        "purpose": "Difundir las actividades institucionales del órgano.",
        "registration_email": "redes@ine.mx",
        "titular_email": "titular.nuevo@ine.mx",
        "titular_first_name": "Ana",
        "titular_last_name": "Pérez",
        "titular_level": "Mando medio",
        "suplente_email": "suplente.nuevo@ine.mx",
        "suplente_first_name": "Luis",
        "suplente_last_name": "Gómez",
        "suplente_level": "Personal operativo",
    }
    row.update(cells)
    return row


def staff_row(organ, /, **cells) -> dict[str, str]:
    row = {
        "first_name": "Rosa",
        "last_name": "Martínez",
        "email": "rosa.martinez@ine.mx",
        "organ": organ.code,
        "job_title": "Jefa de departamento",
        "level": "Mando medio",
    }
    row.update(cells)
    return row


def _table(kind: str, rows: list[dict[str, str]], extra: dict[str, str] | None = None) -> list[list[str]]:
    columns = columns_for(kind)
    table = [[str(c.header) for c in columns] + list(extra or {})]
    for row in rows:
        table.append([row.get(c.key, "") for c in columns] + list((extra or {}).values()))
    return table


def csv_bytes(
    rows: list[dict[str, str]],
    kind: str = Import.Kind.ACCOUNTS,
    *,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
    table: list[list[str]] | None = None,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for line in table if table is not None else _table(kind, rows):
        writer.writerow(line)
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(
    rows: list[dict[str, str]], kind: str = Import.Kind.ACCOUNTS, *, table: list[list[str]] | None = None
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in table if table is not None else _table(kind, rows):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "inventario.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
