"""The standing cast every test can use, and the service markers.

Tests marked ``postgres`` or ``redis`` need the real service, and ``browser`` Debian's
chromium (driven by Playwright). On a laptop without it they are skipped; with
REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the test, so CI can never pass
by skipping them.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from accounts.access import Group
from accounts.models import Designation, Organ, PositionLevel
from accounts.tests.factories import AccountFactory, NetworkFactory, OrganFactory, UserFactory, designate


def redis_url() -> str:
    return settings.REDIS_URL


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# The browser tests drive the system's chromium (apt-get install chromium), never a
# downloaded one.
CHROMIUM = "/usr/bin/chromium"


def browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return os.access(CHROMIUM, os.X_OK)


def _missing_service(item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "necesita PostgreSQL (DATABASE_URL=postgres://…)"
    if item.get_closest_marker("redis") and not redis_available():
        return "necesita Redis (REDIS_URL=redis://…)"
    if item.get_closest_marker("browser") and not browser_available():
        return f"necesita Chromium en {CHROMIUM} y Playwright (requirements.txt)"
    return None


def pytest_runtest_setup(item):
    missing = _missing_service(item)
    if missing:
        if settings.REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES está activo y la prueba {missing}", pytrace=False)
        pytest.skip(missing)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads (oficios, attachments, kept copies) go to a throw-away MEDIA_ROOT, never to var/private."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters (the API's throttles) start at zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db):
    """An organ with its titular and two administrators, a second organ (the outsider),
    CNCS, UNICOM, the Comité's Presidente and Secretario Técnico, a consejero, and an
    active account in each organ."""
    organ = OrganFactory(name="Junta Local Ejecutiva de prueba", kind=Organ.Kind.CENTRAL)
    other_organ = OrganFactory(name="Otra unidad", kind=Organ.Kind.CENTRAL)
    central = OrganFactory(name="Oficinas centrales de prueba")
    titular = UserFactory(username="titular", organ=organ, position_level=PositionLevel.MANDO_SUPERIOR)
    admin = UserFactory(username="admin_titular", organ=organ, position_level=PositionLevel.MANDO_MEDIO)
    suplente = UserFactory(username="admin_suplente", organ=organ, position_level=PositionLevel.OPERATIVO)
    staff = UserFactory(username="personal", organ=organ, position_level=PositionLevel.OPERATIVO)
    other_titular = UserFactory(username="otro_titular", organ=other_organ, position_level=PositionLevel.MANDO_SUPERIOR)
    other_admin = UserFactory(username="otro_admin", organ=other_organ, position_level=PositionLevel.MANDO_MEDIO)
    Organ.objects.filter(pk=organ.pk).update(head=titular)
    Organ.objects.filter(pk=other_organ.pk).update(head=other_titular)
    organ.refresh_from_db()
    other_organ.refresh_from_db()
    designate(organ, admin, Designation.Role.TITULAR)
    designate(organ, suplente, Designation.Role.SUPLENTE)
    designate(other_organ, other_admin, Designation.Role.TITULAR)
    consejero_office = OrganFactory(name="Oficina de la Consejería Electoral 01", kind=Organ.Kind.CONSEJERO)
    consejero = UserFactory(username="consejero", organ=consejero_office, position_level=PositionLevel.MANDO_SUPERIOR)
    Organ.objects.filter(pk=consejero_office.pk).update(head=consejero)
    network = NetworkFactory()
    return SimpleNamespace(
        organ=organ,
        other_organ=other_organ,
        consejero_office=consejero_office,
        titular=titular,
        admin=admin,
        suplente=suplente,
        staff=staff,
        other_titular=other_titular,
        other_admin=other_admin,
        cncs=UserFactory(username="cncs", organ=central, groups=[Group.CNCS]),
        unicom=UserFactory(username="unicom", organ=central, groups=[Group.UNICOM]),
        president=UserFactory(username="presidente", organ=central, groups=[Group.COMMITTEE_PRESIDENT]),
        secretary=UserFactory(username="secretario", organ=central, groups=[Group.COMMITTEE_SECRETARY]),
        consejero=consejero,
        outsider=UserFactory(username="ajeno", organ=central),
        network=network,
        account=AccountFactory(organ=organ, network=network, handle="INEPrueba", url="https://x.com/INEPrueba"),
        other_account=AccountFactory(
            organ=other_organ, network=network, handle="OtraCuenta", url="https://x.com/OtraCuenta"
        ),
    )
