"""Sessions end: 30 minutes idle or 12 hours in all; a new id at sign-in; every session of a
person ends when they are deactivated or change their password; signing out by GET asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LogEntry
from core.middleware import RECOVERED_INPUT_SESSION_KEY
from core.sessions import LAST_SEEN_KEY, STARTED_KEY

PASSWORD = "contrasena-de-prueba"  # the factories' password
HOME = "/"
LOGIN = "/entrar/"


def later(**delta):
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_settings_default_to_30_minutes_12_hours_and_90_days():
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.USER_INACTIVITY_DAYS == 90


def test_the_middleware_sits_after_authentication_and_before_the_kept_form_middleware():
    order = settings.MIDDLEWARE
    mine = order.index("core.sessions.SessionLifetimeMiddleware")
    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < mine
    assert order.index("django.contrib.messages.middleware.MessageMiddleware") < mine
    assert mine < order.index("core.middleware.ExpiredSessionFormMiddleware")


# --- Inactivity ---------------------------------------------------------------------------------


def test_a_session_used_within_30_minutes_goes_on(client, cast):
    client.force_login(cast.admin)
    assert client.get(HOME).status_code == 200
    with later(minutes=29):
        assert client.get(HOME).status_code == 200
        assert signed_in(client)


def test_after_30_idle_minutes_the_person_is_signed_out_and_sent_to_sign_in(client, cast):
    client.force_login(cast.admin)
    client.get(HOME)
    page = reverse("accounts:detail", args=[cast.account.pk])
    with later(minutes=31):
        response = client.get(page)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={page}"
        assert not signed_in(client)
        followed = client.get(response.url)
    assert messages_of(followed) == [
        "Su sesión terminó por inactividad: pasaron más de 30 minutos sin usar el sistema. Entre de nuevo."
    ]


def test_opening_the_sign_in_page_after_the_timeout_shows_it_with_the_reason(client, cast):
    client.force_login(cast.admin)
    client.get(HOME)
    with later(minutes=31):
        response = client.get(LOGIN)
    assert response.status_code == 200
    assert not signed_in(client)
    assert messages_of(response) == [
        "Su sesión terminó por inactividad: pasaron más de 30 minutos sin usar el sistema. Entre de nuevo."
    ]


def test_activity_keeps_pushing_the_idle_limit(client, cast):
    client.force_login(cast.admin)
    client.get(HOME)
    for step in range(1, 5):
        with later(minutes=25 * step):
            assert client.get(HOME).status_code == 200, step
    assert signed_in(client)


def test_the_idle_limit_is_a_setting(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client.force_login(cast.admin)
    client.get(HOME)
    with later(minutes=6):
        response = client.get(HOME)
    assert response.status_code == 302
    assert not signed_in(client)


# --- Absolute lifetime --------------------------------------------------------------------------


def test_a_session_ends_12_hours_after_sign_in_even_when_used_all_along(client, cast):
    client.force_login(cast.admin)
    client.get(HOME)
    for step in range(1, 36):  # every 20 minutes for 11 h 40 min
        with later(minutes=20 * step):
            assert client.get(HOME).status_code == 200, step
    with later(minutes=20 * 36 + 1):  # 12 h 01 min
        response = client.get(HOME)
        assert response.status_code == 302
        assert not signed_in(client)
        followed = client.get(response.url)
    assert messages_of(followed) == [
        "Su sesión terminó después de 12 horas: por seguridad, ninguna sesión dura más. Entre de nuevo."
    ]


def test_the_clock_starts_at_sign_in_through_the_sign_in_page(client, cast):
    before = timezone.now().timestamp()
    client.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD})
    assert signed_in(client)
    assert client.session[STARTED_KEY] >= before
    assert client.session[LAST_SEEN_KEY] >= before


def test_the_session_cookie_lasts_the_absolute_lifetime(client, cast):
    response = client.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD})
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 12 * 3600


# --- A form posted after the idle timeout is kept for its owner --------------------------------


def test_a_form_posted_after_the_idle_timeout_is_kept_and_given_back_to_its_author(client, cast):
    log_url = reverse("accounts:log_add", args=[cast.account.pk])
    client.force_login(cast.admin)
    client.get(HOME)  # leaves the cookie naming who used this browser
    data = {"kind": LogEntry.Kind.PUBLICATION, "text": "Lo escribí despacio, en más de media hora.", "link": ""}
    with later(minutes=45):
        response = client.post(log_url, data, follow=True)
        assert response.redirect_chain[0][0] == f"{reverse('login')}?next={log_url}"
        assert "Su sesión terminó. Entre de nuevo: recuperaremos lo que escribió." in response.content.decode()
        assert not LogEntry.objects.filter(account=cast.account).exists()
        assert client.session[RECOVERED_INPUT_SESSION_KEY][log_url]["owner"] == cast.admin.pk

        client.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD, "next": log_url})
        form = client.get(log_url).context["form"]
    assert form.initial["text"] == data["text"]


def test_a_form_posted_after_the_timeout_is_not_given_to_someone_else(client, cast):
    log_url = reverse("accounts:log_add", args=[cast.account.pk])
    client.force_login(cast.admin)
    client.get(HOME)
    with later(minutes=45):
        client.post(log_url, {"kind": LogEntry.Kind.PUBLICATION, "text": "Del administrador.", "link": ""})
        client.post(LOGIN, {"username": cast.suplente.username, "password": PASSWORD, "next": log_url})
        response = client.get(log_url)
    assert response.context["form"].initial.get("text", "") == ""


# --- The API with a token is not a session -------------------------------------------------------


def test_an_api_token_request_is_untouched_by_the_session_clock(cast):
    from api import services as api_services

    _token, raw = api_services.create_token(user=cast.admin, name="Pruebas")
    api = Client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert api.get("/api/v1/accounts", headers=headers).status_code == 200
    with later(hours=13):
        response = api.get("/api/v1/accounts", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_an_expired_browser_session_on_the_api_gets_401_not_a_page(client, cast):
    client.force_login(cast.admin)
    client.get(HOME)
    assert client.get("/api/v1/accounts").status_code == 200
    with later(minutes=31):
        response = client.get("/api/v1/accounts")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


# --- A new session id at sign-in -----------------------------------------------------------------


def test_signing_in_gives_a_new_session_id(client, cast):
    session = client.session
    session["something"] = "before signing in"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    client.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD})

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


# --- Every session ends on deactivation or a password change -----------------------------------


def test_a_deactivated_person_is_signed_out_on_every_browser_at_the_next_request(cast):
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        browser.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD})
        assert browser.get(HOME).status_code == 200

    cast.admin.is_active = False
    cast.admin.save(update_fields=["is_active"])

    for browser in (laptop, phone):
        response = browser.get(reverse("accounts:detail", args=[cast.account.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_deactivated_person_s_force_login_session_ends_too(client, cast):
    client.force_login(cast.admin)
    cast.admin.is_active = False
    cast.admin.save(update_fields=["is_active"])
    assert client.get(reverse("accounts:detail", args=[cast.account.pk])).status_code == 302


def test_a_password_change_ends_the_person_s_other_sessions(cast):
    other = Client()
    other.post(LOGIN, {"username": cast.admin.username, "password": PASSWORD})
    assert other.get(HOME).status_code == 200

    cast.admin.set_password("una-clave-nueva-y-larga-2026")
    cast.admin.save()

    response = other.get(reverse("accounts:detail", args=[cast.account.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Signing out ----------------------------------------------------------------------------------


def test_an_anonymous_get_of_salir_goes_to_sign_in(client, db):
    response = Client().get("/salir/")
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_an_anonymous_head_of_salir_goes_to_sign_in_too(client, db):
    response = client.head("/salir/")
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_a_signed_in_get_of_salir_asks_first_and_does_not_sign_out(client, cast):
    client.force_login(cast.admin)
    response = client.get("/salir/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "¿Cerrar sesión?" in page
    assert f'<form method="post" action="{reverse("logout")}">' in page
    assert signed_in(client)


def test_posting_to_salir_signs_out(client, cast):
    client.force_login(cast.admin)
    response = client.post("/salir/")
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not signed_in(client)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_on_salir_are_refused(client, cast, method):
    client.force_login(cast.admin)
    assert getattr(client, method)("/salir/").status_code == 405
    assert signed_in(client)
