"""The page in a real browser: live findings as one types (the script), and the same page
with JavaScript off (the button)."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DRAFT = "Escribe a pepe.lopez@gmail.com. ÚLTIMO AVISO PARA TODOS LOS CIUDADANOS"


@pytest.fixture
def person(cast):
    user = UserFactory(username="revisora")
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    return user


def _signed_in_page(browser, base_url: str, username: str, javascript: bool = True):
    context = browser.new_context(locale="es-MX", java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{base_url}/entrar/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    page.goto(f"{base_url}/contenido/revisar/")
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["con-js", "sin-js"])
def test_the_findings_show_with_and_without_javascript(live_server, person, javascript):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        page = _signed_in_page(browser, live_server.url, person.username, javascript)
        if javascript:
            page.locator("#id_texto").press_sequentially(DRAFT, delay=2)
            # No click: the script asks the server as one types.
            expect(page.locator("mark.finding-blocks")).to_have_text("pepe.lopez@gmail.com", timeout=5000)
            assert page.url.endswith("/contenido/revisar/")
        else:
            page.fill("#id_texto", DRAFT)
            with page.expect_navigation():
                page.click("button[name=revisar]")
            expect(page.locator("mark.finding-blocks")).to_have_text("pepe.lopez@gmail.com")
        expect(page.locator("mark.finding-advice")).to_contain_text("ÚLTIMO AVISO")
        expect(page.locator("ol.findings li")).to_have_count(2)
        browser.close()
