"""Sessions that end, signing out, and people who stopped using the system.

- ``SessionLifetimeMiddleware``: a session ends after SESSION_IDLE_TIMEOUT_MINUTES without a
  request, and SESSION_ABSOLUTE_HOURS after sign-in whatever happens; the person is signed
  out and sent to sign in with a Spanish message. A form posted after that goes on to its
  view as anonymous, so ``core.middleware.ExpiredSessionFormMiddleware`` keeps its text.
- ``NoStoreForSignedInMiddleware``: whatever a signed-in person receives (pages, exports,
  API answers to a token) is ``Cache-Control: private, no-store`` unless the view said
  otherwise; anonymous answers (the public verification, the public API) are untouched.
- ``SignOutView``: ``/salir/`` signs out on POST; a GET asks first, or sends an anonymous
  visitor to the sign-in page.

People who have not signed in for USER_INACTIVITY_DAYS are deactivated by accounts.inactivity
(core imports no domain app), through the ordinary deactivation.

Django itself gives a new session id on sign-in and ends every session of a person whose
password changes (the session auth hash) or who is deactivated (ModelBackend.get_user
refuses an inactive user): core/tests/test_sessions*.py prove both.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

# Session keys, in seconds since the epoch.
STARTED_KEY = "_session_started_at"
LAST_SEEN_KEY = "_session_last_seen_at"
# The last-seen time is written back at most this often, so that a page that loads several
# resources does not rewrite the session on each one; the timeout is exact to this.
LAST_SEEN_RESOLUTION_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def idle_timeout_seconds() -> int:
    return settings.SESSION_IDLE_TIMEOUT_MINUTES * 60


def absolute_lifetime_seconds() -> int:
    return settings.SESSION_ABSOLUTE_HOURS * 3600


def ended_because(session, now: float) -> str | None:
    """Why this signed-in session has ended (IDLE or ABSOLUTE), or None while it lasts."""
    started, last_seen = session.get(STARTED_KEY), session.get(LAST_SEEN_KEY)
    if started is None or last_seen is None:
        return None
    if now - last_seen > idle_timeout_seconds():
        return IDLE
    if now - started > absolute_lifetime_seconds():
        return ABSOLUTE
    return None


def end_message(reason: str) -> str:
    if reason == IDLE:
        minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
        return ngettext(
            "Su sesión terminó por inactividad: pasó más de %(n)s minuto sin usar el sistema. Entre de nuevo.",
            "Su sesión terminó por inactividad: pasaron más de %(n)s minutos sin usar el sistema. Entre de nuevo.",
            minutes,
        ) % {"n": minutes}
    hours = settings.SESSION_ABSOLUTE_HOURS
    return ngettext(
        "Su sesión terminó después de %(n)s hora: por seguridad, ninguna sesión dura más. Entre de nuevo.",
        "Su sesión terminó después de %(n)s horas: por seguridad, ninguna sesión dura más. Entre de nuevo.",
        hours,
    ) % {"n": hours}


def _is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.get("Location", ""))
    return location.path == resolve_url(settings.LOGIN_URL) and "next" in parse_qs(location.query)


def _is_api(request) -> bool:
    # The JSON API answers 401 itself; it never gets an HTML redirect.
    return request.path.startswith("/api/")


def start_clock(sender, request, user, **kwargs) -> None:
    """On user_logged_in: both clocks start at sign-in, in the session ``login()`` saves, so
    the first page after it writes nothing more."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[STARTED_KEY] = now
        session[LAST_SEEN_KEY] = now


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware, before
    ExpiredSessionFormMiddleware (which must see the person already signed out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            response = self.get_response(request)
            self._start(request)
            return response
        now = time.time()
        reason = ended_because(request.session, now)
        if reason is None:
            if now - request.session.get(LAST_SEEN_KEY, 0) >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
            request.session.setdefault(STARTED_KEY, now)
            return self.get_response(request)

        logger.info("Session of user %s ended (%s)", user.pk, reason)
        logout(request)
        if request.method in ("GET", "HEAD") and request.path == resolve_url(settings.LOGIN_URL):
            # Already where they would be sent: the sign-in page itself, with the reason.
            messages.warning(request, end_message(reason))
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and not _is_api(request):
            messages.warning(request, end_message(reason))
            return redirect_to_login(request.get_full_path())
        # A form (or an API call) goes on as anonymous: a login-required view answers with
        # the sign-in page, and ExpiredSessionFormMiddleware keeps the text and says so.
        response = self.get_response(request)
        if not _is_api(request) and not _is_login_redirect(response):
            messages.warning(request, end_message(reason))
        return response

    @staticmethod
    def _start(request) -> None:
        """The sign-in itself: the clock starts when the person becomes signed in. Only a
        session sign-in: an API token names its person on the request, not in a session,
        and must not start one."""
        if SESSION_KEY in request.session and STARTED_KEY not in request.session:
            now = time.time()
            request.session[STARTED_KEY] = now
            request.session[LAST_SEEN_KEY] = now


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in person receives is kept by a proxy or the browser's cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: an API token names its person only inside the view.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class SignOutView(LogoutView):
    """POST signs out (Django's LogoutView). A GET, from a bookmark or a typed address,
    asks first when someone is signed in, and otherwise goes to the sign-in page."""

    http_method_names = ["get", "head", "post", "options"]
    template_name = "registration/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return render(request, self.template_name, {})
