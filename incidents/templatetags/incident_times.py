"""Durations as people read them: "1 d 3 h 05 min", or a dash when not reached yet."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)s d %(hours)s h %(minutes)02d min") % {"days": days, "hours": hours, "minutes": minutes}
    return _("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
