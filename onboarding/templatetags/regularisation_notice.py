"""The notice an account in regularisation shows on its page: its organ's deadline and the
link to the organ's regularisation page. A tag here, so that accounts imports nothing of onboarding."""

from __future__ import annotations

from django import template
from django.utils import timezone

from accounts.models import Account

from .. import regularisation

register = template.Library()


@register.inclusion_tag("onboarding/regularisation_notice.html")
def regularisation_notice(account: Account) -> dict:
    if account.status != Account.Status.REGULARIZING:
        return {"show": False}
    deadline = regularisation.effective_deadline(account.organ_id)
    return {
        "show": True,
        "account": account,
        "deadline": deadline,
        "days_left": (deadline - timezone.localdate()).days if deadline else None,
    }
