from django import template
from django.utils import timezone

from ..services import format_time_left

register = template.Library()


@register.filter
def time_left(due_at) -> str:
    """ "47 h 59 min" until ``due_at``, for pages read without JavaScript."""
    return format_time_left(due_at - timezone.now())


@register.filter
def hours_left(due_at) -> float:
    return (due_at - timezone.now()).total_seconds() / 3600
