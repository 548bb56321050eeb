"""Home panels (evaluations to do or to acknowledge, the next training) and the nav link."""

from __future__ import annotations

from django.http import HttpRequest

from core.panels import NavLink, Panel


def evaluations_panel(request: HttpRequest) -> Panel | None:
    return None  # built by the evaluation workflow


def training_panel(request: HttpRequest) -> Panel | None:
    return None  # built by the training work


def evaluations_link(request: HttpRequest) -> NavLink | None:
    return None  # built by the evaluation workflow
