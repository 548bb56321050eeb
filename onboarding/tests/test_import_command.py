"""import_inventory: the preview in the terminal, --confirm writes, rejected rows beside the file."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account
from accounts.tests.factories import OrganFactory, catalogue_network
from onboarding.models import Import

from .factories import account_row, csv_bytes, staff_row, xlsx_bytes


@pytest.fixture
def organ(db):
    catalogue_network("x")
    return OrganFactory(code="jle-nay", name="Junta Local Ejecutiva en Nayarit")


def run_command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_inventory", *args, stdout=out)
    return out.getvalue()


def test_preview_only_writes_nothing_and_leaves_the_rejected_rows_beside_the_file(cast, organ, tmp_path):
    path = tmp_path / "inventario.xlsx"
    path.write_bytes(xlsx_bytes([account_row(organ, handle="Buena"), account_row(organ, handle="@mal uno")]))
    out = run_command(str(path), "--kind", "accounts", "--by", "cncs")
    run = Import.objects.get()
    assert run.status == Import.Status.PREVIEWED
    assert "1 se crean" in out and "1 con errores" in out
    assert "Fila 3: «@mal uno» no es un nombre de usuario válido" in out
    assert f"Confirme la importación {run.pk}" in out
    assert not Account.objects.filter(organ=organ).exists()
    rejected = tmp_path / "inventario.rechazadas.csv"
    table = list(csv.reader(rejected.read_text(encoding="utf-8-sig").splitlines()))
    assert table[0][-1] == "Errores" and table[1][2] == "@mal uno"


def test_confirm_writes(cast, organ, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_bytes(csv_bytes([staff_row(organ)], Import.Kind.STAFF))
    out = run_command(str(path), "--kind", "staff", "--by", "cncs", "--confirm")
    assert "Confirmada: importación" in out
    assert Import.objects.get().status == Import.Status.CONFIRMED
    assert not (tmp_path / "personal.rechazadas.csv").exists()


def test_refusals_are_command_errors(cast, organ, tmp_path):
    path = tmp_path / "inventario.csv"
    path.write_bytes(csv_bytes([account_row(organ)]))
    with pytest.raises(CommandError, match="Solo Comunicación Social importa"):
        run_command(str(path), "--kind", "accounts", "--by", "titular")
    with pytest.raises(CommandError, match="No existe el usuario «nadie»"):
        run_command(str(path), "--kind", "accounts", "--by", "nadie")
    with pytest.raises(CommandError, match="No existe el archivo"):
        run_command(str(tmp_path / "otro.csv"), "--kind", "accounts", "--by", "cncs")
    path.write_bytes(b"nada,que,ver\n1,2,3\n")
    with pytest.raises(CommandError, match="Faltan columnas"):
        run_command(str(path), "--kind", "accounts", "--by", "cncs")
    assert not Import.objects.exists()
