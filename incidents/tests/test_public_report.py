"""The public reports a suspicious account: no login, a receipt number and nothing else
shown back, a rate limit per client, a honeypot for robots."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import PublicReport

pytestmark = pytest.mark.django_db

URL = "/verificar/reportar/"


def _report(client, ip="203.0.113.7", **overrides):
    data = {"handle_or_url": "@INEMexic0", "claims_to_be": "Dice ser la cuenta oficial del INE", "contact": ""}
    data.update(overrides)
    return client.post(URL, data, REMOTE_ADDR=ip)


def test_the_page_is_public_and_linked_from_the_verification_page(client):
    assert client.get(URL).status_code == 200
    assert f'href="{reverse("public_reports:new")}"' in client.get(reverse("registry:lookup")).content.decode()


def test_a_report_is_recorded_and_answered_with_a_receipt_only(client):
    response = _report(client, contact="persona@example.com")

    report = PublicReport.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert report.receipt in body and report.receipt.startswith("RC-")
    assert "@INEMexic0" not in body and "persona@example.com" not in body  # nothing echoed back
    assert report.status == PublicReport.Status.NEW and report.contact == "persona@example.com"


def test_the_client_is_kept_as_a_hash_never_its_address(client):
    _report(client, ip="198.51.100.23")

    report = PublicReport.objects.get()
    assert report.client_hash and "198.51.100.23" not in report.client_hash
    assert len(report.client_hash) >= 40


def test_a_client_may_send_a_few_reports_an_hour_then_is_told_to_wait(client, settings):
    settings.PUBLIC_REPORTS_PER_HOUR = 3
    for i in range(3):
        assert _report(client, handle_or_url=f"@Falsa{i}").status_code == 200

    refused = _report(client, handle_or_url="@Falsa9")

    assert refused.status_code == 429
    assert "Intente más tarde" in refused.content.decode()
    assert PublicReport.objects.count() == 3
    assert _report(client, ip="192.0.2.44", handle_or_url="@Otra").status_code == 200  # another client


def test_a_robot_filling_the_hidden_field_gets_a_receipt_and_nothing_is_written(client):
    response = _report(client, sitio_web="http://spam.example")

    assert response.status_code == 200 and "RC-" in response.content.decode()
    assert not PublicReport.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("handle_or_url", "", "Este campo es obligatorio."),
        ("claims_to_be", "", "Este campo es obligatorio."),
        ("handle_or_url", "@Falsa\r\nBcc: x@example.com", ""),
        ("claims_to_be", "x" * 301, "301"),
    ],
)
def test_bad_input_is_refused_in_spanish_and_nothing_is_written(client, field, value, message):
    response = _report(client, **{field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in " ".join(response.context["form"].errors[field])
    assert not PublicReport.objects.exists()


def test_receipts_are_unique_even_when_a_draw_repeats(client, monkeypatch):
    from incidents import public

    draws = iter(["RC-2611-AAAAAA", "RC-2611-AAAAAA", "RC-2611-BBBBBB"])
    monkeypatch.setattr(public, "new_receipt", lambda: next(draws))
    _report(client, handle_or_url="@Una")
    _report(client, handle_or_url="@Dos")

    assert sorted(PublicReport.objects.values_list("receipt", flat=True)) == ["RC-2611-AAAAAA", "RC-2611-BBBBBB"]


# --- CNCS triages them --------------------------------------------------------------------

TRIAGE = "/incidentes/reportes-ciudadanos/"


@pytest.fixture
def waiting(client):
    _report(client, handle_or_url="@INEJalisc0", claims_to_be="Dice ser la Junta Local en Jalisco")
    return PublicReport.objects.get()


@pytest.mark.parametrize("role", ["admin", "titular", "unicom", "president", "outsider"])
def test_only_cncs_sees_the_reports(client, cast, waiting, role):
    client.force_login(getattr(cast, role))
    assert client.get(TRIAGE).status_code == 403
    assert client.post(f"{TRIAGE}{waiting.pk}/", {"decision": "dismiss", "reason": "x"}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == PublicReport.Status.NEW


def test_the_public_never_reaches_the_triage(client, waiting):
    assert client.get(TRIAGE).status_code == 302


def test_cncs_sees_what_waits_with_all_that_was_typed(client, cast, waiting):
    client.force_login(cast.cncs)
    body = client.get(TRIAGE).content.decode()
    assert waiting.receipt in body and "@INEJalisc0" in body and "Junta Local en Jalisco" in body


def test_accepting_opens_an_impersonation_incident(client, cast, waiting):
    from incidents.models import Incident

    client.force_login(cast.cncs)
    response = client.post(f"{TRIAGE}{waiting.pk}/", {"decision": "accept", "organ": cast.organ.pk})

    waiting.refresh_from_db()
    incident = Incident.objects.get()
    assert waiting.status == PublicReport.Status.ACCEPTED and waiting.incident == incident
    assert incident.kind == "impersonation" and incident.organ == cast.organ
    assert response.url == reverse("incidents:detail", args=[incident.pk])


def test_dismissing_needs_a_reason(client, cast, waiting):
    client.force_login(cast.cncs)
    response = client.post(f"{TRIAGE}{waiting.pk}/", {"decision": "dismiss", "reason": ""}, follow=True)
    waiting.refresh_from_db()
    assert waiting.status == PublicReport.Status.NEW
    assert "obligatorio" in response.content.decode()

    client.post(f"{TRIAGE}{waiting.pk}/", {"decision": "dismiss", "reason": "Es una cuenta de humor, no suplanta."})
    waiting.refresh_from_db()
    assert waiting.status == PublicReport.Status.DISMISSED and waiting.triaged_by == cast.cncs


def test_a_report_is_triaged_once(client, cast, waiting):
    client.force_login(cast.cncs)
    client.post(f"{TRIAGE}{waiting.pk}/", {"decision": "dismiss", "reason": "Duplicado."})
    response = client.post(f"{TRIAGE}{waiting.pk}/", {"decision": "accept"}, follow=True)
    waiting.refresh_from_db()
    assert waiting.status == PublicReport.Status.DISMISSED
    assert "ya fue atendido" in response.content.decode()


def test_cncs_home_page_counts_the_reports_that_wait(client, cast, waiting):
    client.force_login(cast.cncs)
    body = client.get(reverse("core:home")).content.decode()
    assert "1 reporte por atender" in body and f'href="{TRIAGE}"' in body


def test_no_one_else_sees_the_count(client, cast, waiting):
    client.force_login(cast.admin)
    assert "reporte por atender" not in client.get(reverse("core:home")).content.decode()
