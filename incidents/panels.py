"""The home panel (open incidents for those who act on them) and the navigation link."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.panels import NavLink, Panel

from . import access
from .models import Incident


def incidents_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not access.acts_on_incidents(user):
        return None
    open_incidents = (
        access.incidents_visible_to(user)
        .filter(status__in=Incident.OPEN_STATUSES)
        .select_related("account__network", "organ")
        .order_by("-reported_at", "-id")
    )
    recent = list(open_incidents[:10])
    if not recent and not access.may_report(user):
        return None
    return Panel(
        template="incidents/_home_panel.html",
        order=5,
        context={"incidents": recent, "count": open_incidents.count(), "may_report": access.may_report(user)},
    )


def incidents_link(request: HttpRequest) -> NavLink | None:
    user = request.user
    if not (access.sees_across_organs(user) or access.may_report(user)):
        return None
    return NavLink(label=_("Incidentes"), url=reverse("incidents:list"), order=30)
