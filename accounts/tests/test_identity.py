"""What the public lookup vouches for: an address that leads to the account's own handle,
and the official accounts' handles reserved on every network (``Account.identity_errors``).

Every path that writes an account's identity goes through ``Account.clean``: creating it,
moving its status, the CNCS identity change and the admin form.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse

from accounts import services
from accounts.models import Account
from accounts.tests.factories import AccountFactory, UserFactory, catalogue_network


@pytest.fixture
def instagram(db):
    return catalogue_network("instagram")


@pytest.fixture
def youtube(db):
    return catalogue_network("youtube")


@pytest.fixture
def facebook(db):
    return catalogue_network("facebook")


# --- (b) The address leads to the handle on that network -----------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.instagram.com/INEJalisco/",
        "https://instagram.com/INEJalisco",
        "https://m.instagram.com/inejalisco/",
        "https://www.instagram.com/INEJalisco/?hl=es",
        "https://WWW.INSTAGRAM.COM/INEJALISCO#perfil",
    ],
)
def test_an_address_that_leads_to_the_handle_is_accepted(instagram, url):
    instagram.validate_profile_url(url, "@INEJalisco")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.instagram.com/perfil.ajeno/",
        "https://www.instagram.com/INEJalisco2/",
        "https://www.instagram.com/p/INEJalisco/",
        "https://www.instagram.com/",
        "https://x.com/INEJalisco",
        "http://www.instagram.com/INEJalisco/",
        "https://instagram.com.ejemplo.mx/INEJalisco/",
    ],
)
def test_an_address_that_leads_elsewhere_is_refused(instagram, url):
    with pytest.raises(ValidationError) as exc:
        instagram.validate_profile_url(url, "INEJalisco")

    assert "no lleva a @INEJalisco en Instagram" in exc.value.messages[0]
    assert "https://www.instagram.com/INEJalisco/" in exc.value.messages[0]


@pytest.mark.parametrize(
    "url",
    ["https://x.com/INEJalisco", "https://twitter.com/INEJalisco/", "https://mobile.twitter.com/inejalisco"],
)
def test_x_accepts_its_old_and_new_domains(cast, url):
    cast.network.validate_profile_url(url, "INEJalisco")


def test_where_the_network_puts_an_at_sign_the_address_needs_it(youtube):
    youtube.validate_profile_url("https://www.youtube.com/@INETV", "INETV")
    youtube.validate_profile_url("https://m.youtube.com/%40inetv/", "@INETV")
    with pytest.raises(ValidationError):
        youtube.validate_profile_url("https://www.youtube.com/INETV", "INETV")


def test_an_account_whose_address_leads_elsewhere_cannot_be_created(cast, instagram):
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            organ=cast.organ,
            network=instagram,
            name="INE Jalisco",
            purpose="Difundir.",
            handle="INEJalisco",
            url="https://www.instagram.com/perfil.ajeno/",
            status=Account.Status.ACTIVE,
            by=cast.cncs,
        )

    assert list(exc.value.message_dict) == ["url"]
    assert not Account.objects.filter(network=instagram).exists()


def test_cncs_cannot_change_the_handle_and_leave_the_old_address(cast):
    with pytest.raises(ValidationError) as exc:
        services.update_account_details(account_id=cast.account.pk, by=cast.cncs, handle="INEPrueba2")

    assert "url" in exc.value.message_dict
    cast.account.refresh_from_db()
    assert cast.account.handle == "INEPrueba"


def test_cncs_changes_handle_and_address_together(cast):
    services.update_account_details(
        account_id=cast.account.pk, by=cast.cncs, handle="INEPrueba2", url="https://twitter.com/ineprueba2/"
    )

    cast.account.refresh_from_db()
    assert (cast.account.handle, cast.account.url) == ("INEPrueba2", "https://twitter.com/ineprueba2/")


def test_a_closed_account_is_not_held_to_its_old_address(cast):
    Account.objects.filter(pk=cast.account.pk).update(url="https://x.com/OtraCosa")

    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs)

    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.CLOSED


# --- (c) The official handles are reserved on every network --------------------------------


def test_the_reserved_handles_are_the_official_accounts_of_the_catalogue():
    assert Account.reserved_handle_keys() == {"inemexico", "inetelmx", "inetv"}


@pytest.mark.parametrize("handle", ["INEMexico", "@inemexico", "INETELMX", "inetv"])
def test_no_other_account_may_hold_an_official_handle_on_any_network(cast, instagram, handle):
    bare = handle.lstrip("@")
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            organ=cast.organ,
            network=instagram,
            name="Suplantación",
            purpose="Difundir.",
            handle=handle,
            url=f"https://www.instagram.com/{bare}/",
            status=Account.Status.ACTIVE,
            by=cast.cncs,
        )

    assert "reservado" in exc.value.message_dict["handle"][0]


def test_the_handle_is_reserved_also_where_the_network_has_no_prefix(cast, facebook):
    account = Account(
        organ=cast.organ,
        network=facebook,
        name="Otra",
        purpose="Difundir.",
        handle="inemexico",
        url="https://www.facebook.com/inemexico",
        status=Account.Status.ACTIVE,
    )

    with pytest.raises(ValidationError) as exc:
        account.full_clean()

    assert "handle" in exc.value.message_dict


def test_the_official_account_itself_holds_its_handle(cast, facebook):
    official = AccountFactory(
        organ=cast.organ,
        network=facebook,
        name="INE México Instituto Nacional Electoral",
        handle="INEMexico",
        url="https://www.facebook.com/INEMexico",
        is_official=True,
    )

    official.full_clean()


def test_cncs_cannot_rename_an_account_to_an_official_handle(cast):
    with pytest.raises(ValidationError) as exc:
        services.update_account_details(
            account_id=cast.account.pk, by=cast.cncs, handle="INEtelMX", url="https://x.com/INEtelMX"
        )

    assert "reservado" in exc.value.message_dict["handle"][0]
    cast.account.refresh_from_db()
    assert cast.account.handle == "INEPrueba"


def test_the_admin_form_refuses_an_official_handle_and_a_foreign_address(cast):
    request = RequestFactory().post("/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    model_admin = site._registry[Account]
    form_class = model_admin.get_form(request, cast.account, change=True)
    data = {name: getattr(cast.account, name) for name in form_class.base_fields}
    data.update(handle="inemexico", url="https://x.com/perfil_ajeno")

    form = form_class(data, instance=Account.objects.get(pk=cast.account.pk))

    assert not form.is_valid()
    assert "reservado" in form.errors["handle"][0]
    assert "no lleva a" in form.errors["url"][0]


# --- Accounts stored before the rule: reported, never a lock on unrelated work -------------


@pytest.fixture
def stored_elsewhere(cast):
    """The standing account, stored (before the rule) with an address that leads elsewhere."""
    Account.objects.filter(pk=cast.account.pk).update(url="https://x.com/OtraCosa")
    return cast.account


def test_a_hack_on_an_account_stored_with_a_foreign_address_can_be_recorded(cast, stored_elsewhere):
    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.COMPROMISED, by=cast.cncs)

    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.COMPROMISED


def test_an_account_stored_with_an_official_handle_can_be_recovered_and_closed(cast):
    Account.objects.filter(pk=cast.account.pk).update(
        handle="INEtelMX", url="https://x.com/INEtelMX", status=Account.Status.COMPROMISED
    )

    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.ACTIVE, by=cast.cncs)
    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs)

    assert list(cast.account.status_changes.values_list("to_status", flat=True)) == ["closed", "active"]


def test_an_operator_can_change_the_attention_hours_of_an_account_stored_with_a_foreign_address(cast, stored_elsewhere):
    services.update_account_details(account_id=cast.account.pk, by=cast.admin, attention_hours="9 a 18 h")

    cast.account.refresh_from_db()
    assert cast.account.attention_hours == "9 a 18 h"


def test_the_account_page_saves_the_attention_hours_of_an_account_stored_with_a_foreign_address(
    client, cast, stored_elsewhere
):
    client.force_login(cast.admin)
    data = {"name": cast.account.name, "attention_hours": "9 a 18 h", "verification_status": "not_requested"}

    response = client.post(reverse("accounts:edit", args=[cast.account.pk]), data)

    assert response.status_code == 302
    cast.account.refresh_from_db()
    assert cast.account.attention_hours == "9 a 18 h"


def test_cncs_changing_only_the_address_is_held_to_the_rule(cast, stored_elsewhere):
    with pytest.raises(ValidationError) as exc:
        services.update_account_details(account_id=cast.account.pk, by=cast.cncs, url="https://x.com/Tercera")

    assert "no lleva a @INEPrueba" in exc.value.message_dict["url"][0]


def test_an_account_that_starts_being_operated_is_held_to_the_rule(cast):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.APPROVED, url="https://x.com/OtraCosa")

    with pytest.raises(ValidationError) as exc:
        services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.ACTIVE, by=cast.cncs)

    assert "url" in exc.value.message_dict
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.APPROVED


def test_the_check_lists_every_live_account_that_breaks_the_rule_and_fails(cast, stored_elsewhere, instagram):
    AccountFactory(  # stored before the rule: factories skip clean()
        organ=cast.other_organ, network=instagram, handle="inetv", url="https://www.instagram.com/inetv/"
    )
    closed = AccountFactory(organ=cast.organ, network=cast.network, handle="Cerrada", status=Account.Status.CLOSED)
    Account.objects.filter(pk=closed.pk).update(url="https://x.com/OtraMas")
    out = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("check_account_identities", stdout=out)

    assert "2 cuentas no cerradas incumplen la regla de identidad" in str(exc.value)
    rows = out.getvalue().splitlines()[1:]
    assert len(rows) == 2
    foreign = f"{cast.organ}\t{cast.network}\t@INEPrueba\thttps://x.com/OtraCosa\tLa dirección"
    assert any(row.startswith(foreign) for row in rows)
    assert any(row.startswith(f"{cast.other_organ}\tInstagram\t@inetv\t") and "reservado" in row for row in rows)
    assert "OtraMas" not in out.getvalue()


def test_the_check_passes_when_every_account_keeps_the_rule(cast):
    out = StringIO()

    call_command("check_account_identities", stdout=out)

    assert "Todas las cuentas no cerradas cumplen la regla de identidad." in out.getvalue()
