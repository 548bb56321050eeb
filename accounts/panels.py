"""What accounts puts on the home page and in the navigation (registered in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.panels import NavLink, Panel

from . import access, rotation, selectors
from .models import Account


def overview_panel(request: HttpRequest) -> Panel:
    """The person's roles, their organ and its accounts; the national figures for those who see all."""
    user = request.user
    visible = access.accounts_visible_to(user)
    own_organs = access.organs_visible_to(user).filter(pk__in=access.organ_ids_of(user)).select_related("entidad")
    context = {
        "roles": access.role_labels(user),
        "own_organs": own_organs,
        "own_accounts": visible.filter(organ__in=own_organs).select_related("organ", "network"),
    }
    today = timezone.localdate()
    for account in context["own_accounts"]:
        if account.status in Account.OPERATED_STATUSES:
            account.rotation_state = rotation.rotation_state(account.password_rotation_due_on, today)
            account.countdown = rotation.countdown(account.password_rotation_due_on, today)
    if access.sees_all_accounts(user):
        context["status_counts"] = [
            (Account.Status(s).label, s, n) for s, n in selectors.account_counts_by_status(visible).items()
        ]
        context["abandoned"] = visible.filter(flagged_abandoned_at__isnull=False, status=Account.Status.ACTIVE).count()
    if access.can_see_coverage(user):
        context["coverage_gap_count"] = selectors.organs_with_coverage_gaps().count()
    return Panel(template="accounts/_home_panel.html", order=0, context=context)


def accounts_link(request: HttpRequest) -> NavLink:
    return NavLink(label=_("Cuentas"), url=reverse("accounts:list"), order=10)


def rotation_link(request: HttpRequest) -> NavLink:
    return NavLink(label=_("Contraseñas"), url=reverse("accounts:rotation_status"), order=30)


def coverage_link(request: HttpRequest) -> NavLink | None:
    if not access.can_see_coverage(request.user):
        return None
    return NavLink(label=_("Cobertura"), url=reverse("accounts:coverage"), order=60)


def own_organ_link(request: HttpRequest) -> NavLink | None:
    organ_id = access.headed_organ_id(request.user)
    if organ_id is None:
        return None
    return NavLink(label=_("Mi órgano"), url=reverse("accounts:organ", args=[organ_id]), order=70)
