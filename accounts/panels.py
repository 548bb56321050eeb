"""Home-page panels: each app registers what its users should see first on the home page.

A panel function takes the request and returns None (nothing for this user) or a dict
with at least ``template`` (rendered with the dict as ``panel``) and optionally ``order``.
Apps register in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

PanelFunc = Callable[[HttpRequest], dict | None]
_PANELS: list[PanelFunc] = []


def register_home_panel(func: PanelFunc) -> PanelFunc:
    if func not in _PANELS:
        _PANELS.append(func)
    return func


def home_panels(request: HttpRequest) -> list[dict]:
    panels = [p for p in (func(request) for func in _PANELS) if p]
    return sorted(panels, key=lambda p: p.get("order", 100))
