"""The onboarding demo: the sample inventory files say what the README says they say, and
``load_demo`` leaves accounts part-way through regularisation, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Account
from onboarding import demo, importing, regularisation, services
from onboarding.models import Import, ImportRow, Regularisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    call_command("load_catalogue", verbosity=0)
    with override_settings(DEBUG=True):
        call_command("load_demo", verbosity=0)
    from accounts.models import User

    return User.objects.get(username="cncs")


def _preview(path, kind, by) -> Import:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return services.preview_import(kind=kind, uploaded_file=upload, by=by)


def test_the_committed_files_are_what_the_generator_writes():
    """Regenerate with ``write_demo_files()`` after changing the rows."""
    for path, kind, rows in (
        (demo.ACCOUNTS_FILE, Import.Kind.ACCOUNTS, demo.ACCOUNT_ROWS),
        (demo.STAFF_FILE, Import.Kind.STAFF, demo.STAFF_ROWS),
    ):
        read = importing.read_rows(kind, path.read_bytes())
        keys = [c.key for c in importing.columns_for(kind)]
        assert [data for _number, data in read] == [{k: row.get(k, "") for k in keys} for row in rows]
        assert [number for number, _data in read] == list(range(2, len(rows) + 2))


def test_the_accounts_file_previews_seven_new_two_unchanged_and_six_with_one_problem_each(demo_world):
    run = _preview(demo.ACCOUNTS_FILE, Import.Kind.ACCOUNTS, demo_world)
    assert (run.rows_total, run.created_count, run.updated_count, run.unchanged_count, run.rejected_count) == (
        15,
        7,
        0,
        2,
        6,
    )
    rejected = {row.number: row.errors for row in run.rows.filter(action=ImportRow.Action.REJECTED)}
    assert all(len(errors) == 1 for errors in rejected.values()), rejected
    messages = [errors[0] for _number, errors in sorted(rejected.items())]
    assert "No existe el órgano «Junta Local Ejecutiva en Atlántida»." in messages[0]
    assert "no es un nombre de usuario válido en X" in messages[1]
    assert messages[2] == "Repetida: la misma cuenta está en la fila 3."
    assert "debe terminar en @ine.mx" in messages[3]
    assert "El administrador titular debe ser de nivel mando medio" in messages[4]
    assert messages[5] == "Una misma persona no puede ser titular y suplente a la vez."
    unchanged = run.rows.filter(action=ImportRow.Action.UNCHANGED).select_related("account")
    assert sorted(row.account.handle for row in unchanged) == ["INECDMX", "INEJalisco"]


def test_the_staff_file_previews_three_new_one_registered_and_one_bad_address(demo_world):
    run = _preview(demo.STAFF_FILE, Import.Kind.STAFF, demo_world)
    assert (run.created_count, run.updated_count, run.unchanged_count, run.rejected_count) == (3, 0, 1, 1)
    [bad] = run.rows.filter(action=ImportRow.Action.REJECTED)
    assert "pedro.galvez@gmail.com" in bad.errors[0] and "@ine.mx" in bad.errors[0]


def test_the_demo_leaves_four_accounts_in_regularisation_part_way_through(demo_world):
    seed = Import.objects.get(file_name=demo.SEED_FILE_NAME)
    assert seed.status == Import.Status.CONFIRMED and seed.decided_by == demo_world
    assert (seed.created_count, seed.rejected_count) == (4, 1)
    imported = Account.objects.filter(status=Account.Status.REGULARIZING)
    assert sorted(imported.values_list("organ__code", "network__code")) == [
        ("jle-09", "threads"),
        ("jle-09", "youtube"),
        ("jle-14", "threads"),
        ("jle-14", "tiktok"),
    ]
    assert regularisation.national_deadline() == timezone.localdate() + timedelta(days=30)
    done = Regularisation.objects.get(account__organ__code="jle-14", account__network__code="threads")
    assert done.purpose_confirmed_by.username == "admin.jalisco"
    assert done.criteria_accepted_by.username == "titular.jalisco"
    assert all(step.done for step in regularisation.steps(done))
    halfway = Regularisation.objects.get(account__organ__code="jle-09", account__network__code="youtube")
    assert halfway.purpose_confirmed_by.username == "admin.cdmx" and halfway.criteria_accepted_at is None
    assert not all(step.done for step in regularisation.steps(halfway))


def test_a_second_load_creates_nothing(demo_world):
    imports, accounts = Import.objects.count(), Account.objects.count()
    with override_settings(DEBUG=True):
        assert demo.load_demo() is False
    assert (Import.objects.count(), Account.objects.count()) == (imports, accounts)


def test_the_demo_refuses_to_run_with_debug_off(db):
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(DEBUG=False), pytest.raises(ImproperlyConfigured):
        demo.load_demo()
