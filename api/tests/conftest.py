from __future__ import annotations

import json

import pytest
from django.test import Client

from api import services


class ApiClient:
    """Django's test client speaking JSON, with a person's bearer token when given one."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params: dict | None = None, **extra):
        return self.client.get(_url(path), params or {}, headers={**self.headers, **extra.pop("headers", {})}, **extra)

    def post(self, path: str, data=None, **extra):
        return self.client.post(
            _url(path),
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers={**self.headers, **extra.pop("headers", {})},
            **extra,
        )

    def post_multipart(self, path: str, data: dict, **extra):
        return self.client.post(_url(path), data, headers={**self.headers, **extra.pop("headers", {})}, **extra)

    def delete(self, path: str, **extra):
        return self.client.delete(_url(path), headers={**self.headers, **extra.pop("headers", {})}, **extra)


def _url(path: str) -> str:
    return path if path.startswith("/") else f"/api/v1/{path}"


@pytest.fixture
def anonymous():
    return ApiClient()


@pytest.fixture
def as_user():
    """``as_user(user)``: an API client with a fresh token of ``user``."""

    def make(user) -> ApiClient:
        _token, raw = services.create_token(user=user, name="Pruebas")
        return ApiClient(raw)

    return make


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape, with a Spanish message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]
