"""The pages people use: the operation forms, the account list and its export (the public
lookup is registry's). Good input saves and says so in Spanish; bad input says why and saves nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts import services, views
from accounts.models import Account, LogEntry, OutOfOfficePeriod, PasswordRotation
from accounts.tests.factories import AccountFactory, EntidadFactory, NetworkFactory, OrganFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast.admin)
    return client


@pytest.fixture
def cncs_client(client, cast):
    """CNCS changes an account's identity (handle, address, registration mailbox)."""
    client.force_login(cast.cncs)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _future() -> str:
    return (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def _account_row(account: Account) -> tuple:
    account.refresh_from_db()
    return (
        account.name,
        account.handle,
        account.url,
        account.registration_email,
        account.attention_hours,
        account.verification_status,
    )


# --- Bitácora ----------------------------------------------------------------------------


def test_a_valid_bitacora_entry_is_saved_with_a_spanish_message(admin_client, cast):
    url = reverse("accounts:log_add", args=[cast.account.pk])
    response = admin_client.post(
        url,
        {"kind": "publication", "text": "Publicación del aviso de credencialización.", "link": "x.com/INEPrueba/1"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[cast.account.pk])
    assert _messages(response) == ["Entrada registrada en la bitácora."]
    entry = LogEntry.objects.get()
    assert (entry.author, entry.kind, entry.link) == (cast.admin, "publication", "https://x.com/INEPrueba/1")


@pytest.mark.parametrize(
    "data, field, error",
    [
        ({"kind": "publication", "text": ""}, "text", "Este campo es obligatorio."),
        ({"kind": "publication", "text": "Algo", "link": "no es un enlace"}, "link", "Ingrese una URL válida."),
        ({"kind": "publication", "text": "Algo", "link": "javascript:alert(1)"}, "link", "Ingrese una URL válida."),
        (
            {"kind": "publication", "text": "Algo", "occurred_at": "FUTURE"},
            "occurred_at",
            "La fecha del hecho no puede estar en el futuro.",
        ),
        (
            {"kind": "publication", "text": "Algo", "occurred_at": "ayer"},
            "occurred_at",
            "Introduzca una fecha/hora válida.",
        ),
        ({"kind": "correction", "text": "Algo"}, "kind", "Seleccione una opción válida."),
        ({"text": "Algo"}, "kind", "Este campo es obligatorio."),
    ],
    ids=["empty_text", "bad_link", "script_link", "future_date", "bad_date", "correction_kind", "no_kind"],
)
def test_a_bad_bitacora_entry_shows_a_spanish_error_and_saves_nothing(admin_client, cast, data, field, error):
    if data.get("occurred_at") == "FUTURE":
        data = data | {"occurred_at": _future()}
    before = (LogEntry.objects.count(), Account.objects.get(pk=cast.account.pk).last_activity_at)
    response = admin_client.post(reverse("accounts:log_add", args=[cast.account.pk]), data)
    assert response.status_code == 200
    assert any(error in e for e in response.context["form"].errors[field])
    assert error in response.content.decode()
    assert (LogEntry.objects.count(), Account.objects.get(pk=cast.account.pk).last_activity_at) == before


# --- Out-of-office -----------------------------------------------------------------------------


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _period_data(cast, **overrides):
    return {
        "starts_on": _in_days(20),
        "ends_on": _in_days(30),
        "reason": "Periodo vacacional de invierno",
        "attention_hours": "De 10:00 a 12:00 h",
        "monitor": cast.suplente.pk,
    } | overrides


def test_a_valid_out_of_office_period_is_saved(admin_client, cast):
    response = admin_client.post(reverse("accounts:period_add", args=[cast.account.pk]), _period_data(cast))
    assert response.status_code == 302
    assert _messages(response) == ["Periodo vacacional o inhábil registrado."]
    period = OutOfOfficePeriod.objects.get()
    assert (period.monitor, period.created_by, str(period.starts_on)) == (cast.suplente, cast.admin, _in_days(20))
    detail = admin_client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert "De 10:00 a 12:00 h" in detail


@pytest.mark.parametrize(
    "overrides, field, error",
    [
        ({"ends_on": "TODAY"}, "ends_on", "La fecha final no puede ser anterior a la inicial."),
        ({"monitor": "OTHER_ADMIN"}, "monitor", "Seleccione una opción válida."),
        ({"monitor": "TITULAR"}, "monitor", "Seleccione una opción válida."),
        ({"starts_on": "31/02/2026"}, "starts_on", "Introduzca una fecha válida."),
        ({"reason": ""}, "reason", "Este campo es obligatorio."),
        ({"attention_hours": ""}, "attention_hours", "Este campo es obligatorio."),
    ],
    ids=["end_before_start", "monitor_other_organ", "monitor_not_administrator", "bad_date", "no_reason", "no_hours"],
)
def test_a_bad_out_of_office_period_shows_a_spanish_error_and_saves_nothing(
    admin_client, cast, overrides, field, error
):
    people = {"OTHER_ADMIN": cast.other_admin.pk, "TITULAR": cast.titular.pk, "TODAY": _in_days(0)}
    overrides = {k: people.get(v, v) for k, v in overrides.items()}
    response = admin_client.post(
        reverse("accounts:period_add", args=[cast.account.pk]), _period_data(cast, **overrides)
    )
    assert response.status_code == 200
    assert any(error in e for e in response.context["form"].errors[field])
    assert error in response.content.decode()
    assert OutOfOfficePeriod.objects.count() == 0


def test_the_monitor_choices_are_the_organs_administrators(admin_client, cast):
    form = admin_client.get(reverse("accounts:period_add", args=[cast.account.pk])).context["form"]
    assert set(form.fields["monitor"].queryset) == {cast.admin, cast.suplente}


# --- Password rotation ------------------------------------------------------------------------------


def test_a_valid_rotation_is_recorded(admin_client, cast):
    response = admin_client.post(reverse("accounts:rotation_add", args=[cast.account.pk]), {"meets_policy": "on"})
    assert response.status_code == 302
    assert _messages(response) == ["Cambio de contraseña registrado. El sistema no guarda contraseñas."]
    assert PasswordRotation.objects.get().rotated_by == cast.admin
    assert LogEntry.objects.get().kind == LogEntry.Kind.PASSWORD_ROTATED
    cast.account.refresh_from_db()
    assert cast.account.password_rotation_due_on is not None


@pytest.mark.parametrize(
    "data, field, error",
    [
        ({"rotated_at": ""}, "meets_policy", "Debe confirmar que la nueva contraseña cumple la política."),
        (
            {"meets_policy": "on", "rotated_at": "FUTURE"},
            "rotated_at",
            "La fecha del cambio no puede estar en el futuro.",
        ),
        ({"meets_policy": "on", "rotated_at": "mañana"}, "rotated_at", "Introduzca una fecha/hora válida."),
    ],
    ids=["no_attestation", "future_date", "bad_date"],
)
def test_a_bad_rotation_shows_a_spanish_error_and_saves_nothing(admin_client, cast, data, field, error):
    if data.get("rotated_at") == "FUTURE":
        data = data | {"rotated_at": _future()}
    response = admin_client.post(reverse("accounts:rotation_add", args=[cast.account.pk]), data)
    assert response.status_code == 200
    assert error in response.context["form"].errors[field]
    assert error in response.content.decode()
    assert PasswordRotation.objects.count() == 0
    assert LogEntry.objects.count() == 0
    cast.account.refresh_from_db()
    assert cast.account.last_password_rotation_at is None


def test_a_password_typed_by_mistake_is_never_stored(admin_client, cast):
    secret = "Tr0mp3ta!Secreta#2026"
    admin_client.post(
        reverse("accounts:rotation_add", args=[cast.account.pk]),
        {"meets_policy": "on", "password": secret, "new_password": secret},
    )
    assert PasswordRotation.objects.count() == 1
    stored = [str(v) for v in LogEntry.objects.values_list("text", "link")] + [
        str(v) for v in PasswordRotation.objects.values_list()
    ]
    assert not any(secret in value for value in stored)
    assert not any(secret in str(v) for v in Account.history.values_list())


# --- Editing the account -----------------------------------------------------------------------------


def _edit_data(**overrides):
    return {
        "name": "INE Prueba",
        "handle": "INEPrueba",
        "url": "https://x.com/INEPrueba",
        "registration_email": "redes@ine.mx",
        "attention_hours": "Lunes a viernes de 9:00 a 18:00 h",
        "verification_status": "in_progress",
    } | overrides


def test_a_valid_edit_is_saved(cncs_client, cast):
    response = cncs_client.post(
        reverse("accounts:edit", args=[cast.account.pk]), _edit_data(handle="@INEPruebaMX", url="x.com/INEPruebaMX")
    )
    assert response.status_code == 302
    assert _messages(response) == ["Datos de la cuenta actualizados."]
    assert _account_row(cast.account) == (
        "INE Prueba",
        "INEPruebaMX",
        "https://x.com/INEPruebaMX",
        "redes@ine.mx",
        "Lunes a viernes de 9:00 a 18:00 h",
        "in_progress",
    )


@pytest.mark.parametrize(
    "overrides, field, error",
    [
        ({"url": "https://www.facebook.com/INEPrueba"}, "url", "no es de X (Twitter)"),
        ({"url": "http://x.com/INEPrueba"}, "url", "debe empezar con https://"),
        ({"handle": "INE Prueba"}, "handle", "no es un nombre de usuario válido en X (Twitter)"),
        ({"handle": ""}, "handle", "Una cuenta activa debe tener este dato."),
        ({"url": ""}, "url", "Una cuenta activa debe tener este dato."),
        ({"registration_email": "redes@gmail.com"}, "registration_email", "no es institucional"),
        ({"name": ""}, "name", "Este campo es obligatorio."),
        (
            {"handle": "otracuenta", "url": "https://x.com/otracuenta"},
            None,
            "Ya existe una cuenta vigente con ese nombre de usuario en esa red.",
        ),
    ],
    ids=["other_network_url", "http_url", "invalid_handle", "no_handle", "no_url", "gmail", "no_name", "taken"],
)
def test_a_bad_edit_shows_a_spanish_error_and_saves_nothing(cncs_client, cast, overrides, field, error):
    before = _account_row(cast.account)
    history = cast.account.history.count()
    response = cncs_client.post(reverse("accounts:edit", args=[cast.account.pk]), _edit_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(error in e for e in errors.get(field or "__all__", [])), errors
    assert error in response.content.decode()
    assert _account_row(cast.account) == before
    assert cast.account.history.count() == history


# --- The account list -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(cast):
    """Accounts across two entidades, two networks and several statuses, for CNCS."""
    jalisco, cdmx = EntidadFactory(code=14, name="Jalisco"), EntidadFactory(code=9, name="Ciudad de México")
    jal = OrganFactory(name="Junta Local Ejecutiva en Jalisco", kind="junta_local", entidad=jalisco)
    mx = OrganFactory(name="Junta Local Ejecutiva en la Ciudad de México", kind="junta_local", entidad=cdmx)
    facebook = NetworkFactory(code="facebook", name="Facebook", handle_prefix="", url_hosts="facebook.com")
    AccountFactory(organ=jal, network=cast.network, name="INE Jalisco", handle="INEJalisco")
    AccountFactory(
        organ=jal, network=facebook, name="INE Jalisco FB", handle="INE.Jalisco", url="https://facebook.com/x"
    )
    AccountFactory(organ=mx, network=cast.network, name="INE CDMX", handle="INECDMX", status="compromised")
    AccountFactory(organ=mx, network=cast.network, name="INE CDMX vieja", handle="INECDMXvieja", status="closed")
    return type("Catalogue", (), {"jalisco": jalisco, "cdmx": cdmx, "jal": jal, "mx": mx, "facebook": facebook})


def _list(client, query: str = "") -> list[str]:
    response = client.get(reverse("accounts:list") + query)
    assert response.status_code == 200
    return sorted(a.handle for a in response.context["page"].object_list)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["INE.Jalisco", "INECDMX", "INECDMXvieja", "INEJalisco", "INEPrueba", "OtraCuenta"]),
        ("?organ=JAL", ["INE.Jalisco", "INEJalisco"]),
        ("?entidad=CDMX", ["INECDMX", "INECDMXvieja"]),
        ("?network=FB", ["INE.Jalisco"]),
        ("?status=compromised", ["INECDMX"]),
        ("?status=closed", ["INECDMXvieja"]),
        ("?q=jalisco", ["INE.Jalisco", "INEJalisco"]),
        ("?q=@INECDMX", ["INECDMX", "INECDMXvieja"]),
        ("?q=Otra unidad", ["OtraCuenta"]),
        ("?entidad=JALISCO&network=FB", ["INE.Jalisco"]),
        ("?entidad=JALISCO&status=compromised", []),
        ("?status=desconocido", []),
    ],
)
def test_the_list_filters(client, cast, catalogue, query, expected):
    ids = {"JAL": catalogue.jal.pk, "CDMX": catalogue.cdmx.pk, "JALISCO": catalogue.jalisco.pk}
    ids["FB"] = catalogue.facebook.pk
    for token, pk in sorted(ids.items(), key=lambda item: -len(item[0])):
        query = query.replace(f"={token}", f"={pk}")
    client.force_login(cast.cncs)
    assert _list(client, query) == expected


def test_the_list_paginates_and_keeps_the_filters(client, cast):
    for i in range(30):
        AccountFactory(organ=cast.organ, network=cast.network, name=f"Cuenta {i:02d}")
    client.force_login(cast.admin)
    first = client.get(reverse("accounts:list") + f"?organ={cast.organ.pk}")
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 31
    body = first.content.decode()
    assert "Página 1 de 2" in body
    assert f"?organ={cast.organ.pk}&amp;pagina=2" in body
    second = client.get(reverse("accounts:list") + f"?organ={cast.organ.pk}&pagina=2")
    assert len(second.context["page"].object_list) == 6
    assert not {a.pk for a in first.context["page"]} & {a.pk for a in second.context["page"]}
    assert client.get(reverse("accounts:list") + "?pagina=99").context["page"].number == 2


def test_the_list_says_when_nothing_matches(client, cast):
    client.force_login(cast.cncs)
    assert "No hay cuentas que coincidan." in client.get(reverse("accounts:list") + "?q=inexistente").content.decode()


# --- CSV export ----------------------------------------------------------------------------------------

CSV_HEADER = [
    "Órgano",
    "Entidad",
    "Red social",
    "Nombre",
    "Usuario",
    "Dirección",
    "Estado",
    "Verificación",
    "Oficial",
    "Último cambio de contraseña",
    "Próximo cambio de contraseña",
    "Última actividad",
]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cuentas-institucionales-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read the accents
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_a_header_and_only_the_visible_accounts(client, cast, catalogue):
    client.force_login(cast.suplente)
    rows = _csv(client.get(reverse("accounts:list") + "?formato=csv"))
    assert rows[0] == CSV_HEADER
    assert rows[1:] == [
        [
            cast.organ.name,
            "",
            "X (Twitter)",
            cast.account.name,
            "@INEPrueba",
            "https://x.com/INEPrueba",
            "Activa",
            "Sin solicitar",
            "No",
            "",
            "",
            "",
        ]
    ]


def test_the_csv_follows_the_filters(client, cast, catalogue):
    client.force_login(cast.cncs)
    rows = _csv(client.get(reverse("accounts:list") + f"?entidad={catalogue.jalisco.pk}&formato=csv"))
    assert sorted(r[4] for r in rows[1:]) == ["@INEJalisco", "INE.Jalisco"]
    assert {r[1] for r in rows[1:]} == {"Jalisco"}


def test_the_csv_is_not_paginated(client, cast):
    for _ in range(30):
        AccountFactory(organ=cast.organ, network=cast.network)
    client.force_login(cast.cncs)
    assert len(_csv(client.get(reverse("accounts:list") + "?formato=csv&pagina=1"))) == 1 + 32


def test_csv_export_quotes_every_cell_a_spreadsheet_would_run_as_a_formula(client, cast):
    Account.objects.filter(pk=cast.account.pk).update(name='=HYPERLINK("http://malo.example","clic")')
    client.force_login(cast.admin)
    response = client.get(reverse("accounts:list"), {"formato": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert row[header.index("Nombre")] == '\'=HYPERLINK("http://malo.example","clic")'
    assert row[header.index("Usuario")] == "@INEPrueba"
    assert row[header.index("Órgano")] == cast.organ.name


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+52 33 1234", "'+52 33 1234"),
        ("-2", "'-2"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("@SUMA(A1:A9)", "'@SUMA(A1:A9)"),
        ("@INEJalisco", "@INEJalisco"),
        ("INE.Jalisco", "INE.Jalisco"),
        ("https://x.com/INEJalisco", "https://x.com/INEJalisco"),
        ("Lunes a viernes - 9 a 18 h", "Lunes a viernes - 9 a 18 h"),
        ("", ""),
    ],
)
def test_the_csv_quotes_formulas_only_and_writes_handles_as_they_are(value, written):
    assert views._spreadsheet_safe(value) == written


def test_an_administrator_edits_the_operational_details_only(admin_client, cast):
    response = admin_client.get(reverse("accounts:edit", args=[cast.account.pk]))
    assert set(response.context["form"].fields) == {"name", "attention_hours", "verification_status"}
    response = admin_client.post(
        reverse("accounts:edit", args=[cast.account.pk]),
        _edit_data(handle="CuentaFalsa", url="https://x.com/CuentaFalsa", attention_hours="Diario de 8 a 20 h"),
    )
    assert response.status_code == 302
    cast.account.refresh_from_db()
    assert (cast.account.handle, cast.account.attention_hours) == ("INEPrueba", "Diario de 8 a 20 h")


def test_the_service_refuses_an_identity_change_by_an_administrator(cast):
    with pytest.raises(PermissionDenied):
        services.update_account_details(account_id=cast.account.pk, by=cast.admin, handle="CuentaFalsa")
    cast.account.refresh_from_db()
    assert cast.account.handle == "INEPrueba"


def test_the_history_shows_values_as_people_read_them(client, cast):
    services.change_account_status(account_id=cast.account.pk, to_status="compromised", by=cast.admin)
    services.update_account_details(account_id=cast.account.pk, by=cast.admin, verification_status="verified")
    client.force_login(cast.admin)
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert "«Activa» → «Comprometida»" in body
    assert "«Sin solicitar» → «Verificada»" in body
    assert "«active»" not in body and "«not_requested»" not in body


def test_the_list_filters_the_accounts_flagged_as_possibly_abandoned(client, cast):
    Account.objects.filter(pk=cast.account.pk).update(flagged_abandoned_at=timezone.now())
    client.force_login(cast.cncs)
    response = client.get(reverse("accounts:list"), {"abandoned": "true"})
    assert [a.pk for a in response.context["page"]] == [cast.account.pk]


# --- One refusal, in the services' words ---------------------------------------------------


def _refusal(call) -> str:
    with pytest.raises(PermissionDenied) as refused:
        call()
    return str(refused.value)


def _get_view(rf, view, user, **kwargs):
    request = rf.get("/")
    request.user = user
    return lambda: view(request, **kwargs)


def test_the_operation_forms_refuse_the_titular_in_the_services_words(rf, cast):
    # The organ's titular sees its accounts but does not operate them.
    by_service = _refusal(
        lambda: services.record_password_rotation(account_id=cast.account.pk, by=cast.titular, meets_policy=True)
    )
    for view in (views.log_entry_add, views.out_of_office_add, views.password_rotation_add):
        assert _refusal(_get_view(rf, view, cast.titular, pk=cast.account.pk)) == by_service


def test_the_edit_form_refuses_in_the_services_words(rf, cast):
    by_service = _refusal(
        lambda: services.update_account_details(account_id=cast.account.pk, by=cast.titular, name="Otra")
    )
    assert _refusal(_get_view(rf, views.account_edit, cast.titular, pk=cast.account.pk)) == by_service


def test_the_designation_form_refuses_in_the_services_words(rf, cast):
    by_service = _refusal(
        lambda: services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.admin, titular=cast.admin, suplente=cast.suplente
        )
    )
    assert _refusal(_get_view(rf, views.designate, cast.admin, pk=cast.organ.pk)) == by_service


def test_an_account_the_user_cannot_see_is_still_a_404(client, cast):
    client.force_login(cast.other_admin)
    for name in ("log_add", "period_add", "rotation_add", "edit"):
        assert client.get(reverse(f"accounts:{name}", args=[cast.account.pk])).status_code == 404
