"""The public endpoints answer each client ``settings.API_PUBLIC_RATE`` requests, then 429
with Retry-After (added by ninja from ``wait()``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

from core.signin import client_ip_address


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
        # The same client address as the sign-in lockout: X-Forwarded-For is trusted only
        # as far as the TRUSTED_PROXY_COUNT proxies in front of us wrote it.
        return client_ip_address(request)
