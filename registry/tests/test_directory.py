"""The directory and its open data: the accounts the Institute operates, the national
official ones first, filters that narrow (an invalid one matches nothing), only public data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organ
from accounts.tests.factories import AccountFactory, OrganFactory
from registry import lookup, services

pytestmark = pytest.mark.django_db


def _handles(response) -> list[str]:
    return [a.handle for a in response.context["page"].object_list]


def test_the_national_official_accounts_come_first_then_by_organ(client, world):
    response = client.get(reverse("registry:directory"))
    assert response.status_code == 200
    handles = _handles(response)
    assert [a.handle for a in response.context["officials"]] == handles[:4]
    assert {(a.network.code, a.handle) for a in response.context["officials"]} == {
        ("x", "INEMexico"), ("facebook", "INEMexico"), ("youtube", "INETV"), ("x", "INEtelMX"),
    }  # fmt: skip
    rest = handles[4:]
    # Central offices, then the consejería, then the junta local.
    assert rest.index("OtraCuenta") < rest.index("ConsejeraUno") < rest.index("INEJalisco")
    body = response.content.decode()
    assert body.index("Cuentas oficiales nacionales del Instituto") < body.index("@INEJalisco")


def test_the_directory_lists_operated_accounts_only(client, world):
    handles = _handles(client.get(reverse("registry:directory")))
    assert "INE.Jalisco" in handles  # compromised: still the Institute's, shown with its warning
    assert "inejalisco_antes" not in handles and "INEJaliscoTV" not in handles


def test_a_compromised_account_carries_its_warning(client, world):
    body = client.get(reverse("registry:directory")).content.decode()
    assert "Comprometida: no confíe en sus publicaciones recientes" in body and "⚠" in body


def test_a_pending_change_shows_in_the_directory(client, world):
    services.propose_handle_change(
        account_id=world.jalisco_x.pk, by=world.cast.admin, new_handle="INE_Jal",
        new_url="https://x.com/INE_Jal", reason="Nuevo nombre.",
    )  # fmt: skip
    body = client.get(reverse("registry:directory")).content.decode()
    assert "Pendiente de verificación" in body and "cambio a «INE_Jal» en verificación" in body


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"network": "instagram"}, {"ine.jalisco"}),
        ({"network": "facebook"}, {"INEMexico", "INE.Jalisco"}),
        ({"entidad": "14"}, {"INEJalisco", "ine.jalisco", "INE.Jalisco", "INEPrueba"}),
        ({"organ_kind": "consejero"}, {"ConsejeraUno"}),
        ({"organ_kind": "junta_local", "network": "x"}, {"INEJalisco", "INEPrueba"}),
        ({"q": "jalisco"}, {"INEJalisco", "ine.jalisco", "INE.Jalisco", "INEPrueba"}),
        ({"q": "INEJal"}, {"INEJalisco"}),
        ({"q": "@INETV"}, {"INETV"}),
    ],
)
def test_the_filters_narrow(client, world, query, expected):
    assert set(_handles(client.get(reverse("registry:directory"), query))) == expected


@pytest.mark.parametrize(
    "query", [{"network": "myspace"}, {"entidad": "99"}, {"entidad": "²"}, {"organ_kind": "secreta"}]
)
def test_an_invalid_filter_matches_nothing_and_says_so(client, world, query):
    response = client.get(reverse("registry:directory"), query)
    assert response.status_code == 200
    assert _handles(response) == []
    assert "Algún filtro no es válido" in response.content.decode()
    assert _csv(client.get(reverse("registry:open_data_csv"), query)) == [_csv_header(client)]


def test_the_directory_is_paginated_by_fifty(client, world):
    organ = OrganFactory(name="Junta Distrital de prueba", kind=Organ.Kind.CENTRAL)
    for i in range(60):
        AccountFactory(organ=organ, network=world.networks.x, handle=f"INEDistrito{i:02d}")
    first = client.get(reverse("registry:directory"))
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("registry:directory"), {"pagina": "2"})
    assert second.context["officials"] == []  # the official accounts head page 1 only
    assert len(_csv(client.get(reverse("registry:open_data_csv")))) == 1 + 1 + 4 + 5 + 60


def test_the_directory_query_count_does_not_grow_with_its_rows(client, world, django_assert_max_num_queries):
    for i in range(40):
        AccountFactory(organ=world.jle, network=world.networks.x, handle=f"INEJal{i:02d}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("registry:directory")).status_code == 200


def test_the_directory_states_the_licence_and_the_last_change(client, world):
    body = client.get(reverse("registry:directory")).content.decode()
    assert "Términos de Libre Uso MX" in body and 'href="https://datos.gob.mx/libreusomx"' in body
    assert "Último cambio del registro:" in body
    assert (
        f'href="{reverse("registry:open_data_csv")}"' in body and f'href="{reverse("registry:open_data_json")}"' in body
    )
    assert 'href="https://x.com/INEMexico" rel="noopener noreferrer"' in body


# --- Open data --------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _csv_header(client) -> list[str]:
    return _csv(client.get(reverse("registry:open_data_csv")))[0]


def test_the_csv_opens_in_excel_with_its_accents_and_names_its_licence(client, world):
    response = client.get(reverse("registry:open_data_csv"))
    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.localtime(lookup.last_change()).strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="registro-cuentas-ine-{stamp}.csv"'
    assert response["Link"] == '<https://datos.gob.mx/libreusomx>; rel="license"'
    assert response["Last-Modified"]
    rows = _csv(response)
    assert rows[0][:4] == ["network", "network_name", "handle", "url"]
    by_handle = {r[2]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_handle["@INETV"]["is_national_official"] == "true"
    assert by_handle["INE.Jalisco"]["status"] == "compromised"
    assert by_handle["@INEJalisco"]["entidad"] == "Jalisco"
    assert by_handle["@INEJalisco"]["status_label"] == "Cuenta institucional del INE"
    assert rows[1][2] in {"@INEMexico", "INEMexico", "@INETV", "@INEtelMX"}


def test_the_csv_follows_the_filters(client, world):
    rows = _csv(client.get(reverse("registry:open_data_csv"), {"entidad": "14", "network": "instagram"}))
    assert [r[2] for r in rows[1:]] == ["@ine.jalisco"]


def test_a_cell_a_spreadsheet_would_run_is_quoted(client, world):
    world.jalisco_x.__class__.objects.filter(pk=world.jalisco_x.pk).update(name='=HYPERLINK("http://malo","x")')
    rows = _csv(client.get(reverse("registry:open_data_csv"), {"q": "INEJalisco"}))
    assert rows[1][4] == '\'=HYPERLINK("http://malo","x")'


def test_the_json_carries_the_licence_the_last_change_and_every_record(client, world):
    response = client.get(reverse("registry:open_data_json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Link"] == '<https://datos.gob.mx/libreusomx>; rel="license"'
    data = json.loads(response.content)
    assert data["licence"] == {
        "name": "Términos de Libre Uso MX", "url": "https://datos.gob.mx/libreusomx",
        "publisher": "Instituto Nacional Electoral",
    }  # fmt: skip
    assert data["last_change"] == timezone.localtime(lookup.last_change()).isoformat()
    assert data["last_change"].endswith("-06:00")  # Mexico City
    assert data["count"] == len(data["accounts"]) == 4 + 2 + 3 + 1
    assert [a["is_national_official"] for a in data["accounts"][:4]] == [True] * 4
    assert set(data["accounts"][0]) == set(lookup.public_record(world.official[0])) | {"status_label"}
    assert "Términos de Libre Uso MX" in response.content.decode()  # not escaped: readable UTF-8


def test_no_email_and_no_person_appears_anywhere_public(client, world):
    cast = world.cast
    secrets = ["secreto.jalisco@ine.mx", "redes@ine.mx", "@ine.mx"]
    for person in (cast.admin, cast.suplente, cast.titular, cast.cncs, cast.consejero):
        secrets += [person.email, person.get_full_name()]
    secrets += [cast.admin.username, cast.suplente.username]
    pages = [
        client.get(reverse("registry:directory")).content.decode(),
        client.get(reverse("registry:open_data_csv")).content.decode("utf-8-sig"),
        client.get(reverse("registry:open_data_json")).content.decode(),
        client.get(reverse("registry:lookup"), {"q": "INEJalisco"}).content.decode(),
        client.get(reverse("registry:lookup"), {"q": "ConsejeraUno"}).content.decode(),
    ]
    for page in pages:
        for secret in secrets:
            assert secret not in page, secret


@pytest.mark.parametrize("field", ["network", "organ_kind", "q"])
def test_a_nul_in_a_filter_matches_nothing_without_asking_the_database(world, field, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(lookup.directory(**{field: "x\x00"})) == []
