"""Reading inventory files and planning their rows: every refusal and every problem in Spanish."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Account, Designation, Organ, PositionLevel
from accounts.tests.factories import AccountFactory, OrganFactory, UserFactory, catalogue_network
from onboarding import importing, services
from onboarding.models import Import, ImportRow

from .factories import account_row, csv_bytes, headers, staff_row, upload, xlsx_bytes

ACCOUNTS, STAFF = Import.Kind.ACCOUNTS, Import.Kind.STAFF


@pytest.fixture
def networks(db):
    return {code: catalogue_network(code) for code in ("x", "facebook", "instagram")}


@pytest.fixture
def jalisco(db):
    return OrganFactory(code="jle-jal", name="Junta Local Ejecutiva en Querétaro", kind=Organ.Kind.CENTRAL)


def preview(cast, rows, kind=ACCOUNTS, **kwargs):
    content = kwargs.pop("content", None) or csv_bytes(rows, kind, **kwargs)
    return services.preview_import(kind=kind, uploaded_file=upload(content), by=cast.cncs)


def errors_of(run) -> dict[int, list[str]]:
    return {row.number: row.errors for row in run.rows.order_by("number")}


def only_row(run) -> ImportRow:
    [row] = run.rows.all()
    return row


# --- Reading ---------------------------------------------------------------------------------------


def test_csv_with_semicolons_and_a_bom_is_read(cast, networks, jalisco):
    run = preview(cast, [account_row(jalisco)], delimiter=";", bom=True)
    row = only_row(run)
    assert row.errors == []
    assert row.action == ImportRow.Action.CREATE
    assert row.data["organ"] == "jle-jal"
    assert row.number == 2


def test_a_latin1_csv_is_read_with_its_accents(cast, networks, jalisco):
    run = preview(cast, [account_row(jalisco, purpose="Difusión de la Junta en Querétaro")], encoding="cp1252")
    assert only_row(run).data["purpose"] == "Difusión de la Junta en Querétaro"


def test_xlsx_is_read(cast, networks, jalisco):
    run = preview(cast, None, content=xlsx_bytes([account_row(jalisco)]))
    assert only_row(run).action == ImportRow.Action.CREATE


def test_formulas_are_read_as_text_never_evaluated(cast, networks, jalisco):
    rows = [account_row(jalisco, name="=1+1", purpose='=HYPERLINK("https://malo.example","clic")')]
    run = preview(cast, None, content=xlsx_bytes(rows))
    row = only_row(run)
    assert row.data["name"] == "=1+1"
    assert row.data["purpose"] == '=HYPERLINK("https://malo.example","clic")'


def test_blank_lines_keep_the_row_numbers_a_spreadsheet_shows(cast, networks, jalisco):
    table = [headers(), [], list(account_row(jalisco).values()), [], list(account_row(jalisco, handle="Otra").values())]
    run = preview(cast, None, content=csv_bytes([], table=table))
    assert [r.number for r in run.rows.order_by("number")] == [3, 5]


def test_headers_are_matched_forgiving_accents_case_and_spaces_and_extra_columns_are_ignored(cast, networks, jalisco):
    columns = importing.columns_for(ACCOUNTS)
    table = [[f"  {str(c.header).upper().replace('Ó', 'O')} " for c in columns] + ["Errores", "Notas"]]
    table.append([account_row(jalisco)[c.key] for c in columns] + ["viejo error", "algo"])
    run = preview(cast, None, content=csv_bytes([], table=table))
    assert only_row(run).errors == []


def test_the_column_key_is_accepted_as_header(cast, networks, jalisco):
    row = account_row(jalisco)
    table = [list(row), list(row.values())]
    assert only_row(preview(cast, None, content=csv_bytes([], table=table))).errors == []


def test_missing_required_columns_are_named(cast, networks, jalisco):
    row = account_row(jalisco)
    keep = [k for k in row if k not in ("purpose", "titular_email")]
    table = [[str(next(c.header for c in importing.columns_for(ACCOUNTS) if c.key == k)) for k in keep]]
    table.append([row[k] for k in keep])
    with pytest.raises(ValidationError) as exc:
        preview(cast, None, content=csv_bytes([], table=table))
    assert exc.value.messages == [
        "Faltan columnas en la primera fila: «Propósito», «Correo del administrador titular». "
        "Use los encabezados de la plantilla."
    ]
    assert not Import.objects.exists()


def test_a_file_without_handle_or_address_columns_is_refused(cast, networks, jalisco):
    row = account_row(jalisco)
    keep = [k for k in row if k not in ("handle", "url")]
    table = [keep, [row[k] for k in keep]]
    with pytest.raises(ValidationError, match="Falta la columna «Usuario» o la columna «Dirección"):
        preview(cast, None, content=csv_bytes([], table=table))


def test_a_repeated_column_is_refused(cast, networks, jalisco):
    table = [[*headers(), "Red social"], list(account_row(jalisco).values()) + ["x"]]
    with pytest.raises(ValidationError, match="La columna «Red social» aparece dos veces"):
        preview(cast, None, content=csv_bytes([], table=table))


def test_a_file_without_data_rows_is_refused(cast, networks):
    with pytest.raises(ValidationError, match="no tiene filas de datos"):
        preview(cast, [])


def test_a_file_over_the_size_limit_is_refused_before_reading(cast, networks, jalisco, settings):
    settings.ONBOARDING_MAX_UPLOAD_BYTES = 1024 * 1024

    class Big:
        name, size = "grande.csv", 2 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("the size alone refuses it")

    big = Big()
    with pytest.raises(ValidationError) as exc:
        services.preview_import(kind=ACCOUNTS, uploaded_file=big, by=cast.cncs)
    assert exc.value.messages == ["El archivo pesa más de 1 MB; divídalo en archivos más pequeños."]


def test_a_file_over_the_row_limit_is_refused(cast, networks, jalisco, settings):
    settings.ONBOARDING_MAX_ROWS = 2
    rows = [account_row(jalisco, handle=f"Cuenta{i}") for i in range(3)]
    with pytest.raises(ValidationError) as exc:
        preview(cast, rows)
    assert exc.value.messages == ["El archivo tiene más de 2 filas de datos; divídalo en archivos más pequeños."]
    assert not Import.objects.exists()


def test_a_file_at_the_row_limit_is_accepted(cast, networks, jalisco, settings):
    settings.ONBOARDING_MAX_ROWS = 2
    assert preview(cast, [account_row(jalisco, handle=f"Cuenta{i}") for i in range(2)]).rows_total == 2


def test_the_page_takes_fewer_rows_than_the_shell_and_says_where_to_go(cast, networks, jalisco, settings):
    """A confirmation writes every row within one web request: the page's limit is lower."""
    settings.ONBOARDING_MAX_ROWS, settings.ONBOARDING_WEB_MAX_ROWS = 3, 2
    rows = [account_row(jalisco, handle=f"Cuenta{i}") for i in range(3)]
    with pytest.raises(ValidationError) as exc:
        preview(cast, rows)
    assert exc.value.messages == [
        "El archivo tiene más de 2 filas de datos, lo más que se importa desde esta página. Divídalo en archivos "
        "más pequeños, o pida al área de sistemas que lo importe con el comando import_inventory (hasta 3 filas)."
    ]
    assert not Import.objects.exists()
    run = services.preview_import(kind=ACCOUNTS, uploaded_file=upload(csv_bytes(rows)), by=cast.cncs, from_shell=True)
    assert run.rows_total == 3


def test_a_large_preview_made_from_the_shell_is_not_confirmed_on_the_page(cast, networks, jalisco, settings):
    settings.ONBOARDING_MAX_ROWS, settings.ONBOARDING_WEB_MAX_ROWS = 3, 2
    rows = [account_row(jalisco, handle=f"Cuenta{i}") for i in range(3)]
    run = services.preview_import(kind=ACCOUNTS, uploaded_file=upload(csv_bytes(rows)), by=cast.cncs, from_shell=True)
    with pytest.raises(ValidationError, match="más de 2 filas de datos"):
        services.confirm_import(import_id=run.pk, by=cast.cncs)
    run.refresh_from_db()
    assert run.status == Import.Status.PREVIEWED and not Account.objects.filter(handle__startswith="Cuenta").exists()
    assert services.confirm_import(import_id=run.pk, by=cast.cncs, from_shell=True).created_count == 3


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "no se aceptan; guárdelo como .xlsx"),
        (b"PK\x03\x04 not really a zip", "No se pudo leer el archivo XLSX"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "no es un CSV ni un XLSX"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(cast, networks, content, message):
    with pytest.raises(ValidationError, match=message):
        preview(cast, None, content=content)


def test_an_empty_file_is_refused(cast):
    with pytest.raises(ValidationError, match="El archivo está vacío"):
        services.preview_import(kind=ACCOUNTS, uploaded_file=upload(b""), by=cast.cncs)


@pytest.mark.parametrize("role", ["titular", "admin", "staff", "unicom", "president", "outsider"])
def test_only_cncs_previews(cast, networks, jalisco, role):
    with pytest.raises(PermissionDenied):
        services.preview_import(
            kind=ACCOUNTS, uploaded_file=upload(csv_bytes([account_row(jalisco)])), by=getattr(cast, role)
        )


def test_cells_are_kept_whole_and_stripped(cast, networks, jalisco):
    long_purpose = "Difundir " + "actividades " * 500
    row = only_row(preview(cast, [account_row(jalisco, purpose=f"  {long_purpose}  ")]))
    assert row.data["purpose"] == long_purpose.strip()


# --- Account rows -------------------------------------------------------------------------------------


def test_organ_by_name_without_accents_or_case(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, organ="JUNTA local ejecutiva en queretaro")]))
    assert row.errors == []
    assert row.action == ImportRow.Action.CREATE


def test_unknown_organ(cast, networks):
    row = only_row(preview(cast, [account_row(cast.organ, organ="Junta Local de Narnia")]))
    assert "No existe el órgano «Junta Local de Narnia»." in row.errors
    assert row.action == ImportRow.Action.REJECTED


def test_two_organs_with_one_name_ask_for_the_code(cast, networks):
    OrganFactory(name="Unidad repetida")
    OrganFactory(name="Unidad Repetida")
    row = only_row(preview(cast, [account_row(cast.organ, organ="unidad repetida")]))
    assert "Hay 2 órganos llamados «unidad repetida»; escriba su clave." in row.errors


def test_unknown_network(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, network="MySpace")]))
    assert "No existe la red social «MySpace»." in row.errors


def test_bad_handle_for_the_network(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, handle="@ine mx")]))
    assert row.errors == [
        "«@ine mx» no es un nombre de usuario válido en X (Twitter): de 1 a 15 letras, números o guion bajo."
    ]


def test_reserved_official_handle(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, network="Instagram", handle="inemexico")]))
    assert any("es el nombre de usuario de una cuenta oficial del Instituto" in e for e in row.errors)


def test_the_network_may_come_from_the_address(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, network="", handle="", url="instagram.com/ine.queretaro")]))
    assert row.errors == []
    assert row.action == ImportRow.Action.CREATE


def test_an_address_of_another_network_is_refused(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, network="x", handle="", url="https://www.facebook.com/INEQro")]))
    assert any("no es de X (Twitter)" in e for e in row.errors)


def test_an_address_that_leads_to_another_handle_is_refused(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, handle="INEQro", url="https://x.com/OtraCosa")]))
    assert row.errors == ["La dirección «https://x.com/OtraCosa» lleva a «OtraCosa», no a «INEQro»."]


def test_an_address_that_is_no_profile_is_refused(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, handle="", url="https://x.com/home")]))
    assert row.errors == ["La dirección «https://x.com/home» no es la de un perfil de X (Twitter)."]


def test_url_forms_of_the_same_account_in_one_file_are_duplicates(cast, networks, jalisco):
    rows = [
        account_row(jalisco, handle="@INEQro"),
        account_row(jalisco, handle="", url="twitter.com/ineqro"),
        account_row(jalisco, handle="", url="https://mobile.x.com/INEQRO/status/123"),
        account_row(jalisco, network="", handle="", url="https://www.x.com/INEQro/"),
    ]
    errors = errors_of(preview(cast, rows))
    assert errors[2] == []
    assert errors[3] == errors[4] == errors[5] == ["Repetida: la misma cuenta está en la fila 2."]


def test_an_account_of_another_organ_is_refused(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, handle="@ineprueba")]))
    assert row.errors == ["Ya existe esa cuenta, registrada para Junta Local Ejecutiva de prueba."]


def test_a_closed_account_is_not_brought_back_by_an_import(cast, networks, jalisco):
    # The full messages (closed and reclassified, preview and confirm) are in
    # test_import_review_fixes.py.
    AccountFactory(organ=cast.other_organ, network=cast.network, handle="Cerrada", status=Account.Status.CLOSED)
    row = only_row(preview(cast, [account_row(jalisco, handle="Cerrada")]))
    assert row.action == ImportRow.Action.REJECTED
    assert row.errors[0].startswith("La cuenta @Cerrada de ")


def test_non_institutional_emails(cast, networks, jalisco):
    row = only_row(
        preview(cast, [account_row(jalisco, registration_email="a@gmail.com", suplente_email="b@gmail.com")])
    )
    assert row.errors == [
        "Correo de registro: La dirección a@gmail.com no es institucional: debe terminar en @ine.mx.",
        "Correo del administrador suplente: La dirección b@gmail.com no es institucional: debe terminar en @ine.mx.",
    ]


def test_a_malformed_email_names_its_column(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, titular_email="no es correo@ine.mx")]))
    assert any(e.startswith("Correo del administrador titular: ") for e in row.errors)


def test_required_cells(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, purpose="", organ="")]))
    assert "Falta «Propósito»." in row.errors
    assert "Falta «Órgano (clave o nombre)»." in row.errors


def test_a_row_collects_all_its_problems(cast, networks):
    row = only_row(
        preview(
            cast,
            [account_row(cast.organ, organ="Narnia", handle="@ine mx", registration_email="a@gmail.com", purpose="")],
        )
    )
    assert len(row.errors) == 4


def test_titular_below_mando_medio(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, titular_level="Personal operativo")]))
    assert row.errors == [
        "El administrador titular debe ser de nivel mando medio, mando superior; Ana Pérez es personal operativo."
    ]


def test_suplente_of_mando_superior(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, suplente_level="mando superior")]))
    assert row.errors == [
        "El administrador suplente debe ser de nivel mando medio, personal operativo; Luis Gómez es mando superior."
    ]


def test_an_unknown_level(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, titular_level="jefazo")]))
    assert row.errors == [
        "Nivel del titular: «jefazo» no es un nivel de puesto; escriba mando superior, mando medio, personal operativo."
    ]


def test_the_same_person_cannot_be_titular_and_suplente(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, suplente_email="Titular.Nuevo@ine.mx")]))
    assert row.errors == ["Una misma persona no puede ser titular y suplente a la vez."]


def test_rows_of_one_organ_must_name_the_same_administrators(cast, networks, jalisco):
    rows = [
        account_row(jalisco, handle="Uno"),
        account_row(jalisco, handle="Dos", suplente_email="otro.suplente@ine.mx"),
    ]
    errors = errors_of(preview(cast, rows))
    assert errors[2] == []
    assert errors[3] == [
        "Las filas de Junta Local Ejecutiva en Querétaro deben nombrar a los mismos administradores: la fila 2 "
        "nombra a titular.nuevo@ine.mx (titular) y suplente.nuevo@ine.mx (suplente)."
    ]


def test_a_new_person_needs_names_and_level(cast, networks, jalisco):
    row = only_row(preview(cast, [account_row(jalisco, titular_first_name="", titular_level="")]))
    assert row.errors == [
        "Falta «Nombre(s) del titular»: «titular.nuevo@ine.mx» no está registrada en el sistema.",
        "Falta «Nivel del titular»: «titular.nuevo@ine.mx» no está registrada en el sistema.",
    ]


def test_a_person_in_two_organs_is_refused_on_the_later_row(cast, networks, jalisco):
    other = OrganFactory(code="jle-son", name="Junta Local Ejecutiva en Sonora")
    rows = [account_row(jalisco, handle="Uno"), account_row(other, handle="Dos", suplente_email="s2@ine.mx")]
    errors = errors_of(preview(cast, rows))
    assert errors[3] == [
        "«titular.nuevo@ine.mx» aparece en la fila 2 como personal de Junta Local Ejecutiva en Querétaro."
    ]


def test_existing_people_are_matched_by_email_and_designated(cast, networks):
    staff = UserFactory(username="personal_otra", organ=cast.other_organ, position_level=PositionLevel.OPERATIVO)
    row = only_row(
        preview(
            cast,
            [
                account_row(
                    cast.other_organ,
                    titular_email="OTRO_ADMIN@ine.mx",
                    titular_level="",
                    suplente_email=staff.email,
                    suplente_level="Personal operativo",
                )
            ],
        )
    )
    assert row.errors == []
    assert row.action == ImportRow.Action.CREATE
    assert row.changes == [f"administradores de Otra unidad: OTRO_ADMIN@ine.mx (titular) y {staff.email} (suplente)"]


def test_an_accounts_file_does_not_move_a_person_to_another_organ(cast, networks):
    row = only_row(
        preview(
            cast,
            [
                account_row(
                    cast.other_organ,
                    titular_email="OTRO_ADMIN@ine.mx",
                    titular_level="",
                    suplente_email=cast.staff.email,
                    suplente_level="Personal operativo",
                )
            ],
        )
    )
    assert row.errors == [
        f"{cast.staff.get_full_name()} ({cast.staff.email}) está registrada en Junta Local Ejecutiva de prueba, con "
        "nivel personal operativo; para cambiar su adscripción o su nivel, use el inventario de personal."
    ]


def test_an_accounts_file_does_not_change_a_persons_level(cast, networks):
    # The organ's titular administrator (mando medio) named as titular again with operativo.
    row = only_row(
        preview(
            cast,
            [
                account_row(
                    cast.organ,
                    titular_email=cast.admin.email,
                    titular_level="operativo",
                    suplente_email=cast.suplente.email,
                    suplente_level="",
                )
            ],
        )
    )
    assert row.errors == [
        f"{cast.admin.get_full_name()} ({cast.admin.email}) está registrada en Junta Local Ejecutiva de prueba, con "
        "nivel mando medio; para cambiar su adscripción o su nivel, use el inventario de personal."
    ]


def test_an_existing_account_of_the_organ_is_unchanged_or_updated(cast, networks):
    same = account_row(
        cast.organ,
        handle="INEPrueba",
        name=cast.account.name,
        registration_email="REDES@ine.mx",
        titular_email=cast.admin.email,
        titular_level="",
        suplente_email=cast.suplente.email,
        suplente_level="",
    )
    changed = dict(same, handle="", url="https://twitter.com/ineprueba", name="Nuevo nombre")
    assert only_row(preview(cast, [same])).action == ImportRow.Action.UNCHANGED
    row = only_row(preview(cast, [changed]))
    assert row.action == ImportRow.Action.UPDATE
    assert row.changes == ["nombre de la cuenta", "dirección"]
    assert row.account_id == cast.account.pk


def test_preview_writes_nothing_but_the_import(cast, networks, jalisco):
    counts = (Account.objects.count(), Designation.objects.count(), type(cast.cncs).objects.count())
    run = preview(cast, [account_row(jalisco), account_row(jalisco, organ="Narnia", handle="Otra")])
    assert (Account.objects.count(), Designation.objects.count(), type(cast.cncs).objects.count()) == counts
    assert run.status == Import.Status.PREVIEWED
    assert (run.rows_total, run.created_count, run.rejected_count) == (2, 1, 1)
    assert len(run.checksum) == 64
    assert run.file_name == "inventario.csv"


def test_planning_queries_do_not_grow_with_rows(cast, networks, jalisco, django_assert_max_num_queries):
    rows = [account_row(jalisco, handle=f"Cuenta{i}") for i in range(60)]
    with django_assert_max_num_queries(14):
        preview(cast, rows)


# --- Staff rows ------------------------------------------------------------------------------------


def test_staff_new_existing_and_repeated(cast, jalisco):
    rows = [
        staff_row(jalisco),
        staff_row(
            cast.organ,
            email=cast.staff.email.upper(),
            first_name=cast.staff.first_name,
            last_name=cast.staff.last_name,
            job_title=cast.staff.job_title,
            level="operativo",
        ),
        staff_row(
            cast.organ,
            email=cast.admin.email,
            first_name="Nuevo",
            level="Mando medio",
            last_name=cast.admin.last_name,
            job_title="",
        ),
        staff_row(jalisco, email="Rosa.Martinez@ine.mx"),
    ]
    run = preview(cast, rows, STAFF)
    by_number = {r.number: r for r in run.rows.all()}
    assert by_number[2].action == ImportRow.Action.CREATE
    assert by_number[3].action == ImportRow.Action.UNCHANGED
    assert by_number[4].action == ImportRow.Action.UPDATE
    assert by_number[4].changes == ["nombre(s)"]
    assert by_number[5].errors == ["Repetida: la misma persona («Rosa.Martinez@ine.mx») está en la fila 2."]


def test_staff_errors(cast, jalisco):
    row = only_row(
        preview(cast, [staff_row(jalisco, email="rosa@gmail.com", organ="Narnia", level="x", last_name="")], STAFF)
    )
    assert (
        "Correo institucional: La dirección rosa@gmail.com no es institucional: debe terminar en @ine.mx." in row.errors
    )
    assert "No existe el órgano «Narnia»." in row.errors
    assert "Falta «Apellidos»." in row.errors
    assert any("«x» no es un nivel de puesto" in e for e in row.errors)


def test_staff_level_change_a_designation_does_not_allow_is_refused(cast):
    row = only_row(preview(cast, [staff_row(cast.organ, email=cast.admin.email, level="Personal operativo")], STAFF))
    assert row.errors == [
        f"El administrador titular debe ser de nivel mando medio, mando superior; {cast.admin} es personal operativo."
    ]


def test_a_name_over_the_field_length_is_refused_not_cut(cast, jalisco):
    row = only_row(preview(cast, [staff_row(jalisco, first_name="A" * 151)], STAFF))
    assert row.action == ImportRow.Action.REJECTED
    assert any(e.startswith("Nombre(s): ") and "150" in e for e in row.errors)
    assert row.data["first_name"] == "A" * 151


# --- Files out -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ACCOUNTS, STAFF])
def test_the_template_has_the_headers_and_one_example_row_that_imports(cast, networks, kind):
    OrganFactory(code="jle-jal", name="Junta Local Ejecutiva en Jalisco")
    content, content_type, filename = importing.template_file(kind, "xlsx")
    assert filename.endswith(".xlsx") and "spreadsheetml" in content_type
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == headers(kind)
    assert len(rows) == 2
    run = services.preview_import(kind=kind, uploaded_file=upload(content, "plantilla.xlsx"), by=cast.cncs)
    assert only_row(run).errors == []
    content, content_type, filename = importing.template_file(kind, "csv")
    assert content.startswith("\ufeff".encode()) and filename.endswith(".csv")
    assert only_row(services.preview_import(kind=kind, uploaded_file=upload(content), by=cast.cncs)).errors == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rejected_rows_come_back_with_an_errors_column_and_reupload(cast, networks, jalisco, fmt):
    rows = [
        account_row(jalisco, handle="Buena"),
        account_row(jalisco, handle="@ine mx", name="=1+1"),
        account_row(jalisco, handle="Otra", organ="Narnia"),
    ]
    run = preview(cast, rows)
    content, _type, filename = importing.rejected_rows_file(run, fmt)
    assert filename == f"importacion_{run.pk}_rechazadas.{fmt}"
    if fmt == "xlsx":
        table = [list(r) for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
        assert table[1][headers().index("Nombre de la cuenta")] == "=1+1"  # text, not a formula
    else:
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert table[1][headers().index("Nombre de la cuenta")] == "'=1+1"  # a spreadsheet will not run it
    assert table[0] == [*headers(), "Errores"]
    assert [r[2] for r in table[1:]] == ["@ine mx", "Otra"]
    assert "no es un nombre de usuario válido" in table[1][-1]
    again = services.preview_import(kind=ACCOUNTS, uploaded_file=upload(content, filename), by=cast.cncs)
    assert [r.data["handle"] for r in again.rows.order_by("number")] == ["@ine mx", "Otra"]
    assert again.rows.get(number=2).data["name"] == "=1+1"


def test_level_words(db):
    assert importing._level("MANDO SUPERIOR") == PositionLevel.MANDO_SUPERIOR
    assert importing._level("mando_medio") == PositionLevel.MANDO_MEDIO
    assert importing._level("Operativo") == PositionLevel.OPERATIVO
    assert importing._level("jefe") is None


def test_fold():
    assert importing.fold("  Junta Local  Ejecutiva en QUERÉTARO ") == "junta local ejecutiva en queretaro"
    assert UserFactory  # the factories module stays importable


def test_a_new_person_with_a_name_too_long_is_refused_on_every_row_naming_them(cast, networks, jalisco):
    rows = [account_row(jalisco, handle=f"Cuenta{i}", titular_last_name="L" * 151) for i in range(2)]
    errors = errors_of(preview(cast, rows))
    assert all(any(e.startswith("Apellidos del titular: ") for e in errors[n]) for n in (2, 3))
