"""Regularisation rules (Transitorio SEGUNDO): the four steps, the deadline, the extensions and
the two confirmations, with each refusal. Time is frozen relative to now, and every object a
test depends on is created inside the travel."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Designation
from notifications.models import Notification
from onboarding import regularisation
from onboarding.models import OrganExtension, Regularisation, RegularisationSchedule
from onboarding.regularisation import StepKey

from .regularisation_factories import complete, imported_account, national_deadline

pytestmark = pytest.mark.django_db


def _noon_today():
    """Noon in Mexico City tomorrow: a "today" for the test that is always after the cast was
    created at real time, and at noon so that +/- days never cross a date boundary by accident."""
    return (timezone.localtime() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)


def _steps(account) -> dict[str, regularisation.Step]:
    return {step.key: step for step in regularisation.steps(account)}


@pytest.fixture
def imported(cast):
    cast.imported = imported_account(cast.organ, cast.network)
    return cast


# --- Steps ------------------------------------------------------------------------------------


def test_a_new_imported_account_has_only_its_administrators_step_done(imported):
    steps = _steps(imported.imported)
    assert list(steps) == [StepKey.PURPOSE, StepKey.ADMINISTRATORS, StepKey.PASSWORD, StepKey.CRITERIA]
    assert {k: s.done for k, s in steps.items()} == {
        StepKey.PURPOSE: False,
        StepKey.ADMINISTRATORS: True,  # the cast's organ has a titular and a suplente
        StepKey.PASSWORD: False,
        StepKey.CRITERIA: False,
    }
    assert str(imported.admin) in steps[StepKey.ADMINISTRATORS].detail
    assert steps[StepKey.PASSWORD].url == f"/cuentas/{imported.imported.pk}/contrasena/"
    assert steps[StepKey.ADMINISTRATORS].url == f"/organos/{imported.organ.pk}/administradores/"
    assert not regularisation.annotated().get(account=imported.imported).is_complete


def test_the_administrators_step_needs_a_current_titular_and_suplente_still_on_staff(imported):
    other = imported_account(imported.other_organ, imported.network)  # it has a titular only
    step = _steps(other)[StepKey.ADMINISTRATORS]
    assert not step.done and "suplente" in step.detail
    # A suplente who has left the organ does not count.
    Designation.objects.filter(organ=imported.organ, role=Designation.Role.SUPLENTE).update(ends_at=timezone.now())
    assert not _steps(imported.imported)[StepKey.ADMINISTRATORS].done


def test_the_password_step_counts_a_rotation_recorded_since_the_regularisation_started(imported):
    account = imported.imported
    accounts_services.record_password_rotation(account_id=account.pk, by=imported.suplente, meets_policy=True)
    step = _steps(account)[StepKey.PASSWORD]
    assert step.done and str(imported.suplente) in step.detail
    # A regularisation started after the rotation was recorded does not count it.
    Regularisation.objects.filter(account=account).update(started_at=timezone.now() + timedelta(seconds=5))
    assert not _steps(account)[StepKey.PASSWORD].done


def test_all_four_steps_make_the_account_complete(imported):
    complete(imported.imported, head=imported.titular, admin=imported.admin)
    row = regularisation.annotated().get(account=imported.imported)
    assert row.is_complete
    [progress] = regularisation.progress(regularisation.annotated().filter(pk=row.pk))
    assert progress.is_complete and progress.missing == []


def test_progress_takes_a_fixed_number_of_queries(imported, django_assert_max_num_queries):
    for _ in range(6):
        account = imported_account(imported.organ, imported.network)
        complete(account, head=imported.titular, admin=imported.admin)
    with django_assert_max_num_queries(3):
        rows = regularisation.progress(regularisation.in_progress())
    assert len(rows) == 7 and sum(r.is_complete for r in rows) == 6


# --- Confirm purpose --------------------------------------------------------------------------


def test_the_titular_or_an_administrator_confirms_the_purpose_with_who_and_when(imported):
    r = regularisation.confirm_purpose(account_id=imported.imported.pk, by=imported.suplente)
    assert r.purpose_confirmed_by == imported.suplente and r.purpose_confirmed_at is not None
    assert r.history.latest().history_user == imported.suplente
    other = imported_account(imported.organ, imported.network)
    assert (
        regularisation.confirm_purpose(account_id=other.pk, by=imported.titular).purpose_confirmed_by
        == imported.titular
    )


@pytest.mark.parametrize("role", ["staff", "other_titular", "other_admin", "cncs", "outsider", "president"])
def test_nobody_else_confirms_the_purpose(imported, role):
    with pytest.raises(PermissionDenied):
        regularisation.confirm_purpose(account_id=imported.imported.pk, by=getattr(imported, role))
    assert Regularisation.objects.get(account=imported.imported).purpose_confirmed_at is None


def test_confirming_twice_says_who_already_did_and_when(imported):
    regularisation.confirm_purpose(account_id=imported.imported.pk, by=imported.admin)
    with pytest.raises(ValidationError, match=f"ya lo confirmó {imported.admin}"):
        regularisation.confirm_purpose(account_id=imported.imported.pk, by=imported.titular)
    assert Regularisation.objects.get(account=imported.imported).purpose_confirmed_by == imported.admin


def test_an_account_not_in_regularisation_is_refused(imported):
    with pytest.raises(ValidationError, match="no está en regularización"):
        regularisation.confirm_purpose(account_id=imported.account.pk, by=imported.admin)
    accounts_services.change_account_status(
        account_id=imported.imported.pk, to_status="closed", by=imported.cncs, comment="Cierre."
    )
    with pytest.raises(ValidationError, match="ya no está en regularización"):
        regularisation.confirm_purpose(account_id=imported.imported.pk, by=imported.admin)


def test_confirmations_after_the_deadline_are_refused(cast):
    start = _noon_today()
    with time_machine.travel(start, tick=False):
        account = imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate(), cast.cncs)
        # The last day itself still counts.
        regularisation.confirm_purpose(account_id=account.pk, by=cast.admin)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        with pytest.raises(ValidationError, match="venció el"):
            regularisation.accept_criteria(account_id=account.pk, by=cast.titular)
        with pytest.raises(ValidationError, match="venció el"):
            regularisation.accept_criteria_for_organ(organ_id=cast.organ.pk, by=cast.titular)
    assert Regularisation.objects.get(account=account).criteria_accepted_at is None


# --- Accept criteria --------------------------------------------------------------------------


def test_only_the_organs_head_accepts_the_criteria(imported):
    for role in ("admin", "suplente", "cncs", "other_titular", "consejero"):
        with pytest.raises(PermissionDenied):
            regularisation.accept_criteria(account_id=imported.imported.pk, by=getattr(imported, role))
    r = regularisation.accept_criteria(account_id=imported.imported.pk, by=imported.titular)
    assert r.criteria_accepted_by == imported.titular and r.criteria_accepted_at is not None


def test_accepting_twice_is_refused(imported):
    regularisation.accept_criteria(account_id=imported.imported.pk, by=imported.titular)
    with pytest.raises(ValidationError, match="ya los aceptó"):
        regularisation.accept_criteria(account_id=imported.imported.pk, by=imported.titular)


def test_one_click_accepts_for_every_pending_account_of_the_organ(imported):
    second = imported_account(imported.organ, imported.network)
    third = imported_account(imported.organ, imported.network)
    regularisation.accept_criteria(account_id=third.pk, by=imported.titular)
    elsewhere = imported_account(imported.other_organ, imported.network)
    assert regularisation.accept_criteria_for_organ(organ_id=imported.organ.pk, by=imported.titular) == 2
    accepted = dict(Regularisation.objects.values_list("account_id", "criteria_accepted_by"))
    assert accepted[imported.imported.pk] == accepted[second.pk] == imported.titular.pk
    assert accepted[elsewhere.pk] is None
    with pytest.raises(ValidationError, match="con los criterios por aceptar"):
        regularisation.accept_criteria_for_organ(organ_id=imported.organ.pk, by=imported.titular)


def test_one_click_acceptance_is_the_heads_only(imported):
    for role in ("admin", "cncs", "other_titular"):
        with pytest.raises(PermissionDenied):
            regularisation.accept_criteria_for_organ(organ_id=imported.organ.pk, by=getattr(imported, role))
    assert not Regularisation.objects.filter(criteria_accepted_at__isnull=False).exists()


# --- Deadline ----------------------------------------------------------------------------------


def test_cncs_sets_the_national_deadline_and_the_organs_concerned_are_told(imported):
    day = timezone.localdate() + timedelta(days=30)
    schedule = regularisation.set_deadline(deadline=day, by=imported.cncs)
    assert schedule.deadline == day and schedule.set_by == imported.cncs
    told = set(
        Notification.objects.filter(kind="onboarding.deadline_set").values_list("recipient__username", flat=True)
    )
    # The organ with an account in regularisation, and CNCS; not the other organ.
    assert told == {"titular", "admin_titular", "admin_suplente", "cncs"}
    assert regularisation.effective_deadline(imported.organ) == day


def test_moving_the_deadline_is_kept_in_its_history(imported):
    today = timezone.localdate()
    regularisation.set_deadline(deadline=today + timedelta(days=30), by=imported.cncs)
    regularisation.set_deadline(deadline=today + timedelta(days=40), by=imported.cncs)
    schedule = RegularisationSchedule.objects.get()
    assert [h.deadline for h in schedule.history.order_by("history_date")] == [
        today + timedelta(days=30),
        today + timedelta(days=40),
    ]
    assert Notification.objects.filter(kind="onboarding.deadline_set", recipient=imported.titular).count() == 2
    assert "del " in Notification.objects.filter(kind="onboarding.deadline_set").latest("pk").body


@pytest.mark.parametrize("role", ["titular", "admin", "president", "unicom", "outsider"])
def test_only_cncs_sets_the_deadline(imported, role):
    with pytest.raises(PermissionDenied):
        regularisation.set_deadline(deadline=timezone.localdate() + timedelta(days=3), by=getattr(imported, role))
    assert not RegularisationSchedule.objects.exists()


def test_a_past_deadline_is_refused(imported):
    with pytest.raises(ValidationError, match="no puede estar en el pasado"):
        regularisation.set_deadline(deadline=timezone.localdate() - timedelta(days=1), by=imported.cncs)
    # Today is the last day to comply, not the past.
    regularisation.set_deadline(deadline=timezone.localdate(), by=imported.cncs)


def test_a_passed_deadline_can_no_longer_be_moved(cast):
    start = _noon_today()
    with time_machine.travel(start, tick=False):
        regularisation.set_deadline(deadline=timezone.localdate() + timedelta(days=2), by=cast.cncs)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        with pytest.raises(ValidationError, match="ya no puede moverse"):
            regularisation.set_deadline(deadline=timezone.localdate() + timedelta(days=10), by=cast.cncs)
    assert RegularisationSchedule.objects.get().deadline == start.date() + timedelta(days=2)


# --- Extensions --------------------------------------------------------------------------------


def test_an_extension_gives_the_organ_a_later_deadline_and_tells_its_people(imported):
    national = timezone.localdate() + timedelta(days=10)
    national_deadline(national, imported.cncs)
    extension = regularisation.grant_extension(
        organ_id=imported.organ.pk,
        deadline=national + timedelta(days=15),
        reason="Cambio de titular.",
        by=imported.cncs,
    )
    assert extension.granted_by == imported.cncs
    assert regularisation.effective_deadline(imported.organ) == national + timedelta(days=15)
    assert regularisation.effective_deadline(imported.other_organ) == national
    told = set(
        Notification.objects.filter(kind="onboarding.extension_granted").values_list("recipient__username", flat=True)
    )
    assert told == {"titular", "admin_titular", "admin_suplente", "cncs"}
    # A second extension moves it again, kept in the history.
    regularisation.grant_extension(
        organ_id=imported.organ.pk, deadline=national + timedelta(days=20), reason="Otra vez.", by=imported.cncs
    )
    assert OrganExtension.objects.get().history.count() == 2


def test_an_extension_must_be_later_than_the_current_deadline(imported):
    national = timezone.localdate() + timedelta(days=10)
    national_deadline(national, imported.cncs)
    for day in (national, national - timedelta(days=1)):
        with pytest.raises(ValidationError, match="debe ser posterior"):
            regularisation.grant_extension(organ_id=imported.organ.pk, deadline=day, reason="Motivo.", by=imported.cncs)
    assert not OrganExtension.objects.exists()


def test_an_extension_needs_a_reason(imported):
    national_deadline(timezone.localdate() + timedelta(days=10), imported.cncs)
    with pytest.raises(ValidationError, match="motivo"):
        regularisation.grant_extension(
            organ_id=imported.organ.pk,
            deadline=timezone.localdate() + timedelta(days=20),
            reason="  ",
            by=imported.cncs,
        )
    assert not OrganExtension.objects.exists()


def test_an_extension_needs_a_national_deadline_first(imported):
    with pytest.raises(ValidationError, match="fíjela"):
        regularisation.grant_extension(
            organ_id=imported.organ.pk,
            deadline=timezone.localdate() + timedelta(days=20),
            reason="M.",
            by=imported.cncs,
        )


def test_no_extension_once_the_organs_deadline_has_passed(cast):
    start = _noon_today()
    with time_machine.travel(start, tick=False):
        imported_account(cast.organ, cast.network)
        national_deadline(timezone.localdate() + timedelta(days=1), cast.cncs)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        with pytest.raises(ValidationError, match="ya no puede prorrogarse"):
            regularisation.grant_extension(
                organ_id=cast.organ.pk, deadline=timezone.localdate() + timedelta(days=5), reason="Tarde.", by=cast.cncs
            )
    assert not OrganExtension.objects.exists()


@pytest.mark.parametrize("role", ["titular", "admin", "president", "unicom"])
def test_only_cncs_grants_extensions(imported, role):
    national_deadline(timezone.localdate() + timedelta(days=10), imported.cncs)
    with pytest.raises(PermissionDenied):
        regularisation.grant_extension(
            organ_id=imported.organ.pk,
            deadline=timezone.localdate() + timedelta(days=20),
            reason="Motivo.",
            by=getattr(imported, role),
        )


def test_a_national_date_moved_past_an_extension_wins(imported):
    today = timezone.localdate()
    national_deadline(today + timedelta(days=10), imported.cncs)
    regularisation.grant_extension(
        organ_id=imported.organ.pk, deadline=today + timedelta(days=15), reason="Motivo.", by=imported.cncs
    )
    regularisation.set_deadline(deadline=today + timedelta(days=30), by=imported.cncs)
    assert regularisation.effective_deadline(imported.organ) == today + timedelta(days=30)


def test_the_national_totals_agree_with_the_figures(imported):
    complete(imported_account(imported.organ, imported.network), head=imported.titular, admin=imported.admin)
    imported_account(imported.other_organ, imported.network)
    reclassified = imported_account(imported.organ, imported.network)
    accounts_services.change_account_status(
        account_id=reclassified.pk, to_status="reclassified", by=None, comment="Prueba."
    )
    Regularisation.objects.filter(account=reclassified).update(outcome="reclassified", decided_at=timezone.now())
    totals = regularisation.national_totals()
    figures = regularisation.national_figures().total
    assert (totals.in_regularisation, totals.complete, totals.regularised, totals.reclassified) == (3, 1, 0, 1)
    assert (figures.in_regularisation, figures.complete, figures.regularised, figures.reclassified) == (3, 1, 0, 1)
    assert sum(c.total for c in regularisation.national_figures().by_organ) == 4
