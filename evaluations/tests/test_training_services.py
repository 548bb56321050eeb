"""The annual training meeting (§8, approved INE version): scheduling and who is invited,
rescheduling and cancelling, the reminders (each stage once), attendance by CNCS and with
the code, and the absentees per organ and entidad."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Designation, Entidad, Organ, PositionLevel
from accounts.tests.factories import OrganFactory, UserFactory, designate
from evaluations import training
from evaluations.models import TrainingInvitation, TrainingMeeting, TrainingReminder
from notifications.models import Notification

pytestmark = pytest.mark.django_db

Status = TrainingMeeting.Status
MX = ZoneInfo("America/Mexico_City")


def mx(*args) -> datetime:
    return datetime(*args, tzinfo=MX)


def schedule(cast, starts_at=None, **kwargs) -> TrainingMeeting:
    fields = {
        "title": "Reunión anual de capacitación 2026",
        "starts_at": starts_at or timezone.now() + timedelta(days=20),
        "ends_at": None,
        "place": "Auditorio, Viaducto Tlalpan 100",
        "link": "",
        "agenda": "1. Criterios vigentes.\n2. Seguridad de las cuentas.",
    }
    fields.update(kwargs)
    return training.schedule_meeting(by=cast.cncs, **fields)


def invited(meeting) -> dict[str, tuple[str, str]]:
    return {i.user.username: (i.organ.name, i.role) for i in meeting.invitations.select_related("user", "organ")}


def notified(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


INVITEES = ["admin_suplente", "admin_titular", "consejero", "otro_admin", "otro_titular", "titular"]


# --- Scheduling ----------------------------------------------------------------------------


def test_every_current_administrator_and_titular_is_invited_and_notified(cast):
    meeting = schedule(cast)
    people = invited(meeting)
    assert sorted(people) == INVITEES
    assert people["admin_titular"] == (cast.organ.name, TrainingInvitation.Role.ADMINISTRATOR)
    assert people["admin_suplente"] == (cast.organ.name, TrainingInvitation.Role.ADMINISTRATOR)
    assert people["titular"] == (cast.organ.name, TrainingInvitation.Role.HEAD)
    assert people["consejero"] == (cast.consejero_office.name, TrainingInvitation.Role.HEAD)
    assert notified("evaluations.training_invited") == INVITEES
    note = Notification.objects.filter(kind="evaluations.training_invited").first()
    assert f"/evaluaciones/capacitacion/{meeting.pk}/" == note.url
    assert "Auditorio" in note.body and "hora del centro de México" in note.body


def test_a_person_who_is_titular_and_administrator_is_invited_once(cast):
    organ = OrganFactory(name="Unidad pequeña")
    boss = UserFactory(username="jefa", organ=organ, position_level=PositionLevel.MANDO_SUPERIOR)
    Organ.objects.filter(pk=organ.pk).update(head=boss)
    designate(organ, boss, Designation.Role.TITULAR)
    meeting = schedule(cast)
    assert meeting.invitations.filter(user=boss).count() == 1
    assert invited(meeting)["jefa"] == ("Unidad pequeña", TrainingInvitation.Role.ADMINISTRATOR)
    assert Notification.objects.filter(kind="evaluations.training_invited", recipient=boss).count() == 1


def test_former_moved_and_inactive_administrators_are_not_invited(cast):
    Designation.objects.filter(user=cast.suplente).update(ends_at=timezone.now())
    cast.other_admin.organ = cast.organ  # moved to another organ: the designation no longer counts
    cast.other_admin.save()
    cast.admin.is_active = False
    cast.admin.save()
    Organ.objects.filter(pk=cast.consejero_office.pk).update(is_active=False)
    assert sorted(invited(schedule(cast))) == ["otro_titular", "titular"]


def test_scheduling_takes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for n in range(30):
        organ = OrganFactory(name=f"Junta {n}")
        head = UserFactory(organ=organ, position_level=PositionLevel.MANDO_SUPERIOR)
        Organ.objects.filter(pk=organ.pk).update(head=head)
        designate(organ, UserFactory(organ=organ, position_level=PositionLevel.MANDO_MEDIO), "titular")
        designate(organ, UserFactory(organ=organ, position_level=PositionLevel.OPERATIVO), "suplente")
    with django_assert_max_num_queries(12):
        meeting = schedule(cast)
    assert meeting.invitations.count() == 6 + 90


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "starts_at"),
        ({"place": "", "link": ""}, "place"),
        ({"place": "   ", "link": ""}, "place"),
        ({"agenda": ""}, "agenda"),
        ({"title": ""}, "title"),
        ({"ends_at": timezone.now() + timedelta(days=19)}, "ends_at"),
        ({"title": "Dos\nlíneas"}, "title"),
        ({"link": "no es una dirección"}, "link"),
    ],
)
def test_bad_meetings_are_refused_with_a_field_error_and_nothing_is_written(cast, changes, field):
    with pytest.raises(ValidationError) as exc:
        schedule(cast, **changes)
    assert field in exc.value.message_dict
    assert all(m and m[0].isupper() for m in exc.value.message_dict[field])  # a sentence, in Spanish
    assert not TrainingMeeting.objects.exists()
    assert not Notification.objects.exists()


def test_a_link_alone_is_enough(cast):
    meeting = schedule(cast, place="", link="https://reuniones.ine.mx/capacitacion")
    assert meeting.link and meeting.invitations.count() == 6


@pytest.mark.parametrize("role", ["titular", "admin", "president", "secretary", "unicom", "outsider"])
def test_only_cncs_schedules(cast, role):
    with pytest.raises(PermissionDenied):
        training.schedule_meeting(
            by=getattr(cast, role),
            title="x",
            starts_at=timezone.now() + timedelta(days=3),
            place="Sala",
            agenda="x",
        )
    assert not TrainingMeeting.objects.exists()


def test_a_meeting_scheduled_inside_a_reminder_stage_does_not_remind_at_once(cast):
    schedule(cast, starts_at=timezone.now() + timedelta(days=3))  # the 7-day stage is already past
    assert training.send_training_reminders() == 0
    assert not Notification.objects.filter(kind="evaluations.training_reminder").exists()


# --- Rescheduling, new people, cancelling ----------------------------------------------------


def test_rescheduling_tells_every_invitee_and_invites_people_designated_since(cast):
    meeting = schedule(cast)
    Designation.objects.filter(user=cast.suplente).update(ends_at=timezone.now())
    newcomer = UserFactory(username="nueva", organ=cast.organ, position_level=PositionLevel.OPERATIVO)
    designate(cast.organ, newcomer, Designation.Role.SUPLENTE)
    new_start = meeting.starts_at + timedelta(days=2)
    result = training.reschedule_meeting(
        meeting_id=meeting.pk,
        by=cast.cncs,
        title=meeting.title,
        starts_at=new_start,
        place="Sala de juntas",
        link="",
        agenda=meeting.agenda,
    )
    assert set(result.changed) == {"starts_at", "place"}
    assert result.newly_invited == 1
    meeting.refresh_from_db()
    assert meeting.starts_at == new_start and meeting.place == "Sala de juntas"
    assert notified("evaluations.training_changed") == INVITEES  # the former suplente is still told
    assert Notification.objects.filter(kind="evaluations.training_invited", recipient=newcomer).count() == 1


def test_rescheduling_with_nothing_changed_tells_nobody(cast):
    meeting = schedule(cast)
    result = training.reschedule_meeting(
        meeting_id=meeting.pk, by=cast.cncs, **{f: getattr(meeting, f) for f in training.MEETING_FIELDS}
    )
    assert result.changed == []
    assert not Notification.objects.filter(kind="evaluations.training_changed").exists()


def test_rescheduling_into_the_past_is_refused(cast):
    meeting = schedule(cast)
    with pytest.raises(ValidationError) as exc:
        training.reschedule_meeting(
            meeting_id=meeting.pk,
            by=cast.cncs,
            title=meeting.title,
            starts_at=timezone.now() - timedelta(days=1),
            place=meeting.place,
            agenda=meeting.agenda,
        )
    assert "starts_at" in exc.value.message_dict
    meeting.refresh_from_db()
    assert meeting.starts_at > timezone.now()


def test_invite_new_people_invites_only_the_missing_ones(cast):
    meeting = schedule(cast)
    assert training.invite_new_people(meeting_id=meeting.pk, by=cast.cncs) == 0
    organ = OrganFactory(name="Nueva unidad")
    head = UserFactory(username="nuevo_titular", organ=organ, position_level=PositionLevel.MANDO_SUPERIOR)
    Organ.objects.filter(pk=organ.pk).update(head=head)
    assert training.invite_new_people(meeting_id=meeting.pk, by=cast.cncs) == 1
    assert training.invite_new_people(meeting_id=meeting.pk, by=cast.cncs) == 0
    assert invited(meeting)["nuevo_titular"] == ("Nueva unidad", TrainingInvitation.Role.HEAD)
    with pytest.raises(PermissionDenied):
        training.invite_new_people(meeting_id=meeting.pk, by=cast.president)


def test_cancelling_tells_every_invitee_with_the_reason_and_only_once(cast):
    meeting = schedule(cast)
    training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs, reason="Proceso electoral extraordinario")
    meeting.refresh_from_db()
    assert meeting.status == Status.CANCELLED and meeting.cancelled_at
    assert notified("evaluations.training_changed") == INVITEES
    assert (
        "Proceso electoral extraordinario" in Notification.objects.filter(kind="evaluations.training_changed")[0].body
    )
    with pytest.raises(ValidationError, match="Cancelada"):
        training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs)
    with pytest.raises(ValidationError):
        training.reschedule_meeting(
            meeting_id=meeting.pk,
            by=cast.cncs,
            title="Otra",
            starts_at=meeting.starts_at,
            place="Sala",
            agenda="x",
        )
    assert Notification.objects.filter(kind="evaluations.training_changed").count() == len(INVITEES)


def test_a_meeting_with_attendance_is_not_cancelled(cast):
    meeting = schedule(cast)
    with time_machine.travel(meeting.starts_at + timedelta(minutes=5), tick=False):
        training.record_attendance(meeting_id=meeting.pk, by=cast.cncs, user_ids=[cast.admin.pk])
        with pytest.raises(ValidationError, match="realizada"):
            training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs)
    assert TrainingMeeting.objects.get(pk=meeting.pk).status == Status.SCHEDULED


def test_marking_held_only_once_it_started(cast):
    meeting = schedule(cast)
    with pytest.raises(ValidationError, match="aún no empieza"):
        training.mark_held(meeting_id=meeting.pk, by=cast.cncs)
    with time_machine.travel(meeting.starts_at + timedelta(hours=2), tick=False):
        with pytest.raises(PermissionDenied):
            training.mark_held(meeting_id=meeting.pk, by=cast.president)
        training.mark_held(meeting_id=meeting.pk, by=cast.cncs)
        with pytest.raises(ValidationError):
            training.mark_held(meeting_id=meeting.pk, by=cast.cncs)
    assert TrainingMeeting.objects.get(pk=meeting.pk).status == Status.HELD


# --- Reminders -------------------------------------------------------------------------------

START = mx(2026, 12, 10, 10, 0)


@pytest.fixture
def december(cast, settings):
    settings.TRAINING_REMINDER_DAYS_BEFORE = [7, 1]
    with time_machine.travel(mx(2026, 11, 20, 9, 0), tick=False):
        return schedule(cast, starts_at=START)


def reminders_at(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return training.send_training_reminders()


def test_nothing_is_sent_before_the_first_stage(december):
    assert reminders_at(mx(2026, 12, 3, 9, 59)) == 0
    assert not TrainingReminder.objects.exists()


def test_each_stage_is_sent_once(december):
    assert reminders_at(mx(2026, 12, 3, 10, 0)) == 6
    assert reminders_at(mx(2026, 12, 3, 11, 0)) == 0  # run again: the stage is claimed
    assert reminders_at(mx(2026, 12, 9, 9, 0)) == 0
    assert reminders_at(mx(2026, 12, 9, 10, 0)) == 6
    assert reminders_at(mx(2026, 12, 9, 11, 0)) == 0
    assert Notification.objects.filter(kind="evaluations.training_reminder").count() == 12
    stages = dict(TrainingReminder.objects.values_list("days_before", "recipients"))
    assert stages == {7: 6, 1: 6}
    titles = set(Notification.objects.filter(kind="evaluations.training_reminder").values_list("title", flat=True))
    assert any(t.startswith("Mañana") for t in titles) and any(t.startswith("En 7 días") for t in titles)


def test_people_already_attended_are_not_reminded(december, cast):
    with time_machine.travel(START - timedelta(minutes=30), tick=False):
        training.record_attendance(meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk])
    # the stage for one day before was missed (the sweep was down): sent late, before the start
    assert reminders_at(START - timedelta(minutes=10)) == 5


def test_a_stage_missed_while_the_sweep_was_down_is_sent_late_once(december):
    assert reminders_at(mx(2026, 12, 5, 12, 0)) == 6
    assert list(TrainingReminder.objects.values_list("days_before", flat=True)) == [7]


def test_when_several_stages_are_due_only_the_nearest_goes(december):
    assert reminders_at(mx(2026, 12, 9, 20, 0)) == 6
    assert dict(TrainingReminder.objects.values_list("days_before", "recipients")) == {7: 0, 1: 6}
    assert reminders_at(mx(2026, 12, 9, 21, 0)) == 0
    assert Notification.objects.filter(kind="evaluations.training_reminder").count() == 6


def test_nothing_is_sent_once_the_meeting_started_or_was_cancelled(december, cast):
    assert reminders_at(START + timedelta(minutes=1)) == 0
    training.cancel_meeting(meeting_id=december.pk, by=cast.cncs)
    assert reminders_at(mx(2026, 12, 9, 10, 0)) == 0
    assert not Notification.objects.filter(kind="evaluations.training_reminder").exists()


def test_a_stage_claimed_by_someone_else_is_not_sent_again(december):
    TrainingReminder.objects.create(meeting=december, days_before=7, recipients=6)
    assert reminders_at(mx(2026, 12, 3, 10, 0)) == 0
    assert not Notification.objects.filter(kind="evaluations.training_reminder").exists()


def test_rescheduling_restarts_the_stages_from_the_new_date(december, cast):
    assert reminders_at(mx(2026, 12, 3, 10, 0)) == 6
    with time_machine.travel(mx(2026, 12, 4, 9, 0), tick=False):
        training.reschedule_meeting(
            meeting_id=december.pk,
            by=cast.cncs,
            title=december.title,
            starts_at=mx(2027, 1, 14, 10, 0),
            place=december.place,
            agenda=december.agenda,
        )
    assert reminders_at(mx(2026, 12, 9, 10, 0)) == 0
    assert reminders_at(mx(2027, 1, 7, 10, 0)) == 6
    assert reminders_at(mx(2027, 1, 13, 10, 0)) == 6


def test_the_beat_task_runs_the_sweep(december):
    from evaluations.tasks import send_training_reminders

    with time_machine.travel(mx(2026, 12, 3, 10, 0), tick=False):
        assert send_training_reminders.apply().get() == 6


# --- Attendance by CNCS ------------------------------------------------------------------------


def test_cncs_marks_and_unmarks_attendance(december, cast):
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        assert training.record_attendance(
            meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk, cast.titular.pk]
        ) == (2, 0)
        assert training.record_attendance(
            meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk], unmark_user_ids=[cast.titular.pk]
        ) == (0, 1)
    mine = december.invitations.get(user=cast.admin)
    assert mine.attended_at == START + timedelta(minutes=20)
    assert mine.attendance_recorded == TrainingInvitation.Recorded.BY_CNCS
    assert mine.attendance_recorded_by == cast.cncs
    unmarked = december.invitations.get(user=cast.titular)
    assert (
        unmarked.attended_at is None and unmarked.attendance_recorded == "" and unmarked.attendance_recorded_by is None
    )


def test_attendance_is_refused_before_the_meeting_for_non_invitees_and_for_non_cncs(december, cast):
    with pytest.raises(ValidationError, match="una hora antes"):
        training.record_attendance(meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk])
    with time_machine.travel(START, tick=False):
        with pytest.raises(ValidationError, match="invitadas"):
            training.record_attendance(meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk, cast.staff.pk])
        with pytest.raises(PermissionDenied):
            training.record_attendance(meeting_id=december.pk, by=cast.president, user_ids=[cast.admin.pk])
    assert not december.invitations.filter(attended_at__isnull=False).exists()


# --- Attendance with the code ------------------------------------------------------------------


def test_an_invitee_registers_with_the_code_on_the_meeting_day(december, cast):
    code = december.attendance_code
    with time_machine.travel(START - timedelta(minutes=59), tick=False):
        result = training.attend_with_code(by=cast.suplente, code=f" {code[:3].lower()}-{code[3:].lower()} ")
    assert result.meeting == december and not result.already
    mine = december.invitations.get(user=cast.suplente)
    assert mine.attendance_recorded == TrainingInvitation.Recorded.BY_CODE
    assert mine.attendance_recorded_by == cast.suplente
    with time_machine.travel(mx(2026, 12, 10, 23, 59), tick=False):
        assert training.attend_with_code(by=cast.suplente, code=code).already
        training.attend_with_code(by=cast.titular, code=code)  # late in the day is still the day
    assert december.invitations.filter(attended_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    "moment, message",
    [
        (START - timedelta(hours=1, minutes=1), "abre una hora antes"),
        (mx(2026, 12, 11, 0, 0), "venció"),
        (mx(2027, 1, 5, 10, 0), "venció"),
    ],
)
def test_the_code_is_refused_outside_the_meeting_day(december, cast, moment, message):
    with time_machine.travel(moment, tick=False), pytest.raises(ValidationError, match=message):
        training.attend_with_code(by=cast.admin, code=december.attendance_code)
    assert not december.invitations.filter(attended_at__isnull=False).exists()


def test_a_meeting_over_two_days_takes_the_code_until_the_end_of_its_last_day(cast):
    with time_machine.travel(mx(2026, 11, 20, 9, 0), tick=False):
        meeting = schedule(cast, starts_at=START, ends_at=START + timedelta(days=1, hours=4))
    with time_machine.travel(mx(2026, 12, 11, 22, 0), tick=False):
        training.attend_with_code(by=cast.admin, code=meeting.attendance_code)
    with time_machine.travel(mx(2026, 12, 12, 0, 1), tick=False), pytest.raises(ValidationError, match="venció"):
        training.attend_with_code(by=cast.suplente, code=meeting.attendance_code)


def test_a_wrong_code_changes_nothing(december, cast):
    with time_machine.travel(START, tick=False), pytest.raises(ValidationError, match="no es correcto"):
        training.attend_with_code(by=cast.admin, code="ZZZZZZ" if december.attendance_code != "ZZZZZZ" else "YYYYYY")
    assert not december.invitations.filter(attended_at__isnull=False).exists()


def test_someone_not_invited_is_refused_even_with_the_right_code(december, cast):
    with time_machine.travel(START, tick=False), pytest.raises(ValidationError, match="no figura"):
        training.attend_with_code(by=cast.staff, code=december.attendance_code)
    assert not TrainingInvitation.objects.filter(user=cast.staff).exists()


def test_the_code_of_a_cancelled_meeting_is_refused(december, cast):
    training.cancel_meeting(meeting_id=december.pk, by=cast.cncs)
    with time_machine.travel(START, tick=False), pytest.raises(ValidationError, match="cancelada"):
        training.attend_with_code(by=cast.admin, code=december.attendance_code)


def test_after_ten_wrong_codes_in_an_hour_the_form_stops_checking(december, cast):
    wrong = "ZZZZZZ" if december.attendance_code != "ZZZZZZ" else "YYYYYY"
    with time_machine.travel(START, tick=False):
        for _ in range(training.CODE_MAX_FAILURES):
            with pytest.raises(ValidationError, match="no es correcto"):
                training.attend_with_code(by=cast.admin, code=wrong)
        with pytest.raises(ValidationError, match="demasiadas veces"):
            training.attend_with_code(by=cast.admin, code=december.attendance_code)
        # Another person is not affected.
        training.attend_with_code(by=cast.suplente, code=december.attendance_code)
    assert not december.invitations.get(user=cast.admin).attended_at


def test_the_code_still_works_after_the_meeting_is_marked_held_that_day(december, cast):
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        training.mark_held(meeting_id=december.pk, by=cast.cncs)
        training.attend_with_code(by=cast.admin, code=december.attendance_code)
    assert december.invitations.get(user=cast.admin).attended_at


# --- Absentees ---------------------------------------------------------------------------------


def test_absentees_are_listed_per_entidad_and_organ(december, cast):
    jalisco = Entidad.objects.create(code=14, name="Jalisco")
    Organ.objects.filter(pk=cast.other_organ.pk).update(entidad=jalisco)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        training.record_attendance(meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk, cast.consejero.pk])
        training.mark_held(meeting_id=december.pk, by=cast.cncs)
    groups = training.absentees_by_entidad(december)
    layout = [
        (
            g.entidad.name if g.entidad else None,
            g.total,
            [(o.organ.name, [i.user.username for i in o.invitations]) for o in g.organs],
        )
        for g in groups
    ]
    assert layout == [
        (None, 2, [(cast.organ.name, ["admin_suplente", "titular"])]),
        ("Jalisco", 2, [(cast.other_organ.name, ["otro_admin", "otro_titular"])]),
    ]
    assert training.attendance_counts(december) == {"total": 6, "attended": 2, "absent": 4}


def test_the_meeting_page_groups_take_one_query(december, cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        groups = training.invitees_by_entidad(december)
        assert sum(g.total for g in groups) == 6
        assert [i.user.email for g in groups for o in g.organs for i in o.invitations]


# --- The home panel's context ----------------------------------------------------------------


def test_the_panel_shows_an_invitee_their_next_meeting_and_the_code_on_the_day(december, cast):
    with time_machine.travel(mx(2026, 12, 1, 9, 0), tick=False):
        context = training.panel_context(cast.admin)
    assert context["meeting"] == december and context["invitation"].user == cast.admin
    assert context["code_open"] is False and context["flagged"] is True and context["manages"] is False
    with time_machine.travel(START - timedelta(minutes=10), tick=False):
        assert training.panel_context(cast.admin)["code_open"] is True
        assert training.panel_context(cast.cncs)["manages"] is True
        assert training.panel_context(cast.staff) is None  # not invited, not an administrator
        assert training.panel_context(cast.titular)["flagged"] is False  # the flag is for administrators


def test_on_the_meeting_day_the_agenda_can_still_be_corrected_but_not_the_date_moved_back(december, cast):
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        result = training.reschedule_meeting(
            meeting_id=december.pk,
            by=cast.cncs,
            title=december.title,
            starts_at=december.starts_at,
            place=december.place,
            agenda="1. Criterios (corregido).",
        )
        assert result.changed == ["agenda"]
        with pytest.raises(ValidationError) as exc:
            training.reschedule_meeting(
                meeting_id=december.pk,
                by=cast.cncs,
                title=december.title,
                starts_at=START + timedelta(minutes=10),
                place=december.place,
                agenda="1. Criterios (corregido).",
            )
    assert "starts_at" in exc.value.message_dict


# --- Review fixes: the date stays once people attend, bounded dates, attendance history ------


def move(meeting, **changes):
    fields = {f: getattr(meeting, f) for f in training.MEETING_FIELDS}
    fields.update(changes)
    return training.reschedule_meeting(
        meeting_id=meeting.pk, by=changes.pop("by", None) or meeting.created_by, **fields
    )


def test_the_date_of_a_meeting_with_attendance_stays_but_its_place_and_agenda_may_change(december, cast):
    with time_machine.travel(START - timedelta(minutes=30), tick=False):
        training.attend_with_code(by=cast.admin, code=december.attendance_code)
        with pytest.raises(ValidationError) as exc:
            move(december, starts_at=START + timedelta(days=1))
        assert "Ya hay asistencias registradas" in exc.value.message_dict["starts_at"][0]
        with pytest.raises(ValidationError) as exc:
            move(december, ends_at=START + timedelta(hours=3))
        assert "Ya hay asistencias registradas" in exc.value.message_dict["ends_at"][0]
        assert move(december, place="Sala 2", agenda="1. Otro tema.", title="Capacitación").changed == [
            "title",
            "place",
            "agenda",
        ]
    december.refresh_from_db()
    assert december.starts_at == START and december.ends_at is None and december.place == "Sala 2"
    assert december.invitations.get(user=cast.admin).attended_at == START - timedelta(minutes=30)
    assert cast.admin.pk not in training.flagged_user_ids([cast.admin.pk], now=START + timedelta(days=1))


def test_a_started_meeting_is_not_moved_even_forward(december, cast):
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        with pytest.raises(ValidationError) as exc:
            move(december, starts_at=START + timedelta(days=2))
        assert "ya empezó" in exc.value.message_dict["starts_at"][0]
        assert move(december, link="https://reuniones.ine.mx/sala").changed == ["link"]
    december.refresh_from_db()
    assert december.starts_at == START


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"starts_at": mx(9999, 12, 31, 23, 0)}, "starts_at", "dos años"),
        ({"starts_at": mx(2028, 11, 21, 9, 0)}, "starts_at", "dos años"),
        ({"starts_at": START, "ends_at": START + timedelta(days=3, minutes=1)}, "ends_at", "tres días"),
        ({"starts_at": START, "ends_at": mx(9999, 12, 31, 23, 0)}, "ends_at", "tres días"),
    ],
)
def test_the_dates_are_bounded(cast, changes, field, message):
    with time_machine.travel(mx(2026, 11, 20, 9, 0), tick=False):
        with pytest.raises(ValidationError) as exc:
            schedule(cast, **changes)
        assert message in exc.value.message_dict[field][0]
        assert not TrainingMeeting.objects.exists()
        meeting = schedule(cast, starts_at=mx(2028, 11, 20, 9, 0), ends_at=mx(2028, 11, 23, 9, 0))
        with pytest.raises(ValidationError) as exc:
            move(meeting, **changes)
        assert message in exc.value.message_dict[field][0]
    meeting.refresh_from_db()
    assert meeting.starts_at == mx(2028, 11, 20, 9, 0)


def test_the_end_of_the_last_day_does_not_overflow():
    assert training._end_of_local_day(mx(9999, 12, 31, 12, 0)) == mx(9999, 12, 31, 23, 59, 59, 999999)
    assert training._end_of_local_day(mx(2026, 12, 10, 10, 0)) == mx(2026, 12, 10, 23, 59, 59, 999999)


def test_every_attendance_change_is_kept_with_who_and_when(december, cast):
    from accounts.access import Group

    other_cncs = UserFactory(username="cncs2", organ=cast.cncs.organ, groups=[Group.CNCS])
    history = TrainingInvitation.history.model.objects
    with time_machine.travel(START - timedelta(minutes=10), tick=False):
        training.attend_with_code(by=cast.suplente, code=december.attendance_code)
    training.record_attendance(
        meeting_id=december.pk, by=cast.cncs, user_ids=[cast.titular.pk, cast.suplente.pk], now=START
    )
    training.record_attendance(
        meeting_id=december.pk,
        by=other_cncs,
        user_ids=[],
        unmark_user_ids=[cast.titular.pk, cast.suplente.pk],
        now=START + timedelta(hours=1),
    )
    rows = list(history.filter(meeting_id=december.pk).order_by("history_date", "user__username"))
    seen = [
        (r.user.username, r.history_type, r.history_user.username, r.history_date, r.attended_at, r.attendance_recorded)
        for r in rows
    ]
    assert seen == [
        ("admin_suplente", "~", "admin_suplente", START - timedelta(minutes=10), START - timedelta(minutes=10), "code"),
        ("titular", "~", "cncs", START, START, "cncs"),
        ("admin_suplente", "~", "cncs2", START + timedelta(hours=1), None, ""),
        ("titular", "~", "cncs2", START + timedelta(hours=1), None, ""),
    ]
    assert rows[1].attendance_recorded_by == cast.cncs and rows[3].attendance_recorded_by is None
    titular = december.invitations.get(user=cast.titular)
    assert titular.attended_at is None and titular.attendance_recorded_by is None


def test_recording_attendance_takes_the_same_queries_for_one_or_many(december, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        training.record_attendance(meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk], now=START)
    everyone = list(december.invitations.exclude(user=cast.admin).values_list("user_id", flat=True))
    with CaptureQueriesContext(connection) as many:
        assert training.record_attendance(
            meeting_id=december.pk, by=cast.cncs, user_ids=everyone, unmark_user_ids=[cast.admin.pk], now=START
        ) == (5, 1)
    assert len(many.captured_queries) == len(one.captured_queries)
    assert TrainingInvitation.history.filter(meeting_id=december.pk).count() == 7


def test_reminders_skip_invitees_who_have_left_their_role(december, cast):
    Designation.objects.filter(user=cast.suplente).update(ends_at=timezone.now())  # designation ended
    other = OrganFactory(name="Otra junta")
    type(cast.other_admin).objects.filter(pk=cast.other_admin.pk).update(organ=other)  # moved organ
    assert reminders_at(mx(2026, 12, 3, 10, 0)) == 4
    assert notified("evaluations.training_reminder") == ["admin_titular", "consejero", "otro_titular", "titular"]
    assert training.people_to_invite().keys() == set(
        december.invitations.exclude(user__in=[cast.suplente, cast.other_admin]).values_list("user_id", flat=True)
    )


def test_the_reminder_takes_a_fixed_number_of_queries(december, cast, django_assert_max_num_queries):
    for n in range(10):
        organ = OrganFactory(name=f"Junta {n}")
        designate(organ, UserFactory(organ=organ, position_level=PositionLevel.MANDO_MEDIO), "titular")
    training.invite_new_people(meeting_id=december.pk, by=cast.cncs)
    with django_assert_max_num_queries(14):
        assert reminders_at(mx(2026, 12, 3, 10, 0)) == 16


@pytest.mark.parametrize(
    "moment", [mx(2026, 12, 10, 10, 0), mx(2027, 1, 5, 0, 5), datetime(999, 5, 1, 12, 30, tzinfo=MX)]
)
def test_local_text_reads_like_the_pages(moment):
    from django.template.defaultfilters import date as date_filter

    assert training.local_text(moment) == date_filter(moment, "d/m/Y H:i")
    assert training.local_text(mx(2026, 12, 10, 10, 0)) == "10/12/2026 10:00"


def test_the_counts_come_from_the_groups_already_read(december, cast, django_assert_num_queries):
    training.record_attendance(meeting_id=december.pk, by=cast.cncs, user_ids=[cast.admin.pk], now=START)
    groups = training.invitees_by_entidad(december)
    with django_assert_num_queries(0):
        counts = training.attendance_counts(december, groups)
    assert counts == training.attendance_counts(december) == {"total": 6, "attended": 1, "absent": 5}
