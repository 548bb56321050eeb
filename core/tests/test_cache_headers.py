"""What a signed-in person receives is never kept by a proxy or the browser's cache
(``Cache-Control: private, no-store``); what anyone may read is left as it was."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.sessions import NoStoreForSignedInMiddleware

NO_STORE = "private, no-store"


@pytest.mark.parametrize(
    "url",
    [
        lambda cast: reverse("core:home"),
        lambda cast: reverse("accounts:list"),
        lambda cast: reverse("accounts:detail", args=[cast.account.pk]),
        lambda cast: reverse("accounts:list") + "?formato=csv",
        lambda cast: reverse("notifications:inbox"),
        lambda cast: reverse("registry:lookup"),
    ],
    ids=["home", "account-list", "account-detail", "accounts-csv-export", "notifications", "lookup-signed-in"],
)
def test_signed_in_pages_and_exports_are_private_and_not_stored(client, cast, url):
    client.force_login(cast.cncs)
    response = client.get(url(cast))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_an_api_answer_to_a_token_is_private_and_not_stored(cast):
    from api import services as api_services
    from api.tests.conftest import ApiClient

    _token, raw = api_services.create_token(user=cast.admin, name="Pruebas")
    response = ApiClient(raw).get("accounts")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize(
    "path",
    ["/verificar/", "/verificar/directorio/", "/verificar/datos.csv", "/verificar/datos.json"],
)
def test_public_pages_are_unchanged_for_an_anonymous_visitor(client, cast, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_public_api_is_unchanged_for_an_anonymous_client(client, cast):
    response = client.get("/api/v1/public/accounts")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_s_own_cache_control_is_kept(cast):
    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=60"
        return response

    request = RequestFactory().get("/")
    request.user = cast.admin
    assert NoStoreForSignedInMiddleware(view)(request)["Cache-Control"] == "max-age=60"


def test_a_redirect_for_a_signed_in_person_is_not_stored_either(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("accounts:log_add", args=[cast.account.pk]), {"kind": "other", "text": "Nota"})
    assert response.status_code == 302
    assert response["Cache-Control"] == NO_STORE
