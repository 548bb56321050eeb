"""Home panels for each role, and the read-only admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from approvals.models import AccountRequest
from approvals.tests import factories


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("core:home")).content.decode()


def test_cncs_sees_pending_and_overdue_counts_and_the_oldest(client, cast, settings):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 5
    old = factories.opening(cast)
    AccountRequest.objects.filter(pk=old.pk).update(submitted_at=old.submitted_at - timedelta(days=8))
    factories.closing(cast)

    page = home(client, cast.cncs)

    assert "Solicitudes por resolver" in page
    assert '<div class="stat">2</div><div class="stat-label">en revisión' in page
    assert '<div class="stat">1</div><div class="stat-label">con espera vencida' in page
    assert f"?ver={old.pk}" in page


def test_unicom_sees_the_mailboxes_to_provision(client, cast):
    waiting = factories.approved_opening(cast)

    page = home(client, cast.unicom)

    assert "Correos institucionales por aprovisionar" in page
    assert waiting.folio in page


def test_the_titular_sees_the_organs_requests_in_progress(client, cast):
    req = factories.opening(cast, submit=False)

    page = home(client, cast.titular)

    assert "Solicitudes de mi órgano" in page
    assert req.folio in page
    assert reverse("approvals:new") in page


def test_an_administrator_sees_the_opening_waiting_for_registration(client, cast):
    req = factories.mailbox_ready_opening(cast)

    page = home(client, cast.admin)

    assert req.folio in page
    assert "pendiente del registro" in page


@pytest.mark.parametrize("who", ["outsider", "other_admin"])
def test_people_without_requests_see_no_approvals_panel_and_no_leak(client, cast, who):
    req = factories.opening(cast)

    page = home(client, getattr(cast, who))

    assert req.folio not in page
    assert "Solicitudes por resolver" not in page
    assert "Correos institucionales por aprovisionar" not in page


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_the_admin_lists_requests_with_search_and_filters(admin_client, cast):
    req = factories.opening(cast)
    url = reverse("admin:approvals_accountrequest_changelist")

    assert req.folio in admin_client.get(url).content.decode()
    assert req.folio in admin_client.get(url, {"q": "INENueva"}).content.decode()
    assert req.folio not in admin_client.get(url, {"q": "no-existe"}).content.decode()
    assert req.folio in admin_client.get(url, {"status__exact": "submitted", "kind__exact": "opening"}).content.decode()


def test_the_admin_shows_a_request_read_only_with_its_timeline(admin_client, cast):
    req = factories.opening(cast)

    response = admin_client.get(reverse("admin:approvals_accountrequest_change", args=[req.pk]))

    assert response.status_code == 200
    assert "Enviada a Comunicación Social." in response.content.decode()
    assert admin_client.get(reverse("admin:approvals_accountrequest_add")).status_code == 403
    assert admin_client.post(reverse("admin:approvals_accountrequest_delete", args=[req.pk])).status_code == 403


def test_the_admin_lists_transitions(admin_client, cast):
    factories.opening(cast)
    url = reverse("admin:approvals_requesttransition_changelist")

    response = admin_client.get(url, {"q": cast.titular.last_name, "to_status__exact": "submitted"})

    assert response.status_code == 200
    assert "1 movimiento de solicitud" in response.content.decode()
