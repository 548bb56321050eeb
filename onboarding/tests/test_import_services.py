"""Confirm and discard: the valid rows written once, in one transaction, with their history."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Account, AccountStatusChange, Designation, Organ, PositionLevel, User
from accounts.tests.factories import OrganFactory, catalogue_network
from notifications.models import Notification
from onboarding import services
from onboarding.models import Import, ImportRow, Regularisation

from .factories import account_row, csv_bytes, staff_row, upload

ACCOUNTS, STAFF = Import.Kind.ACCOUNTS, Import.Kind.STAFF


@pytest.fixture
def networks(db):
    return {code: catalogue_network(code) for code in ("x", "facebook", "instagram")}


@pytest.fixture
def jalisco(db):
    return OrganFactory(code="jle-jal", name="Junta Local Ejecutiva en Jalisco", kind=Organ.Kind.CENTRAL)


def preview(cast, rows, kind=ACCOUNTS, name="inventario.csv"):
    return services.preview_import(kind=kind, uploaded_file=upload(csv_bytes(rows, kind), name), by=cast.cncs)


def inventory(jalisco, cast):
    """Two new accounts of a new organ, one bad row, and the cast's account unchanged."""
    return [
        account_row(jalisco, handle="@INEJal"),
        account_row(jalisco, network="facebook", handle="", url="https://www.facebook.com/INE.Jalisco"),
        account_row(jalisco, handle="@ine mx"),
        account_row(
            cast.organ,
            handle="ineprueba",
            name=cast.account.name,
            titular_email=cast.admin.email,
            titular_level="",
            suplente_email=cast.suplente.email,
            suplente_level="",
        ),
    ]


def snapshot() -> tuple[int, ...]:
    return (
        Account.objects.count(),
        Account.history.count(),
        AccountStatusChange.objects.count(),
        Designation.objects.count(),
        Designation.history.count(),
        User.objects.count(),
        Regularisation.objects.count(),
        Organ.history.count(),
    )


def test_confirm_writes_the_valid_rows_through_the_services(cast, networks, jalisco):
    run = preview(cast, inventory(jalisco, cast))
    run = services.confirm_import(import_id=run.pk, by=cast.cncs)
    assert run.status == Import.Status.CONFIRMED
    assert (run.decided_by, run.created_count, run.updated_count, run.unchanged_count, run.rejected_count) == (
        cast.cncs,
        2,
        0,
        1,
        1,
    )
    created = Account.objects.filter(organ=jalisco).order_by("handle")
    assert [(a.handle, a.url, a.name, a.status) for a in created] == [
        ("INE.Jalisco", "https://www.facebook.com/INE.Jalisco", "INE.Jalisco", Account.Status.REGULARIZING),
        ("INEJal", "https://www.x.com/INEJal/", "@INEJal", Account.Status.REGULARIZING),
    ]
    rows = {r.number: r for r in run.rows.all()}
    for account in created:
        assert account.regularisation.source_row in (rows[2], rows[3])
        assert account.status_changes.get().changed_by == cast.cncs
    assert rows[2].account == Account.objects.get(handle="INEJal")
    assert rows[4].action == ImportRow.Action.REJECTED
    # The people, created with no usable password in the organ, and designated.
    titular = User.objects.get(email="titular.nuevo@ine.mx")
    assert (titular.organ, titular.position_level, titular.has_usable_password()) == (
        jalisco,
        PositionLevel.MANDO_MEDIO,
        False,
    )
    current = {d.role: d.user.email for d in Designation.objects.filter(organ=jalisco, ends_at__isnull=True)}
    assert current == {"titular": "titular.nuevo@ine.mx", "suplente": "suplente.nuevo@ine.mx"}


def test_history_names_the_import_and_the_row(cast, networks, jalisco):
    run = preview(cast, inventory(jalisco, cast), name="inventario.xlsx.csv")
    services.confirm_import(import_id=run.pk, by=cast.cncs)
    record = Account.history.get(handle="INEJal")
    assert record.history_user == cast.cncs
    assert record.history_change_reason == f"Importación {run.pk}, fila 2 (inventario.xlsx.csv)"
    designation = Designation.history.filter(organ_id=jalisco.pk).first()
    assert designation.history_change_reason == f"Importación {run.pk}, fila 2 (inventario.xlsx.csv)"


def test_cncs_is_notified_of_the_confirmed_import(cast, networks, jalisco):
    run = services.confirm_import(import_id=preview(cast, inventory(jalisco, cast)).pk, by=cast.cncs)
    note = Notification.objects.get(kind="onboarding.import_confirmed", recipient=cast.cncs)
    assert note.url == f"/incorporacion/importaciones/{run.pk}/"
    assert "2 creadas" in note.body and "1 filas con errores" in note.body


def test_reimporting_the_same_file_changes_nothing(cast, networks, jalisco):
    rows = inventory(jalisco, cast)
    services.confirm_import(import_id=preview(cast, rows).pk, by=cast.cncs)
    before = snapshot()
    notes = Notification.objects.exclude(kind="onboarding.import_confirmed").count()
    again = preview(cast, rows)
    assert {r.number: r.action for r in again.rows.all()} == {
        2: ImportRow.Action.UNCHANGED,
        3: ImportRow.Action.UNCHANGED,
        4: ImportRow.Action.REJECTED,
        5: ImportRow.Action.UNCHANGED,
    }
    again = services.confirm_import(import_id=again.pk, by=cast.cncs)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert snapshot() == before
    assert Notification.objects.exclude(kind="onboarding.import_confirmed").count() == notes


def test_reimporting_a_staff_file_changes_nothing(cast, jalisco):
    rows = [staff_row(jalisco), staff_row(cast.organ, email="otra@ine.mx", level="operativo")]
    services.confirm_import(import_id=preview(cast, rows, STAFF).pk, by=cast.cncs)
    before = snapshot()
    again = services.confirm_import(import_id=preview(cast, rows, STAFF).pk, by=cast.cncs)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert snapshot() == before


def test_staff_confirm_creates_and_updates(cast, jalisco):
    rows = [
        staff_row(jalisco),
        staff_row(
            jalisco,
            email=cast.staff.email,
            first_name="Nombre",
            last_name="Nuevo",
            job_title="Enlace",
            level="Mando medio",
        ),
    ]
    run = services.confirm_import(import_id=preview(cast, rows, STAFF).pk, by=cast.cncs)
    assert (run.created_count, run.updated_count) == (1, 1)
    rosa = User.objects.get(email="rosa.martinez@ine.mx")
    assert (rosa.first_name, rosa.organ, rosa.job_title, rosa.position_level) == (
        "Rosa",
        jalisco,
        "Jefa de departamento",
        PositionLevel.MANDO_MEDIO,
    )
    staff = User.objects.get(pk=cast.staff.pk)
    assert (staff.first_name, staff.last_name, staff.job_title, staff.organ, staff.position_level) == (
        "Nombre",
        "Nuevo",
        "Enlace",
        jalisco,
        PositionLevel.MANDO_MEDIO,
    )
    assert run.rows.get(number=3).person == staff
    assert run.rows.get(number=2).person == rosa


def test_moving_an_administrator_ends_their_designation_with_the_import_as_reason(cast, jalisco):
    run = services.confirm_import(
        import_id=preview(cast, [staff_row(jalisco, email=cast.suplente.email)], STAFF).pk, by=cast.cncs
    )
    ended = Designation.objects.get(organ=cast.organ, user=cast.suplente)
    assert ended.ends_at is not None and ended.ended_by == cast.cncs
    assert ended.history.first().history_change_reason == f"Importación {run.pk}, fila 2 (inventario.csv)"


def test_an_existing_account_is_updated_but_not_its_purpose(cast, networks):
    row = account_row(
        cast.organ,
        handle="",
        url="https://twitter.com/INEPrueba",
        name="Nombre nuevo",
        purpose="Otro propósito",
        registration_email="nuevo@ine.mx",
        titular_email=cast.admin.email,
        titular_level="",
        suplente_email=cast.suplente.email,
        suplente_level="",
    )
    purpose = cast.account.purpose
    run = services.confirm_import(import_id=preview(cast, [row]).pk, by=cast.cncs)
    assert run.updated_count == 1
    account = Account.objects.get(pk=cast.account.pk)
    assert (account.name, account.url, account.registration_email, account.purpose, account.status) == (
        "Nombre nuevo",
        "https://twitter.com/INEPrueba",
        "nuevo@ine.mx",
        purpose,
        Account.Status.ACTIVE,
    )
    assert account.history.first().history_change_reason == f"Importación {run.pk}, fila 2 (inventario.csv)"


def test_confirm_plans_again_against_the_database_as_it_is_now(cast, networks, jalisco):
    run = preview(cast, [account_row(jalisco, handle="Nueva"), account_row(jalisco, handle="Otra")])
    # Meanwhile another organ registers one of the handles.
    accounts_services.create_account(
        organ=cast.other_organ,
        network=networks["x"],
        name="Nueva",
        purpose="Difusión",
        by=cast.cncs,
        handle="nueva",
        url="https://x.com/nueva",
        status=Account.Status.ACTIVE,
    )
    run = services.confirm_import(import_id=run.pk, by=cast.cncs)
    first = run.rows.get(number=2)
    assert first.action == ImportRow.Action.REJECTED
    assert first.errors == ["Ya existe esa cuenta, registrada para Otra unidad."]
    assert (run.created_count, run.rejected_count) == (1, 1)


def test_a_row_the_services_refuse_now_is_rejected_and_the_rest_written(cast, networks, jalisco, monkeypatch):
    original = accounts_services.create_account

    def refuse_second(**kwargs):
        if kwargs.get("handle") == "Dos":
            raise ValidationError("La red no admite esta cuenta.")
        return original(**kwargs)

    monkeypatch.setattr(accounts_services, "create_account", refuse_second)
    rows = [account_row(jalisco, handle="Uno"), account_row(jalisco, handle="Dos"), account_row(jalisco, handle="Tres")]
    run = services.confirm_import(import_id=preview(cast, rows).pk, by=cast.cncs)
    assert {r.number: (r.action, r.errors) for r in run.rows.all()} == {
        2: (ImportRow.Action.CREATE, []),
        3: (ImportRow.Action.REJECTED, ["La red no admite esta cuenta."]),
        4: (ImportRow.Action.CREATE, []),
    }
    assert set(Account.objects.filter(organ=jalisco).values_list("handle", flat=True)) == {"Uno", "Tres"}


def test_people_of_a_refused_row_are_created_by_the_next_row(cast, networks, jalisco, monkeypatch):
    original = accounts_services.create_account

    def refuse_first(**kwargs):
        if kwargs.get("handle") == "Uno":
            raise ValidationError("No.")
        return original(**kwargs)

    monkeypatch.setattr(accounts_services, "create_account", refuse_first)
    rows = [account_row(jalisco, handle="Uno"), account_row(jalisco, handle="Dos")]
    run = services.confirm_import(import_id=preview(cast, rows).pk, by=cast.cncs)
    second = run.rows.get(number=3)
    assert second.action == ImportRow.Action.CREATE
    assert "se registra a titular.nuevo@ine.mx" in second.changes
    assert User.objects.filter(email="titular.nuevo@ine.mx").count() == 1
    assert Designation.objects.filter(organ=jalisco, ends_at__isnull=True).count() == 2


def test_a_failure_half_way_writes_nothing(cast, networks, jalisco, monkeypatch):
    original = accounts_services.create_account
    calls = []

    def fail_on_third(**kwargs):
        calls.append(kwargs["handle"])
        if len(calls) == 3:
            raise RuntimeError("el disco se llenó")
        return original(**kwargs)

    monkeypatch.setattr(accounts_services, "create_account", fail_on_third)
    rows = [account_row(jalisco, handle=f"Cuenta{i}") for i in range(5)]
    run = preview(cast, rows)
    before = snapshot()
    notes = Notification.objects.count()
    with pytest.raises(RuntimeError):
        services.confirm_import(import_id=run.pk, by=cast.cncs)
    assert len(calls) == 3
    assert snapshot() == before
    assert Notification.objects.count() == notes
    run.refresh_from_db()
    assert (run.status, run.decided_by, run.created_count) == (Import.Status.PREVIEWED, None, 5)
    assert set(run.rows.values_list("account", flat=True)) == {None}
    # And it can still be confirmed once the cause is fixed.
    monkeypatch.setattr(accounts_services, "create_account", original)
    assert services.confirm_import(import_id=run.pk, by=cast.cncs).created_count == 5


def test_a_second_confirmation_is_refused_naming_who_and_when(cast, networks, jalisco):
    run = preview(cast, [account_row(jalisco)])
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        services.confirm_import(import_id=run.pk, by=cast.cncs)
    other = User.objects.create(username="cncs2", email="cncs2@ine.mx")
    other.groups.set(cast.cncs.groups.all())
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.confirm_import(import_id=run.pk, by=other)
    from core.formats import local_datetime

    assert exc.value.messages == [f"Esta importación ya fue confirmada por {cast.cncs} el {local_datetime(moment)}."]
    assert snapshot() == before
    with pytest.raises(ValidationError, match="ya fue confirmada"):
        services.discard_import(import_id=run.pk, by=cast.cncs)


def test_discard_writes_nothing_and_cannot_be_confirmed_later(cast, networks, jalisco):
    run = preview(cast, [account_row(jalisco)])
    before = snapshot()
    run = services.discard_import(import_id=run.pk, by=cast.cncs)
    assert (run.status, run.decided_by) == (Import.Status.DISCARDED, cast.cncs)
    assert run.decided_at is not None
    with pytest.raises(ValidationError, match="fue descartada por .* nada se escribió"):
        services.confirm_import(import_id=run.pk, by=cast.cncs)
    with pytest.raises(ValidationError, match="fue descartada"):
        services.discard_import(import_id=run.pk, by=cast.cncs)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["titular", "admin", "unicom", "president", "consejero", "outsider"])
def test_only_cncs_confirms_or_discards(cast, networks, jalisco, role):
    run = preview(cast, [account_row(jalisco)])
    for action in (services.confirm_import, services.discard_import):
        with pytest.raises(PermissionDenied):
            action(import_id=run.pk, by=getattr(cast, role))
    run.refresh_from_db()
    assert run.status == Import.Status.PREVIEWED


def test_a_superuser_imports_too(cast, networks, jalisco):
    admin = User.objects.create_superuser(username="root", email="root@ine.mx", password="x")
    run = services.preview_import(kind=ACCOUNTS, uploaded_file=upload(csv_bytes([account_row(jalisco)])), by=admin)
    assert services.confirm_import(import_id=run.pk, by=admin).created_count == 1


def test_create_staff_member_refuses_a_non_institutional_address(cast):
    with pytest.raises(ValidationError):
        services.create_staff_member(
            email="x@gmail.com", first_name="A", last_name="B", organ=cast.organ, position_level="operativo"
        )


def test_a_username_taken_gets_a_suffix(cast):
    User.objects.create(username="nueva@ine.mx", email="vieja@ine.mx")
    person = services.create_staff_member(
        email="Nueva@ine.mx", first_name="A", last_name="B", organ=cast.organ, position_level="operativo"
    )
    assert person.username == "nueva@ine.mx-2"
