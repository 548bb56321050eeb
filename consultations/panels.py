"""The home-page panel: CNCS sees its pending work; an organ sees its consultations."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.panels import NavLink, Panel

from . import access
from .models import Consultation


def consultations_panel(request) -> Panel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    now = timezone.now()
    visible = access.consultations_visible_to(user)
    if access.sees_all(user):
        figures = visible.filter(status=Consultation.Status.OPEN).aggregate(
            open=Count("pk"),
            urgent=Count(
                "pk",
                filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=settings.CONSULTATION_URGENT_HOURS)),
            ),
            overdue=Count("pk", filter=Q(due_at__lte=now)),
        )
        return Panel(template="consultations/_home_panel.html", order=10, context={"cncs": True, **figures})
    if not access.sees_organ_consultations(user):
        return None
    figures = visible.aggregate(
        open=Count("pk", filter=Q(status=Consultation.Status.OPEN)),
        awaiting_notice=Count("pk", filter=Q(status=Consultation.Status.EXPIRED, user_notice_sent_at__isnull=True)),
        answered_recently=Count(
            "pk", filter=Q(status=Consultation.Status.ANSWERED, answered_at__gte=now - timedelta(days=7))
        ),
    )
    return Panel(
        template="consultations/_home_panel.html",
        order=20,
        context={"cncs": False, "can_open": access.can_open(user), **figures},
    )


def consultations_link(request) -> NavLink | None:
    """CNCS works from its queue; an organ's people from their list; others have none."""
    user = request.user
    if access.sees_all(user):
        return NavLink(label=_("Consultas"), url=reverse("consultations:queue"), order=20)
    if access.sees_organ_consultations(user):
        return NavLink(label=_("Consultas"), url=reverse("consultations:list"), order=20)
    return None
