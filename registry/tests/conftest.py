"""The registry's world: the catalogue's networks, the four national official accounts, and
accounts in each state the public lookup answers for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account, Organ
from accounts.tests.factories import AccountFactory, EntidadFactory, OrganFactory, catalogue_network

NETWORKS = ("x", "facebook", "youtube", "instagram", "tiktok", "threads", "whatsapp", "linkedin")


@pytest.fixture
def networks(db) -> SimpleNamespace:
    return SimpleNamespace(**{code: catalogue_network(code) for code in NETWORKS})


@pytest.fixture
def world(cast, networks) -> SimpleNamespace:
    """The cast plus: the four official accounts (CNCS and DERFE), a junta local in Jalisco
    with an X and an Instagram account, a closed account, a compromised one and a
    consejero's publicised personal account."""
    jalisco = EntidadFactory(code=14, name="Jalisco")
    cncs_organ = OrganFactory(name="Coordinación Nacional de Comunicación Social", kind=Organ.Kind.CENTRAL)
    derfe = OrganFactory(name="Dirección Ejecutiva del Registro Federal de Electores", kind=Organ.Kind.CENTRAL)
    # The cast's organ (its titular, administrators and outsiders) becomes Jalisco's junta local.
    Organ.objects.filter(pk=cast.organ.pk).update(
        name="Junta Local Ejecutiva en Jalisco", kind=Organ.Kind.JUNTA_LOCAL, entidad=jalisco
    )
    cast.organ.refresh_from_db()
    jle = cast.organ
    official = [
        AccountFactory(
            organ=cncs_organ, network=networks.x, name="@INEMexico", handle="INEMexico",
            url="https://x.com/INEMexico", is_official=True,
        ),
        AccountFactory(
            organ=cncs_organ, network=networks.facebook, name="INE México Instituto Nacional Electoral",
            handle="INEMexico", url="https://www.facebook.com/INEMexico", is_official=True,
        ),
        AccountFactory(
            organ=cncs_organ, network=networks.youtube, name="INETV", handle="INETV",
            url="https://www.youtube.com/@INETV", is_official=True,
        ),
        AccountFactory(
            organ=derfe, network=networks.x, name="@INEtelMX", handle="INEtelMX",
            url="https://x.com/INEtelMX", is_official=True,
        ),
    ]  # fmt: skip
    jalisco_x = AccountFactory(
        organ=jle, network=networks.x, name="INE Jalisco", handle="INEJalisco", url="https://x.com/INEJalisco"
    )
    jalisco_ig = AccountFactory(
        organ=jle,
        network=networks.instagram,
        name="INE Jalisco",
        handle="ine.jalisco",
        url="https://www.instagram.com/ine.jalisco/",
        registration_email="secreto.jalisco@ine.mx",
    )
    closed = AccountFactory(
        organ=jle, network=networks.tiktok, name="INE Jalisco (antes)", handle="inejalisco_antes",
        url="https://www.tiktok.com/@inejalisco_antes",
    )  # fmt: skip
    account_services.change_account_status(account_id=closed.pk, to_status="closed", by=cast.cncs, comment="Cierre")
    closed.refresh_from_db()
    compromised = AccountFactory(
        organ=jle, network=networks.facebook, name="INE Jalisco", handle="INE.Jalisco",
        url="https://www.facebook.com/INE.Jalisco",
    )  # fmt: skip
    account_services.change_account_status(account_id=compromised.pk, to_status="compromised", by=cast.admin)
    personal = AccountFactory(
        organ=cast.consejero_office, network=networks.x, name="Consejera Uno", handle="ConsejeraUno",
        url="https://x.com/ConsejeraUno", is_consejero_personal=True,
    )  # fmt: skip
    requested = AccountFactory(
        organ=jle, network=networks.youtube, name="INE Jalisco videos", handle="INEJaliscoTV",
        url="https://www.youtube.com/@INEJaliscoTV", status=Account.Status.REQUESTED,
    )  # fmt: skip
    return SimpleNamespace(
        cast=cast,
        networks=networks,
        jalisco=jalisco,
        jle=jle,
        official=official,
        jalisco_x=jalisco_x,
        jalisco_ig=jalisco_ig,
        closed=closed,
        compromised=compromised,
        personal=personal,
        requested=requested,
        now=timezone.now(),
    )
