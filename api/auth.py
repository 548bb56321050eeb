"""Who calls: a personal token (``Authorization: Bearer ine_…``) or, from the browser, the
Django session with its CSRF token. A revoked token or an inactive person is not anyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from . import services
from .errors import ApiError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_token(token.strip())
        if user is None:
            return None
        # Whatever reads request.user (the history of an account, the services' notices)
        # sees the person, as on the web pages.
        request.user = user
        return user


class Session(APIKeyCookie):
    """Django's session, as the web pages use it; writes need the CSRF token
    (``X-CSRFToken`` header), like a form."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # Checked only for a signed-in browser (a write without the token is refused, as a
        # form would be); on safe methods Django's check passes.
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("Falta el token CSRF o no es válido; recargue la página."))
        return user

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # never called: __call__ decides


# Tried in this order: a token first, so a script never needs a CSRF token.
AUTH = [BearerToken(), Session()]
