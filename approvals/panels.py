"""Home-page panels: what each role should act on first."""

from __future__ import annotations

from django.http import HttpRequest

from accounts import access as accounts_access

from . import access, selectors


def cncs_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not access.can_see_dashboard(user):
        return None
    pending = selectors.pending(access.requests_visible_to(user))
    limit = selectors.overdue_before()
    return {
        "template": "approvals/_panel_cncs.html",
        "order": 10,
        "pending_count": pending.count(),
        "overdue_count": pending.filter(submitted_at__lt=limit).count(),
        "oldest": selectors.with_related(pending).first(),
    }


def unicom_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not access.can_record_mailbox(user):
        return None
    return {"template": "approvals/_panel_unicom.html", "order": 10, "requests": selectors.awaiting_mailbox(user)[:20]}


def organ_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not accounts_access.organ_ids_of(user):
        return None
    kinds = access.kinds_user_may_file(user)
    in_progress = list(selectors.organ_requests_in_progress(user)[:20])
    if not in_progress and not kinds:
        return None
    return {"template": "approvals/_panel_organ.html", "order": 20, "requests": in_progress, "can_file": bool(kinds)}
