"""The training flag: an administrator with no attended training in the last
``TRAINING_VALID_MONTHS`` months, or designated after the last meeting held and not trained
since, is flagged — in ``flagged_user_ids`` (the evaluation's figures call it), on the
coverage page and beside the administrators on an account's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Designation, PositionLevel
from accounts.tests.factories import AccountFactory, OrganFactory, UserFactory, designate
from evaluations import training
from evaluations.models import TrainingInvitation, TrainingMeeting
from evaluations.tests.factories import TrainingInvitationFactory, TrainingMeetingFactory

pytestmark = pytest.mark.django_db

Status = TrainingMeeting.Status
FLAG = "Sin capacitación en los últimos 12 meses"


def months_ago(n: float):
    return timezone.now() - timedelta(days=round(30.44 * n))


def held(cast, starts_at, *, attended=(), absent=(), status=Status.HELD) -> TrainingMeeting:
    meeting = TrainingMeetingFactory(starts_at=starts_at, status=status, created_by=cast.cncs)
    for user in attended:
        TrainingInvitationFactory(
            meeting=meeting,
            user=user,
            attended_at=starts_at + timedelta(minutes=10),
            attendance_recorded=TrainingInvitation.Recorded.BY_CNCS,
            attendance_recorded_by=cast.cncs,
        )
    for user in absent:
        TrainingInvitationFactory(meeting=meeting, user=user)
    return meeting


def designated_at(user, moment) -> None:
    Designation.objects.filter(user=user, ends_at__isnull=True).update(starts_at=moment)


def test_nobody_trained_means_everyone_is_flagged(cast):
    ids = {cast.admin.pk, cast.suplente.pk, cast.titular.pk}
    assert training.flagged_user_ids(ids) == ids


def test_trained_eleven_months_ago_is_not_flagged_thirteen_is(cast):
    designated_at(cast.admin, months_ago(24))
    designated_at(cast.suplente, months_ago(24))
    held(cast, months_ago(11), attended=[cast.admin])
    held(cast, months_ago(13), attended=[cast.suplente])
    assert training.flagged_user_ids([cast.admin.pk, cast.suplente.pk]) == {cast.suplente.pk}


def test_the_twelve_months_are_counted_from_now(cast):
    designated_at(cast.admin, months_ago(24))
    meeting = held(cast, months_ago(11), attended=[cast.admin])
    assert training.flagged_user_ids([cast.admin.pk]) == set()
    later = meeting.starts_at + timedelta(days=367)
    assert training.flagged_user_ids([cast.admin.pk], now=later) == {cast.admin.pk}


def test_a_designation_made_after_the_meeting_is_flagged_until_the_next_one(cast):
    # Trained ten months ago (as the organ's titular, say); absent from the last meeting;
    # designated administrator after it.
    held(cast, months_ago(10), attended=[cast.admin])
    last = held(cast, months_ago(3), absent=[cast.admin], attended=[cast.suplente])
    designated_at(cast.admin, months_ago(2))
    designated_at(cast.suplente, months_ago(24))
    assert training.flagged_user_ids([cast.admin.pk, cast.suplente.pk]) == {cast.admin.pk}
    # The next meeting: scheduled (not yet held) and attended.
    next_one = held(cast, timezone.now() - timedelta(hours=2), attended=[cast.admin], status=Status.SCHEDULED)
    assert training.flagged_user_ids([cast.admin.pk]) == set()
    assert next_one.starts_at > last.starts_at


def test_someone_who_attended_the_last_meeting_before_being_designated_is_trained(cast):
    held(cast, months_ago(3), attended=[cast.admin])
    designated_at(cast.admin, months_ago(1))
    assert training.flagged_user_ids([cast.admin.pk]) == set()


def test_a_designation_before_the_last_meeting_is_judged_by_the_twelve_months_only(cast):
    designated_at(cast.admin, months_ago(6))
    held(cast, months_ago(8), attended=[cast.admin])
    held(cast, months_ago(4), absent=[cast.admin])
    assert training.flagged_user_ids([cast.admin.pk]) == set()


def test_attendance_at_a_cancelled_or_future_meeting_does_not_count(cast):
    designated_at(cast.admin, months_ago(24))
    designated_at(cast.suplente, months_ago(24))
    held(cast, months_ago(1), attended=[cast.admin], status=Status.CANCELLED)
    held(cast, timezone.now() + timedelta(days=3), attended=[cast.suplente], status=Status.SCHEDULED)
    assert training.flagged_user_ids([cast.admin.pk, cast.suplente.pk]) == {cast.admin.pk, cast.suplente.pk}


def test_flagged_user_ids_takes_one_query_whatever_the_number_of_people(cast, django_assert_num_queries):
    people = [UserFactory(organ=cast.organ) for _ in range(40)]
    held(cast, months_ago(2), attended=people[:20])
    with django_assert_num_queries(1):
        flagged = training.flagged_user_ids([p.pk for p in people])
    assert flagged == {p.pk for p in people[20:]}
    with django_assert_num_queries(0):
        assert training.flagged_user_ids([]) == set()


def test_the_annotated_list_agrees_with_flagged_user_ids(cast):
    held(cast, months_ago(10), attended=[cast.admin, cast.other_admin])
    held(cast, months_ago(3), absent=[cast.admin], attended=[cast.other_admin])
    designated_at(cast.admin, months_ago(2))
    designated_at(cast.other_admin, months_ago(24))
    designations = Designation.objects.filter(ends_at__isnull=True)
    annotated = {d.user_id: d.untrained for d in training.with_untrained_flag(designations)}
    assert {pk for pk, flag in annotated.items() if flag} == training.flagged_user_ids(annotated)
    assert annotated == {cast.admin.pk: True, cast.suplente.pk: True, cast.other_admin.pk: False}


def test_flagged_administrators_lists_only_current_administrators_without_training(cast):
    held(cast, months_ago(2), attended=[cast.admin])
    flagged = training.flagged_administrators()
    assert [d.user for d in flagged] == [cast.suplente, cast.other_admin]  # by organ name
    assert cast.titular not in {d.user for d in flagged}  # a titular is not an administrator


# --- On the pages ------------------------------------------------------------------------------


def test_the_coverage_page_marks_each_administrator_without_training(client, cast):
    held(cast, months_ago(2), attended=[cast.admin])
    client.force_login(cast.cncs)
    response = client.get(reverse("accounts:coverage"))
    body = response.content.decode()
    section = body[body.index('id="capacitacion"') :]
    assert FLAG in section
    assert str(cast.suplente) in section and str(cast.other_admin) in section
    assert str(cast.admin) not in section


def test_the_coverage_page_says_when_everyone_is_trained(client, cast):
    held(cast, months_ago(2), attended=[cast.admin, cast.suplente, cast.other_admin])
    client.force_login(cast.president)
    body = client.get(reverse("accounts:coverage")).content.decode()
    assert "tienen capacitación reciente" in body
    assert FLAG not in body


def _more_organs(n):
    for i in range(n):
        organ = OrganFactory(name=f"Junta {i}")
        designate(organ, UserFactory(organ=organ, position_level=PositionLevel.MANDO_MEDIO), "titular")
        designate(organ, UserFactory(organ=organ, position_level=PositionLevel.OPERATIVO), "suplente")
        AccountFactory(organ=organ)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_coverage_page_query_count_does_not_grow_with_administrators(client, cast):
    client.force_login(cast.cncs)
    url = reverse("accounts:coverage")
    few = _count(client, url)
    _more_organs(25)
    assert _count(client, url) == few
    assert client.get(url).content.decode().count(FLAG) == 3 + 50


def test_the_account_page_marks_its_untrained_administrators(client, cast):
    held(cast, months_ago(2), attended=[cast.admin])
    client.force_login(cast.titular)
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    admins = body[body.index("Administradores") :]
    admins = admins[: admins.index("</div>")]
    assert admins.count(FLAG) == 1
    line = next(p for p in admins.split("<p>") if str(cast.suplente) in p)
    assert FLAG in line
    assert FLAG not in next(p for p in admins.split("<p>") if str(cast.admin) in p)


def test_the_account_page_adds_no_query_for_the_flags(client, cast):
    """The flag comes in the designations' own query."""
    client.force_login(cast.cncs)
    url = reverse("accounts:detail", args=[cast.account.pk])
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    designation_queries = [q["sql"] for q in ctx.captured_queries if "accounts_designation" in q["sql"]]
    assert any("evaluations_traininginvitation" in sql for sql in designation_queries)
    assert not any(
        "evaluations_traininginvitation" in q["sql"] and "accounts_designation" not in q["sql"]
        for q in ctx.captured_queries
    )


def test_the_flag_months_follow_the_setting(client, cast, settings):
    settings.TRAINING_VALID_MONTHS = 6
    held(cast, months_ago(8), attended=[cast.admin, cast.suplente])
    client.force_login(cast.cncs)
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert "Sin capacitación en los últimos 6 meses" in body
