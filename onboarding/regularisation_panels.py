"""The regularisation card on the home page (registered in ``apps.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from accounts import access as accounts_access
from core.panels import Panel

from . import access, regularisation


def regularisation_panel(request: HttpRequest) -> Panel | None:
    """CNCS: the national counts and the days to the deadline. An organ's titular and
    administrators: their accounts in regularisation, the deadline and what is missing."""
    user = request.user
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    if access.manages_regularisation(user):
        counts = regularisation.national_totals()
        if not counts.total:
            return None
        deadline = regularisation.national_deadline()
        return Panel(
            template="onboarding/regularisation_panel.html",
            order=5,
            context={
                "national": True,
                "counts": counts,
                "deadline": deadline,
                "days_left": (deadline - today).days if deadline else None,
            },
        )
    organ_ids = accounts_access.organ_ids_of(user)
    if not organ_ids:
        return None
    rows = regularisation.progress(regularisation.in_progress().filter(account__organ_id__in=organ_ids))
    if not rows:
        return None
    deadlines = regularisation.effective_deadlines({row.account.organ_id for row in rows})
    organs = {}
    for row in rows:
        organ = row.account.organ
        entry = organs.setdefault(
            organ.pk, {"organ": organ, "rows": [], "deadline": deadlines[organ.pk], "days_left": None}
        )
        entry["rows"].append(row)
    for entry in organs.values():
        if entry["deadline"]:
            entry["days_left"] = (entry["deadline"] - today).days
        entry["incomplete"] = [row for row in entry["rows"] if not row.is_complete]
        entry["missing"] = regularisation.missing_summary(entry["incomplete"])
    return Panel(
        template="onboarding/regularisation_panel.html",
        order=5,
        context={"national": False, "organs": sorted(organs.values(), key=lambda e: e["organ"].name)},
    )
