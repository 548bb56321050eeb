"""The plan PostgreSQL chooses for a page's list query: the index tests read it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_list_plan(client, url: str, table: str) -> str:
    """EXPLAIN of the query that reads the page's rows from ``table`` (the one with ORDER BY
    and LIMIT), exactly as the page sent it, after the table's statistics are refreshed."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    [sql] = [
        q["sql"]
        for q in queries.captured_queries
        if f'FROM "{table}"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())
