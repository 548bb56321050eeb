"""With DEBUG on (make run) the error pages are still the Spanish ones, not Django's."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = False
    return settings


def test_an_unknown_address_is_the_spanish_404_with_debug_on(client, cast, debug):
    client.force_login(cast.admin)
    response = client.get("/no-existe/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" not in body and "Error 404" in body
    assert "Ir al inicio" in body


def test_a_refusal_keeps_its_reason_with_debug_on(client, cast, debug):
    client.force_login(cast.admin)
    response = client.get(reverse("accounts:detail", args=[10**6]))
    assert response.status_code == 404
    assert "Page not found" not in response.content.decode()


def test_a_bad_parameter_is_the_spanish_400_with_debug_on(client, cast, debug):
    client.force_login(cast.cncs)
    response = client.get(reverse("approvals:dashboard") + "?ver=²")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Traceback" not in body and "«ver»" in body


def test_a_server_error_is_the_spanish_500_with_debug_on(client, cast, debug, monkeypatch):
    from core import views

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "home_panels", broken)
    client.raise_request_exception = False
    client.force_login(cast.admin)
    response = client.get(reverse("core:home"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in body and "RuntimeError" not in body and "Error 500" in body


def test_a_developer_can_ask_for_djangos_pages(client, cast, debug):
    debug.TECHNICAL_ERROR_PAGES = True
    client.force_login(cast.admin)
    assert "Page not found" in client.get("/no-existe/").content.decode()
