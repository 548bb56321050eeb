"""Reading a view's query and form parameters without ever turning a bad value into a 500.

A parameter a person can edit in the address bar is untrusted text: ``"²".isdigit()`` is
True but ``int("²")`` fails, ``"٣"`` is an int to Python but no primary key we ever
printed, and a 30-digit number overflows the database's integer. These helpers accept
only what our own pages write (ASCII digits, a path on this site) and answer anything
else with a 400 that says, in Spanish, which parameter was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import BadRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# The largest value a PostgreSQL bigint (and SQLite integer) holds.
MAX_ID = 2**63 - 1
_ASCII_INT = re.compile(r"-?[0-9]{1,19}")


def int_param(params: Mapping[str, str], name: str, *, minimum: int | None = 1) -> int | None:
    """The parameter ``name`` as an int; None when it is absent or empty.

    Anything else than ASCII digits, a value below ``minimum`` (ids start at 1) or beyond
    a database integer raises ``BadRequest``, which Django answers with a 400.
    """
    raw = params.get(name, "")
    if raw == "":
        return None
    if not _ASCII_INT.fullmatch(raw):
        raise BadRequest(_("El parámetro «%(name)s» debe ser un número entero.") % {"name": name})
    value = int(raw)
    if (minimum is not None and value < minimum) or abs(value) > MAX_ID:
        raise BadRequest(_("El parámetro «%(name)s» está fuera del intervalo permitido.") % {"name": name})
    return value


def site_path(request, url: str) -> str | None:
    """``url`` as a path (with its query) when it leads to this site, else None: the one
    check behind ``next``, the error pages' way back and the page a kept form returns to."""
    if (
        not url
        or len(url) > 2000
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in url)
        or not url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def next_param(request, fallback: str, *, name: str = "next") -> str:
    """Where to go back to: the ``next`` POST or GET value when it is a path on this site,
    else ``fallback``. Never passed to ``reverse()``: a view name is not accepted."""
    candidate = request.POST.get(name) or request.GET.get(name) or ""
    if candidate.startswith("/") and (path := site_path(request, candidate)):
        return path
    return fallback
