"""Nothing people type is lost: over-long text is refused with its count (never cut by the
browser), addresses are taken as typed, and a form sent after the session ended comes back
filled after signing in again."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import LogEntry
from core.forms import UserInputMixin
from core.middleware import RECOVERED_INPUT_SESSION_KEY

FORM_MODULES = ("accounts.forms", "approvals.forms", "consultations.forms")


def log_url(cast):
    return reverse("accounts:log_add", args=[cast.account.pk])


def log_post(**overrides) -> dict:
    data = {"kind": LogEntry.Kind.PUBLICATION, "text": "Publicamos el aviso de credencialización.", "link": ""}
    data.update(overrides)
    return data


# --- Text over the limit -----------------------------------------------------------------------


def test_a_bitacora_text_over_the_limit_is_refused_with_its_count(client, cast):
    client.force_login(cast.admin)

    response = client.post(log_url(cast), log_post(text="x" * 5231))

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["El texto tiene 5,231 caracteres; el máximo es 5,000."]
    assert not LogEntry.objects.filter(account=cast.account).exists()


def test_a_bitacora_text_at_the_limit_is_kept_whole(client, cast):
    client.force_login(cast.admin)

    client.post(log_url(cast), log_post(text="y" * 5000))

    assert len(LogEntry.objects.get(account=cast.account).text) == 5000


@pytest.mark.parametrize(
    "url_name, user",
    [
        ("accounts:log_add", "admin"),
        ("accounts:period_add", "admin"),
        ("accounts:edit", "cncs"),
    ],
)
def test_no_form_page_tells_the_browser_to_cut_text_or_refuse_an_address(client, cast, url_name, user):
    client.force_login(getattr(cast, user))

    page = client.get(reverse(url_name, args=[cast.account.pk])).content.decode()

    assert "maxlength" not in page
    assert 'type="url"' not in page


@pytest.mark.parametrize("slug", ["apertura", "cierre"])
def test_the_request_forms_neither_cut_text_nor_refuse_an_address(client, cast, slug):
    client.force_login(cast.titular)

    page = client.get(reverse("approvals:create", args=[slug])).content.decode()

    assert "maxlength" not in page
    assert 'type="url"' not in page


def test_the_consultation_form_neither_cuts_text_nor_refuses_an_address(client, cast):
    client.force_login(cast.admin)

    page = client.get(reverse("consultations:new")).content.decode()

    assert "maxlength" not in page
    assert 'type="url"' not in page
    assert 'inputmode="url"' in page


def _form_classes():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module_name and issubclass(cls, forms.BaseForm):
                yield cls


@pytest.mark.parametrize("form_class", list(_form_classes()), ids=lambda c: c.__name__)
def test_every_form_people_type_into_uses_the_input_mixin(form_class):
    assert issubclass(form_class, UserInputMixin)


def test_a_form_limit_agrees_with_its_model_field():
    from accounts.forms import LogEntryForm
    from consultations.forms import ConsultationForm

    assert LogEntryForm.base_fields["link"].max_length == LogEntry._meta.get_field("link").max_length
    assert ConsultationForm.base_fields["source_link"].max_length == 500


# --- Addresses as people type them ----------------------------------------------------------


def test_an_address_field_is_a_text_input_for_addresses():
    from accounts.forms import LogEntryForm

    widget = LogEntryForm().fields["link"].widget

    assert widget.input_type == "text"
    assert widget.attrs["inputmode"] == "url"
    assert widget.attrs["autocomplete"] == "url"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("instagram.com/INEJalisco", "https://instagram.com/INEJalisco"),
        ("www.instagram.com/INEJalisco", "https://www.instagram.com/INEJalisco"),
    ],
)
def test_an_address_typed_without_https_is_accepted_and_stored_with_it(client, cast, typed, stored):
    client.force_login(cast.admin)

    response = client.post(log_url(cast), log_post(link=typed))

    assert response.status_code == 302
    assert LogEntry.objects.get(account=cast.account).link == stored


def test_the_account_address_is_taken_without_https(client, cast):
    client.force_login(cast.cncs)
    url = reverse("accounts:edit", args=[cast.account.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}

    response = client.post(url, {**data, "url": "x.com/INEPrueba"})

    assert response.status_code == 302
    cast.account.refresh_from_db()
    assert cast.account.url == "https://x.com/INEPrueba"


# --- A session that ended while the form was open -------------------------------------------


def session_ended(client, user):
    """``user`` used this browser signed in, then the session ended (the cookie outlives it)."""
    client.force_login(user)
    client.get(reverse("core:home"))
    del client.cookies[settings.SESSION_COOKIE_NAME]


def test_a_form_sent_after_the_session_ended_goes_to_sign_in_with_a_plain_message(client, cast):
    session_ended(client, cast.admin)
    response = client.post(log_url(cast), log_post(text="Lo que escribí con cuidado."), follow=True)

    assert response.redirect_chain[0][0] == f"{reverse('login')}?next={log_url(cast)}"
    assert "Su sesión terminó. Entre de nuevo: recuperaremos lo que escribió." in response.content.decode()


def test_after_signing_in_the_form_comes_back_filled_once(client, cast):
    session_ended(client, cast.admin)
    client.post(log_url(cast), log_post(text="Lo que escribí con cuidado.", link="x.com/a"))
    client.force_login(cast.admin)

    response = client.get(log_url(cast))

    form = response.context["form"]
    assert form.initial["text"] == "Lo que escribí con cuidado."
    assert form.initial["link"] == "x.com/a"
    assert "Recuperamos lo que escribió" in response.content.decode()
    assert "Lo que escribí con cuidado." not in client.get(log_url(cast)).content.decode()


def test_signing_in_through_the_login_page_keeps_what_was_typed(client, cast):
    cast.admin.set_password("clave-de-prueba-2026")
    cast.admin.save()
    session_ended(client, cast.admin)
    client.post(log_url(cast), log_post(text="Texto antes de entrar."))

    response = client.post(
        reverse("login"),
        {"username": cast.admin.username, "password": "clave-de-prueba-2026", "next": log_url(cast)},
        follow=True,
    )

    assert response.context["form"].initial["text"] == "Texto antes de entrar."


def test_the_form_is_refilled_on_the_page_it_was_on(client, cast):
    """The bitácora form on the account's page posts elsewhere; the person comes back to that page."""
    detail = reverse("accounts:detail", args=[cast.account.pk])
    session_ended(client, cast.admin)

    response = client.post(log_url(cast), log_post(text="Desde la ficha."), HTTP_REFERER=f"http://testserver{detail}")
    client.force_login(cast.admin)

    assert response.url == f"{reverse('login')}?next={detail}"
    assert client.get(detail).context["log_form"].initial["text"] == "Desde la ficha."


def test_passwords_and_the_csrf_token_are_never_kept(client, cast):
    session_ended(client, cast.admin)
    client.post(log_url(cast), {**log_post(), "csrfmiddlewaretoken": "abc", "new_password1": "secreta"})

    kept = client.session[RECOVERED_INPUT_SESSION_KEY][log_url(cast)]["fields"]
    assert "csrfmiddlewaretoken" not in kept
    assert "new_password1" not in kept
    assert kept["text"] == [log_post()["text"]]


def test_a_decision_comment_comes_back_on_the_request_page(client, cast):
    from approvals.tests import factories

    req = factories.opening(cast)
    detail = reverse("approvals:detail", args=[req.pk])
    session_ended(client, cast.cncs)
    client.post(
        reverse("approvals:decide", args=[req.pk]),
        {"decision": "return", "comment": "Falta el propósito detallado."},
        HTTP_REFERER=f"http://testserver{detail}",
    )
    client.force_login(cast.cncs)

    assert "Falta el propósito detallado." in client.get(detail).content.decode()


def test_someone_else_signing_in_on_the_same_browser_does_not_get_the_text(client, cast):
    session_ended(client, cast.admin)
    client.post(log_url(cast), log_post(text="Lo que escribió la otra persona."))
    client.force_login(cast.suplente)

    response = client.get(log_url(cast))

    assert response.context["form"].initial.get("text", "") == ""
    assert "Lo que escribió la otra persona." not in response.content.decode()


def test_nothing_is_kept_for_a_browser_nobody_signed_in_on(client, cast):
    response = client.post(log_url(cast), log_post(text="Anónimo."), follow=True)

    assert RECOVERED_INPUT_SESSION_KEY not in client.session
    assert "Entre de nuevo y vuelva a enviar el formulario." in response.content.decode()


def test_a_refused_decision_keeps_its_comment_on_the_page_it_came_from(client, cast):
    from approvals.tests import factories

    req = factories.opening(cast)
    detail = reverse("approvals:detail", args=[req.pk])
    client.force_login(cast.cncs)
    client.post(
        reverse("approvals:decide", args=[req.pk]),
        {
            "decision": "approve",
            "comment": "Aprobada; usen el manual de identidad 2026.",
            "identity_material": SimpleUploadedFile("logo.png", b"esto no es una imagen"),
            "next": detail,
        },
    )

    req.refresh_from_db()
    assert req.status == req.Status.SUBMITTED  # the bad file refused the decision
    assert "Aprobada; usen el manual de identidad 2026.</textarea>" in client.get(detail).content.decode()


def test_a_form_refused_for_its_expired_token_is_kept_for_its_author(cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.admin)
    detail = reverse("accounts:detail", args=[cast.account.pk])
    response = browser.post(
        log_url(cast), log_post(text="Escrito en otra pestaña."), HTTP_REFERER=f"http://testserver{detail}"
    )

    assert response.status_code == 403
    assert "Guardamos lo que escribió" in response.content.decode()
    assert browser.get(detail).context["log_form"].initial["text"] == "Escrito en otra pestaña."


def test_an_ordinary_logout_is_not_taken_for_an_expired_session(client, cast):
    client.force_login(cast.admin)

    response = client.post(reverse("logout"), follow=True)

    assert "Su sesión terminó" not in response.content.decode()


def test_file_inputs_carry_our_spanish_button_and_empty_text(client, cast):
    client.force_login(cast.titular)
    body = client.get(reverse("approvals:create", args=["apertura"])).content.decode()
    assert 'class="file-input-button"' in body and "Elegir archivo" in body and "Ningún archivo elegido" in body


def test_several_files_say_so_in_the_plural():
    from core.forms import MultipleFileInput

    html = MultipleFileInput().render("anexos", None, attrs={"id": "id_anexos"})
    assert "multiple" in html and "Elegir archivos" in html
