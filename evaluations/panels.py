"""Home panels (evaluations to do or to acknowledge, the next training) and the nav link."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from core.panels import NavLink, Panel

from . import access, services, training
from .models import EvaluationStatus, Period

LISTED = 5


def evaluations_panel(request: HttpRequest) -> Panel | None:
    """CNCS: what is left to score or issue in the current semester. The organ's titular: the
    evaluations issued to the organ that wait for the acknowledgement."""
    user = request.user
    if not user.is_authenticated:
        return None
    if access.evaluates(user):
        year, half = services.current_semester()
        period = Period.objects.filter(year=year, half=half).first()
        counts = {"pending": 0, "in_progress": 0}
        if period is not None:
            counts = period.evaluations.to_do().aggregate(
                pending=Count("pk", filter=Q(status=EvaluationStatus.PENDING)),
                in_progress=Count("pk", filter=Q(status=EvaluationStatus.IN_PROGRESS)),
            )
        return Panel(
            template="evaluations/_home_panel.html",
            order=40,
            context={"evaluator": True, "period": period, **counts},
        )
    organ_id = accounts_access.headed_organ_id(user)
    if organ_id is None:
        return None
    waiting = (
        access.evaluations_visible_to(user)
        .filter(organ_id=organ_id, status=EvaluationStatus.ISSUED)
        .select_related("account__network", "period")
        .order_by("-period__year", "-period__half", "pk")
    )
    listed = list(waiting[:LISTED])
    if not listed:
        return None
    count = len(listed) if len(listed) < LISTED else waiting.count()
    return Panel(template="evaluations/_home_panel.html", order=40, context={"evaluations": listed, "count": count})


def training_panel(request: HttpRequest) -> Panel | None:
    """The next training meeting one is invited to (CNCS: the next one scheduled), the code
    form when it is open, and one's own flag when untrained."""
    context = training.panel_context(request.user)
    if context is None:
        return None
    return Panel(template="evaluations/training_panel.html", order=41, context=context)


def evaluations_link(request: HttpRequest) -> NavLink | None:
    if not access.sees_evaluations(request.user):
        return None
    return NavLink(label=_("Evaluaciones"), url=reverse("evaluations:list"), order=45)
