"""The log keeps one line for an ordinary 403/404 and the whole traceback for a 500."""

from __future__ import annotations

import logging
import sys

import pytest
from django.conf import settings
from django.test import Client

from core.logging import DropClientErrorTraceback


def _record(status: int) -> logging.LogRecord:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "msg", (), exc_info)
    record.status_code = status
    return record


@pytest.mark.parametrize("status", [400, 403, 404])
def test_a_client_error_keeps_its_line_but_loses_the_traceback(status):
    record = _record(status)
    assert DropClientErrorTraceback().filter(record) is True
    assert record.exc_info is None


def test_a_server_error_keeps_its_traceback():
    record = _record(500)
    DropClientErrorTraceback().filter(record)
    assert record.exc_info is not None


def test_the_filter_is_configured_for_django_request():
    assert settings.LOGGING["loggers"]["django.request"]["filters"] == ["client_errors_without_traceback"]
    assert "client_errors_without_traceback" in settings.LOGGING["handlers"]["console"]["filters"]


@pytest.mark.urls("core.tests.error_urls")
def test_a_refused_page_is_logged_without_a_traceback_and_a_crash_with_one(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/prueba/403/")
        client.get("/no-existe/")
        client.get("/prueba/500/")
    by_status = {r.status_code: r for r in caplog.records if r.name == "django.request"}
    assert by_status[403].exc_info is None and "Forbidden" in by_status[403].getMessage()
    assert by_status[404].exc_info is None
    assert by_status[500].exc_info is not None
