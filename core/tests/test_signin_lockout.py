"""Repeated failed sign-ins pause the user name, and separately the address (django-axes).

Ten failures (SIGNIN_FAILURE_LIMIT) for one user name, from anywhere, or from one address,
for any names, pause further attempts for fifteen minutes (SIGNIN_COOLOFF_MINUTES): a
Spanish page with status 429 that never tells whether the user exists. The sign-in page and
the admin's count together; each failure and each success is kept for the admin.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.signin import client_ip_address

PASSWORD = "contrasena-de-prueba"  # the factories' password
LOGIN = "/entrar/"
ADMIN_LOGIN = "/admin/login/"
HERE = "10.1.1.1"
ELSEWHERE = "10.2.2.2"
LIMIT = 10


@pytest.fixture
def ana(db):
    return UserFactory(username="ana.perez")


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def sign_in(client, username, password, ip=HERE, path=LOGIN):
    data = {"username": username, "password": password}
    if path == ADMIN_LOGIN:
        data["next"] = "/admin/"
    return client.post(path, data, REMOTE_ADDR=ip)


def fail(client, username, times, ip=HERE, path=LOGIN):
    return [sign_in(client, username, "no-es-la-clave", ip=ip, path=path) for _ in range(times)][-1]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def is_paused(response) -> bool:
    return response.status_code == 429 and "La entrada está en pausa" in response.content.decode()


def visible(response, username: str) -> str:
    """The page as a person sees it, without the form's one-time token and what they typed."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return body.replace(f'value="{username}"', 'value=""')


# --- The user name ---------------------------------------------------------------------------


def test_nine_failures_still_let_the_right_password_in(client, ana):
    response = fail(client, ana.username, LIMIT - 1)
    assert response.status_code == 200
    assert "El usuario o la contraseña no son correctos" in response.content.decode()

    assert sign_in(client, ana.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_tenth_failure_pauses_the_user_name(client, ana):
    assert is_paused(fail(client, ana.username, LIMIT))

    response = sign_in(client, ana.username, PASSWORD)

    assert is_paused(response)
    assert not signed_in(client)


def test_the_paused_user_name_is_refused_from_another_address_too(client, ana):
    fail(client, ana.username, LIMIT, ip=HERE)

    response = sign_in(Client(), ana.username, PASSWORD, ip=ELSEWHERE)

    assert is_paused(response)


def test_an_over_long_user_name_is_counted_under_what_the_column_holds(client, db):
    # Django's sign-in form does not enforce the name's length; PostgreSQL refuses a value
    # over axes' 255-character column (the sign-in page answered 500 there).
    name = "x" * 10_000
    response = fail(client, name, 1)
    assert response.status_code == 200
    assert "El usuario o la contraseña no son correctos" in response.content.decode()
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [255]
    assert is_paused(fail(client, name, LIMIT - 1))


def test_the_pause_page_says_for_how_long_and_what_to_do(client, ana):
    body = fail(client, ana.username, LIMIT).content.decode()

    assert "durante 15 minutos" in body
    assert "Espere 15 minutos" in body
    assert "Comunicación Social" in body and "UNICOM" in body
    assert ana.username not in body
    assert "<title>Entrada en pausa · INE</title>" in body


def test_other_users_sign_in_meanwhile(client, ana, cast):
    fail(client, ana.username, LIMIT, ip=HERE)

    assert sign_in(Client(), cast.cncs.username, PASSWORD, ip=ELSEWHERE).status_code == 302


# --- The address -----------------------------------------------------------------------------


def test_ten_failures_from_one_address_with_different_names_pause_the_address(client, ana):
    for n in range(LIMIT):
        response = sign_in(client, f"nadie{n}", "no-es-la-clave", ip=HERE)
    assert is_paused(response)

    assert is_paused(sign_in(Client(), ana.username, PASSWORD, ip=HERE))
    elsewhere = Client()
    assert sign_in(elsewhere, ana.username, PASSWORD, ip=ELSEWHERE).status_code == 302
    assert signed_in(elsewhere)


# --- How long --------------------------------------------------------------------------------


def test_the_pause_ends_after_the_cool_off(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail(client, ana.username, LIMIT)
        traveller.move_to(start + timedelta(minutes=14, seconds=59))
        assert is_paused(sign_in(client, ana.username, PASSWORD))

        traveller.move_to(start + timedelta(minutes=15, seconds=1))
        assert sign_in(client, ana.username, PASSWORD).status_code == 302
        assert signed_in(client)


def test_trying_again_during_the_pause_does_not_make_it_longer(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail(client, ana.username, LIMIT)
        traveller.move_to(start + timedelta(minutes=10))
        assert is_paused(fail(client, ana.username, 3))
        assert is_paused(sign_in(client, ana.username, PASSWORD))

        traveller.move_to(start + timedelta(minutes=15, seconds=1))
        assert sign_in(client, ana.username, PASSWORD).status_code == 302


def test_failures_older_than_the_cool_off_stop_counting(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail(client, ana.username, LIMIT - 1)
        traveller.move_to(start + timedelta(minutes=16))
        response = fail(client, ana.username, LIMIT - 1)
    assert response.status_code == 200


# --- A success -------------------------------------------------------------------------------


def test_a_success_clears_the_counter_of_that_user_name(client, ana):
    fail(client, ana.username, LIMIT - 1)
    assert sign_in(client, ana.username, PASSWORD).status_code == 302
    client.logout()

    response = fail(client, ana.username, LIMIT - 1)

    assert response.status_code == 200
    assert AccessAttempt.objects.get(username=ana.username).failures_since_start == LIMIT - 1


def test_signing_in_with_ones_own_account_does_not_clear_the_guesses_at_another(client, ana, cast):
    """axes' own reset on success would clear every counter of the address: an insider could
    then guess at a colleague's password for ever, signing in as themselves every nine tries."""
    fail(client, ana.username, LIMIT - 1, ip=HERE)
    assert sign_in(Client(), cast.admin.username, PASSWORD, ip=HERE).status_code == 302

    assert is_paused(fail(client, ana.username, 1, ip=ELSEWHERE))


# --- The admin's sign-in ---------------------------------------------------------------------


def test_the_admin_sign_in_and_the_sign_in_page_share_the_counter(client, ana):
    ana.is_staff = ana.is_superuser = True
    ana.save()
    fail(client, ana.username, LIMIT // 2, path=LOGIN)
    response = fail(client, ana.username, LIMIT - LIMIT // 2, path=ADMIN_LOGIN)

    assert is_paused(response)
    assert is_paused(sign_in(client, ana.username, PASSWORD, path=ADMIN_LOGIN))
    assert is_paused(sign_in(client, ana.username, PASSWORD, path=LOGIN))
    assert not signed_in(client)
    paths = set(AccessFailureLog.objects.filter(username=ana.username).values_list("path_info", flat=True))
    assert paths == {LOGIN, ADMIN_LOGIN}


def test_a_pause_from_the_sign_in_page_holds_at_the_admin(client, ana):
    ana.is_staff = ana.is_superuser = True
    ana.save()
    fail(client, ana.username, LIMIT, path=LOGIN)

    assert is_paused(sign_in(Client(), ana.username, PASSWORD, ip=ELSEWHERE, path=ADMIN_LOGIN))


# --- Nothing tells whether the user exists ---------------------------------------------------


def test_a_wrong_password_and_an_unknown_user_get_the_same_page(client, ana):
    # The footer prints the current minute; both pages must render in the same one.
    with time_machine.travel(timezone.now(), tick=False):
        known = sign_in(client, ana.username, "no-es-la-clave")
        unknown = sign_in(Client(), "no.existe", "no-es-la-clave", ip=ELSEWHERE)

    assert known.status_code == unknown.status_code == 200
    assert visible(known, ana.username) == visible(unknown, "no.existe")


def test_an_unknown_user_name_is_paused_like_a_real_one(client, ana):
    known = fail(client, ana.username, LIMIT, ip=HERE)
    unknown = fail(Client(), "no.existe", LIMIT, ip=ELSEWHERE)

    assert is_paused(known) and is_paused(unknown)
    assert visible(known, ana.username) == visible(unknown, "no.existe")
    again_known = sign_in(client, ana.username, PASSWORD, ip=HERE)
    again_unknown = sign_in(Client(), "no.existe", PASSWORD, ip=ELSEWHERE)
    assert visible(again_known, ana.username) == visible(again_unknown, "no.existe") == visible(known, ana.username)


# --- What is kept ----------------------------------------------------------------------------


def test_each_failure_and_each_success_is_kept(client, ana):
    fail(client, ana.username, 3)
    sign_in(Client(), "no.existe", "x", ip=ELSEWHERE)

    attempt = AccessAttempt.objects.get(username=ana.username)
    assert (attempt.failures_since_start, attempt.ip_address, attempt.path_info) == (3, HERE, LOGIN)
    assert "no-es-la-clave" not in attempt.post_data
    assert AccessFailureLog.objects.filter(username=ana.username, ip_address=HERE, locked_out=False).count() == 3
    assert AccessFailureLog.objects.filter(username="no.existe", ip_address=ELSEWHERE).count() == 1

    sign_in(client, ana.username, PASSWORD)
    assert AccessLog.objects.filter(username=ana.username, ip_address=HERE, path_info=LOGIN).count() == 1
    assert AccessFailureLog.objects.filter(username=ana.username).count() == 3  # the log outlives the counter


def test_the_failure_that_pauses_is_marked(client, ana):
    fail(client, ana.username, LIMIT)

    assert AccessFailureLog.objects.filter(username=ana.username, locked_out=True).count() == 1


# --- Lifting a pause -------------------------------------------------------------------------


def test_the_reset_command_lifts_a_pause(client, ana):
    fail(client, ana.username, LIMIT)

    call_command("axes_reset_username", ana.username, stdout=None)

    assert sign_in(client, ana.username, PASSWORD).status_code == 302


def test_a_superuser_lifts_a_pause_by_deleting_the_counter_in_the_admin(client, ana):
    fail(client, ana.username, LIMIT)
    attempt = AccessAttempt.objects.get(username=ana.username)
    root = Client()
    root.force_login(UserFactory(username="raiz", is_superuser=True, is_staff=True))

    response = root.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert sign_in(client, ana.username, PASSWORD).status_code == 302


# --- The admin pages -------------------------------------------------------------------------

AXES_PAGES = (
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:axes_accessfailurelog_changelist",
)


@pytest.mark.parametrize("page", AXES_PAGES)
def test_staff_without_the_permission_do_not_see_the_sign_in_records(ana, cast, page):
    staff = Client()
    cast.cncs.is_staff = True
    cast.cncs.save()
    staff.force_login(cast.cncs)

    assert staff.get(reverse(page)).status_code == 403
    assert "axes" not in staff.get(reverse("admin:index")).content.decode().lower()


@pytest.mark.parametrize("page", AXES_PAGES)
def test_comunicacion_social_sees_them_once_given_the_view_permission(ana, cast, page):
    group = AuthGroup.objects.get(name="Comunicación Social")
    model = page.split(":")[1].split("_")[1]
    group.permissions.add(Permission.objects.get(content_type__app_label="axes", codename=f"view_{model}"))
    cast.cncs.is_staff = True
    cast.cncs.save()
    staff = Client()
    staff.force_login(cast.cncs)

    assert staff.get(reverse(page)).status_code == 200


def test_the_admin_lists_are_spanish_and_the_logs_read_only(client, ana):
    fail(client, ana.username, LIMIT)
    sign_in(Client(), "otra.persona", "x", ip=ELSEWHERE)
    root = Client()
    root.force_login(UserFactory(username="raiz", is_superuser=True, is_staff=True))

    attempts = root.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Contadores de intentos fallidos" in attempts and "Intentos fallidos" in attempts
    assert "en pausa hasta las" in attempts and "le quedan 9 intentos" in attempts
    assert "Clean up" not in attempts and "Attempt Remaining" not in attempts and "Status" not in attempts
    failures = root.get(reverse("admin:axes_accessfailurelog_changelist")).content.decode()
    assert "Intentos fallidos de entrada" in failures and "Causó la pausa" in failures
    assert "Failed" not in failures and "Username" not in failures

    log = AccessFailureLog.objects.first()
    assert root.get(reverse("admin:axes_accessfailurelog_delete", args=[log.pk])).status_code == 403
    assert not root.get(reverse("admin:axes_accessfailurelog_changelist")).context["has_add_permission"]
    attempt = AccessAttempt.objects.first()
    assert root.post(reverse("admin:axes_accessattempt_change", args=[attempt.pk]), {}).status_code == 403


def test_an_expired_counter_says_so(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        root = Client()
        root.force_login(UserFactory(username="raiz", is_superuser=True, is_staff=True))
        fail(client, ana.username, LIMIT)
        traveller.move_to(start + timedelta(minutes=20))  # axes deletes it at the next sign-in
        assert "vencido" in root.get(reverse("admin:axes_accessattempt_changelist")).content.decode()


# --- The client's address --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "", "10.0.0.5", "10.0.0.5"),
        (0, "203.0.113.9", "10.0.0.5", "10.0.0.5"),  # no proxy: the header is the client's word
        (1, "203.0.113.9", "10.0.0.5", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "10.0.0.5", "203.0.113.9"),  # what the client wrote is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.4", "10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.5", "10.0.0.5"),  # shorter than the proxies: not through them
        (1, "", "10.0.0.5", "10.0.0.5"),
        (1, "no-es-una-ip", "10.0.0.5", "10.0.0.5"),
        (1, "2001:db8::1", "10.0.0.5", "2001:db8::1"),
        (0, "", "", None),
    ],
)
def test_the_client_address_behind_the_proxies(settings, proxies, forwarded, remote, expected):
    settings.AXES_IPWARE_PROXY_COUNT = proxies
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected


def test_behind_a_proxy_each_client_has_its_own_counter(settings, client, ana):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    through_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for n in range(LIMIT):
        client.post(LOGIN, {"username": f"nadie{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=HERE, **through_proxy)

    response = Client().post(
        LOGIN, {"username": ana.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=ELSEWHERE, **through_proxy
    )

    assert response.status_code == 302
    assert AccessAttempt.objects.filter(ip_address=HERE).count() == LIMIT
    again = {"username": ana.username, "password": PASSWORD}
    assert is_paused(Client().post(LOGIN, again, HTTP_X_FORWARDED_FOR=HERE, **through_proxy))


# --- The page on a phone and on a desk screen ------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1366])
def test_the_pause_page_fits_nothing_overlaps_and_it_speaks_spanish(live_server, transactional_db, width):
    from playwright.sync_api import sync_playwright

    from core.tests.test_browser import SCREENSHOTS, english_words, launch, look

    UserFactory(username="ana.perez")
    AccessAttempt.objects.create(
        username="ana.perez", ip_address="10.9.9.9", user_agent="otro", failures_since_start=LIMIT,
        attempt_time=timezone.now(), get_data="", post_data="", http_accept="", path_info=LOGIN,
    )  # fmt: skip
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="es-MX", viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}{LOGIN}")
        page.fill("#id_username", "ana.perez")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation() as navigation:
            page.click("form button[type=submit]")
        status = navigation.value.status
        (scroll_width, inner_width), overlaps, text, lang, title = look(page)
        SCREENSHOTS.joinpath(str(width)).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / str(width) / "publico--entrada-en-pausa.png"), full_page=True)
        browser.close()

    assert status == 429
    assert "La entrada está en pausa" in text and "15 minutos" in text
    assert scroll_width <= inner_width
    assert overlaps == []
    assert english_words(text) == []
    assert (lang.lower(), title) == ("es-mx", "Entrada en pausa · INE")
