"""Two sweeps sending the same reminder stage, CNCS cancelling while someone marks the meeting
as held, one person registering twice at once: on PostgreSQL with real connections, one wins."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.access import Group
from accounts.tests.concurrency import run_together
from accounts.tests.factories import UserFactory
from evaluations import training
from evaluations.models import TrainingInvitation, TrainingMeeting, TrainingReminder
from notifications.models import Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def schedule(cast) -> TrainingMeeting:
    return training.schedule_meeting(
        by=cast.cncs,
        title="Reunión anual",
        starts_at=timezone.now() + timedelta(days=20),
        place="Auditorio",
        agenda="Temas.",
    )


def test_two_simultaneous_sweeps_send_each_stage_once(cast):
    meeting = schedule(cast)
    moment = meeting.starts_at - timedelta(days=7)
    with time_machine.travel(moment, tick=False):
        sweep = lambda: training.send_training_reminders(moment)  # noqa: E731
        results = run_together(sweep, sweep, sweep)
    assert [kind for kind, _ in results] == ["ok"] * 3, results
    assert sorted(value for _, value in results) == [0, 0, 6]
    assert TrainingReminder.objects.get().recipients == 6
    assert Notification.objects.filter(kind="evaluations.training_reminder").count() == 6


def test_cancelling_and_marking_held_at_once_one_wins(cast):
    meeting = schedule(cast)
    other_cncs = UserFactory(username="cncs2", organ=cast.cncs.organ, groups=[Group.CNCS])
    later = meeting.starts_at + timedelta(hours=1)
    results = run_together(
        lambda: training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs, now=later),
        lambda: training.mark_held(meeting_id=meeting.pk, by=other_cncs, now=later),
    )
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), ValidationError)
    final = TrainingMeeting.objects.get(pk=meeting.pk).status
    cancelled = Notification.objects.filter(kind="evaluations.training_changed").count()
    assert (final, cancelled) in {(TrainingMeeting.Status.CANCELLED, 6), (TrainingMeeting.Status.HELD, 0)}


def test_registering_twice_at_once_records_one_attendance(cast):
    meeting = schedule(cast)
    moment = meeting.starts_at
    attend = lambda: training.attend_with_code(by=cast.admin, code=meeting.attendance_code, now=moment)  # noqa: E731
    results = run_together(attend, attend)
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(r.already for _, r in results) == [False, True]
    assert meeting.invitations.get(user=cast.admin).attended_at == moment


def test_cancelling_while_someone_registers_never_leaves_attendance_on_a_cancelled_meeting(cast):
    meeting = schedule(cast)
    moment = meeting.starts_at - timedelta(minutes=30)
    results = run_together(
        lambda: training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs, now=moment),
        lambda: training.attend_with_code(by=cast.admin, code=meeting.attendance_code, now=moment),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    status = TrainingMeeting.objects.get(pk=meeting.pk).status
    attended = meeting.invitations.filter(attended_at__isnull=False).count()
    assert (status, attended) in {(TrainingMeeting.Status.CANCELLED, 0), (TrainingMeeting.Status.SCHEDULED, 1)}


def test_cncs_marking_while_the_person_registers_records_one_attendance_and_one_history_row(cast):
    meeting = schedule(cast)
    moment = meeting.starts_at
    results = run_together(
        lambda: training.record_attendance(meeting_id=meeting.pk, by=cast.cncs, user_ids=[cast.admin.pk], now=moment),
        lambda: training.attend_with_code(by=cast.admin, code=meeting.attendance_code, now=moment),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    (marked, _unmarked), attended = results[0][1], results[1][1]
    assert marked + (not attended.already) == 1
    history = TrainingInvitation.history.filter(meeting_id=meeting.pk, user=cast.admin)
    assert history.count() == 1
    invitation = meeting.invitations.get(user=cast.admin)
    assert history.get().history_user == invitation.attendance_recorded_by
