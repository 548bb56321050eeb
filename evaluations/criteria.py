"""The evaluation procedure (§8.i): versions of the criteria, edited as drafts by the Comité
and published once; a published version never changes.

Contract used elsewhere: ``version_in_force(at=None) -> CriteriaVersion | None`` — the
latest published version at that moment.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import CriteriaVersion


def version_in_force(at=None) -> CriteriaVersion | None:
    at = at or timezone.now()
    return (
        CriteriaVersion.objects.filter(Q(status=CriteriaVersion.Status.PUBLISHED), published_at__lte=at)
        .order_by("-published_at", "-number")
        .first()
    )
