"""Each action goes through the same access check, form and service as its web page."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from accounts.models import Account, LogEntry
from approvals.models import AccountRequest
from approvals.tests import factories as approval_factories
from consultations import services as consultation_services
from consultations.models import Consultation
from incidents.models import Incident

from .conftest import assert_error

# --- Bitácora -----------------------------------------------------------------------------------


def test_an_administrator_adds_a_bitacora_entry(cast, as_user):
    response = as_user(cast.admin).post(
        f"accounts/{cast.account.pk}/log-entries", {"kind": "publication", "text": "Publicamos el horario."}
    )
    assert response.status_code == 201, response.content
    entry = LogEntry.objects.get(pk=response.json()["id"])
    assert entry.author == cast.admin and entry.account == cast.account


def test_the_titular_may_not_write_the_bitacora_and_another_organ_sees_nothing(cast, as_user):
    payload = {"kind": "publication", "text": "Texto"}
    assert_error(as_user(cast.titular).post(f"accounts/{cast.account.pk}/log-entries", payload), 403)
    assert_error(as_user(cast.other_admin).post(f"accounts/{cast.account.pk}/log-entries", payload), 404)
    assert not LogEntry.objects.exists()


def test_the_bitacora_form_validates_and_says_which_field(cast, as_user):
    client = as_user(cast.admin)
    error = assert_error(
        client.post(f"accounts/{cast.account.pk}/log-entries", {"kind": "correction", "text": "x" * 5001}), 422
    )
    assert set(error["fields"]) == {"kind", "text"}
    assert "5,001" in error["fields"]["text"][0]  # the form's counted message
    future = (timezone.now() + timedelta(days=2)).isoformat()
    error = assert_error(
        client.post(f"accounts/{cast.account.pk}/log-entries", {"kind": "other", "text": "x", "occurred_at": future}),
        422,
    )
    assert "occurred_at" in error["fields"]


def test_correcting_another_account_s_entry_is_a_422_on_corrects(cast, as_user):
    from accounts import services as account_services

    elsewhere = account_services.add_log_entry(
        account_id=cast.other_account.pk, by=cast.other_admin, kind="publication", text="De otra cuenta."
    )
    response = as_user(cast.admin).post(
        f"accounts/{cast.account.pk}/log-entries", {"kind": "other", "text": "Corrige.", "corrects": elsewhere.pk}
    )
    error = assert_error(response, 422, "validation_error")
    assert error["fields"]["corrects"] == ["La entrada que intenta corregir no pertenece a esta cuenta."]
    assert not LogEntry.objects.filter(account=cast.account).exists()


def test_a_closed_account_takes_no_entries(cast, as_user):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.CLOSED)
    # Closed accounts are not operated: the access check refuses first, as on the page.
    assert_error(
        as_user(cast.admin).post(f"accounts/{cast.account.pk}/log-entries", {"kind": "other", "text": "x"}), 403
    )


# --- Requests -----------------------------------------------------------------------------------


def _opening_form(cast, **overrides):
    data = {
        "kind": "opening",
        "network": cast.network.pk,
        "proposed_name": "INE Junta de prueba",
        "proposed_handle": "INENuevaAPI",
        "purpose": "Difundir la credencialización.",
        "proposed_titular": cast.admin.pk,
        "proposed_suplente": cast.suplente.pk,
        "oficio_number": "INE/JLE/0009/2026",
        "oficio": approval_factories.pdf_upload(),
        "submit": "true",
    }
    data.update(overrides)
    return data


def test_the_titular_files_an_opening_with_the_oficio_as_multipart(cast, as_user):
    response = as_user(cast.titular).post_multipart("requests", _opening_form(cast))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["has_oficio"]
    req = AccountRequest.objects.get(pk=body["id"])
    assert req.requester == cast.titular and req.transitions.count() == 2


def test_a_draft_without_oficio_is_saved_but_cannot_be_sent(cast, as_user):
    client = as_user(cast.titular)
    data = _opening_form(cast, submit="false")
    del data["oficio"]
    body = client.post_multipart("requests", data).json()
    assert body["status"] == "draft"
    error = assert_error(client.post(f"requests/{body['id']}/submit"), 422)
    assert "oficio" in error["fields"]


def test_a_fake_pdf_is_refused_by_the_form(cast, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("oficio.pdf", b"no soy un pdf", content_type="application/pdf")
    error = assert_error(as_user(cast.titular).post_multipart("requests", _opening_form(cast, oficio=fake)), 422)
    assert "oficio" in error["fields"]


def test_only_a_titular_files_requests(cast, as_user):
    assert_error(as_user(cast.admin).post_multipart("requests", _opening_form(cast)), 403, "permission_denied")
    assert_error(as_user(cast.titular).post_multipart("requests", _opening_form(cast, kind="x")), 422)
    assert not AccountRequest.objects.exists()


def test_cncs_decides_and_a_second_decision_is_409(cast, as_user):
    req = approval_factories.opening(cast)
    client = as_user(cast.cncs)
    response = client.post(f"requests/{req.pk}/decision", {"decision": "approve", "comment": "Adelante."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    error = assert_error(client.post(f"requests/{req.pk}/decision", {"decision": "reject", "comment": "No."}), 409)
    assert error["code"] == "already_resolved"


def test_return_and_reject_need_a_comment_from_the_form(cast, as_user):
    req = approval_factories.opening(cast)
    error = assert_error(as_user(cast.cncs).post(f"requests/{req.pk}/decision", {"decision": "reject"}), 422)
    assert "comment" in error["fields"]
    response = as_user(cast.cncs).post(f"requests/{req.pk}/decision", {"decision": "return", "comment": "Corrija."})
    assert response.json()["status"] == "returned"


def test_only_cncs_decides(cast, as_user):
    req = approval_factories.opening(cast)
    assert_error(as_user(cast.titular).post(f"requests/{req.pk}/decision", {"decision": "approve"}), 403)
    assert_error(as_user(cast.other_titular).post(f"requests/{req.pk}/decision", {"decision": "approve"}), 404)
    assert_error(as_user(cast.cncs).post(f"requests/{req.pk}/decision", {"decision": "maybe"}), 422)
    req.refresh_from_db()
    assert req.status == AccountRequest.Status.SUBMITTED


# --- Consultations ------------------------------------------------------------------------------


CONSULTATION = {"kind": "pertinence", "question": "¿Se puede publicar?", "subject_text": "Borrador."}


def test_an_administrator_opens_a_consultation_and_cncs_answers(cast, as_user):
    response = as_user(cast.admin).post("consultations", {"account": cast.account.pk, **CONSULTATION})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["can_answer"] is False
    answered = as_user(cast.cncs).post(f"consultations/{body['id']}/answer", {"answer": "publish"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    again = as_user(cast.cncs).post(f"consultations/{body['id']}/answer", {"answer": "publish"})
    assert_error(again, 409, "state_conflict")


def test_a_consultation_on_another_organs_account_is_refused_by_the_form(cast, as_user):
    error = assert_error(
        as_user(cast.admin).post("consultations", {"account": cast.other_account.pk, **CONSULTATION}), 422
    )
    assert "account" in error["fields"]
    assert_error(as_user(cast.titular).post("consultations", {"account": cast.account.pk, **CONSULTATION}), 403)


def test_only_cncs_answers_and_an_expired_one_is_a_conflict(cast, as_user):
    consultation = consultation_services.open_consultation(by=cast.admin, account_id=cast.account.pk, **CONSULTATION)
    assert_error(as_user(cast.admin).post(f"consultations/{consultation.pk}/answer", {"answer": "publish"}), 403)
    error = assert_error(
        as_user(cast.cncs).post(f"consultations/{consultation.pk}/answer", {"answer": "information_provided"}), 422
    )
    assert "answer" in error["fields"]
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert_error(as_user(cast.cncs).post(f"consultations/{consultation.pk}/answer", {"answer": "publish"}), 409)
    assert Consultation.objects.get().status == Consultation.Status.OPEN


# --- Incidents ----------------------------------------------------------------------------------


def _incident(**overrides):
    data = {
        "kind": "hack",
        "detected_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "description": "Hackeo.",
    }
    data.update(overrides)
    return data


def test_an_administrator_reports_a_hack_and_the_account_is_compromised(cast, as_user):
    response = as_user(cast.admin).post("incidents", _incident(account=cast.account.pk))
    assert response.status_code == 201, response.content
    assert response.json()["created"] is True
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.COMPROMISED
    again = as_user(cast.suplente).post("incidents", _incident(account=cast.account.pk))
    assert again.status_code == 200 and again.json()["created"] is False
    assert Incident.objects.count() == 1


def test_an_incident_report_is_validated_by_the_page_form(cast, as_user):
    client = as_user(cast.admin)
    error = assert_error(client.post("incidents", _incident(account=cast.other_account.pk)), 422)
    assert "account" in error["fields"]
    error = assert_error(client.post("incidents", _incident(kind="impersonation")), 422)
    assert "fake_handle" in error["fields"]
    response = client.post("incidents", _incident(kind="impersonation", fake_handle="@INEFalsa"))
    assert response.status_code == 201
    assert response.json()["incident"]["organ"]["id"] == cast.organ.pk


def test_misuse_is_reported_only_by_the_titular_or_cncs(cast, as_user):
    assert_error(as_user(cast.admin).post("incidents", _incident(kind="misuse", account=cast.account.pk)), 403)
    assert as_user(cast.titular).post("incidents", _incident(kind="misuse", account=cast.account.pk)).status_code == 201


def test_someone_outside_any_organ_reports_nothing(cast, as_user):
    assert_error(as_user(cast.outsider).post("incidents", _incident(account=cast.account.pk)), 403)


def test_writes_by_session_need_the_csrf_token(cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.admin)
    response = browser.post(
        f"/api/v1/accounts/{cast.account.pk}/log-entries",
        {"kind": "other", "text": "x"},
        content_type="application/json",
    )
    assert_error(response, 403, "csrf_failed")
    browser.get("/claves-api/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"/api/v1/accounts/{cast.account.pk}/log-entries",
        {"kind": "other", "text": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
