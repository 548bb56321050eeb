"""The home page's latest notifications and the inbox read a person's first rows from an
index in their own order, never sorting all of that person's notifications (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.plans import page_list_plan
from notifications.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def busy_inbox(cast):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind="designation.changed",
            title="Aviso",
            body="Cambió la administración.",
            created_at=now - timedelta(minutes=i),
            read_at=now if i % 3 else None,
            email_status=Notification.EmailStatus.SENT,
        )
        for i in range(2000)
        for person in (cast.cncs, cast.admin)
    )
    return cast.cncs


def test_the_inbox_reads_unread_first_then_newest_from_the_index(client, busy_inbox):
    client.force_login(busy_inbox)
    plan = page_list_plan(client, reverse("notifications:inbox"), "notifications_notification")
    assert "notification_inbox_order" in plan, plan
    assert "Sort" not in plan, plan


def test_the_home_page_reads_the_latest_from_the_index(client, busy_inbox):
    client.force_login(busy_inbox)
    plan = page_list_plan(client, reverse("core:home"), "notifications_notification")
    assert "notification_recipient_newest" in plan, plan
    assert "Sort" not in plan, plan
