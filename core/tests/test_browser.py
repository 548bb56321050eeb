"""Every main page in a real browser, as the demo users, on a phone and on a desk screen.

Debian's chromium (apt-get install chromium), driven by Playwright, opens each page at
390 px and 1366 px wide and checks what a person would see: the page does not scroll
sideways, no visible text or control overlaps another, no English word slipped through,
and the error pages are Spanish. A screenshot of each is left in var/screenshots/ to look
at. The whole crawl runs once per session, on the catalogue and the demo data; each
(user, page, width) is then one test, so a failure names the page, the width and the check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from conftest import CHROMIUM

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# (who, page name, path, expected status). Who is a demo user, or None for the public.
# The path may name the demo objects: {account}, {organ}, {request}, {consultation},
# {incident} (Jalisco's open hate-speech incident), {hack} (the open hack), {closed_hack}.
HOME_PAGES = [
    (user, "inicio", "/", 200)
    for user in (
        "titular.jalisco",
        "admin.jalisco",
        "suplente.jalisco",
        "titular.cdmx",
        "admin.cdmx",
        "suplente.cdmx",
        "cncs",
        "unicom",
        "comite.presidente",
        "comite.secretario",
        "consejero",
        "admin",
    )
]
MAIN_PAGES = [
    (None, "entrar", "/entrar/", 200),
    (None, "recuperar-contrasena", "/entrar/recuperar/", 200),
    (None, "verificar", "/verificar/", 200),
    (None, "verificar-resultado", "/verificar/?q=INEJalisco", 200),
    (None, "verificar-comprometida", "/verificar/?q=https://www.instagram.com/ine.cdmx/", 200),
    (None, "verificar-pendiente", "/verificar/?q=INEJaliscoOficial", 200),
    (None, "verificar-cerrada", "/verificar/?q=@ine.jal05", 200),
    (None, "verificar-parecida", "/verificar/?q=INEMexic0", 200),
    (None, "directorio", "/verificar/directorio/", 200),
    (None, "error-404", "/no-existe/", 404),
    ("admin.jalisco", "cuentas", "/cuentas/", 200),
    ("admin.jalisco", "cuenta", "/cuentas/{account}/", 200),
    ("admin.jalisco", "contrasenas", "/contrasenas/", 200),
    ("admin.jalisco", "consultas", "/consultas/", 200),
    ("admin.jalisco", "consulta-nueva", "/consultas/nueva/", 200),
    ("admin.jalisco", "revisar-texto", "/contenido/revisar/", 200),
    ("cncs", "listas-revisor", "/contenido/listas/", 200),
    ("admin.jalisco", "consulta", "/consultas/{consultation}/", 200),
    ("admin.jalisco", "error-403", "/solicitudes/tablero/", 403),
    ("admin.jalisco", "error-404", "/cuentas/999999/", 404),
    ("titular.jalisco", "organo", "/organos/{organ}/", 200),
    ("titular.jalisco", "solicitud-nueva", "/solicitudes/nueva/", 200),
    ("titular.cdmx", "solicitudes", "/solicitudes/", 200),
    ("titular.cdmx", "solicitud", "/solicitudes/{request}/", 200),
    ("comite.presidente", "cobertura", "/cobertura/", 200),
    ("cncs", "cuentas", "/cuentas/", 200),
    ("cncs", "cuenta", "/cuentas/{account}/", 200),
    ("cncs", "solicitudes", "/solicitudes/", 200),
    ("cncs", "solicitud", "/solicitudes/{request}/", 200),
    ("cncs", "tablero", "/solicitudes/tablero/", 200),
    ("cncs", "tablero-ver", "/solicitudes/tablero/?ver={request}", 200),
    ("cncs", "bandeja", "/consultas/bandeja/", 200),
    ("cncs", "consulta", "/consultas/{consultation}/", 200),
    ("cncs", "notificaciones", "/notificaciones/", 200),
    ("admin.jalisco", "incidentes", "/incidentes/", 200),
    ("admin.jalisco", "incidente-reportar", "/incidentes/reportar/", 200),
    ("admin.jalisco", "incidente", "/incidentes/{incident}/", 200),
    ("cncs", "incidentes", "/incidentes/", 200),
    ("cncs", "incidente-hackeo", "/incidentes/{hack}/", 200),
    ("cncs", "incidente-resumen", "/incidentes/{closed_hack}/resumen/", 200),
    ("cncs", "preferencias", "/notificaciones/preferencias/", 200),
    ("cncs", "cambios-de-usuario", "/registro/cambios/", 200),
    ("admin.jalisco", "cambios-de-usuario", "/registro/cambios/", 200),
    ("admin.jalisco", "cambio-de-usuario", "/cuentas/{account}/cambio-de-usuario/", 200),
    ("admin.jalisco", "claves-api", "/claves-api/", 200),
    ("cncs", "evaluaciones", "/evaluaciones/", 200),
    ("cncs", "evaluacion-en-elaboracion", "/evaluaciones/{evaluation}/", 200),
    ("cncs", "evaluacion-corregida", "/evaluaciones/{corrected}/", 200),
    ("cncs", "informes", "/evaluaciones/informes/", 200),
    ("cncs", "informe-organos", "/evaluaciones/informes/organos/?organo=todos", 200),
    ("cncs", "capacitacion", "/evaluaciones/capacitacion/", 200),
    ("cncs", "capacitacion-reunion", "/evaluaciones/capacitacion/{held_meeting}/", 200),
    ("comite.presidente", "criterios", "/evaluaciones/criterios/", 200),
    ("comite.presidente", "criterios-borrador", "/evaluaciones/criterios/{draft}/", 200),
    ("titular.jalisco", "evaluaciones", "/evaluaciones/", 200),
    ("titular.jalisco", "evaluacion-emitida", "/evaluaciones/{corrected}/", 200),
    ("admin.jalisco", "capacitacion", "/evaluaciones/capacitacion/", 200),
    ("cncs", "importaciones", "/incorporacion/importaciones/", 200),
    ("cncs", "importacion-nueva", "/incorporacion/importaciones/nueva/", 200),
    ("cncs", "importacion-resultado", "/incorporacion/importaciones/{demo_import}/", 200),
    ("cncs", "importacion-rechazadas", "/incorporacion/importaciones/{demo_import}/?accion=rejected", 200),
    ("cncs", "salir", "/salir/", 200),
    ("cncs", "regularizacion", "/incorporacion/regularizacion/", 200),
    ("cncs", "regularizacion-fecha-limite", "/incorporacion/regularizacion/fecha-limite/", 200),
    ("cncs", "regularizacion-organo", "/incorporacion/regularizacion/organos/{organ}/", 200),
    ("cncs", "regularizacion-prorroga", "/incorporacion/regularizacion/organos/{organ}/prorroga/", 200),
    ("comite.presidente", "regularizacion", "/incorporacion/regularizacion/", 200),
    ("titular.jalisco", "regularizacion-organo", "/incorporacion/regularizacion/organos/{organ}/", 200),
    ("admin.jalisco", "regularizacion-organo", "/incorporacion/regularizacion/organos/{organ}/", 200),
    ("admin.jalisco", "cuenta-en-regularizacion", "/cuentas/{regularizing}/", 200),
]
PAGES = HOME_PAGES + MAIN_PAGES
CASES = [(who, name, width) for who, name, _path, _status in PAGES for width in WIDTHS]

# What an error page must say, in Spanish.
ERROR_TEXTS = {
    403: "El tablero de solicitudes es de Comunicación Social.",
    404: "Ir al inicio",
}

# Common English words of a web interface, whole words only. Function words in any case
# ("The", "and"); interface words as they would be written on a button or a heading.
_ENGLISH_ANY_CASE = ["the", "and", "of", "with", "your", "you", "is", "are", "this", "that", "please"]
_ENGLISH_AS_WRITTEN = [
    "Submit", "Save", "Delete", "Search", "Page", "Next", "Previous", "Home", "Log in", "Log out", "Login",
    "Logout", "Sign in", "Sign out", "Password", "Username", "required", "This field", "Cancel", "Edit", "Back",
    "Close", "Menu", "Welcome", "Loading", "Forbidden", "Not Found", "Server Error", "Bad Request", "Enter a valid",
    "Select a valid", "Choose", "Browse", "Settings", "Notifications", "Dashboard", "Account", "Accounts",
    "Request", "Requests", "Details", "Status", "Actions", "Filter", "Clear", "Download", "Upload", "Yes",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "ago", "minutes", "hours", "days", "DEBUG",
]  # fmt: skip
# Phrases first, so "This field" is found as one, not as "This".
ENGLISH = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(w) for w in _ENGLISH_AS_WRITTEN)
    + "|"
    + "|".join(f"(?i:{re.escape(w)})" for w in _ENGLISH_ANY_CASE)
    + r")(?!\w)"
)

# Visible text (each line box of each text node) and controls, as rectangles clipped by
# every ancestor that clips its overflow. Two of them overlap when they share more than
# MIN pixels both ways and neither element contains the other (a button and its label,
# a link and its icon are one thing). Text rects are line boxes, whose height can exceed
# a tight line-height by a pixel or two: hence the margin.
OVERLAP_CHECK = """
() => {
  const MIN = 3;
  const CONTROLS = 'input:not([type=hidden]), select, textarea, button, img, svg, video, iframe';
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'TITLE']);
  // Rendered, visible and not transparent, and not inside a closed <details> (whose
  // content keeps its boxes in Chromium, hidden by content-visibility).
  function shown(el) {
    return el.checkVisibility({visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true});
  }
  function clip(rect, from) {
    let r = {left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom};
    for (let e = from; e && e !== document.documentElement && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      const c = e.getBoundingClientRect();
      if (s.overflowX !== 'visible' || s.clip !== 'auto') {
        r.left = Math.max(r.left, c.left); r.right = Math.min(r.right, c.right);
      }
      if (s.overflowY !== 'visible' || s.clip !== 'auto') {
        r.top = Math.max(r.top, c.top); r.bottom = Math.min(r.bottom, c.bottom);
      }
    }
    return r;
  }
  function describe(el, text) {
    const names = typeof el.className === 'string' ? el.className.trim() : '';
    const cls = names ? '.' + names.split(/\\s+/).join('.') : '';
    const what = (text || el.getAttribute('aria-label') || el.getAttribute('alt') || el.value || el.textContent || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${cls} «${what}»`;
  }
  const items = [];
  function add(rect, owner, text, clipFrom) {
    if (rect.width < 1 || rect.height < 1) return;
    const r = clip(rect, clipFrom);
    if (r.right - r.left < 2 || r.bottom - r.top < 2) return;
    items.push({r, owner, text});
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const owner = node.parentElement;
    if (!owner || !node.textContent.trim() || SKIP.has(owner.tagName) || owner.closest('select, svg')) continue;
    if (!shown(owner)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) add(rect, owner, node.textContent, owner);
  }
  for (const el of document.body.querySelectorAll(CONTROLS)) {
    if (el.closest('svg') !== el && el.closest('svg')) continue;
    if (!shown(el)) continue;
    for (const rect of el.getClientRects()) add(rect, el, '', el.parentElement);
  }
  const found = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.owner === b.owner || a.owner.contains(b.owner) || b.owner.contains(a.owner)) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > MIN && y > MIN) {
        found.push(`${describe(a.owner, a.text)} ↔ ${describe(b.owner, b.text)}`);
        if (found.length >= 10) return found;
      }
    }
  }
  return found;
}
"""

SIDEWAYS_CHECK = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@dataclass
class Seen:
    status: int
    scroll_width: int
    inner_width: int
    overlaps: list[str]
    text: str
    lang: str
    title: str
    url: str
    problems: list[str] = field(default_factory=list)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)


def look(page) -> tuple[list[int], list[str], str, str, str]:
    return (
        page.evaluate(SIDEWAYS_CHECK),
        page.evaluate(OVERLAP_CHECK),
        page.evaluate("() => document.body.innerText"),
        page.evaluate("() => document.documentElement.lang"),
        page.title(),
    )


def english_words(text: str) -> list[str]:
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


def _load_demo_data() -> dict[str, int]:
    """The catalogue and every app's demo data, as `make run` loads them (load_demo), and
    the ids of the objects the pages open. The demo refuses to run with DEBUG off, so it
    runs under DEBUG only while loading; the pages are served with DEBUG off."""
    from accounts.models import Account, Organ
    from approvals.models import AccountRequest
    from consultations.models import Consultation
    from evaluations.models import CriteriaVersion, Evaluation, TrainingMeeting
    from incidents.models import Incident
    from onboarding.models import Import

    call_command("load_catalogue", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("load_demo", verbosity=0)
    return {
        "account": Account.objects.get(handle="INEJalisco").pk,
        "organ": Organ.objects.get(code="jle-14").pk,
        "request": AccountRequest.objects.order_by("pk").first().pk,
        "consultation": Consultation.objects.order_by("pk").first().pk,
        "incident": Incident.objects.get(kind="hate", status="reported").pk,
        "hack": Incident.objects.get(kind="hack", status="contained").pk,
        "closed_hack": Incident.objects.get(kind="hack", status="closed").pk,
        "evaluation": Evaluation.objects.get(status="in_progress").pk,
        "corrected": Evaluation.objects.filter(revision=2).first().pk,
        "held_meeting": TrainingMeeting.objects.get(status="held").pk,
        "draft": CriteriaVersion.objects.get(status="draft").pk,
        "demo_import": Import.objects.get(status="confirmed").pk,
        "regularizing": Account.objects.filter(status="regularizing", organ__code="jle-14").order_by("pk").first().pk,
    }


def _sign_in(context, base_url: str, username: str) -> None:
    """Through the real login form, as a person does."""
    page = context.new_page()
    page.goto(f"{base_url}/entrar/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url.rstrip("/") == base_url, f"{username} no pudo entrar: {page.url}\n{page.inner_text('body')}"
    page.close()


@pytest.fixture(scope="module")
def crawl(live_server, django_db_setup, django_db_blocker) -> dict[tuple, Seen]:
    from playwright.sync_api import sync_playwright

    seen: dict[tuple, Seen] = {}
    # Unblocked for the live server's thread too (pytest-django's blocker is global).
    blocker = django_db_blocker.unblock()
    blocker.__enter__()
    try:
        ids = _load_demo_data()
        by_user: dict[str | None, list[tuple]] = {}
        for who, name, path, status in PAGES:
            by_user.setdefault(who, []).append((name, path.format(**ids), status))
        # Nothing in this thread touches the database while the browser runs: the live
        # server answers from its own.
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for who, pages in by_user.items():
                context = browser.new_context(locale="es-MX", viewport={"width": WIDTHS[0], "height": 900})
                if who is not None:
                    _sign_in(context, live_server.url, who)
                page = context.new_page()
                for name, path, _status in pages:
                    for width in WIDTHS:
                        page.set_viewport_size({"width": width, "height": 900})
                        response = page.goto(f"{live_server.url}{path}", wait_until="load")
                        sideways, overlaps, text, lang, title = look(page)
                        folder = SCREENSHOTS / str(width)
                        folder.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(folder / f"{who or 'publico'}--{name}.png"), full_page=True)
                        seen[(who, name, width)] = Seen(
                            status=response.status,
                            scroll_width=sideways[0],
                            inner_width=sideways[1],
                            overlaps=overlaps,
                            text=text,
                            lang=lang,
                            title=title,
                            url=path,
                        )
                context.close()
            browser.close()
        yield seen
    finally:
        call_command("flush", interactive=False, verbosity=0)
        blocker.__exit__(None, None, None)


@pytest.mark.parametrize(("who", "name", "width"), CASES, ids=[f"{w or 'publico'}-{n}-{px}px" for w, n, px in CASES])
def test_the_page_fits_nothing_overlaps_and_it_speaks_spanish(crawl, who, name, width):
    expected_status = next(s for w, n, _p, s in PAGES if (w, n) == (who, name))
    seen = crawl[(who, name, width)]
    problems = []
    if seen.status != expected_status:
        problems.append(f"respondió {seen.status}, se esperaba {expected_status}")
    if seen.scroll_width > seen.inner_width:
        problems.append(f"se desplaza de lado: {seen.scroll_width} px de contenido en {seen.inner_width} px")
    if seen.overlaps:
        problems.append("elementos encimados: " + "; ".join(seen.overlaps))
    if words := english_words(seen.text):
        problems.append(f"palabras en inglés: {', '.join(words)}")
    if seen.lang.lower() != "es-mx":
        problems.append(f'<html lang="{seen.lang}">, se esperaba es-MX')
    if not seen.title.strip():
        problems.append("la página no tiene título")
    if expected_status in ERROR_TEXTS and ERROR_TEXTS[expected_status] not in seen.text:
        problems.append(f"la página de error no dice «{ERROR_TEXTS[expected_status]}»")
    assert not problems, f"{seen.url} como {who or 'público'} a {width} px: " + " | ".join(problems)


# --- The checks themselves, on pages made to fail and to pass --------------------------------

PAGE_WITH_OVERLAP = """<html lang="es-MX"><body style="margin:0">
<p style="position:absolute; top:10px; left:10px; margin:0">Texto de abajo</p>
<p style="position:absolute; top:14px; left:30px; margin:0">Texto encimado</p>
</body></html>"""
PAGE_WITH_A_COVERED_BUTTON = """<html lang="es-MX"><body style="margin:0">
<button style="position:absolute; top:0; left:0; width:120px; height:40px">Aprobar</button>
<aside style="position:absolute; top:5px; left:5px; width:300px; background:#fff">Panel lateral</aside>
</body></html>"""
PAGE_WITHOUT_OVERLAP = """<html lang="es-MX"><head><style>
.sr { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap }
.box { width:200px; overflow:auto; white-space:nowrap }
h1, p { line-height:1.1 }
</style></head><body>
<h1>Un título <small>con un añadido</small></h1>
<p>Un párrafo con <strong>negritas</strong>, <a href="#">un enlace <img alt="" width="12" height="12"></a> y más
texto que se parte en varias líneas, porque es largo, muy largo, tan largo que no cabe en una sola.</p>
<label><input type="checkbox"> Acepto las condiciones</label>
<button>Guardar <span>cambios</span></button>
<span class="sr">Solo para lectores de pantalla, encima de todo</span>
<div class="box">Una tabla muy ancha que se desplaza dentro de su propia caja y no fuera de ella</div>
<p>Después de la caja.</p>
<details><summary>Más</summary><p style="margin-top:-40px">Oculto mientras está cerrado</p></details>
</body></html>"""
PAGE_TOO_WIDE = """<html lang="es-MX"><body><div style="width:800px">Ancho</div></body></html>"""


@pytest.fixture
def blank_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 390, "height": 600})
        yield page
        browser.close()


@pytest.mark.parametrize("html", [PAGE_WITH_OVERLAP, PAGE_WITH_A_COVERED_BUTTON], ids=["text", "button"])
def test_the_overlap_check_finds_text_over_text_and_a_panel_over_a_button(blank_page, html):
    blank_page.set_content(html)
    assert blank_page.evaluate(OVERLAP_CHECK)


def test_the_overlap_check_accepts_nested_wrapped_clipped_and_hidden_text(blank_page):
    blank_page.set_content(PAGE_WITHOUT_OVERLAP)
    assert blank_page.evaluate(OVERLAP_CHECK) == []
    assert blank_page.evaluate(SIDEWAYS_CHECK) == [390, 390]


def test_the_sideways_check_finds_a_page_wider_than_the_screen(blank_page):
    blank_page.set_content(PAGE_TOO_WIDE)
    scroll_width, inner_width = blank_page.evaluate(SIDEWAYS_CHECK)
    assert scroll_width > inner_width


@pytest.mark.parametrize(
    "text, words",
    [
        ("Save the changes", ["Save", "the"]),
        ("Page 2 of 3 · Next", ["Next", "Page", "of"]),
        ("This field is required.", ["This field", "is", "required"]),
        ("The Request", ["Request", "The"]),
        ("Página 2 de 3 · Siguiente · Guardar · Contraseña · Buscar · 24 de noviembre", []),
        ("@INEJalisco en X (Twitter), Facebook e Instagram · Theatro · Isla · Ofelia", []),
    ],
)
def test_the_english_check_finds_whole_english_words_only(text, words):
    assert english_words(text) == words
