"""The home page and the navigation are assembled from what each app registers.

An app registers, in its ``AppConfig.ready()``, a function that takes the request and
returns a ``Panel`` (or a ``NavLink``), or None when it has nothing for this user. The
decision of who sees what stays in that app's ``access.py``; ``core`` imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Panel:
    """One card on the home page: ``template`` is rendered with ``context`` as ``panel``."""

    template: str
    order: int = 100
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NavLink:
    """One entry of the main navigation; ``badge`` is a count shown beside the label."""

    label: str
    url: str
    order: int = 100
    badge: int = 0


PanelFunc = Callable[[HttpRequest], Panel | None]
NavFunc = Callable[[HttpRequest], NavLink | None]

_PANELS: list[PanelFunc] = []
_NAV: list[NavFunc] = []


def register_home_panel(func: PanelFunc) -> PanelFunc:
    if func not in _PANELS:
        _PANELS.append(func)
    return func


def register_nav_link(func: NavFunc) -> NavFunc:
    if func not in _NAV:
        _NAV.append(func)
    return func


def home_panels(request: HttpRequest) -> list[Panel]:
    panels = [p for p in (func(request) for func in _PANELS) if p is not None]
    return sorted(panels, key=lambda p: p.order)


def nav_links(request: HttpRequest) -> list[NavLink]:
    links = [link for link in (func(request) for func in _NAV) if link is not None]
    return sorted(links, key=lambda link: link.order)


def home_link(request: HttpRequest) -> NavLink:
    return NavLink(label=_("Inicio"), url=reverse("core:home"), order=0)


def admin_link(request: HttpRequest) -> NavLink | None:
    """Django's admin is for staff users; Django itself decides what each of them may do there."""
    if not request.user.is_staff:
        return None
    return NavLink(label=_("Administración"), url=reverse("admin:index"), order=1000)
