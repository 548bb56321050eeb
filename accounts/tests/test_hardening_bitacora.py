"""A "password rotated" bitácora entry is written only by recording the rotation, behind its
attestation; nobody chooses that kind by hand (web form, API, or a direct service call)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.forms import LogEntryForm
from accounts.models import LogEntry
from api.tests.conftest import as_user, assert_error  # noqa: F401 (the fixture)

ROTATED = LogEntry.Kind.PASSWORD_ROTATED
BY_HAND = (
    "Un cambio de contraseña no se escribe a mano en la bitácora: regístrelo en «Registrar cambio de "
    "contraseña», donde se declara que cumple la política."
)


def test_the_manual_form_does_not_offer_password_rotated():
    kinds = [value for value, _label in LogEntryForm().fields["kind"].choices]
    assert ROTATED not in kinds
    assert LogEntry.Kind.CORRECTION not in kinds
    assert LogEntry.Kind.PUBLICATION in kinds


def test_the_service_refuses_a_password_rotated_entry_by_hand(cast):
    with pytest.raises(ValidationError) as caught:
        services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind=ROTATED, text="Cambié la clave.")
    assert caught.value.message_dict == {"kind": [BY_HAND]}
    assert caught.value.error_dict["kind"][0].code == "password_rotation_by_hand"
    assert not LogEntry.objects.exists()


def test_nor_on_behalf_of_someone_by_another_app(cast):
    with pytest.raises(ValidationError):
        services.add_log_entry(
            account_id=cast.account.pk, by=cast.admin, kind=ROTATED, text="Sin declaración.", check_access=False
        )
    assert not LogEntry.objects.exists()


def test_the_rotation_service_still_writes_it(cast):
    services.record_password_rotation(account_id=cast.account.pk, by=cast.admin, meets_policy=True)
    assert LogEntry.objects.get().kind == ROTATED


def test_the_web_form_refuses_it_and_saves_nothing(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("accounts:log_add", args=[cast.account.pk]), {"kind": ROTATED, "text": "Cambié la clave."}
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not LogEntry.objects.exists()


def test_the_web_form_page_does_not_list_it(client, cast):
    client.force_login(cast.admin)
    page = client.get(reverse("accounts:log_add", args=[cast.account.pk])).content.decode()
    assert f'value="{ROTATED}"' not in page


def test_the_api_refuses_it_and_saves_nothing(cast, as_user):  # noqa: F811
    response = as_user(cast.admin).post(
        f"accounts/{cast.account.pk}/log-entries", {"kind": ROTATED, "text": "Cambié la clave."}
    )
    error = assert_error(response, 422)
    assert set(error["fields"]) == {"kind"}
    assert not LogEntry.objects.exists()


def test_a_rotation_entry_can_still_be_corrected(cast):
    services.record_password_rotation(account_id=cast.account.pk, by=cast.admin, meets_policy=True)
    rotated = LogEntry.objects.get()
    correction = services.add_log_entry(
        account_id=cast.account.pk, by=cast.admin, kind=ROTATED, text="Fue ayer.", corrects_id=rotated.pk
    )
    assert correction.kind == LogEntry.Kind.CORRECTION
