"""Evaluations through the API: each endpoint against each role, scoped as the pages (an organ
never sees another's; a draft's scores stay with CNCS and the Comité), the acknowledgement
through the page's form and service with each refusal in the house's shape, and attendance
at the training with the meeting's code."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from evaluations import access, criteria, services, training
from evaluations.models import CriteriaVersion, Evaluation, EvaluationStatus, Period, TrainingInvitation
from evaluations.tests.factories import CriteriaVersionFactory, CriterionFactory, published_version

from .conftest import assert_error

ROLES = ("titular", "admin", "suplente", "staff", "other_titular", "other_admin", "cncs", "unicom", "president",
         "secretary", "consejero", "outsider")  # fmt: skip
# Who sees evaluations at all (the list page's rule): CNCS, the Comité, an organ's titular and
# administrators. The consejero heads an office without accounts: sees none, but may look.
SEERS = {"titular", "admin", "suplente", "other_titular", "other_admin", "cncs", "president", "secretary", "consejero"}


def values_for(evaluation: Evaluation, value=3, comment="Cumple.") -> dict:
    return {c.pk: (value, comment) for c in evaluation.period.criteria.criteria.all()}


@pytest.fixture
def world(cast):
    """The current semester opened with a published version: the organ's evaluation issued,
    the other organ's scored but not issued (a draft)."""
    published_version(created_by=cast.president)
    year, half = services.current_semester()
    period, _created = services.open_period(year=year, half=half, by=cast.cncs)
    mine = Evaluation.objects.get(period=period, account=cast.account)
    theirs = Evaluation.objects.get(period=period, account=cast.other_account)
    services.save_scores(evaluation_id=mine.pk, by=cast.cncs, values=values_for(mine), summary="Bien.")
    services.issue_evaluation(evaluation_id=mine.pk, by=cast.cncs)
    services.save_scores(evaluation_id=theirs.pk, by=cast.cncs, values=values_for(theirs, 1, "Borrador."))
    cast.period = period
    cast.mine = Evaluation.objects.get(pk=mine.pk)
    cast.theirs = Evaluation.objects.get(pk=theirs.pk)
    return cast


# --- Anonymous ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "evaluations"),
        ("get", "evaluations/1"),
        ("post", "evaluations/1/acknowledge"),
        ("get", "evaluations/criteria"),
        ("get", "evaluations/periods"),
        ("post", "evaluations/training/attend"),
    ],
)
def test_anonymous_is_401_everywhere(db, anonymous, method, path):
    response = getattr(anonymous, method)(path)
    assert_error(response, 401, "not_authenticated")


# --- The list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_list_is_exactly_what_the_page_shows(world, as_user, role):
    user = getattr(world, role)
    response = as_user(user).get("evaluations", {"limit": 100})
    if role not in SEERS:
        assert_error(response, 403, "permission_denied")
        return
    assert response.status_code == 200, response.content
    body = response.json()
    expected = set(access.evaluations_visible_to(user).values_list("pk", flat=True))
    assert {item["id"] for item in body["items"]} == expected
    assert body["count"] == len(expected)


def test_an_organ_never_sees_another_organs_evaluation(world, as_user):
    for role, own, other in (("titular", world.mine, world.theirs), ("other_admin", world.theirs, world.mine)):
        client = as_user(getattr(world, role))
        assert [i["id"] for i in client.get("evaluations").json()["items"]] == [own.pk]
        assert client.get(f"evaluations/{own.pk}").status_code == 200
        assert_error(client.get(f"evaluations/{other.pk}"), 404, "not_found")
    assert {i["id"] for i in as_user(world.cncs).get("evaluations").json()["items"]} == {world.mine.pk, world.theirs.pk}


def test_a_record_carries_period_account_organ_and_status(world, as_user):
    item = as_user(world.titular).get("evaluations").json()["items"][0]
    assert item["period"] == {
        "id": world.period.pk,
        "year": world.period.year,
        "half": world.period.half,
        "label": str(world.period),
    }
    assert item["account"]["id"] == world.account.pk and item["account"]["network"] == world.network.code
    assert item["organ"] == {"id": world.organ.pk, "name": world.organ.name, "entidad": None}
    assert item["status"] == "issued" and item["status_label"] == "Emitida"
    assert item["score"] == 75.0 and item["revision"] == 1
    assert item["issued_at"] and item["acknowledged_at"] is None
    assert item["was_flagged_abandoned"] is False


@pytest.mark.parametrize("role", ["other_titular", "other_admin"])
def test_a_drafts_score_is_hidden_from_its_organ(world, as_user, role):
    client = as_user(getattr(world, role))
    item = client.get("evaluations").json()["items"][0]
    assert item["id"] == world.theirs.pk and item["status"] == "in_progress"
    assert item["score"] is None
    detail = client.get(f"evaluations/{world.theirs.pk}").json()
    assert detail["score"] is None and detail["scores"] == [] and detail["figures"] is None
    assert detail["summary"] == ""
    assert "Borrador." not in str(detail)


@pytest.mark.parametrize("role", ["cncs", "president", "secretary"])
def test_cncs_and_the_comite_see_the_drafts_score_and_figures(world, as_user, role):
    detail = as_user(getattr(world, role)).get(f"evaluations/{world.theirs.pk}").json()
    assert detail["score"] == 25.0
    assert {s["value"] for s in detail["scores"]} == {1}
    assert {s["comment"] for s in detail["scores"]} == {"Borrador."}
    assert [g["source"] for g in detail["figures"]["groups"]][:3] == ["activity", "consultations", "incidents"]
    assert detail["issued_versions"] == []


def test_the_detail_of_an_issued_evaluation(world, as_user):
    detail = as_user(world.titular).get(f"evaluations/{world.mine.pk}").json()
    criteria_of = list(world.period.criteria.criteria.order_by("position"))
    assert [s["code"] for s in detail["scores"]] == [c.code for c in criteria_of]
    first = detail["scores"][0]
    assert first == {
        "code": criteria_of[0].code,
        "name": criteria_of[0].name,
        "weight": 40,
        "scale": [0, 4],
        "value": 3,
        "comment": "Cumple.",
    }
    assert detail["summary"] == "Bien." and detail["criteria_version"] == world.period.criteria.number
    [version] = detail["issued_versions"]
    assert version["revision"] == 1 and version["score"] == 75.0 and version["reason"] == ""
    assert version["issued_by"] == str(world.cncs)
    assert [(h["from_status"], h["to_status"]) for h in detail["history"]] == [
        ("pending", "in_progress"),
        ("in_progress", "issued"),
    ]
    assert {h["changed_by"] for h in detail["history"]} == {str(world.cncs)}
    # The figures the organ received with the issue.
    assert detail["figures"]["groups"] == world.mine.issued_versions.get().figures["groups"]
    assert detail["can_acknowledge"] is True
    assert as_user(world.admin).get(f"evaluations/{world.mine.pk}").json()["can_acknowledge"] is False


def test_a_correction_keeps_the_earlier_issue_visible(world, as_user):
    services.correct_evaluation(
        evaluation_id=world.mine.pk, by=world.cncs, values=values_for(world.mine, 4), summary="Mejor.", reason="Error."
    )
    detail = as_user(world.titular).get(f"evaluations/{world.mine.pk}").json()
    assert [(v["revision"], v["score"], v["reason"]) for v in detail["issued_versions"]] == [
        (2, 100.0, "Error."),
        (1, 75.0, ""),
    ]
    assert detail["revision"] == 2 and detail["score"] == 100.0
    assert detail["history"][-1]["comment"] == "Error."


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_each_evaluation_as_the_page(world, as_user, role):
    user = getattr(world, role)
    client = as_user(user)
    visible = set(access.evaluations_visible_to(user).values_list("pk", flat=True))
    for evaluation in (world.mine, world.theirs):
        response = client.get(f"evaluations/{evaluation.pk}")
        if evaluation.pk in visible:
            assert response.status_code == 200 and response.json()["id"] == evaluation.pk
        else:
            assert_error(response, 404, "not_found")


def test_filters(world, as_user):
    client = as_user(world.cncs)

    def ids(**params):
        response = client.get("evaluations", params)
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["items"]}

    both = {world.mine.pk, world.theirs.pk}
    assert ids(period=world.period.pk) == both
    assert ids(year=world.period.year, half=world.period.half) == both
    assert ids(year=world.period.year - 1) == set()
    assert ids(status="issued") == {world.mine.pk}
    assert ids(status="in_progress") == {world.theirs.pk}
    assert ids(organ=world.other_organ.pk) == {world.theirs.pk}
    assert ids(network=world.network.pk) == both
    assert ids(q="OtraCuenta") == {world.theirs.pk}
    error = assert_error(client.get("evaluations", {"period": world.period.pk + 1000}), 422, "validation_error")
    assert "period" in error["fields"]
    assert "status" in assert_error(client.get("evaluations", {"status": "volando"}), 422)["fields"]
    assert "half" in assert_error(client.get("evaluations", {"half": 3}), 422)["fields"]
    # An organ outside one's scope is refused, as the page's filter refuses it.
    error = assert_error(as_user(world.titular).get("evaluations", {"organ": world.other_organ.pk}), 422)
    assert "organ" in error["fields"]


def test_the_list_paginates(world, as_user):
    client = as_user(world.cncs)
    first = client.get("evaluations", {"limit": 1}).json()
    second = client.get("evaluations", {"limit": 1, "offset": 1}).json()
    assert first["count"] == second["count"] == 2 and first["limit"] == 1 and second["offset"] == 1
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert client.get("evaluations", {"offset": 2}).json()["items"] == []
    assert_error(client.get("evaluations", {"limit": 0}), 422, "validation_error")
    assert_error(client.get("evaluations", {"limit": 101}), 422)


def test_bad_ids_are_4xx_never_500(world, as_user):
    client = as_user(world.cncs)
    assert_error(client.get(f"evaluations/{2**63}"), 422)
    assert_error(client.get("evaluations/0"), 422)
    assert_error(client.get(f"evaluations/{2**63 - 1}"), 404)
    assert_error(client.get("evaluations", {"period": 2**64}), 422)
    assert_error(client.get("evaluations", {"q": "a\x00b"}), 422)
    assert_error(client.post(f"evaluations/{2**63}/acknowledge", {"revision": 1}), 422)


def test_list_queries_do_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    client = as_user(world.cncs)
    with django_assert_max_num_queries(10):
        assert client.get("evaluations").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("evaluations/criteria").status_code == 200


# --- Acknowledging ------------------------------------------------------------------------------


def test_the_titular_acknowledges_with_a_response(world, as_user):
    response = as_user(world.titular).post(
        f"evaluations/{world.mine.pk}/acknowledge", {"response": "Enterados; mejoraremos.", "revision": 1}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "acknowledged" and body["acknowledged_at"] and body["can_acknowledge"] is False
    assert body["response"] == "Enterados; mejoraremos."
    assert body["acknowledged_by"] == str(world.titular)
    assert body["history"][-1]["to_status"] == "acknowledged"
    evaluation = Evaluation.objects.get(pk=world.mine.pk)
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED and evaluation.acknowledged_by == world.titular


def test_a_response_is_optional(world, as_user):
    response = as_user(world.titular).post(f"evaluations/{world.mine.pk}/acknowledge", {"revision": 1})
    assert response.status_code == 200 and response.json()["response"] == ""


def test_a_second_acknowledgement_is_409(world, as_user):
    client = as_user(world.titular)
    assert client.post(f"evaluations/{world.mine.pk}/acknowledge", {"revision": 1}).status_code == 200
    error = assert_error(client.post(f"evaluations/{world.mine.pk}/acknowledge", {"revision": 1}), 409)
    assert error["code"] == "invalid_transition" and "Ya se acusó recibo" in error["message"]


def test_a_correction_made_meanwhile_is_409(world, as_user):
    services.correct_evaluation(
        evaluation_id=world.mine.pk, by=world.cncs, values=values_for(world.mine, 4), summary=None, reason="Error."
    )
    error = assert_error(
        as_user(world.titular).post(f"evaluations/{world.mine.pk}/acknowledge", {"revision": 1}),
        409,
        "invalid_transition",
    )
    assert "emisión 2" in error["message"]
    assert Evaluation.objects.get(pk=world.mine.pk).status == EvaluationStatus.ISSUED


def test_an_unissued_evaluation_is_409(world, as_user):
    error = assert_error(
        as_user(world.other_titular).post(f"evaluations/{world.theirs.pk}/acknowledge", {"revision": 0}),
        409,
        "invalid_transition",
    )
    assert "aún no se emite" in error["message"]


@pytest.mark.parametrize("role", ["admin", "suplente", "cncs", "president", "secretary"])
def test_only_the_titular_acknowledges(world, as_user, role):
    response = as_user(getattr(world, role)).post(f"evaluations/{world.mine.pk}/acknowledge", {"revision": 1})
    error = assert_error(response, 403, "permission_denied")
    assert "titular" in error["message"]
    assert Evaluation.objects.get(pk=world.mine.pk).status == EvaluationStatus.ISSUED


@pytest.mark.parametrize("role", ["other_titular", "other_admin", "staff", "unicom", "outsider", "consejero"])
def test_another_organ_or_someone_outside_gets_404(world, as_user, role):
    response = as_user(getattr(world, role)).post(f"evaluations/{world.mine.pk}/acknowledge", {"revision": 1})
    assert_error(response, 404, "not_found")
    assert Evaluation.objects.get(pk=world.mine.pk).status == EvaluationStatus.ISSUED


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "revision"),
        ({"revision": "uno"}, "revision"),
        ({"revision": -1}, "revision"),
        ({"revision": 10**30}, "revision"),
        ({"revision": 1, "response": "x" * 6001}, "response"),
        ({"revision": 1, "response": "con\x00nulo"}, "response"),
        ({"revision": 1, "response": 5}, "response"),
    ],
)
def test_bad_input_is_422_and_changes_nothing(world, as_user, payload, field):
    error = assert_error(
        as_user(world.titular).post(f"evaluations/{world.mine.pk}/acknowledge", payload), 422, "validation_error"
    )
    assert field in error["fields"], error
    assert Evaluation.objects.get(pk=world.mine.pk).status == EvaluationStatus.ISSUED


def test_an_unreadable_body_is_400(world, as_user):
    client = as_user(world.titular)
    response = client.client.post(
        f"/api/v1/evaluations/{world.mine.pk}/acknowledge",
        "{no",
        content_type="application/json",
        headers=client.headers,
    )
    assert_error(response, 400)


# --- Criteria and periods -----------------------------------------------------------------------


@pytest.fixture
def with_draft(world):
    draft = CriteriaVersionFactory(created_by=world.president)
    CriterionFactory(version=draft, code="nuevo", name="Criterio en borrador", weight=50)
    world.draft = draft
    return world


@pytest.mark.parametrize("role", ROLES)
def test_criteria_as_the_page(with_draft, as_user, role):
    user = getattr(with_draft, role)
    response = as_user(user).get("evaluations/criteria")
    if not criteria.may_read_criteria(user):
        assert_error(response, 403, "permission_denied")
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert {v["id"] for v in body} == set(criteria.versions_visible_to(user).values_list("pk", flat=True))
    statuses = {v["status"] for v in body}
    if criteria.sees_drafts(user):
        assert statuses == {"draft", "published"}
    else:
        assert statuses == {"published"}
        assert "Criterio en borrador" not in str(body)


def test_a_version_lists_its_criteria_in_order(with_draft, as_user):
    [published] = as_user(with_draft.titular).get("evaluations/criteria").json()
    version = CriteriaVersion.objects.get(pk=published["id"])
    assert [c["code"] for c in published["criteria"]] == [c.code for c in version.criteria.order_by("position", "pk")]
    assert {c["weight"] for c in published["criteria"]} == {40, 30}
    assert published["published_at"] and published["status_label"] == "Publicada"
    first = published["criteria"][0]
    assert set(first) == {
        "code", "position", "name", "reference", "description", "scale_min", "scale_max", "scale_help", "weight",
        "source",
    }  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_periods_as_the_page(world, as_user, role):
    response = as_user(getattr(world, role)).get("evaluations/periods")
    if role not in SEERS:
        assert_error(response, 403, "permission_denied")
        return
    assert response.status_code == 200
    [period] = response.json()
    assert period["id"] == world.period.pk and period["label"] == str(world.period)
    assert period["starts_on"] == world.period.starts_on.isoformat()
    assert period["criteria_version"] == world.period.criteria.number


def test_periods_newest_first(world, as_user):
    Period.objects.create(
        year=world.period.year - 1,
        half=1,
        starts_on=Period.bounds(world.period.year - 1, 1)[0],
        ends_on=Period.bounds(world.period.year - 1, 1)[1],
        criteria=world.period.criteria,
    )
    years = [p["year"] for p in as_user(world.cncs).get("evaluations/periods").json()]
    assert years == [world.period.year, world.period.year - 1]


# --- Training attendance with the code ----------------------------------------------------------


@pytest.fixture
def meeting(cast):
    starts = timezone.now() + timedelta(days=3)
    return training.schedule_meeting(
        by=cast.cncs, title="Capacitación anual", starts_at=starts, place="Auditorio", agenda="1. Criterios."
    )


def _wrong(meeting) -> str:
    return "ZZZZZZ" if meeting.attendance_code != "ZZZZZZ" else "YYYYYY"


def test_an_invitee_registers_with_the_code(meeting, cast, as_user):
    client = as_user(cast.admin)
    code = meeting.attendance_code
    with time_machine.travel(meeting.starts_at, tick=False):
        response = client.post("evaluations/training/attend", {"code": f" {code[:3].lower()}-{code[3:]} "})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["already"] is False and body["meeting_id"] == meeting.pk and body["attended_at"]
        assert body["message"] == "¡Listo! Su asistencia quedó registrada."
        again = client.post("evaluations/training/attend", {"code": code}).json()
        assert again["already"] is True
    invitation = meeting.invitations.get(user=cast.admin)
    assert invitation.attendance_recorded == TrainingInvitation.Recorded.BY_CODE
    assert invitation.attendance_recorded_by == cast.admin


def test_a_wrong_code_is_422_on_code(meeting, cast, as_user):
    with time_machine.travel(meeting.starts_at, tick=False):
        error = assert_error(
            as_user(cast.admin).post("evaluations/training/attend", {"code": _wrong(meeting)}), 422, "validation_error"
        )
    assert "no es correcto" in error["fields"]["code"][0]
    assert not meeting.invitations.filter(attended_at__isnull=False).exists()


@pytest.mark.parametrize("payload", [{}, {"code": ""}, {"code": "x" * 21}, {"code": "AB\x00CD"}, {"code": 5}])
def test_bad_code_input_is_422(meeting, cast, as_user, payload):
    error = assert_error(as_user(cast.admin).post("evaluations/training/attend", payload), 422, "validation_error")
    assert "code" in error["fields"]


@pytest.mark.parametrize("role", ["staff", "unicom", "outsider"])
def test_someone_not_invited_is_403(meeting, cast, as_user, role):
    with time_machine.travel(meeting.starts_at, tick=False):
        error = assert_error(
            as_user(getattr(cast, role)).post("evaluations/training/attend", {"code": meeting.attendance_code}),
            403,
            "permission_denied",
        )
    assert "no figura" in error["message"]
    assert not TrainingInvitation.objects.filter(attended_at__isnull=False).exists()


def test_outside_the_meeting_day_or_cancelled_is_409(meeting, cast, as_user):
    client = as_user(cast.titular)
    error = assert_error(client.post("evaluations/training/attend", {"code": meeting.attendance_code}), 409)
    assert error["code"] == "state_conflict" and "abre una hora antes" in error["message"]
    training.cancel_meeting(meeting_id=meeting.pk, by=cast.cncs)
    with time_machine.travel(meeting.starts_at, tick=False):
        error = assert_error(client.post("evaluations/training/attend", {"code": meeting.attendance_code}), 409)
    assert "cancelada" in error["message"]


def test_too_many_wrong_codes_is_429_with_retry_after(meeting, cast, as_user):
    client = as_user(cast.admin)
    with time_machine.travel(meeting.starts_at, tick=False):
        for _ in range(training.CODE_MAX_FAILURES):
            assert_error(client.post("evaluations/training/attend", {"code": _wrong(meeting)}), 422)
        response = client.post("evaluations/training/attend", {"code": meeting.attendance_code})
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == str(training.CODE_FAILURE_WINDOW)
    assert not meeting.invitations.get(user=cast.admin).attended_at


@pytest.mark.parametrize("role", ["titular", "admin", "suplente", "other_titular", "other_admin"])
def test_every_invitee_registers(meeting, cast, as_user, role):
    with time_machine.travel(meeting.starts_at, tick=False):
        response = as_user(getattr(cast, role)).post("evaluations/training/attend", {"code": meeting.attendance_code})
    assert response.status_code == 200, response.content
    assert meeting.invitations.get(user=getattr(cast, role)).attended_at


# --- The OpenAPI document -----------------------------------------------------------------------


def test_the_openapi_document_lists_the_evaluation_paths(db, anonymous):
    document = anonymous.get("openapi.json").json()
    paths = document["paths"]
    expected = {
        "/api/v1/evaluations": {"get"},
        "/api/v1/evaluations/{evaluation_id}": {"get"},
        "/api/v1/evaluations/{evaluation_id}/acknowledge": {"post"},
        "/api/v1/evaluations/criteria": {"get"},
        "/api/v1/evaluations/periods": {"get"},
        "/api/v1/evaluations/training/attend": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert operation["tags"] == ["Evaluaciones"] and operation["summary"]
            assert "401" in operation["responses"]
    assert "evaluaciones" in document["info"]["description"].lower()
