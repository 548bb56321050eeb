"""Batch forms of ``notifications.notify`` and of the recipient lists in ``access``.

A sweep handles up to a thousand deadlines in one transaction. Asking the database for
each one's recipients, or inserting each one's notifications separately, would make its
query count grow with its rows. These functions apply the same rules as their
one-at-a-time originals (``tests/test_bulk.py`` checks that they agree) in a fixed number
of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models, transaction
from django.utils import timezone

from .models import Designation, Notification, Organ, User
from .notifications import enqueue_email_delivery


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


@dataclass(frozen=True)
class Message:
    recipients: Iterable[User]
    kind: str
    title: str
    body: str
    url: str = ""


def notify_many(messages: Iterable[Message]) -> list[int]:
    """``notify()`` for many messages: one INSERT for all of them, one hand-off after commit.
    Returns the new notifications' ids."""
    rows = []
    for message in messages:
        seen: set[int] = set()
        title = message.title[:200]
        for user in message.recipients:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append((user.pk, message.kind, title, message.body, message.url))
    now = timezone.now()
    ids = insert_rows(
        Notification,
        ["recipient_id", "kind", "title", "body", "url"],
        rows,
        constants={"created_at": now, "email_next_attempt_at": now},
    )
    if ids:
        transaction.on_commit(lambda: enqueue_email_delivery(ids))
    return ids


def administrators_by_organ(organ_ids: Iterable[int]) -> dict[int, list[User]]:
    """``access.organ_administrators(organ)`` for many organs, in one query."""
    result: dict[int, list[User]] = defaultdict(list)
    designations = (
        Designation.objects.filter(organ_id__in=set(organ_ids), ends_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("organ_id", "role")
    )
    for designation in designations:
        result[designation.organ_id].append(designation.user)
    return result


def people_by_organ(organ_ids: Iterable[int]) -> dict[int, list[User]]:
    """``access.organ_people(organ)`` (its titular and administrators) for many organs, in two queries."""
    organ_ids = set(organ_ids)
    result = administrators_by_organ(organ_ids)
    heads = Organ.objects.filter(pk__in=organ_ids, head__is_active=True).select_related("head")
    for organ in heads:
        if all(user.pk != organ.head_id for user in result[organ.pk]):
            result[organ.pk].insert(0, organ.head)
    return result
