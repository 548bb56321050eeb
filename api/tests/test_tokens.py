"""Tokens: obtained with the sign-in password, used as Bearer, hashed at rest, revoked;
failed attempts share the sign-in page's lockout (django-axes)."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from api.models import ApiToken

from .conftest import ApiClient, assert_error

PASSWORD = "una-contraseña-larga-2026"


@pytest.fixture
def person(db):
    user = UserFactory(username="persona.api")
    user.set_password(PASSWORD)
    user.save()
    return user


def obtain(client: ApiClient, username: str, password: str, **data):
    return client.post("auth/token", {"username": username, "password": password, **data})


def test_a_token_is_created_with_the_sign_in_password(anonymous, person):
    response = obtain(anonymous, "persona.api", PASSWORD, name="Tablero")
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("ine_") and body["name"] == "Tablero"
    assert body["token"].startswith(body["prefix"])


def test_the_token_is_stored_only_as_its_sha256(anonymous, person):
    raw = obtain(anonymous, "persona.api", PASSWORD).json()["token"]
    token = ApiToken.objects.get(user=person)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in ApiToken.objects.values_list(flat=False).get()}
    assert len(token.prefix) < len(raw) // 3


def test_a_bearer_token_authenticates_and_records_its_last_use(anonymous, person):
    raw = obtain(anonymous, "persona.api", PASSWORD).json()["token"]
    assert ApiToken.objects.get(user=person).last_used_at is None
    response = ApiClient(raw).get("auth/tokens")
    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == [ApiToken.objects.get().name]
    assert ApiToken.objects.get(user=person).last_used_at is not None


def test_a_wrong_password_is_401_without_saying_whether_the_user_exists(anonymous, person):
    wrong = assert_error(obtain(anonymous, "persona.api", "otra"), 401, "invalid_credentials")
    missing = assert_error(obtain(anonymous, "nadie", "otra"), 401, "invalid_credentials")
    assert wrong["message"] == missing["message"] == "El usuario o la contraseña no son correctos."


def test_an_inactive_person_gets_no_token(anonymous, person):
    person.is_active = False
    person.save()
    assert_error(obtain(anonymous, "persona.api", PASSWORD), 401, "invalid_credentials")


def test_a_revoked_token_is_401(anonymous, person):
    body = obtain(anonymous, "persona.api", PASSWORD).json()
    client = ApiClient(body["token"])
    response = client.delete(f"auth/tokens/{body['id']}")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert_error(client.get("auth/tokens"), 401, "not_authenticated")


def test_the_token_of_a_person_made_inactive_is_401(anonymous, person):
    raw = obtain(anonymous, "persona.api", PASSWORD).json()["token"]
    person.is_active = False
    person.save()
    assert_error(ApiClient(raw).get("auth/tokens"), 401)


def test_an_unknown_or_malformed_token_is_401(db):
    for header in ("Bearer ine_nope", "Bearer ", "Basic abc", "Bearer " + "x" * 5000, "Bearer ine_\u00e9"):
        client = ApiClient()
        client.headers = {"Authorization": header}
        assert_error(client.get("accounts"), 401)


def test_nobody_revokes_someone_elses_token(anonymous, person, as_user):
    body = obtain(anonymous, "persona.api", PASSWORD).json()
    other = as_user(UserFactory())
    assert_error(other.delete(f"auth/tokens/{body['id']}"), 404, "not_found")
    assert ApiToken.objects.get(pk=body["id"]).revoked_at is None


# --- The shared lockout -------------------------------------------------------------------------


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_failures_through_the_api_lock_the_sign_in_page_too(anonymous, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert_error(obtain(anonymous, "persona.api", "mala"), 401)
    locked = assert_error(obtain(anonymous, "persona.api", "mala"), 429, "locked_out")
    assert "persona.api" not in locked["message"]
    # The right password now: still refused, with how long to wait.
    response = obtain(anonymous, "persona.api", PASSWORD)
    assert_error(response, 429, "locked_out")
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    browser = Client(raise_request_exception=False)
    browser.post(reverse("login"), {"username": "persona.api", "password": PASSWORD})
    assert not _signed_in(browser)


def test_ten_failures_on_the_sign_in_page_lock_the_api_too(anonymous, person, settings):
    browser = Client(raise_request_exception=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post(reverse("login"), {"username": "persona.api", "password": "mala"})
    assert not _signed_in(browser)
    response = obtain(anonymous, "persona.api", PASSWORD)
    assert_error(response, 429, "locked_out")
    assert response["Retry-After"]


def test_the_lockout_message_is_the_same_for_a_person_who_does_not_exist(anonymous, person, settings):
    for username in ("persona.api", "nadie.existe"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            obtain(anonymous, username, "mala")
    real = assert_error(obtain(anonymous, "persona.api", "mala"), 429)
    ghost = assert_error(obtain(anonymous, "nadie.existe", "mala"), 429)
    assert real["message"] == ghost["message"]


def test_a_nul_in_the_credentials_is_a_plain_401(anonymous, person):
    assert_error(obtain(anonymous, "persona\x00api", PASSWORD), 401, "invalid_credentials")


# --- The token page -----------------------------------------------------------------------------


def test_the_token_page_needs_a_sign_in(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_creates_a_token_and_shows_it_once(client, person):
    client.force_login(person)
    response = client.post(reverse("api:tokens"), {"name": "Monitoreo"})
    assert response.status_code == 200
    raw = response.context["created"]["raw"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=person)
    assert token.name == "Monitoreo" and token.digest == hashlib.sha256(raw.encode()).hexdigest()
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Monitoreo" in listing and token.prefix in listing and raw not in listing
    assert ApiClient(raw).get("auth/tokens").status_code == 200


def test_the_page_shows_the_last_use_and_revokes(client, person):
    client.force_login(person)
    raw = client.post(reverse("api:tokens"), {"name": "Script"}).context["created"]["raw"]
    assert "Nunca" in client.get(reverse("api:tokens")).content.decode()
    ApiClient(raw).get("auth/tokens")
    assert "Nunca" not in client.get(reverse("api:tokens")).content.decode()
    token = ApiToken.objects.get(user=person)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert ApiClient(raw).get("auth/tokens").status_code == 401


def test_the_page_lists_only_ones_own_tokens_and_refuses_anothers(client, person, as_user):
    stranger = UserFactory()
    as_user(stranger)
    client.force_login(person)
    assert list(client.get(reverse("api:tokens")).context["tokens"]) == []
    token = ApiToken.objects.get(user=stranger)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_token_needs_a_name_on_the_page(client, person):
    client.force_login(person)
    response = client.post(reverse("api:tokens"), {"name": "  "})
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_the_navigation_links_to_the_token_page(client, person):
    client.force_login(person)
    links = {link.label: link.url for link in client.get(reverse("core:home")).context["nav_links"]}
    assert links["Claves de API"] == reverse("api:tokens")
