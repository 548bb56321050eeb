"""Fast multi-row INSERT for sweeps that write thousands of rows in one transaction.

Used by ``notifications.notify_many``; the batch recipient lookups live in ``access``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, models
from django.utils import timezone


def _array_literal(values: Iterable) -> str:
    """A PostgreSQL array literal: one string the server parses in one go."""
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
        elif isinstance(value, bool):
            items.append("t" if value else "f")
        elif isinstance(value, int):
            items.append(str(value))
        else:
            text = value.isoformat() if isinstance(value, datetime) else str(value)
            items.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(items) + "}"


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence], constants: dict | None = None
) -> list[int]:
    """INSERT many rows without a model instance per row; returns their primary keys.

    ``fields`` name the columns that vary (by attname, e.g. ``recipient_id``); ``constants``
    hold values shared by every row; any other column gets its field default. On PostgreSQL
    each varying column travels as a single array literal and the rows come out of
    ``unnest()``: ``bulk_create`` would build a model and adapt every value of every row,
    and the server would parse tens of thousands of ``VALUES`` tuples — most of a large
    sweep's time. Elsewhere (SQLite on a laptop) this is ``bulk_create``.
    """
    if not rows:
        return []
    meta = model._meta
    constants = dict(constants or {})
    for field in meta.concrete_fields:
        if field.primary_key or field.attname in fields or field.attname in constants or field.name in constants:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.attname] = timezone.now()
        else:
            constants[field.attname] = field.get_default()
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create(
            [model(**constants, **dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
        return [obj.pk for obj in created]
    qn = connection.ops.quote_name

    def array_type(field) -> str:
        # An explicit cast to varchar(n) would silently truncate; through text, the
        # assignment to the column refuses an over-long value as bulk_create would.
        if isinstance(field, models.CharField | models.TextField):
            return "text"
        return field.db_type(connection)

    varying = [meta.get_field(name) for name in fields]
    fixed = [(meta.get_field(name), value) for name, value in constants.items()]
    columns = ", ".join(qn(f.column) for f in [*varying, *(f for f, _ in fixed)])
    aliases = [f"c{i}" for i in range(len(varying))]
    select = ", ".join([*aliases, *(f"%s::{f.db_type(connection)}" for f, _ in fixed)])
    arrays = ", ".join(f"%s::{array_type(f)}[]" for f in varying)
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT {select} "
        f"FROM unnest({arrays}) AS rows({', '.join(aliases)}) RETURNING {qn(meta.pk.column)}"
    )
    # Placeholders in SQL order: the constants in the SELECT list, then the arrays.
    params = [f.get_db_prep_save(value, connection) for f, value in fixed]
    params += [_array_literal(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
