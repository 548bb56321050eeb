"""Every list is scoped exactly as its web page (the same access function); a record of
another organ is a 404, as on the web."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import access as accounts_access
from approvals import access as approvals_access
from approvals.tests import factories as approval_factories
from consultations import access as consultations_access
from consultations import services as consultation_services
from consultations.models import Consultation
from incidents import access as incidents_access
from incidents import services as incident_services
from incidents.models import Incident

from .conftest import assert_error

ROLES = ("titular", "admin", "suplente", "staff", "other_titular", "other_admin", "cncs", "unicom", "president",
         "secretary", "consejero", "outsider")  # fmt: skip


@pytest.fixture
def world(cast):
    """Records of both organs at several steps, misuse included."""
    approval_factories.opening(cast)
    approval_factories.opening(cast, submit=False, proposed_handle="INEBorrador")
    for account, by in ((cast.account, cast.admin), (cast.other_account, cast.other_admin)):
        consultation_services.open_consultation(
            account_id=account.pk,
            by=by,
            kind=Consultation.Kind.PERTINENCE,
            question="¿Se puede publicar?",
            subject_text="Texto de la publicación.",
        )
    detected = timezone.now() - timedelta(hours=1)
    incident_services.report_incident(
        by=cast.admin, kind=Incident.Kind.HACK, account_id=cast.account.pk, detected_at=detected, description="Hackeo."
    )
    incident_services.report_incident(
        by=cast.titular, kind=Incident.Kind.MISUSE, account_id=cast.account.pk, detected_at=detected, description="Uso."
    )
    incident_services.report_incident(
        by=cast.other_admin,
        kind=Incident.Kind.ERRONEOUS,
        account_id=cast.other_account.pk,
        detected_at=detected,
        description="Error.",
    )
    return cast


LISTS = {
    "accounts": accounts_access.accounts_visible_to,
    "requests": approvals_access.requests_visible_to,
    "consultations": consultations_access.consultations_visible_to,
    "incidents": incidents_access.incidents_visible_to,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", LISTS)
def test_each_list_is_exactly_what_the_web_page_shows(world, as_user, role, path):
    user = getattr(world, role)
    response = as_user(user).get(path, {"limit": 100})
    assert response.status_code == 200
    body = response.json()
    expected = set(LISTS[path](user).values_list("pk", flat=True))
    assert {item["id"] for item in body["items"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", LISTS)
def test_a_record_outside_ones_scope_is_404_and_inside_200(world, as_user, role, path):
    user = getattr(world, role)
    client = as_user(user)
    model = LISTS[path](user).model
    visible = set(LISTS[path](user).values_list("pk", flat=True))
    for pk in model.objects.values_list("pk", flat=True):
        response = client.get(f"{path}/{pk}")
        if pk in visible:
            assert response.status_code == 200, (role, path, pk)
            assert response.json()["id"] == pk
        else:
            assert_error(response, 404, "not_found")


def test_misuse_is_seen_by_cncs_and_the_titular_not_by_the_administrators(world, as_user):
    def kinds(user):
        return {i["kind"] for i in as_user(user).get("incidents").json()["items"]}

    assert "misuse" in kinds(world.cncs) and "misuse" in kinds(world.titular)
    assert "misuse" not in kinds(world.admin) and "misuse" not in kinds(world.unicom)


def test_drafts_stay_with_their_organ(world, as_user):
    def statuses(user):
        return {r["status"] for r in as_user(user).get("requests").json()["items"]}

    assert "draft" in statuses(world.titular)
    assert "draft" not in statuses(world.cncs) and "draft" not in statuses(world.admin)


def test_lists_paginate(world, as_user):
    client = as_user(world.cncs)
    first = client.get("accounts", {"limit": 1}).json()
    second = client.get("accounts", {"limit": 1, "offset": 1}).json()
    assert first["count"] == second["count"] == 2
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert_error(client.get("accounts", {"limit": 0}), 422, "validation_error")
    assert_error(client.get("accounts", {"limit": 101}), 422)


def test_filters_are_the_web_filters_and_an_invalid_one_is_422(world, as_user):
    client = as_user(world.cncs)
    mine = client.get("accounts", {"organ": world.organ.pk}).json()
    assert [a["id"] for a in mine["items"]] == [world.account.pk]
    assert client.get("accounts", {"q": "OtraCuenta"}).json()["count"] == 1
    assert_error(client.get("accounts", {"status": "volando"}), 422, "validation_error")
    # An organ outside the person's scope is refused, as the web filter refuses it.
    error = assert_error(as_user(world.admin).get("accounts", {"organ": world.other_organ.pk}), 422)
    assert "organ" in error["fields"]
    assert client.get("consultations", {"status": "open"}).json()["count"] == 2
    assert_error(client.get("consultations", {"status": "x"}), 422)
    assert client.get("incidents", {"kind": "hack"}).json()["count"] == 1
    assert client.get("requests", {"kind": "opening", "status": "submitted"}).json()["count"] == 1


def test_the_account_never_shows_who_administers_it(world, as_user):
    body = as_user(world.cncs).get(f"accounts/{world.account.pk}").json()
    assert "@ine.mx" not in str({k: v for k, v in body.items() if k != "registration_email"})


def test_a_request_lists_the_steps_its_reader_may_take(world, as_user):
    req = approvals_access.requests_visible_to(world.cncs).get()
    assert set(as_user(world.cncs).get(f"requests/{req.pk}").json()["actions"]) == {"approve", "return", "reject"}
    assert as_user(world.admin).get(f"requests/{req.pk}").json()["actions"] == []
    assert as_user(world.titular).get(f"requests/{req.pk}").json()["actions"] == ["withdraw"]


def test_the_browser_session_works_too(world, client):
    client.force_login(world.cncs)
    response = client.get("/api/v1/accounts")
    assert response.status_code == 200 and response.json()["count"] == 2


def test_list_queries_do_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    client = as_user(world.cncs)
    for path in LISTS:
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200
