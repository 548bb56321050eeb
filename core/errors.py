"""Spanish error pages under ``make run`` too.

With DEBUG on, Django answers a 404, a 400 and a 500 with its technical pages, in
English ("Page not found"), instead of the handlers in ``ine_redes/urls.py``. The demo
runs with DEBUG on, so the people trying it would meet them. This middleware puts the
Spanish page in their place; the traceback still goes to the log (``django.request``).
A developer who wants Django's pages sets ``TECHNICAL_ERROR_PAGES=1``.
"""

from __future__ import annotations

from django.conf import settings

from . import views

ERROR_PAGES = {
    400: lambda request, exception: views.bad_request(request, exception),
    404: lambda request, exception: views.page_not_found(request, exception),
    500: lambda request, exception: views.server_error(request),
}


class DebugErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG or settings.TECHNICAL_ERROR_PAGES or getattr(response, "ine_error_page", False):
            return response
        page = ERROR_PAGES.get(response.status_code)
        if page is None or "text/html" not in response.get("Content-Type", ""):
            return response
        return page(request, getattr(request, "_ine_exception", None))

    def process_exception(self, request, exception):
        # Remembered for the page's reason (a refusal raised with one of our messages).
        request._ine_exception = exception
        return None
