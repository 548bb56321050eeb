from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import services
from incidents.models import Incident


@pytest.fixture
def report(cast):
    """Report an incident as the cast's administrator (a hack on the cast's account by default)."""

    def _report(**kwargs) -> services.Reported:
        fields = {
            "by": cast.admin,
            "kind": Incident.Kind.HACK,
            "account_id": cast.account.pk,
            "detected_at": timezone.now() - timedelta(minutes=30),
            "description": "Se publicaron mensajes que no escribimos y no podemos entrar.",
        }
        fields.update(kwargs)
        return services.report_incident(**fields)

    return _report


@pytest.fixture
def hack(report):
    return report().incident
