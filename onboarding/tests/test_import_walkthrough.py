"""The walk-through in a real browser: the CNCS demo user uploads the demo inventory, reads
the preview with its errors, confirms it and downloads the rejected rows, on a phone
(390 px) and on a desk screen (1366 px)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from core.tests.test_browser import SIDEWAYS_CHECK, _sign_in, english_words, launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load_demo():
    call_command("load_catalogue", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("load_demo", verbosity=0)


def _fits(page) -> None:
    scroll_width, inner_width = page.evaluate(SIDEWAYS_CHECK)
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width} px de contenido en {inner_width} px"


@pytest.mark.parametrize("width", [390, 1366])
def test_cncs_uploads_the_demo_inventory_reads_its_errors_confirms_and_downloads_the_rejected_rows(live_server, width):
    import openpyxl
    from playwright.sync_api import sync_playwright

    from accounts.models import Account
    from onboarding.demo import ACCOUNTS_FILE
    from onboarding.models import Import, ImportRow

    _load_demo()
    accounts_before = Account.objects.count()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="es-MX", viewport={"width": width, "height": 900}, accept_downloads=True)
        _sign_in(context, live_server.url, "cncs")
        page = context.new_page()

        # The nav link leads to the imports; the upload form shows the columns and templates.
        page.goto(f"{live_server.url}/")
        assert page.locator("nav.mainnav a", has_text="Incorporación").count() == 1
        page.goto(f"{live_server.url}/incorporacion/importaciones/")
        _fits(page)
        page.click("text=Nueva importación")
        page.wait_for_url("**/incorporacion/importaciones/nueva/")
        _fits(page)
        assert "Descargar la plantilla (XLSX)" in page.inner_text("main")
        page.check("input[name=kind][value=accounts]")
        page.set_input_files("#id_file", str(ACCOUNTS_FILE))
        with page.expect_navigation():
            page.click("main form button[type=submit]")

        # The preview: what each row would do and every problem, nothing written yet. (The
        # database is read after the browser closes: Playwright's loop runs in this thread.)
        match = re.search(r"/incorporacion/importaciones/(\d+)/$", page.url)
        assert match, page.url + "\n" + page.inner_text("main")
        preview_text = page.inner_text("main")
        assert "Vista previa de la importación" in preview_text
        assert not english_words(preview_text), english_words(preview_text)
        _fits(page)
        page.screenshot(path=f"/tmp/importviews-walkthrough-preview-{width}.png", full_page=True)

        # The rows with errors alone.
        page.click("nav.tabs a:has-text('Con errores')")
        page.wait_for_url("**accion=rejected")
        rejected_shown = page.locator("main tbody tr").count()
        _fits(page)

        # Confirm: the valid rows are written, the result says who and when.
        with page.expect_navigation():
            page.click("button:has-text('Confirmar importación')")
        result_text = page.inner_text("main")
        assert "Importación confirmada" in result_text and "Resultado de la importación" in result_text
        assert "Mariana Castro León" in result_text
        _fits(page)
        page.screenshot(path=f"/tmp/importviews-walkthrough-result-{width}.png", full_page=True)

        # The rejected rows, with their «Errores» column, in both formats.
        with page.expect_download() as download_info:
            page.click("text=Descargar filas rechazadas (XLSX)")
        download = download_info.value
        assert download.suggested_filename.endswith(".xlsx")
        with open(download.path(), "rb") as fh:
            sheet = openpyxl.load_workbook(io.BytesIO(fh.read()), read_only=True).active
        xlsx_rows = list(sheet.iter_rows(values_only=True))
        with page.expect_download() as download_info:
            page.click("text=Descargar filas rechazadas (CSV)")
        download = download_info.value
        assert download.suggested_filename.endswith(".csv")
        with open(download.path(), encoding="utf-8-sig") as fh:
            csv_rows = list(csv.reader(io.StringIO(fh.read())))
        context.close()
        browser.close()

    run = Import.objects.get(pk=match.group(1))
    assert run.status == Import.Status.CONFIRMED and run.decided_by.username == "cncs"
    assert (run.created_count, run.unchanged_count, run.rejected_count) == (7, 2, 6)
    assert Account.objects.count() == accounts_before + run.created_count
    rejected = list(run.rows.filter(action=ImportRow.Action.REJECTED))
    for row in rejected:
        for error in row.errors:
            assert error in preview_text, error
    assert rejected_shown == len(rejected)
    errors_column = xlsx_rows[0].index("Errores")
    assert len(xlsx_rows) - 1 == len(rejected)
    assert [r[errors_column] for r in xlsx_rows[1:]] == [" | ".join(row.errors) for row in rejected]
    assert "Errores" in csv_rows[0] and len(csv_rows) - 1 == len(rejected)


def test_the_organs_complete_regularisation_in_the_browser_and_the_deadline_settles_each_account(live_server):
    """After the demo's inventory: Jalisco's titular accepts the criteria for every account,
    its administrator confirms the TikTok account's use and records its password change, and
    CNCS watches the national progress; at the deadline Jalisco's accounts become active and
    the Ciudad de México's incomplete ones are reclassified, which the public lookup says."""
    from playwright.sync_api import sync_playwright

    from accounts.models import Account, Organ
    from onboarding import regularisation

    _load_demo()
    jalisco = Organ.objects.get(code="jle-14").pk
    organ_url = f"{live_server.url}/incorporacion/regularizacion/organos/{jalisco}/"
    seen: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)

        context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 900})
        _sign_in(context, live_server.url, "titular.jalisco")
        page = context.new_page()
        page.goto(organ_url)
        seen["before"] = page.inner_text("main")
        with page.expect_navigation():
            page.click("button:has-text('Aceptar los criterios para todas las cuentas')")
        seen["accepted"] = page.inner_text("main")
        _fits(page)
        context.close()

        context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 900})
        _sign_in(context, live_server.url, "admin.jalisco")
        page = context.new_page()
        page.goto(organ_url)
        with page.expect_navigation():
            page.click("button:has-text('Confirmar el uso institucional')")
        page.click("a:has-text('Registrar cambio de contraseña')")
        page.check("#id_meets_policy")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.goto(organ_url)
        seen["complete"] = page.inner_text("main")
        _fits(page)
        page.screenshot(path="/tmp/importviews-walkthrough-regularisation-390.png", full_page=True)
        context.close()

        context = browser.new_context(locale="es-MX", viewport={"width": 1366, "height": 900})
        _sign_in(context, live_server.url, "cncs")
        page = context.new_page()
        page.goto(f"{live_server.url}/incorporacion/regularizacion/")
        seen["national"] = page.inner_text("main")
        _fits(page)
        context.close()
        browser.close()

    assert "2 cuentas en regularización" in seen["before"] and "(1 completa)" in seen["before"]
    assert "Criterios aceptados para 1 cuenta" in seen["accepted"]
    assert "(2 completas)" in seen["complete"]
    assert "Junta Local Ejecutiva en Jalisco" in seen["national"]
    assert not english_words(seen["national"]), english_words(seen["national"])

    # The deadline passes: the beat task settles every account in regularisation.
    deadline = regularisation.national_deadline()
    regularisation.close_regularisation(today=deadline + timedelta(days=1))
    statuses = {
        f"{a.organ.code}/{a.network.code}": a.status
        for a in Account.objects.filter(regularisation__isnull=False).select_related("organ", "network")
    }
    assert statuses == {
        "jle-14/threads": Account.Status.ACTIVE,
        "jle-14/tiktok": Account.Status.ACTIVE,
        "jle-09/youtube": Account.Status.RECLASSIFIED,
        "jle-09/threads": Account.Status.RECLASSIFIED,
    }

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="es-MX", viewport={"width": 390, "height": 900})
        page.goto(f"{live_server.url}/verificar/?q=https://www.threads.net/@ine.cdmx")
        public = page.inner_text("main")
        browser.close()
    assert "No es una cuenta institucional del INE" in public
