"""CNCS's home panel (changes of handle waiting for verification) and its navigation link."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.panels import NavLink, Panel

from . import access
from .models import HandleChange


def _pending_count(request: HttpRequest) -> int:
    if not hasattr(request, "_registry_pending_changes"):
        request._registry_pending_changes = HandleChange.objects.filter(status=HandleChange.Status.PROPOSED).count()
    return request._registry_pending_changes


def pending_changes_panel(request: HttpRequest) -> Panel | None:
    if not access.can_decide(request.user):
        return None
    return Panel(template="registry/_home_panel.html", order=15, context={"count": _pending_count(request)})


def changes_link(request: HttpRequest) -> NavLink | None:
    if not access.can_decide(request.user):
        return None
    return NavLink(
        label=_("Cambios de usuario"), url=reverse("registry:changes"), order=45, badge=_pending_count(request)
    )
