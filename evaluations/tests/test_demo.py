"""The demo: the procedure (version 1 published, draft version 2), the previous semester
evaluated, the current one under way, and the training meetings (one held, one to come).

Loaded as ``manage.py load_demo`` loads it: on top of the accounts demo and the other apps'."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from accounts.demo import load_demo as load_accounts_demo
from accounts.models import LogEntry, PasswordRotation, User
from evaluations import criteria, training
from evaluations.demo import ABSENT, CORRECTION_REASON, TITLE, load_demo
from evaluations.models import (
    CriteriaVersion,
    Criterion,
    Evaluation,
    EvaluationStatus,
    EvaluationStatusChange,
    IssuedVersion,
    Period,
    Score,
    TrainingInvitation,
    TrainingMeeting,
    weighted_score,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db

Source = Criterion.Source


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo", verbosity=0)


def _semesters():
    year, half = Period.semester_of(timezone.localdate())
    previous = (year, 1) if half == 2 else (year - 1, 2)
    return Period.objects.get(year=previous[0], half=previous[1]), Period.objects.get(year=year, half=half)


def _counts(period):
    return {
        status: n
        for status, n in Evaluation.objects.filter(period=period).values_list("status").annotate(n=Count("pk"))
    }


def test_version_1_is_published_by_the_committee_presidency(demo):
    version = CriteriaVersion.objects.get(number=1)
    assert version.title == TITLE
    assert version.is_published
    assert version.published_by.username == "comite.presidente"
    assert version.created_by.username == "comite.presidente"


def test_version_1_has_the_first_set_of_criteria_with_weights_adding_to_100(demo):
    version = CriteriaVersion.objects.get(number=1)
    items = list(version.criteria.order_by("position"))
    assert sum(c.weight for c in items) == 100
    sources = {c.code: c.source for c in items}
    assert sources == {
        "frecuencia": Source.ACTIVITY,
        "respuestas": Source.NONE,
        "propuestas": Source.NONE,
        "contenidos": Source.CONSULTATIONS,
        "bitacora": Source.ACTIVITY,
        "contrasenas": Source.ROTATIONS,
        "incidentes": Source.INCIDENTS,
        "vacaciones": Source.OUT_OF_OFFICE,
        "capacitacion": Source.TRAINING,
    }
    assert [c.position for c in items] == list(range(len(items)))
    for c in items:
        assert (c.scale_min, c.scale_max) == (0, 4)
        assert c.description and c.reference
        lines = c.scale_help.splitlines()
        assert len(lines) == 5 and lines[0].startswith("0: No cumple.") and lines[4].startswith("4: Cumple plenamente.")


def test_version_1_is_in_force_for_the_previous_semester(demo):
    """So that a past period can be opened and scored in the demo."""
    year, half = Period.semester_of(timezone.localdate())
    year, half = (year, 1) if half == 2 else (year - 1, 2)
    start = Period.bounds(year, half)[0]
    moment = timezone.make_aware(datetime.combine(start, time(0)))
    assert criteria.version_in_force(moment) == CriteriaVersion.objects.get(number=1)
    assert criteria.version_in_force() == CriteriaVersion.objects.get(number=1)


def test_the_publication_notice_of_version_1_is_dated_with_it(demo):
    version = CriteriaVersion.objects.get(number=1)
    notices = Notification.objects.filter(url=f"/evaluaciones/criterios/{version.pk}/")
    assert notices.exists()
    assert set(notices.values_list("created_at", flat=True)) == {version.published_at}


def test_version_2_is_a_draft_copied_from_version_1(demo):
    first = CriteriaVersion.objects.get(number=1)
    draft = CriteriaVersion.objects.get(number=2)
    assert draft.status == CriteriaVersion.Status.DRAFT
    assert draft.created_by.username == "comite.secretario"
    fields = ("code", "name", "reference", "description", "scale_help", "weight", "source", "position")
    assert list(draft.criteria.order_by("position").values(*fields)) == list(
        first.criteria.order_by("position").values(*fields)
    )


MODELS = (
    CriteriaVersion,
    Criterion,
    Period,
    Evaluation,
    Score,
    IssuedVersion,
    EvaluationStatusChange,
    TrainingMeeting,
    TrainingInvitation,
)


def test_loading_twice_creates_nothing_more(demo):
    counts = [model.objects.count() for model in MODELS]
    assert counts[:3] == [2, 18, 2]
    assert load_demo() is False
    call_command("load_demo", verbosity=0)
    assert [model.objects.count() for model in MODELS] == counts


def test_without_the_accounts_demo_nothing_is_created(settings):
    settings.DEBUG = True
    assert load_demo() is False
    assert not CriteriaVersion.objects.exists()
    assert not Period.objects.exists()
    assert not TrainingMeeting.objects.exists()


def test_an_existing_procedure_is_kept_and_the_rest_is_added(settings):
    """A database loaded before the periods and the training existed gets them on the next load."""
    settings.DEBUG = True
    call_command("load_catalogue", verbosity=0)
    load_accounts_demo()
    assert load_demo() is True
    TrainingMeeting.objects.all().delete()
    assert load_demo() is True
    assert TrainingMeeting.objects.count() == 2
    assert CriteriaVersion.objects.count() == 2


# --- The previous semester ---------------------------------------------------------------------


def test_the_previous_semester_was_opened_by_cncs_with_version_1(demo):
    previous, _current = _semesters()
    assert previous.opened_by.username == "cncs"
    assert previous.criteria.number == 1
    assert timezone.localtime(previous.opened_at).date() == previous.starts_on


def test_most_of_the_previous_semester_is_issued_and_several_acknowledged(demo):
    previous, _current = _semesters()
    counts = _counts(previous)
    # The juntas' four accounts; the central offices' too when they existed in that semester.
    assert counts[EvaluationStatus.ACKNOWLEDGED] == 3
    assert counts[EvaluationStatus.ISSUED] >= 1
    assert counts.get(EvaluationStatus.IN_PROGRESS, 0) <= 1
    assert EvaluationStatus.PENDING not in counts
    for evaluation in Evaluation.objects.filter(period=previous, status=EvaluationStatus.ACKNOWLEDGED):
        assert evaluation.acknowledged_by == evaluation.organ.head
        assert evaluation.acknowledged_by.username in {"titular.jalisco", "titular.cdmx"}
        assert evaluation.response
        assert evaluation.acknowledged_at > evaluation.issued_at


def test_issued_scores_are_computed_varied_and_one_is_below_the_threshold(demo, settings):
    previous, _current = _semesters()
    issued = Evaluation.objects.filter(period=previous, status__in=Evaluation.ISSUED_STATUSES)
    scores = sorted(issued.values_list("score", flat=True))
    assert len(set(scores)) == len(scores) >= 4
    assert any(score < settings.EVALUATION_BELOW_THRESHOLD for score in scores)
    assert any(score >= 80 for score in scores)
    for evaluation in issued:
        pairs = [(s.criterion, s.value) for s in evaluation.scores.select_related("criterion")]
        assert evaluation.score == weighted_score(pairs)
        assert all(s.comment for s in evaluation.scores.all())
        assert evaluation.summary


def test_one_evaluation_was_corrected_with_a_reason_and_both_issues_show(demo):
    previous, _current = _semesters()
    corrected = Evaluation.objects.get(period=previous, revision=2)
    assert corrected.account.handle == "INE.Jalisco"
    first, second = corrected.issued_versions.order_by("revision")
    assert (first.reason, second.reason) == ("", CORRECTION_REASON)
    assert (first.score, second.score) == (Decimal("76.3"), Decimal("83.8"))
    assert first.issued_at < second.issued_at == corrected.issued_at
    assert corrected.status == EvaluationStatus.ACKNOWLEDGED
    assert corrected.status_changes.filter(comment=CORRECTION_REASON, to_status=EvaluationStatus.ISSUED).exists()


def test_the_previous_semester_was_evaluated_in_the_past_in_order(demo):
    previous, _current = _semesters()
    now = timezone.now()
    changes = EvaluationStatusChange.objects.filter(evaluation__period=previous)
    assert changes.exists() and not changes.filter(changed_at__gt=now).exists()
    for evaluation in Evaluation.objects.filter(period=previous):
        moments = list(evaluation.status_changes.order_by("pk").values_list("changed_at", flat=True))
        assert moments == sorted(moments)
        assert all(m.date() > previous.ends_on for m in moments)
        notices = Notification.objects.filter(url=f"/evaluaciones/{evaluation.pk}/")
        assert not notices.filter(Q(created_at__gt=now - timedelta(days=1)) | Q(read_at__isnull=True)).exists()
        assert not notices.exclude(email_status=Notification.EmailStatus.SENT).exists()


def test_the_held_meetings_invitations_are_dated_before_it(demo):
    held = TrainingMeeting.objects.get(status=TrainingMeeting.Status.HELD)
    notices = Notification.objects.filter(url=f"/evaluaciones/capacitacion/{held.pk}/")
    assert notices.exists()
    assert set(notices.values_list("created_at", flat=True)) == {held.created_at}
    assert held.created_at < held.starts_at


def test_the_previous_semester_has_activity_behind_the_scores(demo):
    """Publications and password changes in the semester, so the figures tell the scores' story;
    the accounts' latest password change (and so their next due date) stays the recent one."""
    previous, _current = _semesters()
    start, end = (timezone.make_aware(datetime.combine(d, time(0))) for d in (previous.starts_on, previous.ends_on))
    for evaluation in Evaluation.objects.filter(period=previous).select_related("account"):
        account = evaluation.account
        published = LogEntry.objects.filter(
            account=account, kind=LogEntry.Kind.PUBLICATION, occurred_at__range=(start, end)
        )
        assert published.count() >= 5, account
        assert PasswordRotation.objects.filter(account=account, rotated_at__range=(start, end)).exists(), account
        assert account.last_password_rotation_at > end
    jalisco = Evaluation.objects.get(period=previous, account__handle="INEJalisco").issued_versions.get(revision=1)
    activity = next(g for g in jalisco.figures["groups"] if g["source"] == "activity")
    assert int(activity["figures"][0]["value"]) >= 40


# --- The current semester ----------------------------------------------------------------------


def test_the_current_semester_has_one_evaluation_in_progress_and_the_rest_pending(demo):
    _previous, current = _semesters()
    assert current.opened_by is None
    counts = _counts(current)
    assert counts[EvaluationStatus.IN_PROGRESS] == 1
    assert counts[EvaluationStatus.PENDING] >= 3
    assert set(counts) == {EvaluationStatus.IN_PROGRESS, EvaluationStatus.PENDING}
    in_progress = Evaluation.objects.get(period=current, status=EvaluationStatus.IN_PROGRESS)
    assert in_progress.organ.head.username == "titular.jalisco"
    values = list(in_progress.scores.values_list("value", flat=True))
    assert 0 < sum(v is not None for v in values) < len(values)
    assert in_progress.score is None


# --- Training ----------------------------------------------------------------------------------


def test_a_meeting_was_held_with_most_invitees_attending(demo):
    held = TrainingMeeting.objects.get(status=TrainingMeeting.Status.HELD)
    assert held.starts_at < timezone.now() and held.held_by.username == "cncs"
    counts = training.attendance_counts(held)
    assert 0 < counts["absent"] < counts["attended"]
    absent = set(held.invitations.filter(attended_at__isnull=True).values_list("user__username", flat=True))
    assert absent == set(ABSENT)
    recorded = set(held.invitations.exclude(attendance_recorded="").values_list("attendance_recorded", flat=True))
    assert recorded == {TrainingInvitation.Recorded.BY_CNCS, TrainingInvitation.Recorded.BY_CODE}
    groups = training.absentees_by_entidad(held)
    assert sum(g.total for g in groups) == counts["absent"]


def test_the_absent_administrator_is_flagged_as_untrained_and_those_who_came_are_not(demo):
    flagged = {d.user.username for d in training.flagged_administrators()}
    assert flagged == {"suplente.cdmx"}


def test_the_next_meeting_is_scheduled_and_shows_on_the_invitees_home(demo):
    upcoming = TrainingMeeting.objects.get(status=TrainingMeeting.Status.SCHEDULED)
    assert upcoming.starts_at > timezone.now()
    admin = User.objects.get(username="admin.jalisco")
    assert upcoming.invitations.filter(user=admin).exists()
    panel = training.panel_context(admin)
    assert panel["meeting"] == upcoming and not panel["code_open"]


def test_never_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        load_demo()
