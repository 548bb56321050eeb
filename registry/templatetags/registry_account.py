"""For the account page (in accounts' templates): the account as the public registry shows
it, and the link to propose a change of handle. The decisions stay in ``registry.access``."""

from __future__ import annotations

from django import template

from registry import access
from registry.models import HandleChange

register = template.Library()


@register.inclusion_tag("registry/_account_section.html", takes_context=True)
def handle_change_section(context, account) -> dict:
    user = context["request"].user
    changes = list(account.handle_changes.order_by("-proposed_at", "-id")[:1])
    pending = changes[0] if changes and changes[0].status == HandleChange.Status.PROPOSED else None
    return {
        "account": account,
        "pending": pending,
        "may_propose": pending is None and access.can_propose(user, account),
        "has_changes": bool(changes) and access.sees_changes(user),
    }
