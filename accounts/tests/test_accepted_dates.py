"""What the accounts app accepts as dates: out-of-office periods that make sense, and no
fact dated before the account existed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import Account, LogEntry, OutOfOfficePeriod, PasswordRotation
from accounts.tests.factories import active_since

MEXICO = ZoneInfo("America/Mexico_City")
# Every test here runs on this day (noon in Mexico City), so the dates below stay in the future.
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=MEXICO), tick=False):
        yield


def _period(cast, starts_on: date, ends_on: date, account=None, **overrides) -> OutOfOfficePeriod:
    account = account or cast.account
    data = {
        "account_id": account.pk,
        "by": cast.admin if account == cast.account else cast.other_admin,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "reason": "Periodo vacacional",
        "attention_hours": "De 10:00 a 12:00 h",
        "monitor": cast.suplente if account == cast.account else cast.other_admin,
    } | overrides
    return services.add_out_of_office_period(**data)


# --- Out-of-office: no overlap ---------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_on, ends_on",
    [
        (date(2026, 12, 20), date(2026, 12, 22)),  # inside
        (date(2026, 12, 15), date(2026, 12, 18)),  # ends on the first day
        (date(2027, 1, 4), date(2027, 1, 10)),  # starts on the last day
        (date(2026, 12, 10), date(2027, 1, 10)),  # around
    ],
    ids=["inside", "touches_the_start", "touches_the_end", "around"],
)
def test_a_period_that_overlaps_another_of_the_same_account_is_refused(cast, starts_on, ends_on):
    _period(cast, date(2026, 12, 18), date(2027, 1, 4))
    with pytest.raises(ValidationError) as exc:
        _period(cast, starts_on, ends_on)
    assert exc.value.messages == [
        "Se traslapa con el periodo del 18/12/2026 al 04/01/2027 ya registrado para esta cuenta. Elija otras fechas."
    ]
    assert OutOfOfficePeriod.objects.count() == 1


def test_back_to_back_periods_are_accepted(cast):
    _period(cast, date(2026, 12, 18), date(2026, 12, 24))
    _period(cast, date(2026, 12, 25), date(2027, 1, 4))
    assert OutOfOfficePeriod.objects.count() == 2


def test_another_accounts_period_on_the_same_days_is_no_overlap(cast):
    _period(cast, date(2026, 12, 18), date(2027, 1, 4))
    _period(cast, date(2026, 12, 18), date(2027, 1, 4), account=cast.other_account)
    assert OutOfOfficePeriod.objects.count() == 2


# --- Out-of-office: not too long ---------------------------------------------------------------


def test_a_period_of_the_maximum_length_is_accepted(cast, settings):
    settings.OUT_OF_OFFICE_MAX_DAYS = 60
    period = _period(cast, TODAY, TODAY + timedelta(days=59))
    assert (period.ends_on - period.starts_on).days + 1 == 60


def test_a_period_longer_than_the_maximum_is_refused_with_both_lengths(cast, settings):
    settings.OUT_OF_OFFICE_MAX_DAYS = 60
    with pytest.raises(ValidationError) as exc:
        _period(cast, TODAY, TODAY + timedelta(days=60))
    assert exc.value.message_dict["ends_on"] == [
        "El periodo dura 61 días; el máximo es de 60 días (contando el primero y el último)."
    ]
    assert not OutOfOfficePeriod.objects.exists()


def test_the_maximum_length_is_a_setting(cast, settings):
    settings.OUT_OF_OFFICE_MAX_DAYS = 5
    with pytest.raises(ValidationError, match="el máximo es de 5 días"):
        _period(cast, TODAY, TODAY + timedelta(days=5))


def test_the_maximum_length_defaults_to_sixty_days(monkeypatch):
    from ine_redes.settings import base

    monkeypatch.delenv("OUT_OF_OFFICE_MAX_DAYS", raising=False)
    assert base.env.int("OUT_OF_OFFICE_MAX_DAYS", default=60) == 60 == base.OUT_OF_OFFICE_MAX_DAYS


# --- Out-of-office: not in the past --------------------------------------------------------


def test_a_period_that_already_ended_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _period(cast, TODAY - timedelta(days=10), TODAY - timedelta(days=1))
    assert exc.value.message_dict["ends_on"] == ["El periodo ya terminó: la fecha final no puede estar en el pasado."]
    assert not OutOfOfficePeriod.objects.exists()


def test_a_period_under_way_or_ending_today_is_accepted(cast):
    _period(cast, TODAY - timedelta(days=3), TODAY)
    _period(cast, TODAY + timedelta(days=1), TODAY + timedelta(days=3))
    assert OutOfOfficePeriod.objects.count() == 2


# --- Out-of-office: listed in date order --------------------------------------------------------


def test_the_account_page_lists_periods_in_date_order(client, cast):
    for starts_on in (date(2027, 1, 10), date(2026, 12, 2), date(2026, 12, 20)):
        _period(cast, starts_on, starts_on + timedelta(days=2))
    assert [p.starts_on for p in selectors.recent_out_of_office_periods(cast.account)] == [
        date(2026, 12, 2),
        date(2026, 12, 20),
        date(2027, 1, 10),
    ]
    client.force_login(cast.admin)
    response = client.get(reverse("accounts:detail", args=[cast.account.pk]))
    assert [p.starts_on.day for p in response.context["periods"]] == [2, 20, 10]


def test_the_account_page_keeps_the_latest_periods_when_there_are_many(cast):
    for week in range(5):
        _period(cast, TODAY + timedelta(weeks=week), TODAY + timedelta(weeks=week, days=1))
    latest = selectors.recent_out_of_office_periods(cast.account, limit=3)
    assert [p.starts_on for p in latest] == [TODAY + timedelta(weeks=w) for w in (2, 3, 4)]


def test_the_admin_lists_periods_in_date_order(client, cast, django_user_model):
    for starts_on in (date(2027, 1, 10), date(2026, 12, 2)):
        _period(cast, starts_on, starts_on + timedelta(days=2))
    _period(cast, date(2026, 12, 20), date(2026, 12, 22), account=cast.other_account)
    client.force_login(django_user_model.objects.create_superuser("raiz", "raiz@ine.mx", "x"))
    response = client.get(reverse("admin:accounts_outofofficeperiod_changelist"))
    assert [p.starts_on.day for p in response.context["cl"].result_list] == [2, 20, 10]


# --- Out-of-office: the form shows the refusal ---------------------------------------------------


@pytest.mark.parametrize(
    "starts_on, ends_on, field, error",
    [
        ("2026-12-20", "2026-12-21", None, "Se traslapa con el periodo del 18/12/2026 al 04/01/2027"),
        ("2027-02-01", "2027-04-30", "ends_on", "El periodo dura 89 días; el máximo es de 60 días"),
        ("2026-11-20", "2026-11-30", "ends_on", "El periodo ya terminó"),
    ],
    ids=["overlap", "too_long", "past"],
)
def test_the_period_form_shows_the_refusal_in_spanish_and_saves_nothing(
    client, cast, settings, starts_on, ends_on, field, error
):
    settings.OUT_OF_OFFICE_MAX_DAYS = 60
    _period(cast, date(2026, 12, 18), date(2027, 1, 4))
    client.force_login(cast.admin)
    response = client.post(
        reverse("accounts:period_add", args=[cast.account.pk]),
        {
            "starts_on": starts_on,
            "ends_on": ends_on,
            "reason": "Inhábil",
            "attention_hours": "Sin atención",
            "monitor": cast.suplente.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__", [])
    assert any(error in e for e in errors)
    assert error in response.content.decode()
    assert OutOfOfficePeriod.objects.count() == 1


# --- Nothing before the account existed -----------------------------------------------------


def test_an_account_born_of_a_request_exists_since_it_was_recorded(cast):
    account = Account.objects.get(pk=cast.account.pk)
    Account.objects.filter(pk=account.pk).update(activated_at=account.created_at + timedelta(days=3))
    account.refresh_from_db()
    assert account.existed_since == account.created_at


def test_an_account_registered_after_it_opened_exists_since_its_activation(cast):
    account = active_since(cast.account, timezone.now() - timedelta(days=400))
    assert account.existed_since == timezone.now() - timedelta(days=400)


def test_an_account_not_yet_active_exists_since_it_was_recorded(cast):
    Account.objects.filter(pk=cast.account.pk).update(activated_at=None)
    account = Account.objects.get(pk=cast.account.pk)
    assert account.existed_since == account.created_at


def test_a_bitacora_entry_dated_before_the_account_existed_is_refused(cast):
    active_since(cast.account, datetime(2026, 6, 1, 9, 0, tzinfo=MEXICO))
    with pytest.raises(ValidationError) as exc:
        services.add_log_entry(
            account_id=cast.account.pk,
            by=cast.admin,
            kind=LogEntry.Kind.PUBLICATION,
            text="Publicación antigua",
            occurred_at=datetime(2026, 5, 31, 18, 0, tzinfo=MEXICO),
        )
    assert exc.value.message_dict["occurred_at"] == [
        "La fecha del hecho no puede ser anterior a la cuenta, que existe desde el 01/06/2026 09:00."
    ]
    assert not LogEntry.objects.exists()


def test_a_bitacora_entry_dated_the_moment_the_account_opened_is_accepted(cast):
    opened = datetime(2026, 6, 1, 9, 0, tzinfo=MEXICO)
    active_since(cast.account, opened)
    entry = services.add_log_entry(
        account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.PUBLICATION, text="Primera", occurred_at=opened
    )
    assert entry.occurred_at == opened


def test_a_rotation_dated_before_the_account_existed_is_refused(cast):
    active_since(cast.account, datetime(2026, 6, 1, 9, 0, tzinfo=MEXICO))
    with pytest.raises(ValidationError) as exc:
        services.record_password_rotation(
            account_id=cast.account.pk,
            by=cast.admin,
            meets_policy=True,
            rotated_at=datetime(2026, 5, 1, 9, 0, tzinfo=MEXICO),
        )
    assert exc.value.message_dict["rotated_at"] == [
        "La fecha del cambio no puede ser anterior a la cuenta, que existe desde el 01/06/2026 09:00."
    ]
    assert not PasswordRotation.objects.exists()
    assert not LogEntry.objects.exists()
    cast.account.refresh_from_db()
    assert cast.account.last_password_rotation_at is None


def test_the_forms_show_the_refusal_of_a_date_before_the_account_existed(client, cast):
    active_since(cast.account, datetime(2026, 6, 1, 9, 0, tzinfo=MEXICO))
    client.force_login(cast.admin)
    response = client.post(
        reverse("accounts:log_add", args=[cast.account.pk]),
        {"kind": "publication", "text": "Antigua", "occurred_at": "2026-05-31T18:00"},
    )
    assert response.status_code == 200
    assert "anterior a la cuenta, que existe desde el 01/06/2026 09:00" in response.content.decode()
    response = client.post(
        reverse("accounts:rotation_add", args=[cast.account.pk]),
        {"meets_policy": "on", "rotated_at": "2026-05-01T09:00"},
    )
    assert response.status_code == 200
    assert "La fecha del cambio no puede ser anterior a la cuenta" in response.content.decode()
    assert not LogEntry.objects.exists()
    assert not PasswordRotation.objects.exists()
