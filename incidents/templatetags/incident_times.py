"""Durations as people read them: "1 d 3 h 05 min", or a dash when not reached yet."""

from __future__ import annotations

from django import template

from core.formats import duration as format_duration

register = template.Library()


register.filter("duration", format_duration)
