"""A form posted after the session ended: keep what was typed, sign in, get it back.

The text is given back only to the person who typed it: every signed-in page leaves a
signed cookie naming its user, which outlives the session, and a kept form records that
user as its owner. On a shared computer, whoever signs in next does not see it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from .params import site_path

# Session key: {form page path: {field: [values]}}, read once by core.forms.recovered_initial.
RECOVERED_INPUT_SESSION_KEY = "recovered_input"
# Never kept: the CSRF token, anything that looks like a password, and (by construction) files.
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
SECRET_MARKERS = ("password", "contrasena", "contraseña", "secret", "token")
MAX_KEPT_CHARACTERS = 200_000
MAX_KEPT_PAGES = 5
LAST_USER_COOKIE = "ine_ultima_persona"
_LAST_USER_SALT = "core.middleware.last_user"


def last_user_id(request) -> int | None:
    """Who last used this browser signed in (the signed cookie), whatever the session says."""
    try:
        return int(request.get_signed_cookie(LAST_USER_COOKIE, salt=_LAST_USER_SALT))
    except (KeyError, ValueError, signing.BadSignature):
        return None


def stash_input(request, page: str, fields: dict[str, list[str]], owner_id: int | None) -> bool:
    """Keep ``fields`` for ``page``, for ``owner_id`` only; ``core.forms.recovered_initial``
    gives them back once. Returns False when there is nothing to keep or no owner."""
    if owner_id is None or not fields:
        return False
    if sum(len(v) for values in fields.values() for v in values) > MAX_KEPT_CHARACTERS:
        return False
    path = urlsplit(page).path
    stash = dict(request.session.get(RECOVERED_INPUT_SESSION_KEY) or {})
    stash.pop(path, None)
    while len(stash) >= MAX_KEPT_PAGES:
        stash.pop(next(iter(stash)))
    stash[path] = {"owner": owner_id, "fields": fields}
    request.session[RECOVERED_INPUT_SESSION_KEY] = stash
    return True


def kept_fields(post) -> dict[str, list[str]]:
    """The text a person typed into a posted form, without secrets."""
    return {
        name: post.getlist(name)
        for name in post
        if name not in SKIPPED_FIELDS and not any(marker in name.lower() for marker in SECRET_MARKERS)
    }


def _is_login_redirect(response) -> bool:
    """``login_required``'s answer to an anonymous request: to the login page with ``next``."""
    if response.status_code != 302:
        return False
    location = urlsplit(response.get("Location", ""))
    return location.path == resolve_url(settings.LOGIN_URL) and "next" in parse_qs(location.query)


def form_page(request) -> str:
    """The page the form was on (it may post to another address that only takes POST)."""
    path = site_path(request, request.headers.get("Referer", ""))
    if path and urlsplit(path).path != resolve_url(settings.LOGIN_URL):
        return path
    return request.get_full_path()


class ExpiredSessionFormMiddleware:
    """When a form is posted to a login-required view after the session ended, keep its
    text fields in the (anonymous) session under the form's page, say what happened, and
    send the person to sign in and back to that page, where ``recovered_initial`` fills
    the form once. ``login()`` keeps the session's data, so the text survives it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous_post = request.method == "POST" and not request.user.is_authenticated
        response = self.get_response(request)
        if anonymous_post and _is_login_redirect(response):
            return self._keep_and_sign_in(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and last_user_id(request) != user.pk:
            response.set_signed_cookie(
                LAST_USER_COOKIE,
                str(user.pk),
                salt=_LAST_USER_SALT,
                max_age=30 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def _keep_and_sign_in(self, request):
        page = form_page(request)
        if stash_input(request, page, kept_fields(request.POST), last_user_id(request)):
            messages.warning(request, _("Su sesión terminó. Entre de nuevo: recuperaremos lo que escribió."))
        else:
            messages.warning(request, _("Su sesión terminó. Entre de nuevo y vuelva a enviar el formulario."))
        return redirect_to_login(page)
