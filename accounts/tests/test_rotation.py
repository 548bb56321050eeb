from __future__ import annotations

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import rotation, selectors, services
from accounts.models import Account, Designation, LogEntry, Organ, PasswordReminder, User
from accounts.tests.factories import AccountFactory, active_since
from notifications.models import Notification

pytestmark = pytest.mark.django_db

MX = ZoneInfo("America/Mexico_City")
DUE = date(2026, 5, 20)


def mx(*args, **kwargs) -> datetime:
    return datetime(*args, tzinfo=MX, **kwargs)


def at_8(day: date) -> datetime:
    """The time beat runs the sweep: 8:15 in Mexico City."""
    return datetime(day.year, day.month, day.day, 8, 15, tzinfo=MX)


@pytest.fixture
def due_account(cast) -> Account:
    Account.objects.filter(pk=cast.account.pk).update(password_rotation_due_on=DUE, activated_at=mx(2025, 1, 1))
    Account.objects.filter(pk=cast.other_account.pk).update(password_rotation_due_on=DUE + timedelta(days=120))
    cast.account.refresh_from_db()
    return cast.account


def stages(account: Account) -> list[int]:
    return sorted(account.password_reminders.values_list("stage", flat=True))


# --- "Two calendar months later" (accounts.services.password_rotation_due_on) -----------


@pytest.mark.parametrize(
    ("rotated", "due"),
    [
        (mx(2025, 12, 31, 10, 0), date(2026, 2, 28)),
        (mx(2027, 12, 31, 10, 0), date(2028, 2, 29)),  # leap year
        (mx(2027, 12, 30, 10, 0), date(2028, 2, 29)),
        (mx(2026, 7, 31, 10, 0), date(2026, 9, 30)),
        (mx(2026, 8, 31, 10, 0), date(2026, 10, 31)),
        (mx(2026, 1, 15, 10, 0), date(2026, 3, 15)),
    ],
)
def test_two_calendar_months_later_clamps_to_the_end_of_short_months(rotated, due):
    assert services.password_rotation_due_on(rotated) == due


def test_a_rotation_late_on_new_years_eve_counts_from_mexico_city_not_utc():
    # 23:30 on 31 December in Mexico City is already 1 January in UTC.
    late = mx(2025, 12, 31, 23, 30)
    assert late.astimezone(ZoneInfo("UTC")).date() == date(2026, 1, 1)
    assert services.password_rotation_due_on(late) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("rotated", "due"),
    [
        (mx(2022, 4, 3, 0, 30), date(2022, 6, 3)),  # the night DST started (2:00 → 3:00)
        (mx(2022, 4, 3, 3, 30), date(2022, 6, 3)),
        (mx(2022, 10, 29, 23, 30), date(2022, 12, 29)),  # the evening before DST ended, UTC-5
        (mx(2022, 10, 30, 1, 30, fold=1), date(2022, 12, 30)),  # the repeated hour, UTC-6
    ],
)
def test_daylight_saving_changes_do_not_move_the_due_date(rotated, due):
    assert services.password_rotation_due_on(rotated) == due


def test_recording_a_rotation_on_december_31_sets_the_due_date_to_february_28(cast):
    active_since(cast.account, mx(2025, 1, 1))
    with time_machine.travel(mx(2025, 12, 31, 23, 30), tick=False):
        services.record_password_rotation(account_id=cast.account.pk, by=cast.admin, meets_policy=True)
    cast.account.refresh_from_db()
    assert cast.account.password_rotation_due_on == date(2026, 2, 28)
    assert cast.account.log_entries.get().kind == LogEntry.Kind.PASSWORD_ROTATED


# --- Status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in_days", "state"),
    [(8, "ok"), (7, "due_soon"), (1, "due_soon"), (0, "due_soon"), (-1, "overdue"), (-30, "overdue")],
)
def test_rotation_state_thresholds(due_in_days, state):
    today = date(2026, 5, 20)
    assert rotation.rotation_state(today + timedelta(days=due_in_days), today) == state


def test_an_account_with_no_due_date_counts_as_overdue():
    assert rotation.rotation_state(None, date(2026, 5, 20)) == rotation.RotationState.OVERDUE


def test_the_state_column_agrees_with_the_rule(cast):
    today = date(2026, 5, 20)
    for offset in range(-10, 11):
        AccountFactory(organ=cast.organ, network=cast.network, password_rotation_due_on=today + timedelta(offset))
    AccountFactory(organ=cast.organ, network=cast.network, password_rotation_due_on=None)
    for account in rotation.with_rotation_state(Account.objects.all(), today):
        assert account.rotation_state == rotation.rotation_state(account.password_rotation_due_on, today)


# --- Reminder stages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_from_due", "stage"),
    [(-30, None), (-8, None), (-7, -7), (-1, -7), (0, 0), (1, 1), (6, 1), (7, 1), (8, 8), (14, 8), (15, 15), (50, 50)],
)
def test_reminder_stage_for_each_day(days_from_due, stage):
    assert rotation.reminder_stage(DUE, DUE + timedelta(days=days_from_due)) == stage


def test_no_reminder_eight_days_before(due_account):
    assert rotation.send_password_reminders(now=at_8(DUE - timedelta(days=8))) == 0
    assert not PasswordReminder.objects.exists()


def test_seven_days_before_the_administrators_are_reminded(cast, due_account):
    assert rotation.send_password_reminders(now=at_8(DUE - timedelta(days=7))) == 1
    assert stages(due_account) == [-7]
    sent = Notification.objects.filter(kind="password.reminder")
    assert set(sent.values_list("recipient__username", flat=True)) == {"admin_titular", "admin_suplente"}
    assert "a más tardar el 20/05/2026" in sent.first().body
    assert "no recibe ni guarda contraseñas" in sent.first().body


def test_on_the_due_date_the_administrators_are_reminded_again(due_account):
    rotation.send_password_reminders(now=at_8(DUE - timedelta(days=7)))
    assert rotation.send_password_reminders(now=at_8(DUE - timedelta(days=1))) == 0
    assert rotation.send_password_reminders(now=at_8(DUE)) == 1
    assert stages(due_account) == [-7, 0]
    assert Notification.objects.filter(title__startswith="Hoy vence").count() == 2


def test_overdue_escalates_the_next_day_then_weekly_to_the_titular_and_cncs(cast, due_account):
    rotation.send_password_reminders(now=at_8(DUE))
    assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=1))) == 1
    overdue = Notification.objects.filter(kind="password.overdue")
    assert set(overdue.values_list("recipient__username", flat=True)) == {
        "admin_titular",
        "admin_suplente",
        "titular",
        "cncs",
    }
    assert "debió cambiarse el 20/05/2026; lleva 1 día de retraso" in overdue.first().body
    assert due_account.password_reminders.get(stage=1).recipients == 4
    for day in range(2, 8):
        assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=day))) == 0
    assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=8))) == 1
    assert "lleva 8 días de retraso" in Notification.objects.filter(kind="password.overdue").latest("pk").body
    assert stages(due_account) == [0, 1, 8]


def test_the_sweep_the_day_after_the_due_date_tells_the_titular_and_cncs(cast, due_account):
    with time_machine.travel(at_8(DUE + timedelta(days=1)), tick=False):
        assert rotation.send_password_reminders() == 1
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"titular", "cncs"} <= told


def test_a_sweep_after_the_due_date_never_says_it_is_due_today(due_account):
    # The sweep did not run on the due date (beat was down): the next one is a day late.
    with time_machine.travel(at_8(DUE + timedelta(days=1)), tick=False):
        rotation.send_password_reminders()
    titles = list(Notification.objects.values_list("title", flat=True))
    bodies = list(Notification.objects.values_list("body", flat=True))
    assert titles and not any("Hoy vence" in t for t in titles)
    assert not any("hoy" in b for b in bodies)
    assert all("debió cambiarse el 20/05/2026; lleva 1 día de retraso" in b for b in bodies)


def test_a_back_dated_rotation_is_reminded_as_overdue_from_its_real_due_date(cast):
    active_since(cast.account, mx(2025, 1, 1))
    with time_machine.travel(at_8(date(2026, 5, 23)), tick=False):
        services.record_password_rotation(
            account_id=cast.account.pk, by=cast.admin, rotated_at=mx(2026, 3, 20, 10, 0), meets_policy=True
        )
        assert rotation.send_password_reminders() == 1
    cast.account.refresh_from_db()
    assert cast.account.password_rotation_due_on == DUE
    overdue = Notification.objects.filter(kind="password.overdue")
    assert {"titular", "cncs"} <= set(overdue.values_list("recipient__username", flat=True))
    assert "debió cambiarse el 20/05/2026; lleva 3 días de retraso" in overdue.first().body
    assert not Notification.objects.filter(title__startswith="Hoy vence").exists()


def test_a_reminder_first_sent_within_the_week_counts_the_days_really_left(due_account):
    with time_machine.travel(at_8(DUE - timedelta(days=3)), tick=False):
        assert rotation.send_password_reminders() == 1
    body = Notification.objects.filter(kind="password.reminder").first().body
    assert "a más tardar el 20/05/2026, dentro de 3 días" in body


def test_a_reminder_is_still_sent_once_when_the_sweep_runs_every_hour_after_the_due_date(due_account):
    for hour in range(8, 21):
        with time_machine.travel(datetime(2026, 5, 21, hour, 15, tzinfo=MX), tick=False):
            rotation.send_password_reminders()
    assert stages(due_account) == [1]
    assert Notification.objects.count() == 4


# --- Organs with nobody to remind -----------------------------------------------------------


@pytest.fixture
def no_administrators(cast, due_account):
    Designation.objects.filter(organ=cast.organ).update(ends_at=timezone.now())
    return due_account


def test_an_organ_without_administrators_is_reminded_through_its_titular_and_cncs(cast, no_administrators):
    with time_machine.travel(at_8(DUE - timedelta(days=7)), tick=False):
        assert rotation.send_password_reminders() == 1
    sent = Notification.objects.filter(kind="password.reminder")
    assert set(sent.values_list("recipient__username", flat=True)) == {"titular", "cncs"}
    assert "no tiene administradores designados vigentes" in sent.first().body
    assert no_administrators.password_reminders.get().recipients == 2


def test_a_reminder_nobody_can_receive_is_not_claimed_and_goes_out_at_the_next_sweep(cast, no_administrators):
    Organ.objects.filter(pk=cast.organ.pk).update(head=None)
    User.objects.filter(pk=cast.cncs.pk).update(is_active=False)
    with time_machine.travel(at_8(DUE), tick=False):
        assert rotation.send_password_reminders() == 0
    assert not PasswordReminder.objects.exists()
    User.objects.filter(pk=cast.cncs.pk).update(is_active=True)
    with time_machine.travel(at_8(DUE) + timedelta(hours=1), tick=False):
        assert rotation.send_password_reminders() == 1
    assert no_administrators.password_reminders.get().recipients == 1


def test_an_organ_without_administrators_shows_on_the_coverage_page(client, cast, no_administrators):
    assert cast.organ in [gap.organ for gap in selectors.coverage_gaps()]
    client.force_login(cast.cncs)
    body = client.get(reverse("accounts:coverage")).content.decode()
    assert cast.organ.name in body
    assert "Sin administrador titular vigente." in body


def test_the_day_is_the_mexico_city_day_not_the_utc_day(due_account):
    # 23:30 in Mexico City eight days before is already seven days before in UTC.
    assert rotation.send_password_reminders(now=mx(2026, 5, 12, 23, 30)) == 0
    assert rotation.send_password_reminders(now=mx(2026, 5, 13, 0, 0)) == 1


def test_each_reminder_for_a_due_date_is_sent_once_however_often_beat_runs(due_account):
    moment = at_8(DUE - timedelta(days=10))
    while moment < at_8(DUE + timedelta(days=22)):
        rotation.send_password_reminders(now=moment)
        moment += timedelta(hours=5)
    assert stages(due_account) == [-7, 0, 1, 8, 15, 22]
    assert Notification.objects.filter(kind__startswith="password.").count() == 2 + 2 + 4 + 4 + 4 + 4


def test_a_late_sweep_sends_only_the_current_stage(due_account):
    assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=9))) == 1
    assert stages(due_account) == [8]


def test_recording_the_rotation_stops_the_reminders_and_starts_a_new_cycle(cast, due_account):
    rotation.send_password_reminders(now=at_8(DUE + timedelta(days=7)))
    rotated = at_8(DUE + timedelta(days=8))
    with time_machine.travel(rotated, tick=False):
        services.record_password_rotation(account_id=due_account.pk, by=cast.admin, meets_policy=True)
    due_account.refresh_from_db()
    assert due_account.password_rotation_due_on == date(2026, 7, 28)
    assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=14))) == 0
    assert rotation.send_password_reminders(now=at_8(date(2026, 7, 21))) == 1
    assert due_account.password_reminders.filter(due_on=date(2026, 7, 28)).get().stage == -7


@pytest.mark.parametrize("status", [Account.Status.REQUESTED, Account.Status.APPROVED, Account.Status.CLOSED])
def test_accounts_not_in_operation_get_no_reminders(due_account, status):
    Account.objects.filter(pk=due_account.pk).update(status=status)
    assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=7))) == 0


def test_a_compromised_account_is_still_reminded(due_account):
    Account.objects.filter(pk=due_account.pk).update(status=Account.Status.COMPROMISED)
    assert rotation.send_password_reminders(now=at_8(DUE)) == 1


def test_a_sweep_killed_half_way_sends_each_reminder_once_when_run_again(cast, due_account):
    for _ in range(4):
        AccountFactory(organ=cast.organ, network=cast.network, password_rotation_due_on=DUE)
    real = rotation.notify_many
    calls = {"n": 0}

    def dies_on_second_batch(messages):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(messages)

    with mock.patch.object(rotation, "notify_many", dies_on_second_batch):
        with pytest.raises(RuntimeError):
            rotation.send_password_reminders(now=at_8(DUE), batch_size=2)
    assert PasswordReminder.objects.count() == 2
    assert rotation.send_password_reminders(now=at_8(DUE), batch_size=2) == 3
    assert rotation.send_password_reminders(now=at_8(DUE), batch_size=2) == 0
    assert PasswordReminder.objects.count() == 5
    assert Notification.objects.filter(kind="password.reminder").count() == 5 * 2


def test_the_password_sweeps_query_count_does_not_grow_with_its_rows(cast, due_account):
    def queries_for(n: int) -> tuple[int, int]:
        PasswordReminder.objects.all().delete()
        Account.objects.exclude(pk=due_account.pk).filter(organ=cast.organ).delete()
        for _ in range(n - 1):
            AccountFactory(organ=cast.organ, network=cast.network, password_rotation_due_on=DUE)
        with CaptureQueriesContext(connection) as ctx:
            assert rotation.send_password_reminders(now=at_8(DUE + timedelta(days=7))) == n
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
        return len(ctx.captured_queries) - len(inserts), len(inserts)

    few, many = queries_for(2), queries_for(40)
    assert few[0] == many[0]
    assert many[1] <= few[1] + 2


# --- The status page ---------------------------------------------------------------------


@pytest.fixture
def statuses(cast):
    today = date(2026, 5, 20)
    Account.objects.filter(pk=cast.account.pk).update(password_rotation_due_on=today - timedelta(days=3))
    Account.objects.filter(pk=cast.other_account.pk).update(password_rotation_due_on=today + timedelta(days=30))
    AccountFactory(
        organ=cast.organ, network=cast.network, handle="ProntoVence", password_rotation_due_on=today + timedelta(2)
    )
    AccountFactory(
        organ=cast.organ,
        network=cast.network,
        handle="Cerrada",
        status=Account.Status.CLOSED,
        password_rotation_due_on=today - timedelta(days=90),
    )
    with time_machine.travel(mx(2026, 5, 20, 12, 0), tick=False):
        yield


def page(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("accounts:rotation_status") + query)


def handles(response) -> set[str]:
    return {a.handle for a in response.context["page"]}


def test_cncs_see_every_live_account_with_its_state(client, cast, statuses):
    response = page(client, cast.cncs)
    assert response.status_code == 200
    assert handles(response) == {"INEPrueba", "OtraCuenta", "ProntoVence"}
    counts = {state: n for state, _, n in response.context["counts"]}
    assert counts == {"ok": 1, "due_soon": 1, "overdue": 1}
    body = response.content.decode()
    assert "3 días de retraso" in body and "vence en 2 días" in body
    assert "Vencida" in body and "Por vencer" in body and "Al día" in body


def test_an_organ_sees_only_its_own_accounts(client, cast, statuses):
    for user in (cast.admin, cast.titular):
        assert handles(page(client, user)) == {"INEPrueba", "ProntoVence"}
    assert handles(page(client, cast.other_admin)) == {"OtraCuenta"}
    assert handles(page(client, cast.outsider)) == set()


@pytest.mark.parametrize(
    ("state", "expected"), [("ok", "OtraCuenta"), ("due_soon", "ProntoVence"), ("overdue", "INEPrueba")]
)
def test_the_page_filters_by_state(client, cast, statuses, state, expected):
    assert handles(page(client, cast.cncs, f"?state={state}")) == {expected}


def test_the_page_filters_by_organ(client, cast, statuses):
    assert handles(page(client, cast.cncs, f"?organ={cast.other_organ.pk}")) == {"OtraCuenta"}


def test_an_organ_filter_outside_the_users_scope_matches_nothing(client, cast, statuses):
    assert handles(page(client, cast.admin, f"?organ={cast.other_organ.pk}")) == set()


def test_an_unknown_state_matches_nothing_and_says_why(client, cast, statuses):
    response = page(client, cast.cncs, "?state=olvidada")
    assert handles(response) == set()
    assert "Seleccione una opción válida." in response.content.decode()


def test_the_pages_query_count_does_not_grow_with_its_rows(client, cast, statuses, django_assert_max_num_queries):
    client.force_login(cast.cncs)
    for _ in range(30):
        AccountFactory(organ=cast.organ, network=cast.network, password_rotation_due_on=date(2026, 6, 1))
    with django_assert_max_num_queries(14):
        client.get(reverse("accounts:rotation_status"))


def test_the_page_requires_login(client):
    response = client.get(reverse("accounts:rotation_status"))
    assert response.status_code == 302
