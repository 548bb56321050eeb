"""System checks: the settings the delivery guarantee relies on."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .delivery import MAX_EMAIL_TIMEOUT, STALE_CLAIM


@register()
def check_email_timeout(app_configs=None, **kwargs) -> list[Error]:
    """A send that could outlive its claim could be sent twice (see delivery.py)."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if timeout is not None and 0 < timeout <= MAX_EMAIL_TIMEOUT.total_seconds():
        return []
    return [
        Error(
            f"EMAIL_TIMEOUT is {timeout!r}; it must be set, in seconds, to at most "
            f"{MAX_EMAIL_TIMEOUT.total_seconds():.0f} (a tenth of the e-mail claim's {STALE_CLAIM}).",
            hint="Set the EMAIL_TIMEOUT environment variable, e.g. EMAIL_TIMEOUT=30.",
            id="notifications.E001",
        )
    ]
