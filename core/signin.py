"""The sign-in lockout's two pieces of our own around django-axes (settings: AXES_*).

Which address a sign-in comes from, behind the reverse proxies; and, after a successful
sign-in, clearing that user name's failures, and only those.
"""

from __future__ import annotations

import ipaddress

from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest


def _valid(address: str | None) -> bool:
    try:
        ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return True


def client_ip_address(request: HttpRequest) -> str | None:
    """The address the request came from (AXES_CLIENT_IP_CALLABLE).

    Each of the AXES_IPWARE_PROXY_COUNT proxies in front of us appends to X-Forwarded-For
    the address it was reached from, so the client is that many entries from the right;
    whatever is further left was written by the client and proves nothing. With no proxy,
    or a header shorter than that (the request did not come through them) or not an
    address, the peer's own REMOTE_ADDR. Never a string the database would refuse."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and _valid(forwarded[-proxies]):
            return forwarded[-proxies]
    remote = request.META.get("REMOTE_ADDR")
    return remote if _valid(remote) else None


# What axes' AccessAttempt.username column holds.
LOCKOUT_USERNAME_LENGTH = 255


def username_for_lockout(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name axes counts failures under (AXES_USERNAME_CALLABLE): read as axes reads
    it, cut to what its column holds. Django's sign-in form does not enforce the user name's
    length, so a 10,000-character name reaches the failure count; PostgreSQL would refuse
    it (SQLite does not), and the sign-in page would answer 500. No account has such a name,
    so the cut merges nothing real."""
    if credentials:
        name = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        name = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return name[:LOCKOUT_USERNAME_LENGTH] if isinstance(name, str) else name


def clear_failures_of_user(sender, request, user, **kwargs) -> None:
    """On user_logged_in: the person proved who they are, so their name's failures go.

    Not the address's: axes' own AXES_RESET_ON_SUCCESS clears those too, which would let
    anyone with an account reset the counter of every name tried from their address."""
    reset(username=user.get_username())
