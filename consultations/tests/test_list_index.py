"""The consultation list reads its first page from an index in its own order, never sorting
every consultation (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation
from core.tests.plans import page_list_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_list_reads_the_newest_first_from_the_index(client, cast):
    now = timezone.now()
    Consultation.objects.bulk_create(
        Consultation(
            account=cast.account,
            requested_by=cast.admin,
            kind=Consultation.Kind.INFORMATION,
            question="¿Podemos publicarlo?",
            status=Consultation.Status.EXPIRED,
            submitted_at=now - timedelta(hours=i),
            due_at=now - timedelta(hours=i) + timedelta(hours=48),
            expired_at=now,
        )
        for i in range(2000)
    )
    client.force_login(cast.cncs)
    plan = page_list_plan(client, reverse("consultations:list"), "consultations_consultation")
    assert "consultation_newest_first" in plan, plan
    assert "Sort" not in plan, plan
