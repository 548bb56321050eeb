"""Durations as a person reads them."""

from __future__ import annotations

import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes, rounded up: a pause of 90 seconds is "2 minutos", never "1"."""
    if value is None:
        return 0
    return math.ceil(value.total_seconds() / 60)
