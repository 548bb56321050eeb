"""Registering an opened account: the handle CNCS approved, an address that leads to it,
never an official handle. Otherwise the public lookup (/verificar/) vouches for an impostor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Account
from accounts.tests.factories import AccountFactory, catalogue_network
from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories
from notifications.models import Notification

Status = AccountRequest.Status


@pytest.fixture
def instagram(db):
    return catalogue_network("instagram")


def _unchanged(req):
    req.refresh_from_db()
    assert req.status == Status.MAILBOX_READY
    assert req.account.status == Account.Status.APPROVED
    assert not Notification.objects.filter(kind="approvals.account_opened").exists()


# --- (a) The handle registered is the one approved -------------------------------------------


def test_registering_a_handle_other_than_the_approved_one_is_refused(cast):
    req = factories.mailbox_ready_opening(cast)  # approved: @INENueva

    with pytest.raises(ValidationError) as exc:
        services.register_account(request_id=req.pk, by=cast.admin, handle="INEOtra", url="https://x.com/INEOtra")

    message = exc.value.message_dict["handle"][0]
    assert "@INENueva" in message and "Comunicación Social debe confirmar" in message
    _unchanged(req)


def test_the_approved_handle_may_be_typed_with_its_prefix_and_another_case(cast):
    req = factories.mailbox_ready_opening(cast)

    services.register_account(request_id=req.pk, by=cast.admin, handle="@inenueva", url="https://x.com/inenueva")

    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    assert req.account.handle == "inenueva"


def test_a_change_of_handle_confirmed_by_cncs_is_registered(cast):
    req = factories.mailbox_ready_opening(cast)
    accounts_services.update_account_details(account_id=req.account_id, by=cast.cncs, handle="INENueva_MX")

    services.register_account(request_id=req.pk, by=cast.admin, handle="INENueva_MX", url="https://x.com/INENueva_MX")

    req.refresh_from_db()
    assert req.account.handle == "INENueva_MX"
    assert req.account.status == Account.Status.ACTIVE


def test_an_opening_is_not_sent_without_the_handle_cncs_will_approve(cast):
    req = factories.opening(cast, submit=False, proposed_handle="")

    with pytest.raises(ValidationError) as exc:
        services.submit_request(request_id=req.pk, by=cast.titular)

    assert "proposed_handle" in exc.value.message_dict


# --- (b) The address leads to that handle ----------------------------------------------------


def test_registering_an_address_that_leads_to_another_profile_is_refused(cast):
    req = factories.mailbox_ready_opening(cast)

    with pytest.raises(ValidationError) as exc:
        services.register_account(request_id=req.pk, by=cast.admin, handle="INENueva", url="https://x.com/perfil_ajeno")

    assert "no lleva a @INENueva" in exc.value.message_dict["url"][0]
    _unchanged(req)


# --- (c) An official handle is never requested --------------------------------------------------


@pytest.mark.parametrize("handle", ["INEMexico", "inetv", "@INEtelMX"])
def test_an_opening_may_not_propose_an_official_handle_on_any_network(cast, instagram, handle):
    with pytest.raises(ValidationError) as exc:
        factories.opening(cast, submit=False, network=instagram, proposed_handle=handle)

    assert "reservado" in exc.value.message_dict["proposed_handle"][0]
    assert not AccountRequest.objects.exists()


# --- The reported case, end to end -------------------------------------------------------------


def test_an_impostor_registered_as_inemexico_on_instagram_is_not_vouched_for(client, cast, instagram):
    AccountFactory(
        organ=cast.organ,
        network=cast.network,
        name="INE México",
        handle="INEMexico",
        url="https://x.com/INEMexico",
        is_official=True,
    )
    req = factories.mailbox_ready_opening(cast, network=instagram, proposed_handle="INEJalisco")
    impostor = "https://www.instagram.com/perfil.ajeno/"
    client.force_login(cast.admin)

    response = client.post(reverse("approvals:register", args=[req.pk]), {"handle": "INEMexico", "url": impostor})

    assert response.status_code == 200
    assert "Comunicación Social debe confirmar" in response.content.decode()
    _unchanged(req)
    client.logout()
    lookup = reverse("registry:lookup")
    page = client.get(lookup, {"q": impostor}).content.decode()
    assert "No encontramos una cuenta institucional del INE" in page
    assert "✔" not in page
    page = client.get(lookup, {"q": "INEMexico"}).content.decode()
    assert page.count("✔") == 1
    assert "instagram.com" not in page.split("Cuentas oficiales del Instituto")[0]
