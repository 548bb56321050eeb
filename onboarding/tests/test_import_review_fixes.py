"""The import review's fixes: ended accounts are not brought back, an accounts file moves no
one, the staff file says which roles a move ends, unknown columns are named, and a CSV the
reader cannot read gets a Spanish message (a long cell is read in full)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, Designation, Organ, PositionLevel, User
from accounts.tests.factories import AccountFactory, OrganFactory, UserFactory, catalogue_network, designate
from onboarding import importing, services
from onboarding.models import Import, ImportRow

from .factories import account_row, csv_bytes, headers, staff_row, upload

ACCOUNTS, STAFF = Import.Kind.ACCOUNTS, Import.Kind.STAFF


@pytest.fixture
def networks(db):
    return {code: catalogue_network(code) for code in ("x", "facebook")}


@pytest.fixture
def jalisco(db):
    return OrganFactory(code="jle-jal", name="Junta Local Ejecutiva en Jalisco", kind=Organ.Kind.CENTRAL)


def preview(cast, rows, kind=ACCOUNTS, content=None):
    content = content or csv_bytes(rows, kind)
    return services.preview_import(kind=kind, uploaded_file=upload(content), by=cast.cncs)


def only_row(run) -> ImportRow:
    [row] = run.rows.all()
    return row


# --- 1. An ended account comes back only through a new opening request ---------------------------

# 03:00 UTC on 11 March is still 10 March in Mexico City: the date is the local one.
ENDED_AT = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)


def ended_account(organ, network, handle, status):
    return AccountFactory(
        organ=organ,
        network=network,
        handle=handle,
        url=f"https://x.com/{handle}",
        status=status,
        activated_at=ENDED_AT - timedelta(days=400),
        closed_at=ENDED_AT,
    )


@pytest.mark.parametrize(
    ("status", "what"),
    [(Account.Status.RECLASSIFIED, "reclasificada como personal"), (Account.Status.CLOSED, "cerrada")],
)
def test_a_row_naming_an_ended_account_is_refused_at_preview(cast, networks, jalisco, status, what):
    ended_account(cast.other_organ, networks["x"], "Terminada", status)
    row = only_row(preview(cast, [account_row(jalisco, handle="@terminada")]))
    assert row.action == ImportRow.Action.REJECTED
    assert row.errors == [
        f"La cuenta @terminada de {networks['x']} fue {what} el 10/03/2026: solo puede volver a ser "
        "institucional con una nueva solicitud de apertura."
    ]
    assert Account.objects.filter(handle__iexact="terminada").count() == 1


@pytest.mark.parametrize(
    ("status", "what"),
    [(Account.Status.RECLASSIFIED, "reclasificada como personal"), (Account.Status.CLOSED, "cerrada")],
)
def test_an_account_ended_after_the_preview_is_refused_at_confirm(cast, networks, jalisco, status, what):
    run = preview(cast, [account_row(jalisco, handle="Uno"), account_row(jalisco, handle="Dos")])
    assert run.created_count == 2
    ended_account(jalisco, networks["x"], "Uno", status)
    run = services.confirm_import(import_id=run.pk, by=cast.cncs)
    first = run.rows.get(number=2)
    assert first.action == ImportRow.Action.REJECTED
    assert first.errors == [
        f"La cuenta @Uno de {networks['x']} fue {what} el 10/03/2026: solo puede volver a ser "
        "institucional con una nueva solicitud de apertura."
    ]
    assert (run.created_count, run.rejected_count) == (1, 1)
    assert list(Account.objects.filter(handle="Uno").values_list("status", flat=True)) == [status]


def test_a_live_account_beside_an_ended_one_is_the_one_matched(cast, networks):
    # Reclassified once, then opened again through a request: the live one is updated.
    ended_account(cast.organ, cast.network, "INEPrueba", Account.Status.RECLASSIFIED)
    row = only_row(
        preview(
            cast,
            [
                account_row(
                    cast.organ,
                    handle="INEPrueba",
                    name="Otro nombre",
                    titular_email=cast.admin.email,
                    titular_level="",
                    suplente_email=cast.suplente.email,
                    suplente_level="",
                )
            ],
        )
    )
    assert row.errors == []
    assert (row.action, row.account_id) == (ImportRow.Action.UPDATE, cast.account.pk)


# --- 2. An accounts file moves no one; the staff file says which roles a move ends ----------------


def test_an_accounts_file_refuses_a_person_of_another_organ_and_writes_nothing_for_them(cast, networks, jalisco):
    row = account_row(
        jalisco, titular_email=cast.admin.email, titular_level="", suplente_email="nuevo@ine.mx", suplente_level=""
    )
    row.update(suplente_first_name="Nuevo", suplente_last_name="Suplente", suplente_level="Personal operativo")
    run = preview(cast, [row])
    planned = only_row(run)
    assert planned.errors == [
        f"{cast.admin.get_full_name()} ({cast.admin.email}) está registrada en Junta Local Ejecutiva de prueba, "
        "con nivel mando medio; para cambiar su adscripción o su nivel, use el inventario de personal."
    ]
    run = services.confirm_import(import_id=run.pk, by=cast.cncs)
    assert run.rejected_count == 1
    admin = User.objects.get(pk=cast.admin.pk)
    assert admin.organ_id == cast.organ.pk
    assert Designation.objects.get(organ=cast.organ, user=admin).ends_at is None


def test_an_accounts_file_may_name_a_person_with_their_own_level_or_none(cast, networks):
    rows = [
        account_row(
            cast.organ,
            handle="Nueva",
            titular_email=cast.admin.email,
            titular_level="Mando medio",
            suplente_email=cast.suplente.email,
            suplente_level="",
        )
    ]
    row = only_row(preview(cast, rows))
    assert row.errors == []
    assert row.action == ImportRow.Action.CREATE


def mover(cast, user, organ, **cells):
    """A staff row that keeps the person's names, title and level (cells override)."""
    row = staff_row(
        organ,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        job_title=user.job_title,
        level=str(PositionLevel(user.position_level).label),
    )
    row.update(cells)
    return row


def test_the_staff_preview_says_which_roles_a_move_ends_and_the_confirmation_ends_them(cast, jalisco):
    # The suplente administrator and the organ's head move; a person with no role moves too.
    rows = [mover(cast, cast.suplente, jalisco), mover(cast, cast.titular, jalisco), mover(cast, cast.staff, jalisco)]
    run = preview(cast, rows, STAFF)
    changes = {row.number: row.changes for row in run.rows.all()}
    assert changes == {
        2: [
            "órgano de adscripción: Junta Local Ejecutiva en Jalisco; deja de ser administrador suplente de "
            "Junta Local Ejecutiva de prueba"
        ],
        3: [
            "órgano de adscripción: Junta Local Ejecutiva en Jalisco; deja de ser titular de Junta Local Ejecutiva "
            "de prueba"
        ],
        4: ["órgano de adscripción: Junta Local Ejecutiva en Jalisco"],
    }
    services.confirm_import(import_id=run.pk, by=cast.cncs)
    assert Designation.objects.get(organ=cast.organ, user=cast.suplente).ends_at is not None
    assert Organ.objects.get(pk=cast.organ.pk).head_id is None


def test_the_staff_preview_says_a_level_change_and_that_staying_ends_nothing(cast):
    row = only_row(preview(cast, [mover(cast, cast.staff, cast.organ, level="Mando medio")], STAFF))
    assert row.changes == ["nivel de puesto: mando medio"]


def test_the_roles_a_move_ends_are_read_once_per_file(cast, jalisco):
    def queries(count: int) -> int:
        people = []
        for n in range(count):
            person = UserFactory(
                username=f"movido{count}_{n}", organ=cast.other_organ, position_level=PositionLevel.OPERATIVO
            )
            organ = OrganFactory(code=f"organo-{count}-{n}")
            designate(organ, person, Designation.Role.SUPLENTE)
            people.append(mover(cast, person, jalisco))
        with CaptureQueriesContext(connection) as captured:
            plan = importing.plan_rows(STAFF, list(enumerate(people, start=2)))
        assert all(row.changes[0].count("deja de ser administrador suplente") == 1 for row in plan.rows)
        return len(captured)

    assert queries(1) == queries(6)


# --- 3. Unknown columns are named, not dropped silently -------------------------------------------


def table_with(extra_headers: list[str], extra_cells: list[str], organ) -> list[list[str]]:
    row = account_row(organ)
    return [
        headers() + extra_headers,
        [row[c.key] for c in importing.columns_for(ACCOUNTS)] + extra_cells,
    ]


def test_the_preview_records_the_unrecognised_columns_but_not_errores(cast, networks, jalisco):
    table = table_with(["Nombre", "Nivel titular", "Errores", ""], ["INE Jalisco", "Mando medio", "x", ""], jalisco)
    run = preview(cast, [], content=csv_bytes([], table=table))
    assert run.ignored_columns == ["Nombre", "Nivel titular"]
    assert only_row(run).errors == []


def test_a_file_of_template_columns_records_none(cast, networks, jalisco):
    assert preview(cast, [account_row(jalisco)]).ignored_columns == []


def test_the_preview_page_warns_of_the_unrecognised_columns(client, cast, networks, jalisco):
    table = table_with(["Nombre", "Nivel titular"], ["INE Jalisco", "Mando medio"], jalisco)
    run = preview(cast, [], content=csv_bytes([], table=table))
    client.force_login(cast.cncs)
    page = client.get(reverse("onboarding:import_detail", args=[run.pk])).content.decode()
    assert (
        "Estas columnas del archivo no se reconocen y no se importarán: «Nombre», «Nivel titular»; revise que "
        "los encabezados coincidan con la plantilla." in " ".join(page.split())
    )
    plain = preview(cast, [account_row(jalisco, handle="Otra")])
    page = client.get(reverse("onboarding:import_detail", args=[plain.pk])).content.decode()
    assert "no se reconocen" not in page


def test_the_command_names_the_unrecognised_columns(cast, networks, jalisco, tmp_path):
    from io import StringIO

    path = tmp_path / "inventario.csv"
    path.write_bytes(csv_bytes([], table=table_with(["Nombre"], ["INE Jalisco"], jalisco)))
    out = StringIO()
    call_command("import_inventory", str(path), "--kind", "accounts", "--by", "cncs", stdout=out)
    assert (
        "Estas columnas del archivo no se reconocen y no se importarán: «Nombre»; revise que los encabezados "
        "coincidan con la plantilla." in out.getvalue()
    )


# --- 5. The CSV reader's refusals in Spanish; a long cell is read in full ---------------------------


def test_a_purpose_longer_than_the_csv_default_limit_is_read_in_full(cast, networks, jalisco):
    purpose = "Difundir las actividades del órgano. " * 4000  # about 148,000 characters
    rows = importing.read_rows(ACCOUNTS, csv_bytes([account_row(jalisco, purpose=purpose)]))
    assert rows[0][1]["purpose"] == purpose.strip()


def test_a_cell_the_reader_cannot_take_gets_a_spanish_message_with_its_row(settings, jalisco):
    default = csv.field_size_limit()
    settings.ONBOARDING_MAX_UPLOAD_BYTES = 10
    try:
        csv.field_size_limit(100)
        content = csv_bytes([account_row(jalisco, handle="Uno"), account_row(jalisco, purpose="x" * 200)])
        with pytest.raises(ValidationError) as refused:
            importing.read_rows(ACCOUNTS, content)
    finally:
        csv.field_size_limit(default)
    assert refused.value.messages == [
        "Una celda del archivo CSV es demasiado larga o tiene comillas sin cerrar (fila 3); revísela, guarde el "
        "archivo de nuevo y vuelva a cargarlo."
    ]
    assert "field" not in refused.value.messages[0]
