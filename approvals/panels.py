"""Home-page panels: what each role should act on first."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from core.panels import NavLink, Panel

from . import access, selectors


def cncs_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not access.can_see_dashboard(user):
        return None
    pending = selectors.pending(access.requests_visible_to(user))
    return Panel(
        template="approvals/_panel_cncs.html",
        order=10,
        context={
            "pending_count": pending.count(),
            "overdue_count": pending.overdue().count(),
            "oldest": selectors.with_related(pending).first(),
        },
    )


def unicom_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not access.can_record_mailbox(user):
        return None
    return Panel(
        template="approvals/_panel_unicom.html", order=10, context={"requests": selectors.awaiting_mailbox(user)[:20]}
    )


def organ_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not accounts_access.organ_ids_of(user):
        return None
    kinds = access.kinds_user_may_file(user)
    in_progress = list(selectors.organ_requests_in_progress(user)[:20])
    if not in_progress and not kinds:
        return None
    return Panel(
        template="approvals/_panel_organ.html",
        order=20,
        context={"requests": in_progress, "can_file": bool(kinds)},
    )


def requests_link(request: HttpRequest) -> NavLink:
    """CNCS works from the dashboard; everyone else from the list of the requests they see."""
    url = "approvals:dashboard" if access.can_see_dashboard(request.user) else "approvals:list"
    return NavLink(label=_("Solicitudes"), url=reverse(url), order=40)
