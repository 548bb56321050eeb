"""Two CNCS people confirming the same import at once, on PostgreSQL with real connections:
the conditional UPDATE lets one through; the other is told who confirmed, and every row is
written once."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from accounts.access import Group
from accounts.models import Account, Designation, User
from accounts.tests.concurrency import run_together
from accounts.tests.factories import OrganFactory, UserFactory, catalogue_network
from onboarding import importing, services
from onboarding.models import Import, Regularisation

from .factories import account_row, csv_bytes, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_confirmations_write_the_import_once(cast, monkeypatch):
    catalogue_network("x")
    organ = OrganFactory(code="jle-col", name="Junta Local Ejecutiva en Colima")
    other = UserFactory(username="cncs_dos", organ=cast.cncs.organ, groups=[Group.CNCS])
    rows = [account_row(organ, handle=f"Cuenta{i}") for i in range(6)]
    run = services.preview_import(kind=Import.Kind.ACCOUNTS, uploaded_file=upload(csv_bytes(rows)), by=cast.cncs)
    real_plan = importing.plan_rows

    def slow_plan(*args, **kwargs):
        # Widens the window: the winner holds its claim while it plans and writes.
        time.sleep(0.3)
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(importing, "plan_rows", slow_plan)
    results = run_together(
        lambda: services.confirm_import(import_id=run.pk, by=cast.cncs),
        lambda: services.confirm_import(import_id=run.pk, by=other),
    )
    kinds = sorted(kind for kind, _value in results)
    assert kinds == ["error", "ok"], results
    [winner] = [value for kind, value in results if kind == "ok"]
    [loser] = [value for kind, value in results if kind == "error"]
    assert isinstance(loser, ValidationError)
    assert loser.messages[0].startswith(f"Esta importación ya fue confirmada por {winner.decided_by} el ")
    assert Account.objects.filter(organ=organ).count() == 6
    assert Regularisation.objects.filter(account__organ=organ).count() == 6
    assert User.objects.filter(email__in=["titular.nuevo@ine.mx", "suplente.nuevo@ine.mx"]).count() == 2
    assert Designation.objects.filter(organ=organ).count() == 2
    run.refresh_from_db()
    assert (run.status, run.created_count) == (Import.Status.CONFIRMED, 6)
