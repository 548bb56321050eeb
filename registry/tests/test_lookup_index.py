"""The public lookup finds an account by handle through an index, closed accounts included,
never reading every account of the network (issue 14)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from accounts.tests.factories import AccountFactory, NetworkFactory, OrganFactory
from registry import lookup

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_handle_is_looked_up_through_the_handle_index():
    organ, network = OrganFactory(), NetworkFactory()
    Account.objects.bulk_create(
        Account(
            organ=organ,
            network=network,
            name=f"Cuenta {i}",
            handle=f"Cuenta{i}",
            url=f"https://x.com/Cuenta{i}",
            status=Account.Status.CLOSED if i % 10 == 0 else Account.Status.ACTIVE,
        )
        for i in range(2000)
    )
    AccountFactory(organ=organ, network=network, handle="INEJalisco", url="https://x.com/INEJalisco")
    with CaptureQueriesContext(connection) as queries:
        verdict = lookup.verify("https://x.com/inejalisco")
    assert [m.account.handle for m in verdict.matches] == ["INEJalisco"]
    [sql] = [
        q["sql"] for q in queries.captured_queries if 'FROM "accounts_account"' in q["sql"] and "LOWER(" in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute('ANALYZE "accounts_account"')
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "account_handle_lookup" in plan, plan
