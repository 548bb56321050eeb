"""A request waiting too long has one definition (``AccountRequest.objects.with_overdue`` /
``overdue``): the reminder, the dashboard, the list, the detail panel, the filter and the
home panel all read it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import AccountRequest
from approvals.tests.test_dashboard import make

Status = AccountRequest.Status


@pytest.fixture
def rows(cast, settings):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 5
    return {
        "late": make(cast, days=6, network=cast.network),
        "on_time": make(cast, days=4, network=cast.network),
        "decided_long_ago": make(cast, status=Status.APPROVED, days=30, network=cast.network),
        "draft": make(cast, status=Status.DRAFT, network=cast.network),
    }


def test_only_a_sent_request_older_than_the_limit_is_overdue(rows):
    annotated = {r.pk: r.is_overdue for r in AccountRequest.objects.with_overdue()}

    assert annotated == {r.pk: name == "late" for name, r in rows.items()}
    assert list(AccountRequest.objects.overdue()) == [rows["late"]]


def test_overdue_is_measured_from_the_moment_given(rows):
    later = timezone.now() + timedelta(days=2)

    assert set(AccountRequest.objects.overdue(later)) == {rows["late"], rows["on_time"]}
    assert {r.pk for r in AccountRequest.objects.with_overdue(later) if r.is_overdue} == {
        rows["late"].pk,
        rows["on_time"].pk,
    }


def test_the_list_highlights_exactly_the_overdue_requests(client, cast, rows):
    client.force_login(cast.titular)

    page = client.get(reverse("approvals:list")).content.decode()

    highlighted = re.findall(r'<tr class="highlight">\s*<td><a [^>]*>(SOL-\d{4}-\d{5})', page)
    assert highlighted == [rows["late"].folio]


@pytest.mark.parametrize("name, shown", [("late", True), ("on_time", False)])
def test_the_request_page_marks_an_overdue_request(client, cast, rows, name, shown):
    client.force_login(cast.cncs)

    page = client.get(reverse("approvals:detail", args=[rows[name].pk])).content.decode()

    # The review deadline's badge: "vencida hace N días" only past the one overdue limit.
    assert ('<span class="status status-overdue"' in page) == shown
    assert ("vencida " in page) == shown


def test_the_dashboard_filter_and_the_home_panel_count_the_same_requests(client, cast, rows):
    client.force_login(cast.cncs)

    filtered = client.get(reverse("approvals:dashboard"), {"vencidas": "on"}).content.decode()
    home = client.get(reverse("core:home")).content.decode()

    assert rows["late"].folio in filtered and rows["on_time"].folio not in filtered
    assert '<div class="stat">1</div><div class="stat-label">con espera vencida' in home


def test_the_due_date_shown_and_the_overdue_rule_agree_at_the_boundary(cast):
    import time_machine

    from approvals.tests import factories

    req = factories.opening(cast)
    due = AccountRequest.objects.get(pk=req.pk).review_due_at
    for moment, overdue in ((due, False), (due + timedelta(seconds=1), True)):
        with time_machine.travel(moment, tick=False):
            assert AccountRequest.objects.overdue().filter(pk=req.pk).exists() is overdue
