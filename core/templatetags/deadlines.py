"""Deadlines as words in a coloured badge: "vencida hace 9 días", "vence mañana".

Dates are read in the current time zone (Mexico City, ``TIME_ZONE``): a deadline at 00:30
belongs to that day, not to the UTC day before.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from core.formats import local_datetime

register = template.Library()

# How many days ahead a deadline is "close" unless the page says otherwise.
SOON_DAYS = 3


def due_state(value: date | datetime, now: datetime | None = None, soon_days: int = SOON_DAYS) -> tuple[str, str]:
    """(state, words) for a deadline: state is "overdue", "due_today", "due_soon" or "ok".

    A date is due at the end of its day; a datetime at its instant, so an instant passed
    earlier today is already "vencida hoy"."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if isinstance(value, datetime):
        days = (timezone.localdate(value) - today).days
        passed = value <= now
    else:
        days = (value - today).days
        passed = days < 0
    if passed:
        if days == 0:
            return "overdue", gettext("vencida hoy")
        if days == -1:
            return "overdue", gettext("vencida ayer")
        return "overdue", ngettext("vencida hace %(n)s día", "vencida hace %(n)s días", -days) % {"n": -days}
    if days == 0:
        return "due_today", gettext("vence hoy")
    if days == 1:
        return "due_soon", gettext("vence mañana")
    words = ngettext("vence en %(n)s día", "vence en %(n)s días", days) % {"n": days}
    return ("due_soon" if days <= soon_days else "ok"), words


@register.simple_tag
def state_badge(state: str, words: str, title: str = "") -> str:
    """The badge itself, for pages whose app already knows the state and its words."""
    if title:
        return format_html('<span class="status status-{}" title="{}">{}</span>', state, title, words)
    return format_html('<span class="status status-{}">{}</span>', state, words)


@register.filter
def due_badge(value: date | datetime | None, soon_days: int = SOON_DAYS) -> str:
    """A badge for a deadline that has passed or is close; nothing for one far away."""
    if not value:
        return ""
    state, words = due_state(value, soon_days=int(soon_days))
    if state == "ok":
        return ""
    title = local_datetime(value) if isinstance(value, datetime) else value.strftime("%d/%m/%Y")
    return state_badge(state, words, title)
