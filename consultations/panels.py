"""The home-page panel: CNCS sees its pending work; an organ sees its consultations."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts import access as account_access

from . import access
from .models import Consultation


def consultations_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    now = timezone.now()
    visible = access.consultations_visible_to(user)
    if account_access.is_cncs(user):
        figures = visible.filter(status=Consultation.Status.OPEN).aggregate(
            open=Count("pk"),
            urgent=Count(
                "pk",
                filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=settings.CONSULTATION_URGENT_HOURS)),
            ),
            overdue=Count("pk", filter=Q(due_at__lte=now)),
        )
        return {"template": "consultations/_home_panel.html", "order": 10, "cncs": True, **figures}
    if not account_access.organ_ids_of(user):
        return None
    figures = visible.aggregate(
        open=Count("pk", filter=Q(status=Consultation.Status.OPEN)),
        awaiting_notice=Count("pk", filter=Q(status=Consultation.Status.EXPIRED, user_notice_sent_at__isnull=True)),
        answered_recently=Count(
            "pk", filter=Q(status=Consultation.Status.ANSWERED, answered_at__gte=now - timedelta(days=7))
        ),
    )
    return {
        "template": "consultations/_home_panel.html",
        "order": 20,
        "cncs": False,
        "can_open": access.can_open(user),
        **figures,
    }
