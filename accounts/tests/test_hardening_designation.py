"""§5.1 names the organ's head and its two administrators apart: the head cannot designate
themself (web form, service, an opening request on the web or the API), and a current
administrator cannot be made the head (service, admin) without being replaced first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Designation, Organ
from accounts.tests.factories import UserFactory
from api.tests.conftest import as_user, assert_error  # noqa: F401 (the fixture)
from approvals.models import AccountRequest
from approvals.tests import factories as approval_factories
from notifications.models import Notification

TITULAR, SUPLENTE = Designation.Role.TITULAR, Designation.Role.SUPLENTE


def head_message(cast) -> str:
    return (
        f"{cast.titular} es titular de {cast.organ}: quien encabeza el órgano designa a sus administradores "
        "y no puede ser uno de ellos (§5.1)."
    )


def current(organ) -> dict[str, int]:
    return dict(organ.designations.filter(ends_at__isnull=True).values_list("role", "user_id"))


@pytest.mark.parametrize("role", [TITULAR, SUPLENTE])
def test_the_head_cannot_designate_themself(cast, role):
    people = {"titular": cast.admin, "suplente": cast.suplente, role: cast.titular}
    before = current(cast.organ)
    with pytest.raises(ValidationError) as caught:
        services.designate_administrators(organ_id=cast.organ.pk, by=cast.titular, **people)
    assert caught.value.message_dict == {role: [head_message(cast)]}
    assert current(cast.organ) == before
    assert not Notification.objects.exists()


def test_the_rule_lives_with_the_other_section_5_1_rules(cast):
    with pytest.raises(ValidationError) as caught:
        Designation.check_eligible(cast.organ, TITULAR, cast.titular)
    assert caught.value.code == "organ_head"


def test_the_web_form_shows_the_reason_and_saves_nothing(client, cast):
    client.force_login(cast.titular)
    response = client.post(
        reverse("accounts:designate", args=[cast.organ.pk]), {"titular": cast.titular.pk, "suplente": cast.suplente.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["titular"] == [head_message(cast)]
    assert current(cast.organ) == {TITULAR: cast.admin.pk, SUPLENTE: cast.suplente.pk}


def test_an_opening_request_proposing_the_head_is_refused_on_the_web(client, cast):
    client.force_login(cast.titular)
    data = {
        "network": cast.network.pk,
        "proposed_name": "INE Junta de prueba",
        "proposed_handle": "INENueva",
        "purpose": "Difundir la credencialización y la capacitación electoral.",
        "proposed_titular": cast.titular.pk,
        "proposed_suplente": cast.suplente.pk,
        "oficio_number": "INE/JLE/0001/2026",
        "oficio": approval_factories.pdf_upload(),
        "enviar": "1",
    }
    response = client.post(reverse("approvals:create", args=["apertura"]), data)
    assert response.status_code == 200
    assert head_message(cast) in response.content.decode()
    assert not AccountRequest.objects.filter(status=AccountRequest.Status.SUBMITTED).exists()


def test_an_opening_request_proposing_the_head_is_refused_by_the_api(cast, as_user):  # noqa: F811
    data = {
        "kind": "opening",
        "network": cast.network.pk,
        "proposed_name": "INE Junta de prueba",
        "proposed_handle": "INENuevaAPI",
        "purpose": "Difundir la credencialización.",
        "proposed_titular": cast.titular.pk,
        "proposed_suplente": cast.suplente.pk,
        "oficio_number": "INE/JLE/0009/2026",
        "oficio": approval_factories.pdf_upload(),
        "submit": "true",
    }
    error = assert_error(as_user(cast.titular).post_multipart("requests", data), 422)
    assert error["fields"]["proposed_titular"] == [head_message(cast)]
    assert not AccountRequest.objects.exists()


# --- The same rule from the head's side -----------------------------------------------------------


def test_a_current_administrator_cannot_be_made_the_head(cast):
    cncs_superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError) as caught:
        services.set_organ_head(organ_id=cast.organ.pk, head=cast.admin, by=cncs_superuser)
    assert caught.value.message_dict == {
        "head": [
            f"{cast.admin} es administrador titular de {cast.organ}: quien encabeza el órgano no puede ser uno de "
            "sus administradores (§5.1). Designe primero a otra persona en su lugar."
        ]
    }
    assert Organ.objects.get(pk=cast.organ.pk).head_id == cast.titular.pk


def test_a_former_administrator_may_be_made_the_head(cast):
    replacement = UserFactory(username="nueva_admin", organ=cast.organ, position_level=cast.admin.position_level)
    services.designate_administrators(
        organ_id=cast.organ.pk, by=cast.titular, titular=replacement, suplente=cast.suplente
    )
    root = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    services.set_organ_head(organ_id=cast.organ.pk, head=cast.admin, by=root)
    assert Organ.objects.get(pk=cast.organ.pk).head_id == cast.admin.pk


def test_the_admin_shows_the_reason_and_saves_nothing(client, cast):
    root = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    client.force_login(root)
    organ = cast.organ
    data = {
        "code": organ.code,
        "name": organ.name,
        "acronym": organ.acronym,
        "kind": organ.kind,
        "entidad": organ.entidad_id or "",
        "district_number": organ.district_number or "",
        "parent": organ.parent_id or "",
        "head": cast.suplente.pk,
        "is_active": "on",
    }
    response = client.post(reverse("admin:accounts_organ_change", args=[organ.pk]), data)
    assert response.status_code == 200
    assert "quien encabeza el órgano no puede ser uno de sus administradores" in response.content.decode()
    assert Organ.objects.get(pk=organ.pk).head_id == cast.titular.pk
