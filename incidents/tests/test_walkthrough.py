"""The walk-through in a real browser: a demo administrator reports a hack from a phone,
and it reaches the titular's, CNCS's and UNICOM's inboxes and their mailboxes."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from core.tests.test_browser import _sign_in, launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hack_reported_in_the_browser_reaches_the_three_inboxes_and_mailboxes(live_server):
    from playwright.sync_api import sync_playwright

    from accounts.models import Account, User
    from notifications.delivery import deliver_pending_emails

    call_command("load_catalogue", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("load_demo", verbosity=0)
    account = Account.objects.get(handle="INEJalisco")
    mail.outbox.clear()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 900})
        _sign_in(context, live_server.url, "admin.jalisco")
        page = context.new_page()
        page.goto(f"{live_server.url}/cuentas/{account.pk}/")
        page.click("text=Reportar un incidente")
        page.fill("#id_detected_at", "2026-01-15T10:05")
        page.fill("#id_description", "Publicaron mensajes que no escribimos y no podemos entrar.")
        with page.expect_navigation():
            page.click("main form.card button[type=submit]")
        match = re.search(r"/incidentes/(\d+)/$", page.url)
        assert match, page.url
        pk = match.group(1)
        assert "Se registró el incidente" in page.inner_text("body")
        context.close()
        for username in ("titular.jalisco", "cncs", "unicom"):
            context = browser.new_context(locale="es-MX")
            _sign_in(context, live_server.url, username)
            page = context.new_page()
            page.goto(f"{live_server.url}/notificaciones/")
            assert f"Incidente #{pk}" in page.inner_text("body"), username
            context.close()
        browser.close()
    # Sent straight after commit; the outbox sweep (beat) finds nothing left, or sends
    # what a busy broker had not yet, never twice.
    deliver_pending_emails()
    emails = sorted(User.objects.get(username=u).email for u in ("titular.jalisco", "cncs", "unicom"))
    assert sorted(m.to[0] for m in mail.outbox if f"Incidente #{pk}" in m.subject) == emails
    assert Account.objects.get(pk=account.pk).status == Account.Status.COMPROMISED
