"""Deadlines as coloured words: core.templatetags.deadlines."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template

from core.templatetags.deadlines import due_badge, due_state

MX = ZoneInfo("America/Mexico_City")


def mx(*args) -> datetime:
    return datetime(*args, tzinfo=MX)


@pytest.fixture
def noon():
    with time_machine.travel(mx(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.mark.parametrize(
    ("due", "state", "words"),
    [
        (date(2026, 3, 1), "overdue", "vencida hace 9 días"),
        (date(2026, 3, 8), "overdue", "vencida hace 2 días"),
        (date(2026, 3, 9), "overdue", "vencida ayer"),
        (date(2026, 3, 10), "due_today", "vence hoy"),
        (date(2026, 3, 11), "due_soon", "vence mañana"),
        (date(2026, 3, 13), "due_soon", "vence en 3 días"),
        (date(2026, 3, 14), "ok", "vence en 4 días"),
    ],
)
def test_a_date_reads_as_words(noon, due, state, words):
    assert due_state(due) == (state, words)


def test_the_close_window_is_the_pages_choice(noon):
    assert due_state(date(2026, 3, 17), soon_days=7) == ("due_soon", "vence en 7 días")
    assert due_state(date(2026, 3, 18), soon_days=7)[0] == "ok"


def test_a_moment_passed_earlier_today_is_already_overdue(noon):
    assert due_state(mx(2026, 3, 10, 9, 0)) == ("overdue", "vencida hoy")
    assert due_state(mx(2026, 3, 10, 18, 0)) == ("due_today", "vence hoy")


def test_plural_is_chosen_by_count(noon):
    # The singular is the rare case ("hace 1 día" reads "ayer"), so check both forms of "en N días".
    assert due_state(date(2026, 3, 12))[1] == "vence en 2 días"
    assert due_state(mx(2026, 3, 8, 23, 0))[1] == "vencida hace 2 días"


def test_days_are_counted_in_mexico_city_just_after_midnight():
    # 00:30 in Mexico City is 06:30 UTC: the day has changed there, whatever UTC says.
    with time_machine.travel(mx(2026, 3, 10, 0, 30), tick=False):
        assert due_state(date(2026, 3, 9)) == ("overdue", "vencida ayer")
        assert due_state(date(2026, 3, 10)) == ("due_today", "vence hoy")
        assert due_state(mx(2026, 3, 11, 0, 0)) == ("due_soon", "vence mañana")


def test_days_are_counted_in_mexico_city_just_before_midnight():
    # 23:30 in Mexico City is already the next day in UTC.
    with time_machine.travel(mx(2026, 3, 10, 23, 30), tick=False):
        assert due_state(date(2026, 3, 10)) == ("due_today", "vence hoy")
        assert due_state(date(2026, 3, 11)) == ("due_soon", "vence mañana")
        # A moment at 00:10 tomorrow in Mexico City, stored in UTC on the same UTC day as now.
        assert due_state(datetime(2026, 3, 11, 6, 10, tzinfo=ZoneInfo("UTC"))) == ("due_soon", "vence mañana")
        assert due_state(mx(2026, 3, 10, 23, 0)) == ("overdue", "vencida hoy")


def test_the_badge_is_coloured_and_titled_with_the_date(noon):
    html = due_badge(date(2026, 3, 1))
    assert html == '<span class="status status-overdue" title="01/03/2026">vencida hace 9 días</span>'
    assert 'class="status status-due_today"' in due_badge(date(2026, 3, 10))


def test_a_far_or_missing_deadline_shows_nothing(noon):
    assert due_badge(date(2026, 4, 30)) == ""
    assert due_badge(None) == ""


def test_templates_use_the_filter_and_the_state_tag(noon):
    template = Template(
        "{% load deadlines %}{{ due|due_badge }} {{ due|due_badge:'7' }} "
        "{% state_badge 'overdue' '3 días de retraso' %}"
    )
    html = template.render(Context({"due": date(2026, 3, 15)}))
    assert html == (
        ' <span class="status status-due_soon" title="15/03/2026">vence en 5 días</span>'
        ' <span class="status status-overdue">3 días de retraso</span>'
    )
