"""How the project writes a moment, a day and a span of time for people to read, in one
place: the same text in pages, notifications, e-mails and exports (Mexico City time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def local_datetime(moment: datetime) -> str:
    """24/11/2026 10:00, in Mexico City time, like the templates' ``|date:"d/m/Y H:i"``."""
    return date_format(timezone.localtime(moment, timezone.get_default_timezone()), "d/m/Y H:i")


def local_date(day: date) -> str:
    """24/11/2026."""
    return date_format(day, "d/m/Y")


def duration(value: timedelta | None) -> str:
    """ "1 d 3 h 05 min" (or "3 h 05 min"); a dash when there is none."""
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)s d %(hours)s h %(minutes)02d min") % {"days": days, "hours": hours, "minutes": minutes}
    return _("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
