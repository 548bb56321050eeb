from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import LogEntry
from accounts.tests.factories import LOGGED_IN, ROLES, AccountFactory, UserFactory
from consultations import services
from consultations.models import Consultation

from .conftest import mx
from .test_consultations import PDF

pytestmark = pytest.mark.django_db

SEE = {"titular", "admin", "suplente", "cncs", "superuser"}
OPERATE = {"admin", "suplente"}
LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404


def _object_rule(allowed: set[str], ok: int = OK) -> dict:
    """Allowed → ok; sees the consultation but may not act → 403; does not see it → 404."""
    return {"anonymous": LOGIN, **{r: ok if r in allowed else FORBIDDEN if r in SEE else NOT_FOUND for r in LOGGED_IN}}


def _only(allowed: set[str], ok: int = OK) -> dict:
    return {"anonymous": LOGIN, **{r: ok if r in allowed else FORBIDDEN for r in LOGGED_IN}}


VIEWS = {
    "list": ("get", lambda p: reverse("consultations:list"), {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, OK)}),
    "queue": ("get", lambda p: reverse("consultations:queue"), _only({"cncs", "superuser"})),
    "new": ("get", lambda p: reverse("consultations:new"), _only({"admin", "suplente", "other_admin"})),
    "detail": ("get", lambda p: reverse("consultations:detail", args=[p.open.pk]), _object_rule(SEE)),
    "attachment": (
        "get",
        lambda p: reverse("consultations:attachment", args=[p.open.pk, p.open.attachments.get().pk]),
        _object_rule(SEE),
    ),
    "answer": ("post", lambda p: reverse("consultations:answer", args=[p.open.pk]), _object_rule({"cncs"}, REDIRECT)),
    "notice": (
        "post",
        lambda p: reverse("consultations:notice", args=[p.expired.pk]),
        _object_rule(OPERATE, REDIRECT),
    ),
    "rotation_status": (
        "get",
        lambda p: reverse("accounts:rotation_status"),
        {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, OK)},
    ),
}
POST_DATA = {
    "answer": {"answer": Consultation.Answer.INFORMATION_PROVIDED, "answer_text": "En Av. Vallarta 100."},
    "notice": {"text": "Puede consultar INETEL."},
}


@pytest.fixture
def people(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.open = services.open_consultation(
        account_id=cast.account.pk,
        by=cast.admin,
        kind=Consultation.Kind.INFORMATION,
        question="¿Podemos dar la dirección del módulo?",
        subject_text="¿Dónde tramito mi credencial?",
        attachments=[SimpleUploadedFile("captura.pdf", PDF)],
    )
    past = timezone.now() - timedelta(days=3)
    with time_machine.travel(past, tick=False):
        cast.expired = services.open_consultation(
            account_id=cast.account.pk,
            by=cast.admin,
            kind=Consultation.Kind.INFORMATION,
            question="¿Horario del módulo?",
            subject_text="¿A qué hora abren?",
        )
    services.expire_due_consultations()
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url_for(people), POST_DATA.get(view, {}))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"


@pytest.mark.parametrize("role", sorted(LOGGED_IN))
def test_the_queue_is_offered_exactly_to_those_it_opens_for(client, people, role):
    # One rule decides who works from the queue: the list's button, the menu link and the
    # home panel's figures follow it, and so does the queue page itself.
    client.force_login(getattr(people, role))
    queue = reverse("consultations:queue")
    opens = client.get(queue).status_code == OK
    home = client.get(reverse("core:home"))
    panels = [p for p in home.context["panels"] if p.template == "consultations/_home_panel.html"]
    assert (f'href="{queue}"' in client.get(reverse("consultations:list")).content.decode()) == opens, role
    assert (f'href="{queue}"' in home.content.decode()) == opens, role
    assert any(p.context["cncs"] for p in panels) == opens, role


def test_a_forbidden_answer_or_notice_writes_nothing(client, people):
    client.force_login(people.titular)
    client.post(reverse("consultations:answer", args=[people.open.pk]), POST_DATA["answer"])
    client.post(reverse("consultations:notice", args=[people.expired.pk]), POST_DATA["notice"])
    people.open.refresh_from_db()
    people.expired.refresh_from_db()
    assert people.open.status == Consultation.Status.OPEN
    assert people.expired.user_notice_sent_at is None
    assert not LogEntry.objects.exists()


# --- Pages --------------------------------------------------------------------------------


def test_an_administrator_opens_a_consultation_with_an_attachment(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.admin)
    assert cast.account in client.get(reverse("consultations:new")).context["form"].fields["account"].queryset
    response = client.post(
        reverse("consultations:new"),
        {
            "account": cast.account.pk,
            "kind": Consultation.Kind.PERTINENCE,
            "question": "¿Es pertinente publicar esta invitación?",
            "subject_text": "Te invitamos a tramitar tu credencial.",
            "attachments": [SimpleUploadedFile("cartel.pdf", PDF), SimpleUploadedFile("cartel2.pdf", PDF)],
        },
    )
    c = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("consultations:detail", args=[c.pk])
    assert c.attachments.count() == 2
    assert c.requested_by == cast.admin


def test_the_form_offers_only_the_accounts_the_person_operates(client, cast):
    AccountFactory(organ=cast.organ, network=cast.network, status="closed", handle="Cerrada")
    client.force_login(cast.admin)
    offered = set(client.get(reverse("consultations:new")).context["form"].fields["account"].queryset)
    assert offered == {cast.account}


def test_a_consultation_about_another_organs_account_is_refused(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("consultations:new"),
        {"account": cast.other_account.pk, "kind": "information", "question": "¿?", "subject_text": "¿?"},
    )
    assert response.status_code == 200
    assert "account" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_the_detail_shows_a_live_countdown_and_the_answer_form_to_cncs(client, people):
    client.force_login(people.cncs)
    response = client.get(reverse("consultations:detail", args=[people.open.pk]))
    html = response.content.decode()
    assert f'data-due="{timezone.localtime(people.open.due_at).isoformat()}"' in html
    assert "js/countdown.js" in html
    assert response.context["answer_form"] is not None
    assert "notice_form" not in response.context


def test_the_detail_of_an_expired_consultation_offers_the_ready_text(client, people):
    client.force_login(people.suplente)
    response = client.get(reverse("consultations:detail", args=[people.expired.pk]))
    assert response.context["notice_form"]["text"].initial == services.user_notice_text()
    assert "INETEL" in response.content.decode()


def test_the_timeline_lists_every_event(client, people):
    with time_machine.travel(people.open.due_at - timedelta(hours=4), tick=False):
        services.send_due_reminders()
        services.answer_consultation(
            consultation_id=people.open.pk, by=people.cncs, answer="information_provided", answer_text="Av. 100"
        )
    client.force_login(people.admin)
    events = list(client.get(reverse("consultations:detail", args=[people.open.pk])).context["events"])
    assert [e.kind for e in events] == ["submitted", "reminder", "answered"]


def test_an_answer_after_the_deadline_is_refused_with_a_message(client, people):
    with time_machine.travel(people.open.due_at + timedelta(minutes=1), tick=False):
        # Signed in then: a session idle for two days would have ended (core.sessions).
        client.force_login(people.cncs)
        response = client.post(reverse("consultations:answer", args=[people.open.pk]), POST_DATA["answer"], follow=True)
    assert "ya no admite respuesta" in response.content.decode()
    people.open.refresh_from_db()
    assert people.open.status == Consultation.Status.OPEN


def test_answering_without_the_changed_text_shows_the_error_on_the_form(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("consultations:answer", args=[people.open.pk]), {"answer": "information_provided"})
    assert response.status_code == 200
    assert "answer_text" in response.context["answer_form"].errors


def test_sending_the_notice_from_the_page_writes_the_bitacora(client, people):
    client.force_login(people.admin)
    client.post(reverse("consultations:notice", args=[people.expired.pk]), POST_DATA["notice"])
    assert LogEntry.objects.get().text.endswith("«Puede consultar INETEL.»")


def test_the_queue_is_sorted_by_time_left_and_marks_the_urgent_and_the_overdue(client, cast):
    now = timezone.now()
    made = {}
    for name, hours_ago in [("fresh", 1), ("urgent", 46), ("overdue", 49), ("middle", 30)]:
        with time_machine.travel(now - timedelta(hours=hours_ago), tick=False):
            made[name] = services.open_consultation(
                account_id=cast.account.pk, by=cast.admin, kind="information", question=name, subject_text="x"
            )
    client.force_login(cast.cncs)
    response = client.get(reverse("consultations:queue"))
    assert [c.question for c in response.context["page"]] == ["overdue", "urgent", "middle", "fresh"]
    html = response.content.decode()
    assert html.count('class="overdue"') == 1
    assert html.count('class="highlight"') == 1


def test_the_queue_leaves_out_answered_and_expired_consultations(client, people):
    client.force_login(people.cncs)
    assert [c.pk for c in client.get(reverse("consultations:queue")).context["page"]] == [people.open.pk]


def test_the_organs_list_shows_its_consultations_only(client, people):
    other = services.open_consultation(
        account_id=people.other_account.pk, by=people.other_admin, kind="information", question="¿?", subject_text="¿?"
    )
    client.force_login(people.titular)
    pks = {c.pk for c in client.get(reverse("consultations:list")).context["page"]}
    assert pks == {people.open.pk, people.expired.pk}
    client.force_login(people.other_admin)
    assert {c.pk for c in client.get(reverse("consultations:list")).context["page"]} == {other.pk}


def test_the_list_filters_by_status(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("consultations:list") + "?estado=expired")
    assert [c.pk for c in response.context["page"]] == [people.expired.pk]


def test_an_unknown_status_matches_nothing_and_says_why(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("consultations:list") + "?estado=todas")
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "Ese estado de consulta no existe" in response.content.decode()


@pytest.mark.parametrize("url", ["consultations:list", "consultations:queue"])
def test_list_pages_query_count_does_not_grow_with_their_rows(client, cast, url, django_assert_max_num_queries):
    for i in range(20):
        services.open_consultation(
            account_id=cast.account.pk, by=cast.admin, kind="information", question=f"#{i}", subject_text="x"
        )
    client.force_login(cast.cncs)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(url)).status_code == 200


def test_the_home_panel_shows_cncs_its_pending_work(client, people):
    client.force_login(people.cncs)
    panel = next(p for p in client.get(reverse("core:home")).context["panels"] if "cncs" in p.context)
    assert (panel.context["open"], panel.context["urgent"], panel.context["overdue"]) == (1, 0, 0)


def test_the_home_panel_tells_the_organ_a_notice_is_pending(client, people):
    client.force_login(people.admin)
    panel = next(p for p in client.get(reverse("core:home")).context["panels"] if "awaiting_notice" in p.context)
    assert (panel.context["open"], panel.context["awaiting_notice"]) == (1, 1)


def test_the_home_panel_is_not_shown_to_people_without_consultations(client, people):
    client.force_login(people.unicom)
    assert not [p for p in client.get(reverse("core:home")).context["panels"] if "awaiting_notice" in p.context]


def test_deadline_times_are_shown_in_mexico_city_time(client, cast):
    with time_machine.travel(mx(2026, 3, 10, 9, 30), tick=False):
        c = services.open_consultation(
            account_id=cast.account.pk, by=cast.admin, kind="information", question="¿?", subject_text="¿?"
        )
        client.force_login(cast.admin)
        html = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert "12/03/2026 09:30" in html
