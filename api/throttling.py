"""The public endpoints answer each client ``settings.API_PUBLIC_RATE`` requests, then 429
with Retry-After (added by ninja from ``wait()``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle


class PublicRateThrottle(AnonRateThrottle):
    scope = "public"

    def __init__(self) -> None:
        super().__init__(rate=settings.API_PUBLIC_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read on every request, so a changed setting (or a test's) applies at once.
        self.rate = settings.API_PUBLIC_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str | None:
        # The connecting address, as the public report form counts it: an X-Forwarded-For
        # header is the client's to invent unless a proxy in front says otherwise
        # (NINJA_NUM_PROXIES, read by ninja's own get_ident).
        from ninja.conf import settings as ninja_settings

        if ninja_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR")
        return super().get_ident(request)
