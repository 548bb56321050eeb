from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.panels import NavLink

from . import access


def checker_link(request) -> NavLink | None:
    if not access.offers_checker(request.user):
        return None
    return NavLink(label=_("Revisar un texto"), url=reverse("contentrules:review"), order=25)
