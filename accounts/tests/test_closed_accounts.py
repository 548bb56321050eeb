"""A closed account takes no more bitácora entries or out-of-office periods, even when the
closure races the write: the write locks the account row, so the closure either waits for
it or is seen by it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import access, services
from accounts.models import Account, LogEntry, OutOfOfficePeriod
from accounts.tests.concurrency import run_together


def add_entry(cast):
    return services.add_log_entry(
        account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.OTHER, text="Entrada al momento del cierre"
    )


def add_period(cast):
    return services.add_out_of_office_period(
        account_id=cast.account.pk,
        by=cast.admin,
        starts_on=timezone.localdate() + timedelta(days=20),
        ends_on=timezone.localdate() + timedelta(days=30),
        reason="Periodo vacacional de invierno",
        attention_hours="Se responde de 10:00 a 12:00 h",
        monitor=cast.suplente,
    )


def close(cast):
    return services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs)


# --- Plainly closed ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_closed_account_refuses_a_bitacora_entry_and_says_why(cast):
    close(cast)
    with pytest.raises(ValidationError) as exc:
        add_entry(cast)
    assert exc.value.messages == ["La cuenta @INEPrueba (X (Twitter)) está cerrada: su bitácora ya no admite entradas."]
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_a_closed_account_refuses_even_the_entries_the_system_writes(cast):
    close(cast)
    with pytest.raises(ValidationError):
        services.add_log_entry(
            account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.OTHER, text="Aviso", check_access=False
        )
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_a_closed_account_refuses_an_out_of_office_period_and_says_why(cast):
    close(cast)
    with pytest.raises(ValidationError) as exc:
        add_period(cast)
    assert exc.value.messages == [
        "La cuenta @INEPrueba (X (Twitter)) está cerrada: ya no admite periodos vacacionales o inhábiles."
    ]
    assert not OutOfOfficePeriod.objects.exists()


# --- Racing the closure (PostgreSQL, real threads) ----------------------------------------


def pause_after(function, seconds=0.5):
    """The write pauses after it has read the account (at its access check): the closure
    runs meanwhile."""

    def paused(*args, **kwargs):
        result = function(*args, **kwargs)
        time.sleep(seconds)
        return result

    return paused


def close_a_moment_later(cast):
    time.sleep(0.1)
    return close(cast)


def assert_nothing_written_after_the_closure(model, results):
    assert results[1][0] == "ok", results  # the closure always goes through
    account = Account.objects.get(pk=results[1][1].pk)
    assert account.status == Account.Status.CLOSED
    if results[0][0] == "error":
        assert isinstance(results[0][1], ValidationError), results
        assert "está cerrada" in results[0][1].messages[0]
    late = model.objects.filter(account=account, created_at__gte=account.closed_at)
    assert not late.exists(), "written to an account that was already closed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bitacora_entry_racing_the_closure_is_never_written_after_it(cast, monkeypatch):
    monkeypatch.setattr(access, "can_operate_account", pause_after(access.can_operate_account))
    results = run_together(lambda: add_entry(cast), lambda: close_a_moment_later(cast))
    assert_nothing_written_after_the_closure(LogEntry, results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_out_of_office_period_racing_the_closure_is_never_written_after_it(cast, monkeypatch):
    monkeypatch.setattr(access, "can_operate_account", pause_after(access.can_operate_account))
    results = run_together(lambda: add_period(cast), lambda: close_a_moment_later(cast))
    assert_nothing_written_after_the_closure(OutOfOfficePeriod, results)
