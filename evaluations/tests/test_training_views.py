"""The training pages, role by role, and what each shows.

CNCS does everything; the Comité and the system's administration read everything; an
invitee sees the meetings they are invited to and registers their own attendance; anyone
else gets a 404 for a meeting (its existence does not leak) and a 403 for an action on a
meeting they see but may not run."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organ, PositionLevel
from accounts.tests.factories import LOGGED_IN, ROLES, OrganFactory, UserFactory, designate
from evaluations import training
from evaluations.models import TrainingInvitation, TrainingMeeting

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404
INVITED = {"titular", "admin", "suplente", "other_titular", "other_admin", "consejero"}
READERS = {"cncs", "president", "secretary", "superuser"}


def schedule(cast, **kwargs) -> TrainingMeeting:
    fields = {
        "title": "Reunión anual de capacitación 2026",
        "starts_at": timezone.now() + timedelta(days=20),
        "place": "Auditorio",
        "agenda": "1. Criterios.\n2. Seguridad.",
    }
    fields.update(kwargs)
    return training.schedule_meeting(by=cast.cncs, **fields)


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.meeting = schedule(cast)
    return cast


def signed_in(answer) -> dict:
    return {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, answer)}


def cncs_only(answer) -> dict:
    return {"anonymous": LOGIN, **{r: answer if r == "cncs" else FORBIDDEN for r in LOGGED_IN}}


def on_meeting(reader: int, invitee: int, cncs: int) -> dict:
    """A meeting's page: the readers (Comité, superuser), the invitees, CNCS; 404 for the rest."""
    rule = {"anonymous": LOGIN}
    for role in LOGGED_IN:
        if role == "cncs":
            rule[role] = cncs
        elif role in READERS:
            rule[role] = reader
        elif role in INVITED:
            rule[role] = invitee
        else:
            rule[role] = NOT_FOUND
    return rule


def meeting_url(name):
    return lambda p: reverse(f"evaluations:{name}", args=[p.meeting.pk])


def fixed(name):
    return lambda p: reverse(f"evaluations:{name}")


# view name → (method, URL, data, expected answer per role)
VIEWS = {
    "training_list": ("get", fixed("training_list"), None, signed_in(OK)),
    "training_new": ("get", fixed("training_new"), None, cncs_only(OK)),
    "training_attend": ("get", fixed("training_attend"), None, signed_in(OK)),
    "training_detail": ("get", meeting_url("training_detail"), None, on_meeting(OK, OK, OK)),
    "training_edit": ("get", meeting_url("training_edit"), None, on_meeting(FORBIDDEN, FORBIDDEN, OK)),
    "training_cancel": ("post", meeting_url("training_cancel"), {}, on_meeting(FORBIDDEN, FORBIDDEN, REDIRECT)),
    "training_held": ("post", meeting_url("training_held"), {}, on_meeting(FORBIDDEN, FORBIDDEN, REDIRECT)),
    "training_invite": ("post", meeting_url("training_invite"), {}, on_meeting(FORBIDDEN, FORBIDDEN, REDIRECT)),
    "training_attendance": (
        "post",
        meeting_url("training_attendance"),
        {},
        on_meeting(FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "training_code": ("get", meeting_url("training_code"), None, on_meeting(FORBIDDEN, FORBIDDEN, OK)),
    "training_absentees_csv": ("get", meeting_url("training_absentees_csv"), None, on_meeting(OK, FORBIDDEN, OK)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url, data, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url(people), data)
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"


def test_the_matrix_covers_every_training_view():
    from evaluations.training_urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for *_, rule in VIEWS.values())


def test_an_unknown_meeting_is_a_404(client, people):
    client.force_login(people.cncs)
    assert client.get(reverse("evaluations:training_detail", args=[people.meeting.pk + 100])).status_code == 404


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_the_next_meeting_first_and_only_ones_own_meetings(client, cast):
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        old = schedule(cast, title="Capacitación del año pasado")
    TrainingMeeting.objects.filter(pk=old.pk).update(status=TrainingMeeting.Status.HELD, held_at=old.starts_at)
    later = schedule(cast, title="Segunda reunión", starts_at=timezone.now() + timedelta(days=60))
    sooner = schedule(cast, title="Primera reunión", starts_at=timezone.now() + timedelta(days=10))
    client.force_login(cast.admin)
    response = client.get(reverse("evaluations:training_list"))
    assert response.context["upcoming"] == [sooner, later]
    assert response.context["past"] == [old]
    client.force_login(cast.staff)
    response = client.get(reverse("evaluations:training_list"))
    assert response.context["upcoming"] == [] and response.context["past"] == []
    assert "No hay reuniones programadas." in response.content.decode()


def test_the_list_query_count_does_not_grow_with_meetings(client, cast):
    schedule(cast)
    client.force_login(cast.cncs)
    url = reverse("evaluations:training_list")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    few = len(ctx.captured_queries)
    for n in range(8):
        schedule(cast, starts_at=timezone.now() + timedelta(days=30 + n))
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get(url).context["upcoming"]) == 9
    assert len(ctx.captured_queries) == few


# --- Scheduling through the form -----------------------------------------------------------------


def form_data(**changes) -> dict:
    start = timezone.localtime() + timedelta(days=15)
    data = {
        "title": "Reunión anual de capacitación 2027",
        "starts_at": start.strftime("%Y-%m-%dT10:00"),
        "ends_at": start.strftime("%Y-%m-%dT14:00"),
        "place": "Auditorio del edificio central",
        "link": "reuniones.ine.mx/capacitacion",
        "agenda": "1. Criterios.\r\n2. Seguridad.",
    }
    data.update(changes)
    return data


def test_cncs_schedules_through_the_form(client, cast):
    client.force_login(cast.cncs)
    response = client.post(reverse("evaluations:training_new"), form_data(), follow=True)
    meeting = TrainingMeeting.objects.get()
    assert response.redirect_chain[-1][0] == reverse("evaluations:training_detail", args=[meeting.pk])
    assert "se invitó a 6 personas" in response.content.decode()
    assert timezone.localtime(meeting.starts_at).hour == 10  # typed in Mexico City time
    assert meeting.link == "https://reuniones.ine.mx/capacitacion"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_at": "2020-01-01T10:00", "ends_at": ""}, "debe ser futura"),
        ({"place": "", "link": ""}, "Indique el lugar o el enlace"),
        ({"title": "Con\x00nulo"}, ""),
        ({"agenda": "x" * 5001}, "el máximo es 5,000"),
        ({"starts_at": "mañana"}, ""),
    ],
)
def test_bad_input_shows_on_the_form_and_writes_nothing(client, cast, changes, message):
    client.force_login(cast.cncs)
    response = client.post(reverse("evaluations:training_new"), form_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert message in response.content.decode()
    assert not TrainingMeeting.objects.exists()


def test_rescheduling_through_the_form(client, people):
    client.force_login(people.cncs)
    url = reverse("evaluations:training_edit", args=[people.meeting.pk])
    assert client.get(url).context["form"].initial["place"] == "Auditorio"
    response = client.post(url, form_data(place="Sala 2", link=""), follow=True)
    assert "se avisó a las personas invitadas" in response.content.decode()
    assert TrainingMeeting.objects.get(pk=people.meeting.pk).place == "Sala 2"


def test_a_cancelled_meeting_is_not_rescheduled(client, people):
    training.cancel_meeting(meeting_id=people.meeting.pk, by=people.cncs)
    client.force_login(people.cncs)
    response = client.get(reverse("evaluations:training_edit", args=[people.meeting.pk]), follow=True)
    assert "Solo se reprograma una reunión programada." in response.content.decode()


def test_cancelling_through_the_page(client, people):
    client.force_login(people.cncs)
    response = client.post(
        reverse("evaluations:training_cancel", args=[people.meeting.pk]), {"reason": "Cambio de sede"}, follow=True
    )
    assert "Reunión cancelada" in response.content.decode()
    assert TrainingMeeting.objects.get(pk=people.meeting.pk).status == TrainingMeeting.Status.CANCELLED
    response = client.post(reverse("evaluations:training_cancel", args=[people.meeting.pk]), follow=True)
    assert "ya no se puede cambiar" in response.content.decode()


def test_marking_held_too_early_is_explained(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("evaluations:training_held", args=[people.meeting.pk]), follow=True)
    assert "aún no empieza" in response.content.decode()


def test_inviting_people_designated_after_scheduling(client, people):
    organ = OrganFactory(name="Unidad nueva")
    designate(organ, UserFactory(organ=organ, position_level=PositionLevel.MANDO_MEDIO), "titular")
    client.force_login(people.cncs)
    response = client.post(reverse("evaluations:training_invite", args=[people.meeting.pk]), follow=True)
    assert "Se invitó a 1 persona más." in response.content.decode()


# --- The meeting page ----------------------------------------------------------------------------


def test_cncs_sees_the_code_and_every_invitee_by_organ(client, people):
    client.force_login(people.cncs)
    body = client.get(reverse("evaluations:training_detail", args=[people.meeting.pk])).content.decode()
    assert people.meeting.attendance_code in body
    assert "6 invitadas" in body
    for role in INVITED:
        assert str(getattr(people, role)) in body
    assert "Reprogramar o editar" in body


@pytest.mark.parametrize("role", ["president", "superuser", "admin"])
def test_nobody_but_cncs_sees_the_code(client, people, role):
    client.force_login(getattr(people, role))
    body = client.get(reverse("evaluations:training_detail", args=[people.meeting.pk])).content.decode()
    assert people.meeting.attendance_code not in body
    assert "Reprogramar o editar" not in body


def test_an_invitee_sees_their_invitation_but_not_the_others(client, people):
    client.force_login(people.suplente)
    body = client.get(reverse("evaluations:training_detail", args=[people.meeting.pk])).content.decode()
    assert "Mi invitación" in body and "persona administradora" in body
    assert str(people.other_admin) not in body
    assert "podrá registrar su asistencia aquí" in body  # not the meeting day yet


def test_on_the_meeting_day_the_invitee_types_the_code_on_the_meeting_page(client, people):
    url = reverse("evaluations:training_detail", args=[people.meeting.pk])
    with time_machine.travel(people.meeting.starts_at - timedelta(minutes=30), tick=False):
        client.force_login(people.suplente)  # sessions expire: sign in on the day
        body = client.get(url).content.decode()
        assert f'action="{reverse("evaluations:training_attend")}"' in body
        response = client.post(
            reverse("evaluations:training_attend"), {"code": people.meeting.attendance_code.lower()}, follow=True
        )
    assert response.redirect_chain[-1][0] == url
    assert "Su asistencia quedó registrada" in response.content.decode()
    assert "Asistencia registrada" in response.content.decode()


def test_a_wrong_code_is_shown_on_the_form(client, people):
    with time_machine.travel(people.meeting.starts_at, tick=False):
        client.force_login(people.admin)
        response = client.post(reverse("evaluations:training_attend"), {"code": "ABC"})
    assert response.status_code == 200
    assert "El código no es correcto" in response.content.decode()
    assert not TrainingInvitation.objects.filter(attended_at__isnull=False).exists()


def test_cncs_records_attendance_with_the_checkboxes_and_unticking_unmarks(client, people):
    meeting = people.meeting
    url = reverse("evaluations:training_attendance", args=[meeting.pk])
    with time_machine.travel(meeting.starts_at + timedelta(minutes=15), tick=False):
        client.force_login(people.cncs)
        training.attend_with_code(by=people.other_admin, code=meeting.attendance_code)
        client.post(url, {"presentes": [people.admin.pk, people.titular.pk]})
        # The page drawn now shows admin and titular ticked (and other_admin, by code); the
        # titular is unticked; someone registering with the code meanwhile is left alone.
        response = client.post(
            url,
            {"presentes": [people.admin.pk], "registrados": [people.admin.pk, people.titular.pk]},
            follow=True,
        )
    assert "0 registradas, 1 retiradas" in response.content.decode()
    present = set(meeting.invitations.filter(attended_at__isnull=False).values_list("user__username", flat=True))
    assert present == {"admin_titular", "otro_admin"}


@pytest.mark.parametrize("value", ["abc", "１２", "-1", "9" * 30])
def test_tampered_attendance_ids_are_refused_without_a_500(client, people, value):
    with time_machine.travel(people.meeting.starts_at, tick=False):
        client.force_login(people.cncs)
        response = client.post(
            reverse("evaluations:training_attendance", args=[people.meeting.pk]), {"presentes": [value]}, follow=True
        )
    assert response.status_code == 200
    assert "no es válida" in response.content.decode()
    assert not TrainingInvitation.objects.filter(attended_at__isnull=False).exists()


def test_the_meeting_page_query_count_does_not_grow_with_invitees(client, cast):
    meeting = schedule(cast)
    client.force_login(cast.cncs)
    url = reverse("evaluations:training_detail", args=[meeting.pk])
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    few = len(ctx.captured_queries)
    for n in range(20):
        organ = OrganFactory(name=f"Junta {n}")
        head = UserFactory(organ=organ, position_level=PositionLevel.MANDO_SUPERIOR)
        Organ.objects.filter(pk=organ.pk).update(head=head)
        designate(organ, UserFactory(organ=organ, position_level=PositionLevel.MANDO_MEDIO), "titular")
    training.invite_new_people(meeting_id=meeting.pk, by=cast.cncs)
    with time_machine.travel(meeting.starts_at + timedelta(hours=1), tick=False):
        training.record_attendance(meeting_id=meeting.pk, by=cast.cncs, user_ids=[cast.admin.pk])
        training.mark_held(meeting_id=meeting.pk, by=cast.cncs)
        client.force_login(cast.cncs)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
    assert response.context["counts"]["total"] == 46
    assert len(ctx.captured_queries) <= few + 1  # + the absentees, once the meeting is held


# --- Absentees ----------------------------------------------------------------------------------


def test_absentees_csv_lists_each_absent_invitee_with_formulas_neutralised(client, people):
    meeting = people.meeting
    people.other_admin.first_name = '=HYPERLINK("http://x")'
    people.other_admin.save()
    with time_machine.travel(meeting.starts_at + timedelta(hours=1), tick=False):
        training.record_attendance(meeting_id=meeting.pk, by=people.cncs, user_ids=[people.admin.pk])
        training.mark_held(meeting_id=meeting.pk, by=people.cncs)
    client.force_login(people.president)
    response = client.get(reverse("evaluations:training_absentees_csv", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Entidad", "Órgano", "Persona", "Correo", "Cargo", "Invitada como"]
    assert len(rows) == 1 + 5
    assert not any(people.admin.email in row for row in rows)
    assert any(row[2].startswith("'=HYPERLINK") for row in rows)
    body = client.get(reverse("evaluations:training_detail", args=[meeting.pk])).content.decode()
    assert "Ausentes por entidad y órgano" in body and "5 ausentes" in body


@pytest.mark.parametrize("role, shown", [("admin", True), ("titular", True), ("cncs", False), ("staff", False)])
def test_the_attend_button_shows_to_invitees(client, people, role, shown):
    client.force_login(getattr(people, role))
    body = client.get(reverse("evaluations:training_list")).content.decode()
    assert (reverse("evaluations:training_attend") in body) is shown


def test_the_panel_template_renders_for_an_invitee_and_for_cncs(cast):
    from django.template.loader import render_to_string

    meeting = schedule(cast)
    with time_machine.travel(meeting.starts_at - timedelta(minutes=5), tick=False):
        html = render_to_string("evaluations/training_panel.html", {"panel": training.panel_context(cast.admin)})
        assert meeting.title in html and reverse("evaluations:training_attend") in html
        assert "Sin capacitación en los últimos 12 meses" in html
        html = render_to_string("evaluations/training_panel.html", {"panel": training.panel_context(cast.cncs)})
        assert "Organizar la capacitación" in html


# --- Review fixes ----------------------------------------------------------------------------------


def test_a_far_away_date_is_a_form_error_and_the_home_page_stays_up(client, cast):
    client.force_login(cast.cncs)
    response = client.post(reverse("evaluations:training_new"), form_data(starts_at="9999-12-31T23:00", ends_at=""))
    assert response.status_code == 200
    assert "dos años" in " ".join(response.context["form"].errors["starts_at"])
    assert not TrainingMeeting.objects.exists()
    meeting = schedule(cast, starts_at=timezone.now() + timedelta(days=729), ends_at=None)
    response = client.post(
        reverse("evaluations:training_edit", args=[meeting.pk]),
        form_data(
            starts_at=timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"), ends_at="9999-12-31T23:00"
        ),
    )
    assert response.status_code == 200
    assert "tres días" in " ".join(response.context["form"].errors["ends_at"])
    for person in (cast.admin, cast.titular, cast.cncs):
        client.force_login(person)
        assert client.get("/").status_code == 200
        assert client.get(reverse("evaluations:training_detail", args=[meeting.pk])).status_code == 200


def test_moving_the_date_after_attendance_is_explained_on_the_form(client, people):
    meeting = people.meeting
    url = reverse("evaluations:training_edit", args=[meeting.pk])
    with time_machine.travel(meeting.starts_at - timedelta(minutes=30), tick=False):
        client.force_login(people.cncs)
        assert not client.get(url).context["form"].fields["starts_at"].disabled
        training.attend_with_code(by=people.admin, code=meeting.attendance_code)
        # A page drawn before the attendance was recorded: the move is refused on the form.
        later = timezone.localtime(meeting.starts_at + timedelta(days=1))
        response = client.post(url, form_data(starts_at=later.strftime("%Y-%m-%dT%H:%M"), ends_at=""))
        assert response.status_code == 200
        assert "Ya hay asistencias registradas" in " ".join(response.context["form"].errors["starts_at"])
        # Drawn now: the dates are shown disabled with the reason; the rest can be saved.
        response = client.get(url)
        form = response.context["form"]
        assert form.fields["starts_at"].disabled and form.fields["ends_at"].disabled
        assert "Ya hay asistencias registradas" in response.content.decode()
        data = form_data(place="Sala 3")
        del data["starts_at"], data["ends_at"]
        response = client.post(url, data, follow=True)
    assert response.context.get("form") is None or not response.context["form"].errors, response.context["form"].errors
    assert "Reunión actualizada" in response.content.decode()
    after = TrainingMeeting.objects.get(pk=meeting.pk)
    assert after.starts_at == meeting.starts_at and after.ends_at is None and after.place == "Sala 3"


def test_cncs_sees_who_recorded_each_attendance_and_it_goes_when_unmarked(client, people):
    from accounts.access import Group

    meeting = people.meeting
    marker = UserFactory(username="cncs2", first_name="Marta", last_name="Registradora", groups=[Group.CNCS])
    url = reverse("evaluations:training_detail", args=[meeting.pk])
    with time_machine.travel(meeting.starts_at + timedelta(minutes=5), tick=False):
        training.record_attendance(meeting_id=meeting.pk, by=marker, user_ids=[people.admin.pk])
        client.force_login(people.cncs)
        assert "registró Marta Registradora" in client.get(url).content.decode()
        client.force_login(people.president)
        body = client.get(url).content.decode()
        assert "Asistió" in body and "Marta Registradora" not in body
        client.force_login(people.cncs)
        response = client.post(
            reverse("evaluations:training_attendance", args=[meeting.pk]),
            {"registrados": [people.admin.pk]},
            follow=True,
        )
        body = response.content.decode()
    assert "0 registradas, 1 retiradas" in body and "Marta Registradora" not in body
    withdrawn = timezone.localtime(meeting.starts_at + timedelta(minutes=5)).strftime("%d/%m/%Y %H:%M")
    assert f"retirada el {withdrawn} por {people.cncs.get_full_name()}" in body
    client.force_login(people.president)
    assert "retirada el" not in client.get(url).content.decode()
    last = TrainingInvitation.history.filter(user=people.admin).latest()
    assert last.history_user == people.cncs and last.attended_at is None
    assert response.context["counts"] == {"total": 6, "attended": 0, "absent": 6}
