"""The two beat tasks of the regularisation: the reminders as the deadline nears (each stage
once, only the nearest when several are due) and the outcome the day after the deadline
(active when complete, reclassified as personal when not; idempotent).

Every test starts at noon tomorrow (Mexico City), after the cast was created at real time,
creates its objects there, and moves forward from it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Account, AccountStatusChange
from notifications.models import Notification
from onboarding import regularisation, tasks
from onboarding.models import Regularisation, RegularisationReminder

from .regularisation_factories import complete, imported_account, national_deadline

pytestmark = pytest.mark.django_db

ORGAN_PEOPLE = {"titular", "admin_titular", "admin_suplente"}


def _start():
    return (timezone.localtime() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)


def _told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- Reminders -------------------------------------------------------------------------------


def test_each_stage_is_sent_once_to_the_organs_titular_and_administrators(cast, settings):
    settings.REGULARISATION_REMINDER_DAYS_BEFORE = [14, 7, 1]
    start = _start()
    with time_machine.travel(start, tick=False):
        account = imported_account(cast.organ, cast.network)
        deadline = timezone.localdate() + timedelta(days=14)
        national_deadline(deadline, cast.cncs)
        assert regularisation.send_regularisation_reminders() == 1
        assert regularisation.send_regularisation_reminders() == 0
        assert _told("onboarding.reminder") == sorted(ORGAN_PEOPLE)
        note = Notification.objects.filter(kind="onboarding.reminder").first()
        assert "Faltan 14 días" in note.title and str(account) in note.body
        assert "confirmar el uso institucional" in note.body and "registrar un cambio de contraseña" in note.body
        assert note.url == f"/incorporacion/regularizacion/organos/{cast.organ.pk}/"
    for days_later, stage in ((6, None), (7, 7), (8, None), (12, None), (13, 1), (14, None)):
        with time_machine.travel(start + timedelta(days=days_later), tick=False):
            sent = regularisation.send_regularisation_reminders()
            assert sent == (1 if stage else 0), days_later
    assert sorted(RegularisationReminder.objects.values_list("days_before", flat=True)) == [1, 7, 14]
    assert Notification.objects.filter(kind="onboarding.reminder", recipient=cast.titular).count() == 3
    last = Notification.objects.filter(kind="onboarding.reminder").latest("pk")
    assert "Falta 1 día" in last.title


def test_a_sweep_missed_for_days_sends_only_the_nearest_stage(cast, settings):
    settings.REGULARISATION_REMINDER_DAYS_BEFORE = [14, 7, 1]
    start = _start()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate() + timedelta(days=1), cast.cncs)
        assert regularisation.send_regularisation_reminders() == 1
        assert Notification.objects.filter(kind="onboarding.reminder", recipient=cast.titular).count() == 1
        # The earlier stages are claimed unsent: they never go out late.
        assert sorted(RegularisationReminder.objects.values_list("days_before", flat=True)) == [1, 7, 14]
        assert regularisation.send_regularisation_reminders() == 0


def test_the_deadline_day_itself_is_reminded_and_the_day_after_is_not(cast, settings):
    settings.REGULARISATION_REMINDER_DAYS_BEFORE = [0]
    start = _start()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate() + timedelta(days=1), cast.cncs)
        assert regularisation.send_regularisation_reminders() == 0
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert regularisation.send_regularisation_reminders() == 1
        assert "Hoy vence" in Notification.objects.get(kind="onboarding.reminder", recipient=cast.titular).title
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert regularisation.send_regularisation_reminders() == 0


def test_an_extension_is_a_new_deadline_whose_stages_start_again(cast, settings):
    settings.REGULARISATION_REMINDER_DAYS_BEFORE = [14, 7, 1]
    start = _start()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        national = timezone.localdate() + timedelta(days=7)
        national_deadline(national, cast.cncs)
        assert regularisation.send_regularisation_reminders() == 1
        regularisation.grant_extension(
            organ_id=cast.organ.pk, deadline=national + timedelta(days=7), reason="Cambio de titular.", by=cast.cncs
        )
        # 14 days before the new deadline: that stage is due for it.
        assert regularisation.send_regularisation_reminders() == 1
        assert regularisation.send_regularisation_reminders() == 0
    assert set(RegularisationReminder.objects.values_list("deadline", "days_before")) == {
        (national, 7),
        (national, 14),
        (national + timedelta(days=7), 14),
    }


def test_an_organ_whose_accounts_are_complete_is_not_reminded(cast, settings):
    settings.REGULARISATION_REMINDER_DAYS_BEFORE = [14, 7, 1]
    start = _start()
    with time_machine.travel(start, tick=False):
        account = imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate() + timedelta(days=7), cast.cncs)
        complete(account, head=cast.titular, admin=cast.admin)
        assert regularisation.send_regularisation_reminders() == 0
        assert not RegularisationReminder.objects.exists()


def test_no_reminder_far_from_the_deadline_nor_without_one(cast, settings):
    settings.REGULARISATION_REMINDER_DAYS_BEFORE = [14, 7, 1]
    start = _start()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        assert regularisation.send_regularisation_reminders() == 0
        national_deadline(timezone.localdate() + timedelta(days=15), cast.cncs)
        assert regularisation.send_regularisation_reminders() == 0
    assert not Notification.objects.filter(kind="onboarding.reminder").exists()


def test_the_reminder_task_returns_the_organs_reminded(cast):
    start = _start()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        imported_account(cast.other_organ, cast.network)
        national_deadline(timezone.localdate() + timedelta(days=1), cast.cncs)
        assert tasks.send_regularisation_reminders.apply().result == 2


# --- Outcome at the deadline -------------------------------------------------------------------


@pytest.fixture
def two_accounts(cast):
    """At noon tomorrow: one complete and one incomplete account of the organ, the deadline that day."""
    start = _start()
    with time_machine.travel(start, tick=False):
        cast.done = imported_account(cast.organ, cast.network)
        cast.undone = imported_account(cast.organ, cast.network)
        complete(cast.done, head=cast.titular, admin=cast.admin)
        regularisation.confirm_purpose(account_id=cast.undone.pk, by=cast.admin)
        national_deadline(timezone.localdate(), cast.cncs)
    cast.start = start
    return cast


def test_nothing_is_decided_on_the_last_day(two_accounts):
    with time_machine.travel(two_accounts.start + timedelta(hours=11), tick=False):
        assert regularisation.close_regularisation() == 0
    assert Account.objects.get(pk=two_accounts.undone.pk).status == Account.Status.REGULARIZING


def test_the_day_after_complete_accounts_are_active_and_incomplete_ones_reclassified(two_accounts):
    people = two_accounts
    with time_machine.travel(people.start + timedelta(days=1), tick=False):
        assert regularisation.close_regularisation() == 2
        now = timezone.now()
    done = Account.objects.get(pk=people.done.pk)
    undone = Account.objects.get(pk=people.undone.pk)
    assert done.status == Account.Status.ACTIVE and done.closed_at is None
    assert undone.status == Account.Status.RECLASSIFIED and undone.closed_at == now

    change = AccountStatusChange.objects.filter(account=undone).latest("changed_at")
    assert (change.from_status, change.to_status, change.changed_by) == ("regularizing", "reclassified", None)
    assert "Faltó: registrar un cambio de contraseña; que la persona titular del órgano acepte los criterios" in (
        change.comment
    )
    change = AccountStatusChange.objects.filter(account=done).latest("changed_at")
    assert (change.from_status, change.to_status, change.changed_by) == ("regularizing", "active", None)

    outcomes = dict(Regularisation.objects.values_list("account_id", "outcome"))
    assert outcomes == {done.pk: "regularised", undone.pk: "reclassified"}
    assert all(r.decided_at == now for r in Regularisation.objects.all())

    assert _told("onboarding.regularised") == sorted([*ORGAN_PEOPLE, "cncs"])
    assert _told("onboarding.reclassified") == sorted([*ORGAN_PEOPLE, "cncs"])
    message = Notification.objects.filter(kind="onboarding.reclassified").first()
    assert str(undone) in message.body and "Faltó" in message.body


def test_closing_twice_does_nothing_the_second_time(two_accounts):
    with time_machine.travel(two_accounts.start + timedelta(days=1), tick=False):
        assert tasks.close_regularisation.apply().result == 2
        notes = Notification.objects.count()
        changes = AccountStatusChange.objects.count()
        assert tasks.close_regularisation.apply().result == 0
    assert Notification.objects.count() == notes and AccountStatusChange.objects.count() == changes


def test_an_organs_accounts_are_told_in_one_message_per_outcome(cast):
    start = _start()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate(), cast.cncs)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert regularisation.close_regularisation() == 4
    assert Notification.objects.filter(kind="onboarding.reclassified", recipient=cast.titular).count() == 1
    assert not Notification.objects.filter(kind="onboarding.regularised").exists()
    assert (
        "4 cuentas reclasificadas"
        in Notification.objects.get(kind="onboarding.reclassified", recipient=cast.titular).title
    )


def test_an_extension_postpones_the_outcome_for_its_organ_only(cast):
    start = _start()
    with time_machine.travel(start, tick=False):
        mine = imported_account(cast.organ, cast.network)
        theirs = imported_account(cast.other_organ, cast.network)
        national_deadline(timezone.localdate(), cast.cncs)
        regularisation.grant_extension(
            organ_id=cast.organ.pk, deadline=timezone.localdate() + timedelta(days=5), reason="Motivo.", by=cast.cncs
        )
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert regularisation.close_regularisation() == 1
    assert Account.objects.get(pk=mine.pk).status == Account.Status.REGULARIZING
    assert Account.objects.get(pk=theirs.pk).status == Account.Status.RECLASSIFIED
    with time_machine.travel(start + timedelta(days=6), tick=False):
        assert regularisation.close_regularisation() == 1
    assert Account.objects.get(pk=mine.pk).status == Account.Status.RECLASSIFIED


def test_an_account_closed_meanwhile_is_left_alone(two_accounts):
    accounts_services.change_account_status(
        account_id=two_accounts.undone.pk, to_status="closed", by=two_accounts.cncs, comment="Cierre."
    )
    with time_machine.travel(two_accounts.start + timedelta(days=1), tick=False):
        assert regularisation.close_regularisation() == 1
    assert Account.objects.get(pk=two_accounts.undone.pk).status == Account.Status.CLOSED
    assert Regularisation.objects.get(account=two_accounts.undone).outcome == ""


def test_without_a_deadline_nothing_is_decided(cast):
    imported_account(cast.organ, cast.network)
    assert regularisation.close_regularisation() == 0


def test_a_step_taken_after_the_deadline_day_does_not_save_the_account(two_accounts):
    """The outcome runs after midnight; a password change recorded in between is too late."""
    people = two_accounts
    with time_machine.travel(people.start, tick=False):
        regularisation.accept_criteria(account_id=people.undone.pk, by=people.titular)
    # 00:05 the next day in Mexico City: the deadline day is over, the 00:20 run has not come.
    late = people.start + timedelta(hours=12, minutes=5)
    with time_machine.travel(late, tick=False):
        accounts_services.record_password_rotation(account_id=people.undone.pk, by=people.admin, meets_policy=True)
    with time_machine.travel(late + timedelta(minutes=15), tick=False):
        assert regularisation.close_regularisation() == 2
    assert Account.objects.get(pk=people.undone.pk).status == Account.Status.RECLASSIFIED
    change = AccountStatusChange.objects.filter(account=people.undone).latest("changed_at")
    assert change.comment.endswith("Faltó: registrar un cambio de contraseña.")
    assert Account.objects.get(pk=people.done.pk).status == Account.Status.ACTIVE
