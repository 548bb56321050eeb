"""What the API app puts in the navigation (registered in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from core.panels import NavLink


def tokens_link(request: HttpRequest) -> NavLink:
    """Everyone signed in may create API tokens for what they already see and do."""
    return NavLink(label=_("Claves de API"), url=reverse("api:tokens"), order=800)
