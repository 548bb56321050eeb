"""What the public registry says of an imported account: pending verification while it is in
regularisation; once reclassified as personal, "no es una cuenta institucional del INE desde …"
on the lookup page and in the API, gone from the directory and the open data, and its handle
free for a new opening request."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from approvals import services as approval_services
from approvals.tests.factories import opening
from onboarding import regularisation
from registry import lookup

from .regularisation_factories import complete, imported_account, national_deadline

pytestmark = pytest.mark.django_db

HANDLE = "INEPrevia"


def _start():
    return (timezone.localtime() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def previous(cast):
    """At noon tomorrow, an imported account @INEPrevia whose deadline is that day."""
    cast.start = _start()
    with time_machine.travel(cast.start, tick=False):
        cast.imported = imported_account(cast.organ, cast.network, handle=HANDLE)
        national_deadline(timezone.localdate(), cast.cncs)
    return cast


def _reclassify(people):
    with time_machine.travel(people.start + timedelta(days=1), tick=False):
        assert regularisation.close_regularisation() == 1
        people.day = timezone.localdate()
    assert Account.objects.get(pk=people.imported.pk).status == Account.Status.RECLASSIFIED


def _directory_handles(client) -> list[str]:
    return [a.handle for a in client.get(reverse("registry:directory")).context["page"].object_list]


def _api_verify(client) -> dict:
    return client.get("/api/v1/public/verify", {"q": HANDLE}).json()


def test_in_regularisation_the_registry_says_pending_verification(client, previous):
    assert lookup.verify(HANDLE).status == lookup.Status.PENDING
    assert _api_verify(client)["status"] == "pending_verification"
    page = client.get(reverse("registry:lookup"), {"q": HANDLE}).content.decode()
    assert "Pendiente de verificación" in page
    assert HANDLE in _directory_handles(client)


def test_reclassified_the_lookup_page_says_it_is_not_the_institutes_since_the_day(client, previous):
    _reclassify(previous)
    page = client.get(reverse("registry:lookup"), {"q": f"https://x.com/{HANDLE}"}).content.decode()
    assert f"No es una cuenta institucional del INE desde el {regularisation.long_date(previous.day)}" in page
    assert lookup.verify(HANDLE).status == lookup.Status.RECLASSIFIED


def test_reclassified_the_api_answers_reclassified_with_the_day(client, previous):
    _reclassify(previous)
    body = _api_verify(client)
    assert body["status"] == "reclassified"
    assert body["account"]["closed_on"] == previous.day.isoformat()


def test_reclassified_it_leaves_the_directory_and_the_open_data(client, previous):
    _reclassify(previous)
    assert HANDLE not in _directory_handles(client)
    assert HANDLE not in client.get(reverse("registry:open_data_csv")).content.decode("utf-8-sig")
    data = json.loads(client.get(reverse("registry:open_data_json")).content)
    assert all(HANDLE not in a["handle"] for a in data["accounts"])
    assert client.get("/api/v1/public/accounts", {"q": HANDLE}).json()["count"] == 0


def test_a_regularised_account_is_official(client, previous):
    with time_machine.travel(previous.start, tick=False):
        complete(previous.imported, head=previous.titular, admin=previous.admin)
    with time_machine.travel(previous.start + timedelta(days=1), tick=False):
        regularisation.close_regularisation()
    assert _api_verify(client)["status"] == "official"
    assert HANDLE in _directory_handles(client)


def test_the_handle_is_taken_while_in_regularisation_and_free_once_reclassified(previous):
    with pytest.raises(ValidationError, match="Ya existe una cuenta vigente"):
        opening(previous, proposed_handle=HANDLE)
    _reclassify(previous)
    request = opening(previous, proposed_handle=HANDLE)
    request = approval_services.approve_request(request_id=request.pk, by=previous.cncs)
    assert request.account.handle == HANDLE and request.account.status == Account.Status.APPROVED
    assert request.account.pk != previous.imported.pk


def test_the_account_page_tells_its_organ_what_the_public_lookup_answers(client, previous):
    client.force_login(previous.cncs)
    url = reverse("accounts:detail", args=[previous.imported.pk])
    page = client.get(url).content.decode()
    assert "la verificación pública la muestra como pendiente de verificación" in page
    assert "muestra esta cuenta como del INE" not in page
    _reclassify(previous)
    page = client.get(url).content.decode()
    assert "ya no es una cuenta institucional del INE" in page
