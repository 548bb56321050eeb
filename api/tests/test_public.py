"""The public endpoints: no login, only public_record fields, rate-limited per client."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from accounts.models import Account
from registry import lookup

from .conftest import ApiClient, assert_error

PUBLIC_FIELDS = {
    "network", "network_name", "handle", "url", "name", "organ", "organ_kind", "entidad", "is_national_official",
    "status", "closed_on",
}  # fmt: skip


def test_verify_says_official_with_the_public_record(cast, anonymous):
    response = anonymous.get("public/verify", {"q": "https://x.com/INEPrueba"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "official"
    assert body["account"] == lookup.public_record(cast.account)
    assert set(body["account"]) == PUBLIC_FIELDS


def test_verify_of_an_unknown_handle_is_unregistered(cast, anonymous):
    body = anonymous.get("public/verify", {"q": "@NadieConEsteNombre"}).json()
    assert body["status"] == "unregistered" and body["account"] is None


def test_verify_says_compromised_and_closed(cast, anonymous):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.COMPROMISED)
    assert anonymous.get("public/verify", {"q": "INEPrueba"}).json()["status"] == "compromised"


def test_verify_narrows_by_network(cast, anonymous):
    assert (
        anonymous.get("public/verify", {"q": "INEPrueba", "network": cast.network.code}).json()["status"] == "official"
    )
    assert_error(anonymous.get("public/verify", {"q": "INEPrueba", "network": "myspace"}), 422, "validation_error")


def test_a_missing_or_empty_q_is_422(db, anonymous):
    assert "q" in assert_error(anonymous.get("public/verify"), 422, "validation_error")["fields"]
    assert "q" in assert_error(anonymous.get("public/verify", {"q": ""}), 422)["fields"]
    assert "q" in assert_error(anonymous.get("public/verify", {"q": "   "}), 422)["fields"]


def test_the_public_never_sees_people_or_emails(cast, anonymous):
    for response in (anonymous.get("public/verify", {"q": "INEPrueba"}), anonymous.get("public/accounts")):
        text = response.content.decode()
        assert "@ine.mx" not in text and cast.admin.username not in text and "registration_email" not in text


def test_the_directory_lists_operated_accounts_and_filters(cast, anonymous):
    body = anonymous.get("public/accounts").json()
    assert body["count"] == 2 and all(set(item) == PUBLIC_FIELDS for item in body["items"])
    assert anonymous.get("public/accounts", {"q": "OtraCuenta"}).json()["count"] == 1
    assert anonymous.get("public/accounts", {"network": cast.network.code}).json()["count"] == 2
    assert anonymous.get("public/accounts", {"organ_kind": "junta_local"}).json()["count"] == 0
    assert_error(anonymous.get("public/accounts", {"organ_kind": "x"}), 422)
    assert_error(anonymous.get("public/accounts", {"entidad": 33}), 422)
    Account.objects.filter(pk=cast.other_account.pk).update(status=Account.Status.CLOSED)
    assert anonymous.get("public/accounts").json()["count"] == 1


def test_public_endpoints_are_rate_limited_per_client_with_retry_after(cast, settings):
    settings.API_PUBLIC_RATE = "3/min"
    one, other = ApiClient(), ApiClient()
    for _ in range(3):
        assert one.get("public/verify", {"q": "INEPrueba"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    response = one.get("public/accounts", REMOTE_ADDR="10.0.0.1")
    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 60
    # Another client is counted on its own, whatever header it sends.
    assert other.get("public/verify", {"q": "INEPrueba"}, REMOTE_ADDR="10.0.0.2").status_code == 200
    spoofed = one.get("public/accounts", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert spoofed.status_code == 429


def test_behind_the_proxy_each_client_is_counted_by_the_address_the_proxy_wrote(cast, settings):
    # The same rule as the sign-in lockout (core.signin.client_ip_address): the proxy's
    # entry in X-Forwarded-For, not the proxy's own address shared by everyone.
    settings.API_PUBLIC_RATE = "2/min"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client = ApiClient()
    for _ in range(2):
        assert (
            client.get("public/verify", {"q": "x"}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code
            == 200
        )
    assert (
        client.get("public/verify", {"q": "x"}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code
        == 429
    )
    # Another citizen through the same proxy is not refused; a forged left entry changes nothing.
    assert (
        client.get("public/verify", {"q": "x"}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code
        == 200
    )
    forged = client.get("public/verify", {"q": "x"}, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="7.7.7.7, 1.1.1.1")
    assert forged.status_code == 429


def test_the_docs_page_loads_no_asset_from_another_host(db):
    response = Client().get(reverse("api:v1:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), html
    assert "http://" not in html and "https://" not in html
    for asset in re.findall(r"""(?:src|href)="([^"]+)\"""", html):
        assert asset.startswith("/static/ninja/"), asset


def test_verify_of_a_renamed_handle_points_to_the_account(cast, anonymous):
    from registry import services as registry_services

    change = registry_services.propose_handle_change(
        account_id=cast.account.pk,
        by=cast.admin,
        new_handle="INEPrueba2",
        new_url="https://x.com/INEPrueba2",
        reason="La red pidió otro nombre.",
    )
    registry_services.confirm_handle_change(change_id=change.pk, by=cast.cncs)
    cast.account.refresh_from_db()
    body = anonymous.get("public/verify", {"q": "@INEPrueba"}).json()
    assert body["status"] == "unregistered" and body["account"] is None
    assert body["renamed_to"] == [lookup.public_record(cast.account)]
    assert anonymous.get("public/verify", {"q": "@INEPrueba2"}).json()["renamed_to"] == []
