"""The nav link to the onboarding pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.panels import NavLink

from . import access


def onboarding_link(request: HttpRequest) -> NavLink | None:
    """«Incorporación»: the imports for CNCS; the national progress for those who watch it."""
    user = request.user
    if access.imports(user):
        return NavLink(label=_("Incorporación"), url=reverse("onboarding:imports"), order=48)
    if access.sees_national_progress(user):
        return NavLink(label=_("Incorporación"), url=reverse("onboarding:regularisation"), order=48)
    return None
