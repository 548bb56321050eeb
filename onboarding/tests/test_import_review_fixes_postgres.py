"""Two previews of the same file confirmed at once, on PostgreSQL with real connections: both
planned before either wrote, so the second waits on the unique indexes and is refused there.
Its rows are rejected with a Spanish message; nothing raises, and each account exists once."""

from __future__ import annotations

import threading

import pytest

from accounts.access import Group
from accounts.models import Account, Designation, User
from accounts.tests.concurrency import run_together
from accounts.tests.factories import OrganFactory, UserFactory, catalogue_network
from onboarding import importing, services
from onboarding.models import Import, ImportRow, Regularisation

from .factories import account_row, csv_bytes, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_previews_of_one_file_confirmed_at_once_write_each_account_once(cast, monkeypatch):
    catalogue_network("x")
    organ = OrganFactory(code="jle-col", name="Junta Local Ejecutiva en Colima")
    other = UserFactory(username="cncs_dos", organ=cast.cncs.organ, groups=[Group.CNCS])
    content = csv_bytes([account_row(organ, handle=f"Cuenta{i}") for i in range(4)])
    first = services.preview_import(kind=Import.Kind.ACCOUNTS, uploaded_file=upload(content), by=cast.cncs)
    second = services.preview_import(kind=Import.Kind.ACCOUNTS, uploaded_file=upload(content), by=other)
    real_plan = importing.plan_rows
    planned = threading.Barrier(2)

    def plan_then_wait(*args, **kwargs):
        # Both confirmations plan against the same database (no account yet) before either writes.
        plan = real_plan(*args, **kwargs)
        planned.wait(timeout=20)
        return plan

    monkeypatch.setattr(importing, "plan_rows", plan_then_wait)
    results = run_together(
        lambda: services.confirm_import(import_id=first.pk, by=cast.cncs),
        lambda: services.confirm_import(import_id=second.pk, by=other),
    )
    assert [kind for kind, _value in results] == ["ok", "ok"], results
    runs = sorted((value for _kind, value in results), key=lambda run: run.created_count)
    loser, winner = runs
    assert (winner.created_count, winner.rejected_count) == (4, 0)
    assert (loser.created_count, loser.rejected_count) == (0, 4)
    rejected = {row.number: row for row in loser.rows.all()}
    assert all(row.action == ImportRow.Action.REJECTED and row.account_id is None for row in rejected.values())
    # The first row waited on the unique index and was refused there; by the next ones the
    # winner had committed, and the services' own checks refuse the people it created.
    assert rejected[2].errors == ["Otra importación o solicitud registró esta cuenta al mismo tiempo."]
    assert all(rejected[n].errors for n in (3, 4, 5))
    assert Account.objects.filter(organ=organ).count() == 4
    assert Regularisation.objects.filter(account__organ=organ).count() == 4
    assert User.objects.filter(email__in=["titular.nuevo@ine.mx", "suplente.nuevo@ine.mx"]).count() == 2
    assert Designation.objects.filter(organ=organ, ends_at__isnull=True).count() == 2
