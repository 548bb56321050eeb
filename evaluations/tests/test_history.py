"""Who changed what: the criteria's drafts and the training meetings keep a history
(django-simple-history) with the person; cancelling and marking held say who and when; the
database allows one draft of the criteria at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from evaluations import criteria, training
from evaluations.models import CriteriaVersion, Criterion, TrainingMeeting
from evaluations.tests.factories import CriteriaVersionFactory, published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast):
    return training.schedule_meeting(
        by=cast.cncs,
        title="Capacitación anual",
        starts_at=timezone.now() + timedelta(days=10),
        place="Auditorio",
        agenda="Criterios vigentes.",
    )


def test_scheduling_keeps_who_scheduled(cast, meeting):
    assert meeting.history.get().history_user == cast.cncs


def test_cancelling_records_who_when_and_why(cast, meeting):
    training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs, reason="Cambio de sede")

    meeting.refresh_from_db()
    assert meeting.status == TrainingMeeting.Status.CANCELLED
    assert meeting.cancelled_by == cast.cncs and meeting.cancel_reason == "Cambio de sede"
    last = meeting.history.order_by("-history_date").first()
    assert (last.status, last.history_user) == (TrainingMeeting.Status.CANCELLED, cast.cncs)


def test_marking_held_records_who_and_when(cast, meeting):
    after = meeting.starts_at + timedelta(hours=2)
    with time_machine.travel(after, tick=False):
        training.mark_held(meeting_id=meeting.pk, by=cast.cncs)

    meeting.refresh_from_db()
    assert (meeting.held_at, meeting.held_by) == (after, cast.cncs)


def test_rescheduling_keeps_the_old_date_in_the_history(cast, meeting):
    old = meeting.starts_at
    new = old + timedelta(days=3)
    training.reschedule_meeting(
        meeting_id=meeting.pk,
        by=cast.cncs,
        title=meeting.title,
        starts_at=new,
        place=meeting.place,
        agenda="Criterios vigentes.",
    )

    dates = list(meeting.history.order_by("history_date").values_list("starts_at", "history_user"))
    assert dates == [(old, cast.cncs.pk), (new, cast.cncs.pk)]


def test_a_held_or_cancelled_meeting_without_its_date_is_refused_by_the_database(meeting):
    for status in (TrainingMeeting.Status.HELD, TrainingMeeting.Status.CANCELLED):
        with pytest.raises(IntegrityError), transaction.atomic():
            TrainingMeeting.objects.filter(pk=meeting.pk).update(status=status)


def test_editing_a_draft_keeps_who_edited_it(cast):
    published_version(created_by=cast.president)
    draft = criteria.create_draft(by=cast.president)
    criteria.update_draft(version_id=draft.pk, by=cast.secretary, title="Procedimiento revisado")
    first = draft.criteria.first()
    criteria.save_criterion(
        version_id=draft.pk,
        by=cast.secretary,
        criterion_id=first.pk,
        code=first.code,
        name=first.name,
        reference=first.reference,
        description=first.description,
        scale_min=first.scale_min,
        scale_max=first.scale_max,
        scale_help=first.scale_help,
        weight=first.weight + 5,
        source=first.source,
    )

    assert draft.history.order_by("-history_date").first().history_user == cast.secretary
    assert Criterion.history.filter(id=first.pk).order_by("-history_date").first().history_user == cast.secretary


def test_the_database_allows_one_draft_at_a_time(cast):
    CriteriaVersionFactory(created_by=cast.president)

    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaVersionFactory(created_by=cast.president)
    assert CriteriaVersion.objects.filter(status=CriteriaVersion.Status.DRAFT).count() == 1


def test_publishing_is_in_the_history_with_who_published(cast):
    published_version(created_by=cast.president)
    draft = criteria.create_draft(by=cast.president)

    criteria.publish_version(version_id=draft.pk, by=cast.secretary)

    last = draft.history.order_by("-history_date").first()
    assert (last.status, last.history_user) == (CriteriaVersion.Status.PUBLISHED, cast.secretary)
