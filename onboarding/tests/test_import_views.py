"""The import pages: who may open each, the upload and its refusals, the preview row by row
(filter, pages, problems in full), confirm and discard (PRG, the service's message), and the
downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Account
from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory, catalogue_network
from onboarding import importing, services
from onboarding.models import Import, ImportRow

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404
IMPORTERS = {"cncs", "superuser"}


def inventory_csv(kind: str, rows: list[dict], name: str = "inventario.csv") -> SimpleUploadedFile:
    """A CSV with the template's headers and ``rows`` given by column key."""
    columns = importing.columns_for(kind)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def account_row(cast, handle: str, **overrides) -> dict:
    """A valid row of the accounts inventory for the cast's organ."""
    row = {
        "organ": cast.organ.code,
        "network": "x",
        "handle": handle,
        "name": f"Cuenta {handle}",
        "purpose": "Difundir las actividades del órgano.",
        "registration_email": "redes@ine.mx",
        "titular_email": cast.admin.email,
        "suplente_email": cast.suplente.email,
    }
    row.update(overrides)
    return row


def bad_row(cast, handle: str) -> dict:
    return account_row(cast, handle, organ="organo-que-no-existe")


def preview(cast, rows: list[dict], kind: str = Import.Kind.ACCOUNTS) -> Import:
    return services.preview_import(kind=kind, uploaded_file=inventory_csv(kind, rows), by=cast.cncs)


@pytest.fixture
def people(cast):
    catalogue_network("x")
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.run = preview(cast, [account_row(cast, "INENueva"), bad_row(cast, "INEMala")])
    return cast


def _rule(allowed: set[str], ok: int = OK) -> dict:
    return {"anonymous": LOGIN, **{r: ok if r in allowed else FORBIDDEN for r in LOGGED_IN}}


VIEWS = {
    "imports": ("get", lambda p: reverse("onboarding:imports"), _rule(IMPORTERS)),
    "import_new": ("get", lambda p: reverse("onboarding:import_new"), _rule(IMPORTERS)),
    "import_detail": ("get", lambda p: reverse("onboarding:import_detail", args=[p.run.pk]), _rule(IMPORTERS)),
    "import_confirm": (
        "post",
        lambda p: reverse("onboarding:import_confirm", args=[p.run.pk]),
        _rule(IMPORTERS, REDIRECT),
    ),
    "import_discard": (
        "post",
        lambda p: reverse("onboarding:import_discard", args=[p.run.pk]),
        _rule(IMPORTERS, REDIRECT),
    ),
    "rejected_rows": (
        "get",
        lambda p: reverse("onboarding:rejected_rows", args=[p.run.pk, "csv"]),
        _rule(IMPORTERS),
    ),
    "template": ("get", lambda p: reverse("onboarding:template", args=["cuentas", "xlsx"]), _rule(IMPORTERS)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_import_view(client, people, view, role):
    method, url_for, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url_for(people))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"
    if expected == FORBIDDEN:
        assert "Solo Comunicación Social importa inventarios" in response.content.decode()
    people.run.refresh_from_db()
    if role not in IMPORTERS:
        assert people.run.status == Import.Status.PREVIEWED


def test_the_matrix_covers_every_import_view():
    from onboarding.import_views import urlpatterns

    assert {p.name for p in urlpatterns} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for _, _, rule in VIEWS.values())


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_who_when_file_kind_status_and_counts_newest_first(client, people):
    later = preview(people, [account_row(people, "INEOtra")])
    client.force_login(people.cncs)
    body = client.get(reverse("onboarding:imports")).content.decode()
    assert body.index(f"/incorporacion/importaciones/{later.pk}/") < body.index(
        f"/incorporacion/importaciones/{people.run.pk}/"
    )
    assert "inventario.csv" in body and "En vista previa" in body and "Cuentas" in body
    assert people.cncs.get_full_name() in body
    assert "2 filas: 1 nuevas, 0 con cambios, 0 sin cambios, 1 con errores" in body
    assert "Nueva importación" in body


def test_the_list_is_paginated(client, cast):
    catalogue_network("x")
    for n in range(26):
        preview(cast, [account_row(cast, f"INEPag{n}")])
    client.force_login(cast.cncs)
    first = client.get(reverse("onboarding:imports"))
    assert len(first.context["page"]) == 25 and "Página 1 de 2" in first.content.decode()
    assert len(client.get(reverse("onboarding:imports") + "?pagina=2").context["page"]) == 1


# --- Upload --------------------------------------------------------------------------------------


def test_the_upload_page_shows_the_limits_the_columns_and_the_templates(client, people, settings):
    settings.ONBOARDING_MAX_ROWS = 20000
    settings.ONBOARDING_WEB_MAX_ROWS = 3000
    client.force_login(people.cncs)
    body = client.get(reverse("onboarding:import_new")).content.decode()
    assert "Hasta 5.0\xa0MB y 3,000 filas" in body
    for kind in (Import.Kind.ACCOUNTS, Import.Kind.STAFF):
        for column in importing.columns_for(kind):
            assert str(column.header) in body
            assert str(column.help) in body
    for slug in ("cuentas", "personal"):
        for fmt in ("xlsx", "csv"):
            assert reverse("onboarding:template", args=[slug, fmt]) in body


def test_an_uploaded_file_leads_to_its_preview_and_writes_no_account(client, people):
    accounts = Account.objects.count()
    client.force_login(people.cncs)
    response = client.post(
        reverse("onboarding:import_new"),
        {"kind": "accounts", "file": inventory_csv("accounts", [account_row(people, "INETercera")], "nuevo.csv")},
    )
    run = Import.objects.get(file_name="nuevo.csv")
    assert response.status_code == 302 and response.url == reverse("onboarding:import_detail", args=[run.pk])
    assert run.status == Import.Status.PREVIEWED and run.uploaded_by == people.cncs
    assert Account.objects.count() == accounts


def test_a_refused_file_comes_back_with_the_services_message_and_nothing_recorded(client, people, settings):
    settings.ONBOARDING_MAX_UPLOAD_BYTES = 10
    imports = Import.objects.count()
    upload = inventory_csv("accounts", [account_row(people, "INEGrande")])
    with pytest.raises(ValidationError) as refusal:
        services.preview_import(kind="accounts", uploaded_file=upload, by=people.cncs)
    client.force_login(people.cncs)
    upload.seek(0)
    response = client.post(reverse("onboarding:import_new"), {"kind": "accounts", "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    for message in refusal.value.messages:
        assert message in body or message.replace("«", "&laquo;") in body
    assert Import.objects.count() == imports


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_spanish(client, people):
    client.force_login(people.cncs)
    response = client.post(
        reverse("onboarding:import_new"),
        {"kind": "accounts", "file": SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Import.objects.filter(file_name="foto.png").count() == 0


def test_no_file_or_no_kind_is_a_form_error(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("onboarding:import_new"), {"kind": "accounts"})
    assert response.status_code == 200 and "Elija el archivo del inventario." in response.content.decode()
    response = client.post(
        reverse("onboarding:import_new"),
        {"kind": "otra", "file": inventory_csv("accounts", [account_row(people, "INEX")])},
    )
    assert response.status_code == 200 and "Elija cuentas o personal." in response.content.decode()


# --- The preview --------------------------------------------------------------------------------


def test_the_preview_lists_each_row_with_what_it_will_do_and_every_problem(client, people):
    client.force_login(people.cncs)
    response = client.get(reverse("onboarding:import_detail", args=[people.run.pk]))
    body = response.content.decode()
    assert "Vista previa de la importación" in body
    assert "Se crea" in body and "Con errores" in body and "INENueva" in body
    rejected = people.run.rows.get(action=ImportRow.Action.REJECTED)
    assert rejected.errors
    for error in rejected.errors:
        assert error in body or error.replace("«", "&laquo;").replace("»", "&raquo;") in body
    assert "Confirmar importación" in body and "Descartar" in body
    assert "Al confirmar se crearán 1 y se actualizarán 0" in body
    assert "La fila con errores no se escribirá" in body


def test_an_update_says_which_fields_change(client, people):
    Account.objects.create(
        organ=people.organ,
        network=people.network,
        name="Nombre anterior",
        handle="INECambia",
        url="https://x.com/INECambia",
        purpose="Difundir las actividades del órgano.",
        registration_email="redes@ine.mx",
        status=Account.Status.ACTIVE,
    )
    run = preview(people, [account_row(people, "INECambia", name="Nombre nuevo")])
    row = run.rows.get()
    client.force_login(people.cncs)
    body = client.get(reverse("onboarding:import_detail", args=[run.pk])).content.decode()
    assert row.action == ImportRow.Action.UPDATE and row.changes
    assert f"Se actualiza: {', '.join(row.changes)}" in body


@pytest.mark.parametrize(
    ("accion", "expected"),
    [("", 2), ("rejected", 1), ("create", 1), ("unchanged", 0), ("nada", 0), ("REJECTED", 0)],
)
def test_the_rows_filter_by_action_and_an_invalid_value_lists_nothing(client, people, accion, expected):
    client.force_login(people.cncs)
    url = reverse("onboarding:import_detail", args=[people.run.pk]) + (f"?accion={accion}" if accion else "")
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected


def test_an_invalid_filter_marks_no_tab_as_current(client, people):
    client.force_login(people.cncs)
    url = reverse("onboarding:import_detail", args=[people.run.pk])
    assert [current for *_rest, current in client.get(url).context["tabs"]] == [True, False, False, False, False]
    assert not any(current for *_rest, current in client.get(url + "?accion=nada").context["tabs"])
    tabs = client.get(url + "?accion=rejected").context["tabs"]
    assert [(value, n) for value, _label, n, current in tabs if current] == [("rejected", 1)]


def test_the_rows_come_a_hundred_a_page_in_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    catalogue_network("x")
    run = preview(cast, [bad_row(cast, f"INEMal{n}") for n in range(250)])
    assert run.rows_total == 250
    client.force_login(cast.cncs)
    url = reverse("onboarding:import_detail", args=[run.pk])
    with django_assert_max_num_queries(15):
        first = client.get(url)
    assert len(first.context["rows"]) == 100 and "Página 1 de 3" in first.content.decode()
    last = client.get(url + "?pagina=3")
    assert [r["row"].number for r in last.context["rows"]][-1] == max(run.rows.values_list("number", flat=True))
    assert len(last.context["rows"]) == 50


# --- Confirm and discard ------------------------------------------------------------------------


def test_confirming_writes_the_valid_rows_and_shows_the_result(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("onboarding:import_confirm", args=[people.run.pk]))
    assert response.status_code == 302
    assert response.url == reverse("onboarding:import_detail", args=[people.run.pk])
    people.run.refresh_from_db()
    assert people.run.status == Import.Status.CONFIRMED and people.run.decided_by == people.cncs
    assert Account.objects.filter(handle="INENueva").exists()
    assert not Account.objects.filter(handle="INEMala").exists()
    body = client.get(response.url).content.decode()
    assert "Importación confirmada: 1 creadas, 0 actualizadas, 0 sin cambios y 1 filas con errores" in body
    assert "Resultado de la importación" in body and people.cncs.get_full_name() in body
    assert "Confirmar importación" not in body
    assert reverse("onboarding:rejected_rows", args=[people.run.pk, "xlsx"]) in body
    assert reverse("onboarding:rejected_rows", args=[people.run.pk, "csv"]) in body


def test_a_second_confirmation_is_refused_with_the_services_message(client, people):
    client.force_login(people.cncs)
    client.post(reverse("onboarding:import_confirm", args=[people.run.pk]))
    accounts = Account.objects.count()
    with pytest.raises(ValidationError) as refusal:
        services.confirm_import(import_id=people.run.pk, by=people.cncs)
    response = client.post(reverse("onboarding:import_confirm", args=[people.run.pk]), follow=True)
    body = response.content.decode()
    assert any(m in body for m in refusal.value.messages)
    assert "msg error" in body
    assert Account.objects.count() == accounts


def test_discarding_writes_nothing_and_cannot_be_confirmed_after(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("onboarding:import_discard", args=[people.run.pk]), follow=True)
    assert "Se descartó la importación" in response.content.decode()
    people.run.refresh_from_db()
    assert people.run.status == Import.Status.DISCARDED
    response = client.post(reverse("onboarding:import_confirm", args=[people.run.pk]), follow=True)
    assert "msg error" in response.content.decode()
    assert not Account.objects.filter(handle="INENueva").exists()


def test_confirm_and_discard_answer_only_posts(client, people):
    client.force_login(people.cncs)
    assert client.get(reverse("onboarding:import_confirm", args=[people.run.pk])).status_code == 405
    assert client.get(reverse("onboarding:import_discard", args=[people.run.pk])).status_code == 405


def test_an_import_that_does_not_exist_is_404(client, people):
    client.force_login(people.cncs)
    assert client.get(reverse("onboarding:import_detail", args=[999999])).status_code == 404
    assert client.post(reverse("onboarding:import_confirm", args=[999999])).status_code == 404


# --- Downloads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_rejected_rows_download_as_an_attachment_with_an_errors_column(client, people, fmt):
    client.force_login(people.cncs)
    services.confirm_import(import_id=people.run.pk, by=people.cncs)
    response = client.get(reverse("onboarding:rejected_rows", args=[people.run.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert f".{fmt}" in response["Content-Disposition"]
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, rows = table[0], table[1:]
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        header, *rows = list(sheet.iter_rows(values_only=True))
    assert "Errores" in header and len(rows) == 1


def test_no_rejected_rows_or_an_unknown_format_is_404(client, people):
    clean = preview(people, [account_row(people, "INELimpia")])
    client.force_login(people.cncs)
    assert client.get(reverse("onboarding:rejected_rows", args=[clean.pk, "csv"])).status_code == 404
    assert client.get(reverse("onboarding:rejected_rows", args=[people.run.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("kind", ["cuentas", "personal"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_templates_download_with_the_expected_columns(client, people, kind, fmt):
    client.force_login(people.cncs)
    response = client.get(reverse("onboarding:template", args=[kind, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    columns = importing.columns_for({"cuentas": "accounts", "personal": "staff"}[kind])
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        import openpyxl

        header = next(
            openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True)
        )
    assert [h for h in header if h] == [c.header for c in columns]


def test_an_unknown_template_is_404(client, people):
    client.force_login(people.cncs)
    assert client.get(reverse("onboarding:template", args=["otros", "csv"])).status_code == 404
    assert client.get(reverse("onboarding:template", args=["cuentas", "ods"])).status_code == 404


# --- Navigation ----------------------------------------------------------------------------------


def test_the_nav_link_leads_cncs_to_the_imports_the_watchers_to_the_progress_and_not_an_organ(client, people):
    client.force_login(people.cncs)
    assert 'href="/incorporacion/importaciones/">Incorporación<' in client.get("/").content.decode()
    for watcher in (people.president, people.unicom):
        client.force_login(watcher)
        body = client.get("/").content.decode()
        assert 'href="/incorporacion/regularizacion/">Incorporación<' in body
        assert "/incorporacion/importaciones/" not in body
    for person in (people.titular, people.admin, people.outsider):
        client.force_login(person)
        assert ">Incorporación<" not in client.get("/").content.decode()


# --- Admin -------------------------------------------------------------------------------------


def test_the_admin_reads_imports_and_rows_but_writes_nothing(client, people):
    client.force_login(people.superuser)
    for model in ("import", "importrow", "regularisation", "regularisationschedule", "organextension"):
        assert client.get(reverse(f"admin:onboarding_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:onboarding_{model}_add")).status_code == 403
    url = reverse("admin:onboarding_import_change", args=[people.run.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"status": "confirmed"})
    client.post(reverse("admin:onboarding_import_delete", args=[people.run.pk]), {"post": "yes"})
    people.run.refresh_from_db()
    assert people.run.status == Import.Status.PREVIEWED
