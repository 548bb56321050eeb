"""Error pages: Spanish, in the site's layout, with a way back, with DEBUG off (the test
settings), and never a word about DEBUG. A refusal shows the reason the view gave."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from core.views import server_error

pytestmark = pytest.mark.urls("core.tests.error_urls")

ENGLISH = ("Not Found", "Forbidden", "Bad Request", "Server Error", "DEBUG", "Traceback", "CSRF verification")


def assert_spanish_error_page(response, status: int, *, signed_in_as=None) -> str:
    assert response.status_code == status
    body = response.content.decode()
    assert '<html lang="es-MX">' in body
    for word in ENGLISH:
        assert word not in body, word
    assert "Volver a la página anterior" in body
    assert f'href="{reverse("core:home")}"' in body
    if signed_in_as is not None:
        # The site's layout: the navigation and the person's name.
        assert 'class="mainnav"' in body
        assert signed_in_as.get_full_name() in body
    return body


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.admin)
    return client


# --- 400 -----------------------------------------------------------------------------------------


def test_anonymous_bad_request_is_a_spanish_page_with_the_reason(client, db):
    body = assert_spanish_error_page(client.get("/prueba/400/"), 400)
    assert "El parámetro «ver» debe ser un número entero." in body
    assert "Error 400" in body


def test_signed_in_bad_request_keeps_the_layout(signed_in, cast):
    body = assert_spanish_error_page(signed_in.get("/prueba/400/"), 400, signed_in_as=cast.admin)
    assert "El parámetro «ver» debe ser un número entero." in body


def test_a_suspicious_request_does_not_show_djangos_english_message(client, db):
    body = assert_spanish_error_page(client.get("/prueba/400-sospechosa/"), 400)
    assert "/etc/passwd" not in body


def test_an_odd_parameter_on_the_dashboard_is_a_400_that_names_it(client, cast):
    client.force_login(cast.cncs)
    body = assert_spanish_error_page(client.get("/solicitudes/tablero/?ver=²"), 400, signed_in_as=cast.cncs)
    assert "«ver»" in body


# --- 403 -----------------------------------------------------------------------------------------


def test_anonymous_forbidden_page_shows_the_reason_and_offers_to_sign_in(client, db):
    body = assert_spanish_error_page(client.get("/prueba/403/"), 403)
    assert "Solo los administradores designados de un órgano consultan a Comunicación Social." in body
    assert reverse("login") in body


def test_the_dashboard_refusal_shows_the_reason_the_view_gave(signed_in, cast):
    body = assert_spanish_error_page(signed_in.get(reverse("approvals:dashboard")), 403, signed_in_as=cast.admin)
    assert "El tablero de solicitudes es de Comunicación Social." in body
    # The reason replaces the generic text, it is not buried under it.
    assert "Su función en el sistema no incluye esta acción" not in body


def test_the_way_back_is_the_page_the_person_came_from(signed_in, cast):
    came_from = "http://testserver" + reverse("approvals:list")
    body = signed_in.get(reverse("approvals:dashboard"), HTTP_REFERER=came_from).content.decode()
    assert f'href="{reverse("approvals:list")}"' in body


def test_a_referer_on_another_site_is_not_the_way_back(signed_in, cast):
    body = signed_in.get(reverse("approvals:dashboard"), HTTP_REFERER="https://example.com/x").content.decode()
    assert "example.com" not in body


# --- 404 -----------------------------------------------------------------------------------------


def test_anonymous_missing_page_is_a_spanish_page(client, db):
    body = assert_spanish_error_page(client.get("/no-existe/"), 404)
    assert "No encontramos lo que busca" in body


def test_signed_in_missing_page_keeps_the_layout(signed_in, cast):
    assert_spanish_error_page(signed_in.get("/no-existe/"), 404, signed_in_as=cast.admin)


def test_our_own_not_found_message_is_shown(signed_in, cast):
    body = assert_spanish_error_page(signed_in.get("/prueba/404/"), 404, signed_in_as=cast.admin)
    assert "No existe la solicitud o no tiene acceso a ella." in body


def test_djangos_not_found_message_naming_a_model_is_not_shown(signed_in, cast):
    # get_object_or_404: "No Notification matches the given query."
    body = assert_spanish_error_page(signed_in.get("/notificaciones/999999/"), 404, signed_in_as=cast.admin)
    assert "matches the given query" not in body


# --- 500 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/prueba/500/", "/prueba/500-bd/"])
def test_anonymous_server_error_is_a_spanish_page(db, url):
    client = Client(raise_request_exception=False)
    body = assert_spanish_error_page(client.get(url), 500)
    assert "Algo falló de nuestro lado" in body


def test_signed_in_server_error_is_a_spanish_page(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.admin)
    body = assert_spanish_error_page(client.get("/prueba/500-bd/"), 500)
    assert "boom" not in body and "could not connect" not in body


def test_the_server_error_page_never_queries_the_database(cast, django_assert_num_queries):
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500


def test_the_server_error_page_renders_with_the_database_unreachable(cast):
    request = RequestFactory().get("/x/")

    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page queried the database")

    with connection.execute_wrapper(refuse):
        response = server_error(request)
    assert "Algo falló de nuestro lado" in response.content.decode()


# --- CSRF ----------------------------------------------------------------------------------------


def test_an_expired_form_says_so_and_offers_to_go_back(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:read_all"), HTTP_REFERER="http://testserver/notificaciones/")
    body = assert_spanish_error_page(response, 403, signed_in_as=cast.admin)
    assert "El formulario caducó" in body
    assert "recárguela" in body
    assert 'href="/notificaciones/"' in body


def test_an_expired_form_when_signed_out_offers_to_sign_in(db):
    client = Client(enforce_csrf_checks=True)
    body = assert_spanish_error_page(client.post(reverse("login"), {"username": "x", "password": "y"}), 403)
    assert "El formulario caducó" in body
    assert reverse("login") in body
