from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consultations import services
from consultations.models import Consultation

MX = ZoneInfo("America/Mexico_City")


def mx(*args) -> datetime:
    return datetime(*args, tzinfo=MX)


@pytest.fixture
def open_consultation(cast):
    """Open a consultation as the cast's administrator at a given local moment."""

    def _open(at: datetime | None = None, **kwargs) -> Consultation:
        fields = {
            "account_id": cast.account.pk,
            "by": cast.admin,
            "kind": Consultation.Kind.INFORMATION,
            "question": "¿Podemos dar el domicilio del módulo de atención en Zapopan?",
            "subject_text": "Hola, ¿dónde tramito mi credencial en Zapopan?",
        }
        fields.update(kwargs)
        if at is None:
            return services.open_consultation(**fields)
        with time_machine.travel(at, tick=False):
            return services.open_consultation(**fields)

    return _open
