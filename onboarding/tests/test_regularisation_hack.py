"""A hack of an account in regularisation: compromised like any other (the public is warned),
and, once recovered, back in regularisation — not made active by the recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Account, AccountStatusChange
from incidents import services as incidents
from incidents.models import Incident, IncidentStep
from registry import lookup

from .regularisation_factories import imported_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def hacked(cast):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        cast.imported = imported_account(cast.organ, cast.network, handle="INEPreviaHack")
    cast.incident = incidents.report_incident(
        by=cast.admin,
        kind=Incident.Kind.HACK,
        account_id=cast.imported.pk,
        detected_at=timezone.now() - timedelta(minutes=30),
        description="Se publicaron mensajes que no escribimos y no podemos entrar.",
    ).incident
    return cast


def test_a_hack_makes_an_account_in_regularisation_compromised(hacked):
    assert Account.objects.get(pk=hacked.imported.pk).status == Account.Status.COMPROMISED
    change = AccountStatusChange.objects.filter(account=hacked.imported).latest("changed_at")
    assert (change.from_status, change.to_status, change.changed_by) == ("regularizing", "compromised", hacked.admin)
    assert lookup.verify("INEPreviaHack").status == lookup.Status.COMPROMISED


def test_recovered_it_goes_back_to_regularisation(hacked):
    incidents.contain_incident(incident_id=hacked.incident.pk, by=hacked.admin)
    for kind in IncidentStep.Kind.values:
        incidents.record_step(incident_id=hacked.incident.pk, by=hacked.admin, kind=kind)
    incidents.resolve_incident(incident_id=hacked.incident.pk, by=hacked.admin)
    assert Account.objects.get(pk=hacked.imported.pk).status == Account.Status.REGULARIZING
    change = AccountStatusChange.objects.filter(account=hacked.imported).latest("changed_at")
    assert (change.from_status, change.to_status) == ("compromised", "regularizing")
    assert lookup.verify("INEPreviaHack").status == lookup.Status.PENDING
