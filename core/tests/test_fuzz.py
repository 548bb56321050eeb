"""No parameter makes a server error: every URL of the project, as an anonymous visitor,
Comunicación Social, an organ's administrator and its titular, with odd values for every
query and form parameter our views and forms read and for the URL's own integers.

A value a view cannot use is a 400 or a form error in Spanish (``core.params``,
``core.validators``); a 500 here is a bug.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from approvals.tests import factories as approval_factories
from consultations import services as consultation_services
from consultations.models import Consultation
from core.tests.project import PROJECT_APPS
from notifications.services import notify
from registry import services as registry_services

ROOT = Path(__file__).resolve().parents[2]
APPS = PROJECT_APPS  # every app of the repository (core/tests/project.py)

ODD_VALUES = {
    "superscript": "²",
    "arabic_indic": "٣",
    "long": "9" * 10_000,
    "negative": "-1",
    "nul": "\x00",
    "empty": "",
    "huge": str(10**30),
}
# What a view reads as a number: each such parameter is also tried alone with these, so a
# 400 from one parameter cannot hide a 500 from another.
NUMBER_VALUES = ("²", "٣", "-1", str(10**30))
# What a view reads as a place to go back to: never passed to reverse(), never off the site.
NEXT_VALUES = ("core:home", "approvals:dashboard", "https://example.com/", "//example.com/", "/a\r\nb", "x" * 10_000)
# Parameter names our pages write into links and forms, beside those found below. The
# sign-in form's too: odd names reach django-axes' records, and the pause that follows
# the tenth failure is a 429, never a 500.
KNOWN_PARAMS = {
    "ver", "cuenta", "corrige", "pagina", "next", "status", "estado", "q", "filtro", "tipo", "organ",
    "entidad", "network", "formato", "vencidas", "kind", "decision", "enviar", "username", "password",
}  # fmt: skip
HUGE = 10**30
# request.GET.get("x"), request.GET["x"], request.POST.getlist("x"), int_param(request.GET, "x")
READ_PATTERN = re.compile(r"""(?:GET|POST)(?:\.get\(|\[|\.getlist\(|,)\s*["'](\w+)["']""")


def _params_read_in_views() -> set[str]:
    """Every ``request.GET``/``request.POST`` key the views read, found in their source."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).glob("*views.py"):
            found |= set(READ_PATTERN.findall(path.read_text()))
    return found


def _form_fields() -> set[str]:
    """Every field of every form and filter declared in the project's forms modules."""
    import django_filters

    names = set()
    for app in APPS:
        try:
            module = __import__(f"{app}.forms", fromlist=["*"])
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, forms.BaseForm):
                names |= set(cls.base_fields)
            elif issubclass(cls, django_filters.FilterSet):
                names |= set(cls.base_filters)
    return names


ALL_PARAMS = sorted(KNOWN_PARAMS | _params_read_in_views() | _form_fields())


def _params_read_by(callback) -> list[str]:
    """The GET/POST keys read in the module of the route's view (helpers included)."""
    module = inspect.getmodule(inspect.unwrap(callback))
    return sorted(set(READ_PATTERN.findall(inspect.getsource(module))) - {"next"}) if module else []


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[tuple[str, type], ...]
    reads: tuple[str, ...] = ()


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin; its pages are Django's, tested by Django.
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = tuple((k, int if c.regex.startswith("[0-9]") else str) for k, c in converters.items())
            yield Route(f"{namespace}{entry.name}", kwargs, tuple(_params_read_by(entry.callback)))


ROUTES = sorted(set(_walk(get_resolver())), key=lambda r: r.name)


def test_the_walk_finds_the_project_urls():
    names = {r.name for r in ROUTES}
    assert {"approvals:dashboard", "approvals:decide", "accounts:log_add", "consultations:new", "core:home"} <= names
    assert "ver" in ALL_PARAMS and "corrige" in ALL_PARAMS and "q" in ALL_PARAMS
    reads = {r.name: r.reads for r in ROUTES}
    assert "ver" in reads["approvals:dashboard"] and "cuenta" in reads["approvals:create"]
    assert "corrige" in reads["accounts:log_add"] and "cuenta" in reads["consultations:new"]


@pytest.fixture
def world(cast, settings, tmp_path):
    """One object of each kind the URLs point at, visible to the cast."""
    settings.MEDIA_ROOT = tmp_path / "private"  # the oficio goes to a throw-away folder
    req = approval_factories.opening(cast)
    consultation = consultation_services.open_consultation(
        account_id=cast.account.pk,
        by=cast.admin,
        kind=Consultation.Kind.INFORMATION,
        question="¿Podemos publicar el horario del módulo?",
        subject_text="Horario del módulo de atención.",
    )
    [notification] = notify([cast.admin], kind="test", title="Aviso", body="Cuerpo", url="/")
    change = registry_services.propose_handle_change(
        account_id=cast.account.pk,
        by=cast.admin,
        new_handle="INENuevo",
        new_url="https://x.com/INENuevo",
        reason="La red cambió el nombre.",
    )
    return {
        "approvals": req.pk,
        "consultations": consultation.pk,
        "notifications": notification.pk,
        "accounts:organ": cast.organ.pk,
        "accounts:designate": cast.organ.pk,
        "accounts": cast.account.pk,
        "kind_slug": "cierre",
        "registry": change.pk,
        "registry:propose": cast.account.pk,
    }


def _urls(route: Route, world: dict) -> list[str]:
    """The route with real ids, and with every integer a 10**30 (and a bad slug)."""
    if not route.kwargs:
        return [reverse(route.name)]
    real, odd = {}, {}
    for name, kind in route.kwargs:
        if kind is int:
            key = route.name if route.name in world else route.name.split(":")[0]
            real[name] = world.get(key, 1) if name == "pk" else 1
            odd[name] = HUGE
        else:
            real[name] = world.get(name, "x")
            odd[name] = "zz-" + "x" * 300
    return [reverse(route.name, kwargs=real), reverse(route.name, kwargs=odd)]


def _reads_parameters(response) -> bool:
    """False when the view refused the method or sent the visitor to sign in first: then no
    parameter is read, and trying each odd value again would only slow the suite."""
    if response.status_code == 405:
        return False
    return not (response.status_code == 302 and response["Location"].startswith(reverse("login")))


def _fuzz_as(client: Client, route: Route, urls: list[str], who: str, failures: list[str]) -> int:
    """Every odd value on one route for one person; returns how many requests were made."""
    real, *odd_urls = urls
    sent = 0

    def check(response, what: str) -> None:
        nonlocal sent
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {who} {what}")

    for url in odd_urls:  # the URL's own integers, huge
        check(client.get(url), f"GET {url}")
        check(client.post(url), f"POST {url}")
    response = client.get(real)
    check(response, f"GET {real}")
    if _reads_parameters(response):
        for label, value in ODD_VALUES.items():
            check(client.get(real, {name: value for name in ALL_PARAMS}), f"GET {real} every parameter={label}")
        for name in route.reads:
            for value in NUMBER_VALUES:
                check(client.get(real, {name: value}), f"GET {real} {name}={value!r}")
    response = client.post(real)
    check(response, f"POST {real}")
    if _reads_parameters(response):
        for label, value in ODD_VALUES.items():
            check(client.post(real, {name: value for name in ALL_PARAMS}), f"POST {real} every parameter={label}")
        for value in NEXT_VALUES:
            check(client.post(real, {"next": value}), f"POST {real} next={value[:30]!r}")
    return sent


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_no_odd_parameter_makes_a_server_error(route, cast, world):
    failures: list[str] = []
    urls = _urls(route, world)
    people = {"anónimo": None, "CNCS": cast.cncs, "administrador": cast.admin, "titular": cast.titular}
    sent = sum(_fuzz_as(_client(user), route, urls, who, failures) for who, user in people.items())
    assert sent >= 2 * len(people)
    assert failures == []
