"""Lists answer a page: ``limit`` (1–100, 25 by default) rows from ``offset``, and the count."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Query, Schema
from pydantic import Field

MAX_LIMIT = 100
# Far beyond any list here, and far below what would overflow a database integer.
MAX_OFFSET = 10**9


class PageParams(Schema):
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="Cuántos registros (1 a 100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Desde qué registro (0 es el primero).")


PageQuery = Query[PageParams]


def page(qs: QuerySet, params: PageParams, render) -> dict:
    rows = qs[params.offset : params.offset + params.limit]
    return {
        "count": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [render(row) for row in rows],
    }
