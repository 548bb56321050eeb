"""One error shape for every status, Spanish messages, and no 500 on odd input."""

from __future__ import annotations

import schemathesis
from django.test import Client

from approvals.tests import factories as approval_factories

from .conftest import ApiClient, assert_error


def test_400_for_a_body_that_is_not_json(cast, as_user):
    client = as_user(cast.admin)
    response = client.client.post(
        f"/api/v1/accounts/{cast.account.pk}/log-entries",
        "{no es json",
        content_type="application/json",
        headers=client.headers,
    )
    assert_error(response, 400, "malformed_body")


def test_a_lone_surrogate_in_a_json_body_is_a_400_not_a_server_error(cast, as_user):
    # JSON may escape half a surrogate pair ("\\ud800"); no UTF-8 text, and no database, holds one.
    client = as_user(cast.admin)
    bodies = {
        f"accounts/{cast.account.pk}/log-entries": {"kind": "publication", "text": "Hola \ud800"},
        "consultations": {"account": cast.account.pk, "kind": "pertinence", "question": "\udfff?", "subject_text": "x"},
        "incidents": {"kind": "hack", "account": cast.account.pk, "detected_at": "2026-03-01T10:30:00-06:00",
                      "description": "\ud83d"},
        "content/check": {"text": "Hola \ud800", "network": "x"},
    }  # fmt: skip
    for path, body in bodies.items():
        assert_error(client.post(path, body), 400, "malformed_body")


def test_401_without_credentials(db, anonymous):
    for path in ("accounts", "requests", "consultations", "incidents", "accounts/1", "auth/tokens"):
        assert_error(anonymous.get(path), 401, "not_authenticated")
    assert_error(anonymous.post("incidents", {}), 401)


def test_403_with_the_services_reason(cast, as_user):
    req = approval_factories.opening(cast)
    error = assert_error(as_user(cast.titular).post(f"requests/{req.pk}/decision", {"decision": "approve"}), 403)
    assert error["code"] == "permission_denied" and "Comunicación Social" in error["message"]


def test_404_with_the_access_helpers_reason(cast, as_user):
    error = assert_error(as_user(cast.cncs).get("accounts/999999"), 404, "not_found")
    assert error["message"] == "No existe la cuenta o no tiene acceso a ella."


def test_409_for_a_state_conflict(cast, as_user):
    req = approval_factories.opening(cast)
    as_user(cast.cncs).post(f"requests/{req.pk}/decision", {"decision": "approve"})
    error = assert_error(as_user(cast.cncs).post(f"requests/{req.pk}/decision", {"decision": "approve"}), 409)
    assert error["code"] == "already_resolved" and "ya fue resuelta" in error["message"]


def test_422_for_pydantic_errors_in_spanish_with_the_field(cast, as_user):
    client = as_user(cast.admin)
    error = assert_error(client.post(f"accounts/{cast.account.pk}/log-entries", {"kind": 3}), 422, "validation_error")
    assert error["fields"] == {"kind": ["Debe ser texto."], "text": ["Este dato es obligatorio."]}
    error = assert_error(client.get(f"accounts/{10**30}"), 422)
    assert error["fields"]["account_id"] == ["Debe ser como máximo 9223372036854775807."]
    assert_error(client.get("accounts/abc"), 422)
    assert_error(client.post(f"accounts/{cast.account.pk}/log-entries", [1, 2]), 422)


def test_429_has_retry_after(db, settings):
    settings.API_PUBLIC_RATE = "1/min"
    client = ApiClient()
    client.get("public/accounts")
    response = client.get("public/accounts")
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"].isdigit()


def test_odd_values_never_make_a_server_error(cast, as_user):
    client = as_user(cast.cncs)
    odd = ["²", "٣", "-1", "9" * 400, "\x00", "", str(10**30), "null", "[]"]
    for value in odd:
        for path in ("accounts", "requests", "consultations", "incidents", "public/accounts"):
            params = {name: value for name in ("q", "organ", "entidad", "network", "status", "kind", "limit", "offset",
                                               "abandoned", "vencidas", "organ_kind")}  # fmt: skip
            assert client.get(path, params).status_code < 500, (path, value)
        assert client.get("public/verify", {"q": value, "network": value}).status_code < 500
        for path in (f"accounts/{cast.account.pk}/log-entries", "consultations", "incidents", "auth/token"):
            assert client.post(path, {"kind": value, "text": value, "account": value}).status_code < 500
            raw = client.client.post(f"/api/v1/{path}", value, content_type="application/json", headers=client.headers)
            assert raw.status_code < 500
    assert client.post_multipart("requests", {"kind": "opening", "network": "x"}).status_code < 500


def test_a_method_the_path_does_not_have_is_not_a_server_error(db):
    assert Client().put("/api/v1/public/verify").status_code == 405


def test_the_openapi_document_is_valid_and_declares_the_errors(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    schemathesis.openapi.from_dict(document).validate()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert "422" in declared or path.endswith("/tokens"), (method, path)
            for status, spec in operation["responses"].items():
                if status >= "400":
                    assert spec["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), (path, status)
            if "security" in operation:
                assert "401" in declared, (method, path)
            elif path.startswith("/api/v1/public"):
                assert "429" in declared
