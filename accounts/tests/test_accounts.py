"""Institutional accounts: data rules, status transitions, out-of-office periods, password
rotation, abandoned accounts and history."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.catalogue import NETWORKS
from accounts.forms import PasswordRotationForm
from accounts.models import (
    Account,
    AccountStatusChange,
    LogEntry,
    Network,
    OutOfOfficePeriod,
    PasswordRotation,
    User,
)
from accounts.services import InvalidTransition
from accounts.tests.concurrency import run_together
from accounts.tests.factories import AccountFactory, NetworkFactory, OrganFactory, UserFactory, active_since
from notifications.models import Notification

MEXICO = ZoneInfo("America/Mexico_City")


def catalogue_network(code: str) -> Network:
    """The network exactly as the catalogue defines it (no database needed to validate)."""
    for c, name, prefix, pattern, help_text, hosts, order in NETWORKS:
        if c == code:
            return Network(
                code=c,
                name=name,
                handle_prefix=prefix,
                handle_pattern=pattern,
                handle_help=help_text,
                url_hosts=hosts,
                sort_order=order,
            )
    raise LookupError(code)


# --- Handles and addresses per network ----------------------------------------------------

GOOD_HANDLES = [
    ("x", "INEMexico"),
    ("x", "@INEMexico"),
    ("x", "INE_Jalisco_24"),
    ("facebook", "INEMexico"),
    ("facebook", "INE.Jalisco"),
    ("instagram", "ine.cdmx"),
    ("instagram", "@ine_mx"),
    ("youtube", "@INETV"),
    ("youtube", "ine-tv.oficial"),
    ("whatsapp", "0029VaABCDEFGHIJKLMNOP12"),
]
BAD_HANDLES = [
    ("x", "INE Mexico"),  # space
    ("x", "INE-Mexico"),  # hyphen
    ("x", "A" * 16),  # too long
    ("x", ""),
    ("facebook", "INE"),  # too short
    ("facebook", "ine_mexico"),  # underscore
    ("facebook", "@INEMexico"),  # Facebook names carry no @
    ("instagram", "ine-cdmx"),
    ("instagram", "a" * 31),
    ("youtube", "ab"),
    ("youtube", "INE TV"),
    ("whatsapp", "0029Va"),  # too short for a channel id
    ("whatsapp", "0029-VaABCDEFGHIJKLMNOP12"),
]
GOOD_URLS = [
    ("x", "https://x.com/INEMexico"),
    ("x", "https://twitter.com/INEMexico"),
    ("x", "https://www.x.com/INEMexico"),
    ("facebook", "https://www.facebook.com/INEMexico"),
    ("facebook", "https://fb.com/INEMexico"),
    ("instagram", "https://www.instagram.com/ine.cdmx"),
    ("youtube", "https://www.youtube.com/@INETV"),
    ("whatsapp", "https://whatsapp.com/channel/0029VaABCDEFGHIJKLMNOP12"),
]
BAD_URLS = [
    ("x", "http://x.com/INEMexico"),  # not https
    ("x", "https://x.com.falso.mx/INEMexico"),  # a look-alike domain
    ("x", "https://notx.com/INEMexico"),
    ("x", "https://www.facebook.com/INEMexico"),  # another network
    ("facebook", "https://facebook.com.mx/INEMexico"),
    ("facebook", "https://www.instagram.com/INEMexico"),
    ("instagram", "https://instagram.co/ine.cdmx"),
    ("youtube", "https://youtu.be/INETV"),
    ("whatsapp", "https://wa.me/525512345678"),
    ("whatsapp", "javascript:alert(1)"),
]


@pytest.mark.parametrize("code, handle", GOOD_HANDLES)
def test_good_handles_are_accepted(code, handle):
    catalogue_network(code).validate_handle(handle)


@pytest.mark.parametrize("code, handle", BAD_HANDLES)
def test_bad_handles_are_refused_in_spanish(code, handle):
    network = catalogue_network(code)
    with pytest.raises(ValidationError) as exc:
        network.validate_handle(handle)
    assert exc.value.messages == [
        f"«{handle}» no es un nombre de usuario válido en {network.name}: {network.handle_help}."
    ]


@pytest.mark.parametrize("code, url", GOOD_URLS)
def test_good_addresses_are_accepted(code, url):
    catalogue_network(code).validate_url(url)


@pytest.mark.parametrize("code, url", BAD_URLS)
def test_bad_addresses_are_refused_in_spanish(code, url):
    network = catalogue_network(code)
    with pytest.raises(ValidationError) as exc:
        network.validate_url(url)
    assert f"La dirección {url} no es de {network.name}: debe empezar con https://" in exc.value.messages[0]


def test_the_catalogue_networks_validate_the_same_once_loaded(db):
    from accounts.catalogue import load_catalogue

    load_catalogue()
    for code, handle in GOOD_HANDLES:
        Network.objects.get(code=code).validate_handle(handle)
    for code, handle in BAD_HANDLES:
        with pytest.raises(ValidationError):
            Network.objects.get(code=code).validate_handle(handle)


@pytest.mark.django_db
def test_an_account_stores_the_handle_without_its_prefix():
    account = services.create_account(
        organ=OrganFactory(),
        network=NetworkFactory(),
        name="INE Jalisco",
        purpose="Difusión",
        handle="@INEJalisco",
        url="https://x.com/INEJalisco",
        status=Account.Status.ACTIVE,
        by=None,
    )
    assert account.handle == "INEJalisco"
    assert account.display_handle == "@INEJalisco"


@pytest.mark.django_db
def test_an_account_with_a_bad_handle_and_address_is_not_created():
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            organ=OrganFactory(),
            network=NetworkFactory(),
            name="Cuenta",
            purpose="Difusión",
            handle="no válido",
            url="https://www.facebook.com/INE",
            by=None,
        )
    assert set(exc.value.message_dict) == {"handle", "url"}
    assert Account.objects.count() == 0
    assert AccountStatusChange.objects.count() == 0


# --- Institutional e-mail addresses ----------------------------------------------------------


@pytest.mark.parametrize(
    "email, ok",
    [
        ("redes.jalisco@ine.mx", True),
        ("REDES@INE.MX", True),
        ("redes@gmail.com", False),
        ("redes@ife.org.mx", False),
        ("redes@ine.mx.falso.com", False),
        ("redes@sub.ine.mx", False),
    ],
)
@pytest.mark.django_db
def test_registration_email_must_be_institutional(email, ok):
    account = AccountFactory.build(organ=OrganFactory(), network=NetworkFactory(), registration_email=email)
    if ok:
        account.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            account.full_clean()
        assert exc.value.message_dict["registration_email"][0] == (
            f"La dirección {email} no es institucional: debe terminar en @ine.mx."
        )


@pytest.mark.django_db
def test_a_malformed_registration_email_is_refused_in_spanish():
    account = AccountFactory.build(
        organ=OrganFactory(), network=NetworkFactory(), registration_email="redes@ine.mx@gmail.com"
    )
    with pytest.raises(ValidationError) as exc:
        account.full_clean()
    assert "Introduzca una dirección de correo electrónico válida." in exc.value.message_dict["registration_email"]


@pytest.mark.parametrize("email, ok", [("ana.torres@ine.mx", True), ("ana.torres@hotmail.com", False)])
@pytest.mark.django_db
def test_staff_email_must_be_institutional(email, ok):
    user = User(username="ana", email=email, password="x")
    if ok:
        user.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            user.full_clean()
        assert "no es institucional" in exc.value.message_dict["email"][0]


# --- One live account per handle and network ---------------------------------------------------


@pytest.mark.parametrize("handle", ["INEPrueba", "ineprueba", "@INEPRUEBA"])
def test_a_live_handle_cannot_be_registered_twice_on_a_network(cast, handle):
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            organ=cast.other_organ,
            network=cast.network,
            name="Copia",
            purpose="Difusión",
            handle=handle,
            url="https://x.com/INEPrueba",
            status=Account.Status.ACTIVE,
            by=None,
        )
    assert "Ya existe una cuenta vigente con ese nombre de usuario en esa red." in exc.value.messages
    assert Account.objects.filter(handle__iexact="INEPrueba").count() == 1


def test_the_database_refuses_a_duplicate_live_handle(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(organ=cast.other_organ, network=cast.network, handle="ineprueba")


def test_a_closed_accounts_handle_may_be_reused(cast):
    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs)
    reborn = services.create_account(
        organ=cast.organ,
        network=cast.network,
        name="INE Prueba",
        purpose="Difusión",
        handle="INEPrueba",
        url="https://x.com/INEPrueba",
        status=Account.Status.ACTIVE,
        by=cast.cncs,
    )
    assert Account.objects.filter(handle="INEPrueba").count() == 2
    assert reborn.status == Account.Status.ACTIVE


def test_the_same_handle_on_another_network_is_fine(cast):
    facebook = NetworkFactory(
        code="facebook",
        name="Facebook",
        handle_prefix="",
        handle_pattern=r"[A-Za-z0-9.]{5,50}",
        url_hosts="facebook.com",
    )
    account = services.create_account(
        organ=cast.organ,
        network=facebook,
        name="INE Prueba",
        purpose="Difusión",
        handle="INEPrueba",
        url="https://www.facebook.com/INEPrueba",
        by=cast.admin,
    )
    assert account.pk


# --- Status transitions ------------------------------------------------------------------------

ALLOWED = sorted((a, b) for a, targets in Account.TRANSITIONS.items() for b in targets)
FORBIDDEN = sorted(
    (a, b) for a in Account.Status.values for b in Account.Status.values if a != b and b not in Account.TRANSITIONS[a]
)


@pytest.mark.parametrize("from_status, to_status", ALLOWED)
def test_allowed_transitions_succeed_and_are_recorded(cast, from_status, to_status):
    account = AccountFactory(organ=cast.organ, network=cast.network, status=from_status)
    services.change_account_status(account_id=account.pk, to_status=to_status, by=cast.cncs, comment="Motivo")
    account.refresh_from_db()
    assert account.status == to_status
    change = AccountStatusChange.objects.get(account=account)
    assert (change.from_status, change.to_status, change.changed_by, change.comment) == (
        from_status,
        to_status,
        cast.cncs,
        "Motivo",
    )
    if to_status == Account.Status.CLOSED:
        assert account.closed_at is not None


@pytest.mark.parametrize("from_status, to_status", FORBIDDEN)
def test_forbidden_transitions_raise_in_spanish_and_change_nothing(cast, from_status, to_status):
    account = AccountFactory(organ=cast.organ, network=cast.network, status=from_status)
    with pytest.raises(InvalidTransition) as exc:
        services.change_account_status(account_id=account.pk, to_status=to_status, by=cast.cncs)
    from_label = Account.Status(from_status).label.lower()
    to_label = Account.Status(to_status).label.lower()
    assert exc.value.messages == [f"La cuenta está {from_label} y no puede pasar a {to_label}."]
    account.refresh_from_db()
    assert account.status == from_status
    assert not AccountStatusChange.objects.filter(account=account).exists()


@pytest.mark.parametrize("status", Account.Status.values)
def test_moving_to_the_status_it_already_has_is_refused(cast, status):
    account = AccountFactory(organ=cast.organ, network=cast.network, status=status)
    with pytest.raises(InvalidTransition) as exc:
        services.change_account_status(account_id=account.pk, to_status=status, by=cast.cncs)
    assert exc.value.messages == [f"La cuenta ya está {Account.Status(status).label.lower()}."]
    assert not AccountStatusChange.objects.filter(account=account).exists()


def test_activation_sets_the_activation_and_password_due_dates(cast):
    account = AccountFactory(organ=cast.organ, network=cast.network, status="approved", activated_at=None)
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=MEXICO), tick=False):
        services.change_account_status(account_id=account.pk, to_status=Account.Status.ACTIVE, by=cast.admin)
    account.refresh_from_db()
    assert account.activated_at == datetime(2026, 3, 15, 12, tzinfo=MEXICO)
    assert account.password_rotation_due_on == date(2026, 5, 15)


@pytest.mark.parametrize("missing", ["handle", "url"])
def test_an_active_account_needs_handle_and_url(cast, missing):
    account = AccountFactory(organ=cast.organ, network=cast.network, status="approved", **{missing: ""})
    with pytest.raises(ValidationError) as exc:
        services.change_account_status(account_id=account.pk, to_status=Account.Status.ACTIVE, by=cast.admin)
    assert exc.value.message_dict[missing] == ["Una cuenta activa debe tener este dato."]
    account.refresh_from_db()
    assert account.status == Account.Status.APPROVED
    assert not AccountStatusChange.objects.filter(account=account).exists()


def test_an_account_cannot_be_created_active_without_handle(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_account(
            organ=cast.organ,
            network=cast.network,
            name="Sin usuario",
            purpose="Difusión",
            status=Account.Status.ACTIVE,
            by=cast.cncs,
        )
    assert set(exc.value.message_dict) == {"handle", "url"}


def test_activation_may_register_the_handle_in_the_same_step(cast):
    account = AccountFactory(organ=cast.organ, network=cast.network, status="approved", handle="", url="")
    services.change_account_status(
        account_id=account.pk,
        to_status=Account.Status.ACTIVE,
        by=cast.admin,
        handle="@INENueva",
        url="https://x.com/INENueva",
    )
    account.refresh_from_db()
    assert (account.status, account.handle, account.url) == ("active", "INENueva", "https://x.com/INENueva")


def test_creating_an_account_records_its_first_status(cast):
    account = services.create_account(
        organ=cast.organ, network=cast.network, name="Nueva", purpose="Difusión", by=cast.titular
    )
    change = AccountStatusChange.objects.get(account=account)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "requested", cast.titular)


# --- Account details and history ---------------------------------------------------------------


def test_history_keeps_who_changed_what(cast):
    services.update_account_details(account_id=cast.account.pk, by=cast.admin, name="INE Prueba Oficial")
    record = cast.account.history.first()
    assert record.history_user == cast.admin
    delta = record.diff_against(record.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", cast.account.name, "INE Prueba Oficial")]


def test_unchanged_details_write_no_history(cast):
    before = cast.account.history.count()
    services.update_account_details(account_id=cast.account.pk, by=cast.admin, name=cast.account.name)
    assert cast.account.history.count() == before


def test_typing_the_handle_with_its_prefix_is_not_a_change(cast):
    before = cast.account.history.count()
    services.update_account_details(account_id=cast.account.pk, by=cast.cncs, handle="@INEPrueba")
    assert cast.account.history.count() == before
    cast.account.refresh_from_db()
    assert cast.account.handle == "INEPrueba"


def test_status_changes_appear_in_history_with_who(cast):
    services.change_account_status(account_id=cast.account.pk, to_status="compromised", by=cast.admin)
    record = cast.account.history.first()
    assert (record.status, record.history_user) == ("compromised", cast.admin)


@pytest.mark.parametrize("role", ["titular", "unicom", "other_admin"])
def test_only_operators_and_cncs_update_details(cast, role):
    with pytest.raises(PermissionDenied):
        services.update_account_details(account_id=cast.account.pk, by=getattr(cast, role), name="Cambio")
    cast.account.refresh_from_db()
    assert cast.account.name != "Cambio"


def test_the_detail_page_shows_who_changed_what(client, cast):
    client.force_login(cast.admin)
    client.post(
        reverse("accounts:edit", args=[cast.account.pk]),
        {"name": "INE Prueba Oficial", "handle": "INEPrueba", "url": "https://x.com/INEPrueba"}
        | {"registration_email": "redes@ine.mx", "verification_status": "not_requested"},
    )
    assert cast.account.history.first().history_user == cast.admin
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert "«INE Prueba Oficial»" in body
    assert str(cast.admin) in body


def test_the_edit_form_refuses_a_bad_address_in_spanish(client, cast):
    client.force_login(cast.cncs)
    response = client.post(
        reverse("accounts:edit", args=[cast.account.pk]),
        {
            "name": "Nombre nuevo",
            "handle": "INEPrueba",
            "url": "https://www.facebook.com/INEPrueba",
            "registration_email": "redes@ine.mx",
            "verification_status": "not_requested",
        },
    )
    assert response.status_code == 200
    assert "no es de X (Twitter): debe empezar con https://" in response.content.decode()
    cast.account.refresh_from_db()
    assert (cast.account.name, cast.account.url) != ("Nombre nuevo", "https://www.facebook.com/INEPrueba")
    assert cast.account.url == "https://x.com/INEPrueba"


# --- Out-of-office periods (§5.1) -------------------------------------------------------------


def _period(cast, **overrides):
    data = {
        "account_id": cast.account.pk,
        "by": cast.admin,
        "starts_on": timezone.localdate() + timedelta(days=20),
        "ends_on": timezone.localdate() + timedelta(days=30),
        "reason": "Periodo vacacional de invierno",
        "attention_hours": "Se responde de 10:00 a 12:00 h",
        "monitor": cast.suplente,
    } | overrides
    return services.add_out_of_office_period(**data)


def test_an_out_of_office_period_is_recorded(cast):
    period = _period(cast)
    assert (period.monitor, period.created_by) == (cast.suplente, cast.admin)


def test_an_out_of_office_period_ending_before_it_starts_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _period(cast, starts_on=timezone.localdate() + timedelta(days=20), ends_on=timezone.localdate())
    assert "La fecha final no puede ser anterior a la inicial." in exc.value.messages
    assert OutOfOfficePeriod.objects.count() == 0


def test_a_one_day_period_is_fine(cast):
    day = timezone.localdate() + timedelta(days=20)
    assert _period(cast, starts_on=day, ends_on=day).pk


@pytest.mark.parametrize("monitor", ["titular", "staff", "other_admin", "cncs"])
def test_the_monitor_must_be_an_administrator_of_the_organ(cast, monitor):
    with pytest.raises(ValidationError) as exc:
        _period(cast, monitor=getattr(cast, monitor))
    assert exc.value.message_dict["monitor"] == ["Quien monitorea debe ser administrador designado del órgano."]
    assert OutOfOfficePeriod.objects.count() == 0


def test_only_operators_record_out_of_office_periods(cast):
    with pytest.raises(PermissionDenied):
        _period(cast, by=cast.titular)
    assert OutOfOfficePeriod.objects.count() == 0


# --- Password rotation (approved rule: every two months) -------------------------------------


def test_no_model_field_or_form_field_holds_a_social_network_password():
    for model in apps.get_app_config("accounts").get_models():
        if model is User:
            continue  # the person's own login hash, never a network's password
        for field in model._meta.get_fields():
            name = field.name.lower()
            if isinstance(field, models.CharField | models.TextField):
                assert "password" not in name and "contrase" not in name, f"{model.__name__}.{field.name}"
    assert set(PasswordRotationForm.base_fields) == {"rotated_at", "meets_policy"}


def test_the_rotation_page_has_no_password_input(client, cast):
    client.force_login(cast.admin)
    body = client.get(reverse("accounts:rotation_add", args=[cast.account.pk])).content.decode()
    assert 'type="password"' not in body
    assert "No escriba la contraseña aquí." in body


def test_the_attestation_is_required(cast):
    with pytest.raises(ValidationError) as exc:
        services.record_password_rotation(account_id=cast.account.pk, by=cast.admin, meets_policy=False)
    assert exc.value.message_dict["meets_policy"] == ["Debe confirmar que la nueva contraseña cumple la política."]
    assert PasswordRotation.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_the_database_refuses_a_rotation_without_attestation(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        PasswordRotation.objects.create(account=cast.account, rotated_by=cast.admin, meets_policy=False)


@pytest.mark.parametrize(
    "rotated_at, due_on",
    [
        (datetime(2025, 12, 31, 12, 0, tzinfo=MEXICO), date(2026, 2, 28)),
        (datetime(2027, 12, 31, 12, 0, tzinfo=MEXICO), date(2028, 2, 29)),  # leap year
        (datetime(2025, 12, 31, 23, 30, tzinfo=MEXICO), date(2026, 2, 28)),  # already 1 Jan in UTC
        (datetime(2026, 8, 31, 9, 0, tzinfo=MEXICO), date(2026, 10, 31)),
        (datetime(2026, 10, 31, 9, 0, tzinfo=MEXICO), date(2026, 12, 31)),
        (datetime(2026, 3, 15, 9, 0, tzinfo=MEXICO), date(2026, 5, 15)),
    ],
)
def test_the_next_rotation_is_due_two_calendar_months_later(cast, rotated_at, due_on):
    active_since(cast.account, datetime(2025, 1, 1, tzinfo=MEXICO))
    with time_machine.travel(rotated_at + timedelta(hours=1), tick=False):
        services.record_password_rotation(
            account_id=cast.account.pk, by=cast.admin, rotated_at=rotated_at, meets_policy=True
        )
    cast.account.refresh_from_db()
    assert cast.account.last_password_rotation_at == rotated_at
    assert cast.account.password_rotation_due_on == due_on


def test_a_rotation_writes_a_bitacora_entry(cast):
    rotation = services.record_password_rotation(account_id=cast.account.pk, by=cast.suplente, meets_policy=True)
    entry = LogEntry.objects.get(account=cast.account)
    assert entry.kind == LogEntry.Kind.PASSWORD_ROTATED
    assert entry.author == cast.suplente
    assert entry.occurred_at == rotation.rotated_at
    assert "cumple la política" in entry.text


def test_an_older_rotation_recorded_late_does_not_move_the_due_date_back(cast):
    active_since(cast.account, timezone.now() - timedelta(days=100))
    now = timezone.now()
    services.record_password_rotation(account_id=cast.account.pk, by=cast.admin, meets_policy=True, rotated_at=now)
    due = Account.objects.get(pk=cast.account.pk).password_rotation_due_on
    services.record_password_rotation(
        account_id=cast.account.pk, by=cast.admin, meets_policy=True, rotated_at=now - timedelta(days=40)
    )
    assert Account.objects.get(pk=cast.account.pk).password_rotation_due_on == due
    assert PasswordRotation.objects.count() == 2


def test_a_rotation_in_the_future_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.record_password_rotation(
            account_id=cast.account.pk, by=cast.admin, meets_policy=True, rotated_at=timezone.now() + timedelta(days=2)
        )
    assert "rotated_at" in exc.value.message_dict
    assert PasswordRotation.objects.count() == 0


@pytest.mark.parametrize("role", ["titular", "cncs", "other_admin"])
def test_only_operators_record_rotations(cast, role):
    with pytest.raises(PermissionDenied):
        services.record_password_rotation(account_id=cast.account.pk, by=getattr(cast, role), meets_policy=True)
    assert PasswordRotation.objects.count() == 0
    cast.account.refresh_from_db()
    assert cast.account.last_password_rotation_at is None


# --- Possibly abandoned accounts (§7.viii) -----------------------------------------------------


def test_an_idle_account_is_flagged_once_and_its_people_notified(cast):
    now = timezone.now()
    idle_since = now - timedelta(days=settings.ABANDONED_ACCOUNT_DAYS + 1)
    Account.objects.filter(pk=cast.account.pk).update(last_activity_at=idle_since)
    Account.objects.filter(pk=cast.other_account.pk).update(last_activity_at=now - timedelta(days=3))

    assert services.flag_abandoned_accounts(now) == 1
    cast.account.refresh_from_db()
    assert cast.account.flagged_abandoned_at == now
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"cncs", "titular", "admin_titular", "admin_suplente"}
    note = Notification.objects.get(recipient=cast.cncs)
    assert note.kind == "account.possibly_abandoned"
    assert f"no registra actividad en su bitácora desde hace más de {settings.ABANDONED_ACCOUNT_DAYS} días" in note.body

    assert services.flag_abandoned_accounts(now + timedelta(days=1)) == 0
    assert Notification.objects.count() == 4
    cast.account.refresh_from_db()
    assert cast.account.flagged_abandoned_at == now


def test_an_account_never_used_since_long_ago_is_flagged(cast):
    now = timezone.now()
    Account.objects.filter(pk=cast.account.pk).update(activated_at=now - timedelta(days=200), last_activity_at=None)
    assert services.flag_abandoned_accounts(now) == 1


def test_a_recently_activated_account_is_not_flagged(cast):
    assert services.flag_abandoned_accounts() == 0  # the cast's accounts were activated just now
    assert Notification.objects.count() == 0


def test_closed_and_requested_accounts_are_not_flagged(cast):
    long_ago = timezone.now() - timedelta(days=400)
    for status in ("closed", "requested", "approved"):
        AccountFactory(organ=cast.organ, network=cast.network, status=status, last_activity_at=long_ago)
    assert services.flag_abandoned_accounts() == 0


def test_a_new_entry_after_the_flag_allows_a_new_flag_later(cast):
    now = timezone.now()
    Account.objects.filter(pk=cast.account.pk).update(last_activity_at=now - timedelta(days=100))
    assert services.flag_abandoned_accounts(now) == 1
    services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind="publication", text="De vuelta")
    assert services.flag_abandoned_accounts(now + timedelta(days=30)) == 0
    cast.account.refresh_from_db()
    assert cast.account.flagged_abandoned_at is None
    later = now + timedelta(days=settings.ABANDONED_ACCOUNT_DAYS + 1)
    services.flag_abandoned_accounts(later)
    cast.account.refresh_from_db()
    assert cast.account.flagged_abandoned_at == later


def test_the_beat_task_flags(cast):
    from accounts.tasks import flag_abandoned_accounts

    Account.objects.filter(pk=cast.account.pk).update(last_activity_at=timezone.now() - timedelta(days=100))
    assert flag_abandoned_accounts.delay().get() == 1
    assert flag_abandoned_accounts.delay().get() == 0


# --- Two people change the same account at once (PostgreSQL, real threads) ----------------------


def _race(account_id: int, people: list[User], to_status: str) -> list[object]:
    """Each person asks for the same status at once: "won", or the exception they got."""
    real_full_clean = Account.full_clean

    def slow_full_clean(self, *args, **kwargs):
        # Holding the row lock a moment longer makes sure the others queue behind it.
        real_full_clean(self, *args, **kwargs)
        threading.Event().wait(0.2)

    def change(person):
        return lambda: services.change_account_status(account_id=account_id, to_status=to_status, by=person)

    with mock.patch.object(Account, "full_clean", slow_full_clean):
        outcomes = run_together(*[change(p) for p in people], timeout=30)
    return ["won" if kind == "ok" else value for kind, value in outcomes]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("people", [2, 4])
def test_two_people_closing_an_account_at_once_only_one_wins(people):
    account = AccountFactory(status=Account.Status.ACTIVE)
    closers = [UserFactory() for _ in range(people)]
    results = _race(account.pk, closers, Account.Status.CLOSED)
    assert results.count("won") == 1
    losers = [r for r in results if r != "won"]
    assert len(losers) == people - 1
    assert all(isinstance(r, InvalidTransition) for r in losers), losers
    assert AccountStatusChange.objects.filter(account=account).count() == 1
    account.refresh_from_db()
    assert account.status == Account.Status.CLOSED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_activations_write_one_audit_row():
    account = AccountFactory(status=Account.Status.APPROVED, activated_at=None)
    results = _race(account.pk, [UserFactory(), UserFactory()], Account.Status.ACTIVE)
    assert results.count("won") == 1
    assert isinstance(next(r for r in results if r != "won"), InvalidTransition)
    change = AccountStatusChange.objects.get(account=account)
    assert (change.from_status, change.to_status) == ("approved", "active")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_flag_and_notify_once():
    from accounts import access

    now = timezone.now()
    account = AccountFactory(status=Account.Status.ACTIVE, last_activity_at=now - timedelta(days=365))
    cncs = UserFactory(groups=[access.Group.CNCS])
    barrier = threading.Barrier(2)
    real_atomic = transaction.atomic

    waited = threading.local()

    def atomic_after_both_read(*args, **kwargs):
        # Both sweeps have read the same candidate before either claims it.
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=10)
        return real_atomic(*args, **kwargs)

    with mock.patch.object(services.transaction, "atomic", atomic_after_both_read):
        outcomes = run_together(*[lambda: services.flag_abandoned_accounts(now)] * 2, timeout=30)
    flagged = [value for _, value in outcomes]
    assert sorted(flagged) == [0, 1]
    assert Notification.objects.filter(recipient=cncs, kind="account.possibly_abandoned").count() == 1
    account.refresh_from_db()
    assert account.flagged_abandoned_at == now


def test_an_entry_written_after_the_candidates_were_read_keeps_the_account_unflagged(cast):
    """The claim re-checks activity: an account that came back to life is not flagged."""
    from unittest import mock

    from notifications.models import Notification

    Account.objects.filter(pk=cast.account.pk).update(
        last_activity_at=timezone.now() - timedelta(days=400), activated_at=timezone.now() - timedelta(days=500)
    )
    real_list = list

    def list_then_activity(iterable):
        rows = real_list(iterable)
        if rows and isinstance(rows[0], Account):
            Account.objects.filter(pk=cast.account.pk).update(last_activity_at=timezone.now())
        return rows

    with mock.patch("accounts.services.list", side_effect=list_then_activity, create=True):
        services.flag_abandoned_accounts()
    cast.account.refresh_from_db()
    assert cast.account.flagged_abandoned_at is None
    assert not Notification.objects.filter(kind="account.possibly_abandoned").exists()
