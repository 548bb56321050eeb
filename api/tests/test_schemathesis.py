"""Schemathesis against the OpenAPI document, in every run (no marker, nothing skipped):
generated calls, anonymous and with a CNCS token, must never make a server error nor a
response that breaks the schema (status, content type, headers, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import UserFactory
from api import services
from api.models import ApiToken
from approvals.tests import factories as approval_factories

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# About twenty operations, each with this many examples per run (anonymous and CNCS): the
# whole file stays well under a minute.
EXAMPLES = 15
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def wsgi_db(db, settings):
    """The test database inside the test's transaction: as Django's test client does, the
    end of a request must not close the connection (which would end that transaction)."""
    settings.API_PUBLIC_RATE = "100000/min"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def cncs_token(cast):
    approval_factories.opening(cast)
    # Other people's tokens first, so a generated DELETE of a small id rarely revokes this one.
    for _ in range(3):
        services.create_token(user=UserFactory(), name="Otra")
    _token, raw = services.create_token(user=cast.cncs, name="Schemathesis")
    return raw


@schema.parametrize()
@HYPOTHESIS
def test_anonymous_calls_conform(wsgi_db, cast, case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_cncs_calls_conform(wsgi_db, cncs_token, case):
    response = case.call_and_validate(headers={"Authorization": f"Bearer {cncs_token}"}, checks=CHECKS)
    # The token is really used (unless a generated DELETE happened to revoke it); the token
    # endpoint itself answers 401 to wrong credentials.
    if response.status_code == 401 and not case.path.endswith("/auth/token"):
        assert ApiToken.objects.get(user__username="cncs").revoked_at is not None
