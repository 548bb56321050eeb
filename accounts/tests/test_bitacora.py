"""The bitácora (§8.iii) is append-only: in the ORM, in the admin and, on PostgreSQL, in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Account, LogEntry
from accounts.tests.factories import AccountFactory, UserFactory, active_since

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(cast):
    return services.add_log_entry(
        account_id=cast.account.pk,
        by=cast.admin,
        kind=LogEntry.Kind.PUBLICATION,
        text="Publicación sobre credencialización.",
        link="https://x.com/INEPrueba/status/1",
    )


# --- Append-only in the ORM ------------------------------------------------------------


def test_saving_an_existing_entry_is_refused(entry):
    entry.text = "Texto cambiado"
    with pytest.raises(PermissionError, match="no se puede modificar"):
        entry.save()
    assert LogEntry.objects.get(pk=entry.pk).text == "Publicación sobre credencialización."


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(PermissionError, match="no se puede borrar"):
        entry.delete()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_is_refused(entry):
    with pytest.raises(PermissionError):
        LogEntry.objects.filter(pk=entry.pk).update(text="Texto cambiado")
    assert LogEntry.objects.get(pk=entry.pk).text == "Publicación sobre credencialización."


def test_queryset_delete_is_refused(entry):
    with pytest.raises(PermissionError):
        LogEntry.objects.all().delete()
    assert LogEntry.objects.count() == 1


def test_deleting_the_account_does_not_take_its_bitacora_along(cast, entry):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        cast.account.delete()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


# --- Append-only in the admin -----------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="raiz", is_superuser=True, is_staff=True)


def test_admin_grants_no_add_change_or_delete_even_to_a_superuser(entry, superuser):
    model_admin = admin.site._registry[LogEntry]
    request = RequestFactory().get("/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.has_view_permission(request, entry)


def test_admin_delete_page_is_forbidden(client, entry, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_logentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_admin_change_post_is_forbidden(client, entry, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_logentry_change", args=[entry.pk]), {"text": "Texto cambiado"})
    assert response.status_code == 403
    assert LogEntry.objects.get(pk=entry.pk).text == "Publicación sobre credencialización."


def test_admin_bulk_delete_action_is_not_offered(client, entry, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_logentry_changelist"))
    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()


# --- Corrections ---------------------------------------------------------------------------


def test_a_correction_is_a_new_entry_pointing_at_the_old_one(cast, entry):
    correction = services.add_log_entry(
        account_id=cast.account.pk,
        by=cast.suplente,
        kind=LogEntry.Kind.PUBLICATION,
        text="La publicación fue a las 10:00, no a las 9:00.",
        corrects_id=entry.pk,
    )
    assert correction.pk != entry.pk
    assert correction.corrects == entry
    assert correction.kind == LogEntry.Kind.CORRECTION
    assert list(entry.corrections.all()) == [correction]
    entry.refresh_from_db()
    assert entry.text == "Publicación sobre credencialización."
    assert entry.kind == LogEntry.Kind.PUBLICATION


def test_correcting_an_entry_of_another_account_is_refused(cast, entry):
    other_entry = services.add_log_entry(
        account_id=cast.other_account.pk, by=cast.other_admin, kind=LogEntry.Kind.PUBLICATION, text="Otra"
    )
    with pytest.raises(ValidationError, match="no pertenece a esta cuenta"):
        services.add_log_entry(
            account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.OTHER, text="x", corrects_id=other_entry.pk
        )
    assert LogEntry.objects.filter(account=cast.account).count() == 1


def test_correcting_an_entry_that_does_not_exist_is_refused(cast, entry):
    with pytest.raises(ValidationError):
        services.add_log_entry(
            account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.OTHER, text="x", corrects_id=entry.pk + 999
        )
    assert LogEntry.objects.count() == 1


def test_the_correction_form_refuses_another_accounts_entry(client, cast):
    other_entry = services.add_log_entry(
        account_id=cast.other_account.pk, by=cast.other_admin, kind=LogEntry.Kind.PUBLICATION, text="Otra"
    )
    client.force_login(cast.admin)
    url = reverse("accounts:log_add", args=[cast.account.pk])
    assert client.get(url + f"?corrige={other_entry.pk}").status_code == 404
    response = client.post(url, {"kind": "other", "text": "Corrección", "corrects": other_entry.pk})
    assert response.status_code == 200
    assert "La entrada que intenta corregir no pertenece a esta cuenta." in response.content.decode()
    assert LogEntry.objects.filter(account=cast.account).count() == 0


def test_the_correction_form_shows_the_original_and_saves_a_correction(client, cast, entry):
    client.force_login(cast.suplente)
    url = reverse("accounts:log_add", args=[cast.account.pk])
    page = client.get(url + f"?corrige={entry.pk}").content.decode()
    assert "Corregir una entrada de la bitácora" in page
    assert "Publicación sobre credencialización." in page
    response = client.post(url, {"kind": "publication", "text": "Enlace corregido", "corrects": entry.pk})
    assert response.status_code == 302
    correction = LogEntry.objects.get(corrects=entry)
    assert correction.kind == LogEntry.Kind.CORRECTION
    detail = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert f"Corregida por la entrada #{correction.pk}" in detail
    assert f"Corrige la entrada #{entry.pk}" in detail


# --- Who may add ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "suplente"])
def test_the_organs_administrators_may_add(cast, role):
    entry = services.add_log_entry(
        account_id=cast.account.pk, by=getattr(cast, role), kind=LogEntry.Kind.REPLY, text="Respuesta"
    )
    assert entry.author == getattr(cast, role)
    assert entry.account == cast.account


@pytest.mark.parametrize("role", ["titular", "staff", "cncs", "unicom", "president", "other_admin", "other_titular"])
def test_everyone_else_is_refused(cast, role):
    with pytest.raises(PermissionDenied):
        services.add_log_entry(
            account_id=cast.account.pk, by=getattr(cast, role), kind=LogEntry.Kind.REPLY, text="Respuesta"
        )
    assert LogEntry.objects.count() == 0


def test_a_former_administrator_is_refused(cast):
    from accounts.models import PositionLevel

    new = UserFactory(organ=cast.organ, position_level=PositionLevel.MANDO_MEDIO)
    services.designate_administrators(organ_id=cast.organ.pk, by=cast.titular, titular=new, suplente=cast.suplente)
    former = type(cast.admin).objects.get(pk=cast.admin.pk)  # a fresh object, as on the next request
    with pytest.raises(PermissionDenied):
        services.add_log_entry(account_id=cast.account.pk, by=former, kind=LogEntry.Kind.REPLY, text="Respuesta")
    assert LogEntry.objects.count() == 0


def test_a_closed_account_refuses_entries(cast):
    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs)
    with pytest.raises(ValidationError):
        services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.OTHER, text="Tarde")
    assert LogEntry.objects.count() == 0


def test_a_future_entry_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.add_log_entry(
            account_id=cast.account.pk,
            by=cast.admin,
            kind=LogEntry.Kind.PUBLICATION,
            text="Mañana",
            occurred_at=timezone.now() + timedelta(days=1),
        )
    assert exc.value.message_dict["occurred_at"] == ["La fecha del hecho no puede estar en el futuro."]
    assert LogEntry.objects.count() == 0


def test_an_empty_text_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.PUBLICATION, text="")
    assert "text" in exc.value.message_dict
    assert LogEntry.objects.count() == 0


# --- Activity ---------------------------------------------------------------------------------


def test_an_entry_updates_last_activity_and_clears_the_abandoned_flag(cast):
    long_ago = timezone.now() - timedelta(days=200)
    Account.objects.filter(pk=cast.account.pk).update(last_activity_at=long_ago, flagged_abandoned_at=long_ago)
    before = timezone.now()
    services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.PUBLICATION, text="Hoy")
    cast.account.refresh_from_db()
    assert cast.account.last_activity_at >= before
    assert cast.account.flagged_abandoned_at is None


def test_an_entry_of_an_old_fact_still_counts_as_activity_today(cast):
    active_since(cast.account, timezone.now() - timedelta(days=30))
    before = timezone.now()
    services.add_log_entry(
        account_id=cast.account.pk,
        by=cast.admin,
        kind=LogEntry.Kind.PUBLICATION,
        text="Registro tardío",
        occurred_at=timezone.now() - timedelta(days=3),
    )
    cast.account.refresh_from_db()
    assert cast.account.last_activity_at >= before


def test_the_other_accounts_activity_is_untouched(cast):
    services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind=LogEntry.Kind.PUBLICATION, text="Hoy")
    cast.other_account.refresh_from_db()
    assert cast.other_account.last_activity_at is None


# --- Append-only in PostgreSQL ------------------------------------------------------------------


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql, params",
    [
        ("UPDATE accounts_logentry SET text = %s WHERE id = %s", ["Texto cambiado"]),
        ("DELETE FROM accounts_logentry WHERE id = %s", []),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_update_and_delete(entry, sql, params):
    with pytest.raises(DatabaseError, match="solo adición"), transaction.atomic():
        _raw(sql, [*params, entry.pk])
    row = LogEntry.objects.get(pk=entry.pk)
    assert row.text == "Publicación sobre credencialización."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_trigger_holds_outside_any_test_transaction():
    account = AccountFactory()
    author = UserFactory()
    entry = LogEntry.objects.create(account=account, author=author, kind=LogEntry.Kind.OTHER, text="Original")
    with pytest.raises(DatabaseError, match="solo adición"):
        _raw("UPDATE accounts_logentry SET text = %s", ["Cambiado"])
    with pytest.raises(DatabaseError, match="solo adición"):
        _raw("DELETE FROM accounts_logentry", [])
    assert LogEntry.objects.get(pk=entry.pk).text == "Original"


@pytest.mark.postgres
def test_the_database_still_accepts_new_entries(cast, entry):
    _raw(
        "INSERT INTO accounts_logentry (account_id, author_id, kind, occurred_at, text, link, created_at) "
        "VALUES (%s, %s, 'other', now(), 'Insertada', '', now())",
        [cast.account.pk, cast.admin.pk],
    )
    assert LogEntry.objects.count() == 2


@pytest.mark.parametrize("status", [Account.Status.REQUESTED, Account.Status.APPROVED])
def test_an_account_not_yet_on_the_network_takes_no_entries(cast, status):
    account = AccountFactory(organ=cast.organ, network=cast.network, status=status, handle="", url="")
    with pytest.raises(PermissionDenied):
        services.add_log_entry(account_id=account.pk, by=cast.admin, kind="publication", text="Texto")
    assert not LogEntry.objects.filter(account=account).exists()
