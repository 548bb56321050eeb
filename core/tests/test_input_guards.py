"""Parameters and typed text that are not what a view expects: a 400 or a Spanish form
error, never a 500, and never a line break in an e-mail header."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest, ValidationError
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from approvals.tests.factories import opening_fields, pdf_upload
from core.params import int_param, next_param
from core.validators import strip_control_characters, validate_multiline_text, validate_single_line
from notifications.services import notify


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("7", 7), ("0012", 12)])
def test_int_param_reads_ascii_digits(raw, expected):
    assert int_param(QueryDict(f"ver={raw}"), "ver") == expected


def test_int_param_is_none_when_absent():
    assert int_param(QueryDict(""), "ver") is None


@pytest.mark.parametrize("raw", ["²", "٣", "1.5", "abc", " 1", "-3", "0", "1" * 30, "x" * 10_000, "\x00"])
def test_int_param_refuses_anything_else_with_a_spanish_bad_request(raw):
    with pytest.raises(BadRequest, match="«ver»"):
        int_param({"ver": raw}, "ver")


@pytest.mark.parametrize(
    "raw",
    ["dashboard", "approvals:dashboard", "https://example.com/", "//example.com/x", "/x\r\nSet-Cookie: a=b", ""],
)
def test_next_param_falls_back_on_anything_but_a_path_of_this_site(raw):
    request = RequestFactory().post("/", {"next": raw})
    assert next_param(request, "/fallback/") == "/fallback/"


def test_next_param_keeps_a_path_of_this_site():
    request = RequestFactory().post("/", {"next": "/solicitudes/tablero/?ver=3"})
    assert next_param(request, "/fallback/") == "/solicitudes/tablero/?ver=3"


@pytest.mark.parametrize("text", ["INE\nJalisco", "INE\rJalisco", "INE\tJalisco", "INE\x00", "INE\x85Jalisco"])
def test_a_single_line_field_refuses_control_characters_in_spanish(text):
    with pytest.raises(ValidationError, match="saltos de línea"):
        validate_single_line(text)


def test_a_single_line_field_accepts_accents_and_symbols():
    validate_single_line("Junta Distrital 05 — Ñuñoa, «INE» @INEJal ☑")


def test_a_multiline_field_keeps_line_breaks_and_tabs_but_not_other_control_characters():
    validate_multiline_text("Primera línea\r\nSegunda\tcon tabulador")
    with pytest.raises(ValidationError):
        validate_multiline_text("Texto con \x1b[31m escape")


def test_strip_control_characters_leaves_one_line():
    assert strip_control_characters("Solicitud\r\nBcc: otro@x.mx\t ") == "Solicitud Bcc: otro@x.mx"


def test_a_notification_title_never_carries_a_line_break(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify([cast.admin], kind="test", title="Cuenta\nBcc: x@y.mx", body="Cuerpo\ncon líneas")
    assert notification.title == "Cuenta Bcc: x@y.mx"
    assert notification.body == "Cuerpo\ncon líneas"


def test_a_proposed_name_with_a_line_break_is_a_form_error_in_spanish(client, cast):
    client.force_login(cast.titular)
    fields = opening_fields(cast, proposed_name="INE Jalisco\nBcc: x@y.mx")
    data = {k: getattr(v, "pk", v) for k, v in fields.items()}
    response = client.post(reverse("approvals:create", args=["apertura"]), {**data, "oficio": pdf_upload()})
    assert response.status_code == 200
    assert "no admite saltos de línea" in response.content.decode()


def test_an_account_name_with_a_control_character_is_refused_by_the_model(cast):
    cast.account.name = "INE\x07Prueba"
    with pytest.raises(ValidationError) as refused:
        cast.account.full_clean()
    assert "name" in refused.value.message_dict
