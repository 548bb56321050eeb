import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.functional import Promise

from .middleware import form_page, kept_fields, last_user_id, stash_input
from .panels import home_panels
from .params import site_path


@login_required
def home(request):
    """The home page is the panels the apps registered for this user, in their order."""
    return render(request, "core/home.html", {"panels": home_panels(request)})


# --- Error pages ---------------------------------------------------------------------------------
# Spanish pages in the site's layout with a way back, whatever DEBUG says. A refusal's own
# reason is shown when it is one of ours (PermissionDenied(_("…")), Http404(_("…")),
# BadRequest(_("…")) from core.params); Django's internal texts (English, or naming a
# model) never reach the page.

_DJANGO_404 = re.compile(r"matches the given query|^No .* found matching the query")


def _back_url(request) -> str:
    """The page the person came from when it is one of ours, else the home page."""
    path = site_path(request, request.META.get("HTTP_REFERER", ""))
    if path and path != request.get_full_path():
        return path
    return reverse("core:home")


def _reason(exception) -> str:
    """The message an exception was raised with, or "" when it is not one to show."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str | Promise):
        return ""
    text = str(exception.args[0]).strip()
    if not text or _DJANGO_404.search(text) or len(text) > 500:
        return ""
    return text


def _error_page(request, template: str, status: int, reason: str = ""):
    response = render(request, template, {"reason": reason, "back_url": _back_url(request)}, status=status)
    response.ine_error_page = True  # core.errors leaves it as it is
    return response


def bad_request(request, exception=None):
    # Only our own BadRequest speaks Spanish; SuspiciousOperation's messages are for the log.
    reason = _reason(exception) if type(exception) is BadRequest else ""
    return _error_page(request, "400.html", 400, reason)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403, _reason(exception))


def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404, _reason(exception))


def server_error(request):
    """The 500 page uses no database: a minimal layout, rendered without context processors
    (the navigation and the user's name both query it, and the database may be the cause)."""
    template = loader.get_template("500.html")
    response = HttpResponseServerError(
        template.render({"home_url": reverse("core:home"), "back_url": _back_url(request)})
    )
    response.ine_error_page = True
    return response


def csrf_failure(request, reason: str = ""):
    """A form sent with a missing or stale CSRF token: in practice a page left open too
    long, or a session that ended. Django logs ``reason`` itself; the page does not show it."""
    kept = False
    if request.method == "POST":
        # A page left open while its session ended (or another tab signed in again): keep
        # the text for that page, for the same person, as after an expired session.
        owner = request.user.pk if request.user.is_authenticated else last_user_id(request)
        kept = stash_input(request, form_page(request), kept_fields(request.POST), owner)
    return render(
        request,
        "csrf_failure.html",
        {"reason": "", "back_url": _back_url(request), "kept": kept},
        status=403,
    )
