"""For other apps' templates: may this person report an incident on this account?
The decision stays in ``incidents.access``."""

from __future__ import annotations

from django import template

from incidents import access

register = template.Library()


@register.filter
def may_report_incident_on(user, account) -> bool:
    return user.is_authenticated and access.can_report_on(user, account)
