"""The Django admin is no back door: what a superuser changes there goes through the same
services as the web pages, with the same history, notifications and refusals."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Account, Designation, Network, OutOfOfficePeriod, PositionLevel
from accounts.tests.factories import UserFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(cast):
    return UserFactory(username="raiz", organ=cast.organ, is_superuser=True, is_staff=True)


@pytest.fixture
def root(client, superuser):
    client.force_login(superuser)
    return client


def _refusals(response, field: str | None = None) -> list[str]:
    """The errors of the admin form shown again after a service refused (``field``'s, or all)."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    return errors.get(field, []) if field else [message for messages in errors.values() for message in messages]


def _value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return getattr(value, "pk", value)


def _field_data(form, name: str) -> dict:
    """What a field's widget posts, in each of its parts for a split date and time."""
    value, widget = form[name].value(), form.fields[name].widget
    if isinstance(widget, MultiWidget):
        return {f"{name}_{i}": _value(part) for i, part in enumerate(widget.decompress(value))}
    return {name: _value(value)}


def _form_data(client, page: str, **changes) -> dict:
    """What the admin's change form would post back unchanged, plus ``changes``."""
    context = client.get(page).context
    form = context["adminform"].form
    data = {key: value for name in form.fields for key, value in _field_data(form, name).items()}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for subform in formset.forms:
            data.update({subform.add_prefix(n): _value(subform[n].value()) for n in subform.fields})
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _change_url(obj) -> str:
    return reverse(f"admin:accounts_{obj._meta.model_name}_change", args=[obj.pk])


# --- Accounts: services.update_account_details -------------------------------------------------


def test_an_identity_change_in_the_admin_is_saved_by_the_service(root, cast, superuser):
    url = _change_url(cast.account)
    response = root.post(url, _form_data(root, url, handle="@INENuevo", url="https://x.com/INENuevo"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.account.refresh_from_db()
    assert (cast.account.handle, cast.account.url) == ("INENuevo", "https://x.com/INENuevo")
    latest = cast.account.history.first()
    assert latest.history_user == superuser
    assert {c.field for c in latest.diff_against(latest.prev_record).changes} == {"handle", "url"}


def test_saving_the_admin_form_unchanged_writes_no_history_like_the_web_page(root, client, cast):
    url = _change_url(cast.account)
    before = cast.account.history.count()
    assert root.post(url, _form_data(root, url)).status_code == 302
    client.force_login(cast.cncs)
    web = {
        f: getattr(cast.account, f)
        for f in ("name", "handle", "url", "registration_email", "attention_hours", "verification_status")
    }
    assert client.post(reverse("accounts:edit", args=[cast.account.pk]), web).status_code == 302
    assert cast.account.history.count() == before


def test_the_admin_offers_only_the_fields_the_service_lets_change(root, cast):
    form = root.get(_change_url(cast.account)).context["adminform"].form
    assert set(form.fields) == {"name", "handle", "url", "registration_email", "attention_hours", "verification_status"}


def test_a_closed_accounts_identity_cannot_be_changed_in_the_admin(root, cast):
    services.change_account_status(account_id=cast.account.pk, to_status=Account.Status.CLOSED, by=cast.cncs)
    url = _change_url(cast.account)
    assert not root.get(url).context["adminform"].form.fields
    data = _form_data(root, url, handle="Reutilizada", url="https://x.com/Reutilizada")
    response = root.post(url, data)
    assert "No puede editar los datos de esta cuenta." in _refusals(response)
    cast.account.refresh_from_db()
    assert cast.account.handle == "INEPrueba"


def test_an_account_is_neither_added_nor_deleted_in_the_admin(root, cast):
    assert root.get(reverse("admin:accounts_account_add")).status_code == 403
    assert (
        root.post(reverse("admin:accounts_account_delete", args=[cast.account.pk]), {"post": "yes"}).status_code == 403
    )
    assert Account.objects.filter(pk=cast.account.pk).exists()


def test_an_old_version_cannot_be_restored_from_the_history(root, cast):
    services.update_account_details(
        account_id=cast.account.pk, by=cast.cncs, handle="INENuevo", url="https://x.com/INENuevo"
    )
    old = cast.account.history.last()
    url = reverse("admin:accounts_account_simple_history", args=[cast.account.pk, old.history_id])
    assert root.post(url, _form_data(root, _change_url(cast.account))).status_code == 403
    designation = Designation.objects.filter(organ=cast.organ).first()
    url = reverse("admin:accounts_designation_simple_history", args=[designation.pk, designation.history.first().pk])
    assert root.post(url, {"ends_at_0": "2020-01-01", "ends_at_1": "00:00"}).status_code == 403
    cast.account.refresh_from_db()
    assert cast.account.handle == "INENuevo"


# --- Organs: services.set_organ_head ---------------------------------------------------------


def test_changing_an_organs_titular_in_the_admin_is_recorded_and_notified(root, cast, superuser):
    url = _change_url(cast.organ)
    response = root.post(url, _form_data(root, url, head=cast.staff.pk))
    assert response.status_code == 302
    cast.organ.refresh_from_db()
    assert cast.organ.head == cast.staff
    latest = cast.organ.history.first()
    assert (latest.history_user, latest.head_id) == (superuser, cast.staff.pk)
    told = set(Notification.objects.filter(kind="organ.head_changed").values_list("recipient__username", flat=True))
    assert told == {"cncs", "presidente", "secretario", "personal", "titular"}


def test_a_titular_from_another_organ_is_refused_in_spanish_and_nothing_is_saved(root, cast):
    url = _change_url(cast.organ)
    response = root.post(url, _form_data(root, url, head=cast.other_admin.pk, name="Nombre cambiado"))
    assert any("no pertenece a" in m for m in _refusals(response, "head"))
    cast.organ.refresh_from_db()
    assert (cast.organ.head, cast.organ.name) == (cast.titular, "Junta Local Ejecutiva de prueba")
    assert not Notification.objects.filter(kind="organ.head_changed").exists()


def test_a_refusal_shows_the_form_again_with_what_was_typed(root, cast):
    url = _change_url(cast.organ)
    response = root.post(url, _form_data(root, url, head=cast.other_admin.pk, name="Nombre cambiado"))
    form = response.context["adminform"].form
    assert (form["name"].value(), str(form["head"].value())) == ("Nombre cambiado", str(cast.other_admin.pk))
    assert "Nombre cambiado" in response.content.decode()


def test_a_new_organ_gets_its_titular_afterwards_through_the_service(root):
    response = root.get(reverse("admin:accounts_organ_add"))
    assert "head" not in response.context["adminform"].form.fields


def test_only_the_system_administration_changes_an_organs_titular(cast):
    with pytest.raises(PermissionDenied):
        services.set_organ_head(organ_id=cast.organ.pk, head=cast.staff, by=cast.cncs)
    cast.organ.refresh_from_db()
    assert cast.organ.head == cast.titular


def test_a_person_heads_one_organ_only(cast, superuser):
    cast.titular.organ = cast.other_organ
    cast.titular.save()
    with pytest.raises(ValidationError) as refused:
        services.set_organ_head(organ_id=cast.other_organ.pk, head=cast.titular, by=superuser)
    assert "ya es titular de Junta Local Ejecutiva de prueba" in refused.value.messages[0]


def test_an_inactive_person_cannot_head_an_organ(cast, superuser):
    cast.staff.is_active = False
    cast.staff.save()
    with pytest.raises(ValidationError):
        services.set_organ_head(organ_id=cast.organ.pk, head=cast.staff, by=superuser)


def test_naming_the_same_titular_again_changes_nothing(cast, superuser):
    before = cast.organ.history.count()
    services.set_organ_head(organ_id=cast.organ.pk, head=cast.titular, by=superuser)
    assert cast.organ.history.count() == before
    assert not Notification.objects.exists()


def test_an_organ_may_be_left_without_titular(cast, superuser):
    services.set_organ_head(organ_id=cast.organ.pk, head=None, by=superuser)
    cast.organ.refresh_from_db()
    assert cast.organ.head is None
    assert "a nadie (antes: " in Notification.objects.filter(recipient=cast.titular).get().body


# --- Out-of-office periods: services.add_out_of_office_period ----------------------------------


def _period(account: Account, monitor) -> dict:
    return {
        "account": account.pk,
        "starts_on": timezone.localdate() + timedelta(days=20),
        "ends_on": timezone.localdate() + timedelta(days=30),
        "reason": "Vacaciones de invierno",
        "attention_hours": "Lunes a viernes de 10 a 14 h",
        "monitor": monitor.pk,
    }


def test_a_superuser_who_does_not_operate_the_account_cannot_add_a_period(root, cast):
    response = root.post(reverse("admin:accounts_outofofficeperiod_add"), _period(cast.account, cast.admin))
    assert "Solo los administradores designados del órgano operan esta cuenta." in _refusals(response)
    assert not OutOfOfficePeriod.objects.exists()


def test_a_period_added_in_the_admin_is_the_one_the_account_page_adds(client, cast):
    cast.admin.is_superuser = cast.admin.is_staff = True
    cast.admin.save()
    client.force_login(cast.admin)
    response = client.post(reverse("admin:accounts_outofofficeperiod_add"), _period(cast.account, cast.suplente))
    assert response.status_code == 302
    period = OutOfOfficePeriod.objects.get()
    assert (period.created_by, period.monitor) == (cast.admin, cast.suplente)


def test_the_admin_keeps_the_monitor_rule(client, cast):
    cast.admin.is_superuser = cast.admin.is_staff = True
    cast.admin.save()
    client.force_login(cast.admin)
    response = client.post(reverse("admin:accounts_outofofficeperiod_add"), _period(cast.account, cast.staff))
    assert _refusals(response, "monitor") == ["Quien monitorea debe ser administrador designado del órgano."]
    assert not OutOfOfficePeriod.objects.exists()


def test_a_period_is_a_record_once_added(root, cast):
    period = services.add_out_of_office_period(
        account_id=cast.account.pk,
        by=cast.admin,
        monitor=cast.suplente,
        **{k: v for k, v in _period(cast.account, cast.suplente).items() if k not in ("account", "monitor")},
    )
    url = _change_url(period)
    assert root.post(url, {**_period(cast.account, cast.admin), "reason": "Otro"}).status_code == 403
    delete = reverse("admin:accounts_outofofficeperiod_delete", args=[period.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 403
    period.refresh_from_db()
    assert period.reason == "Vacaciones de invierno"


# --- People: services.update_staff_assignment --------------------------------------------------


def test_moving_an_organs_titular_in_the_admin_ends_the_headship_with_history_and_notice(root, cast, superuser):
    url = _change_url(cast.titular)
    response = root.post(url, _form_data(root, url, organ=cast.other_organ.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.organ.refresh_from_db()
    assert cast.organ.head is None
    latest = cast.organ.history.first()
    assert (latest.head_id, latest.history_user) == (None, superuser)
    told = set(Notification.objects.filter(kind="organ.head_changed").values_list("recipient__username", flat=True))
    assert told == {"cncs", "presidente", "secretario", "titular"}


def test_moving_an_administrator_in_the_admin_ends_the_designation(root, cast, superuser):
    url = _change_url(cast.admin)
    response = root.post(url, _form_data(root, url, organ=cast.other_organ.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    designation = Designation.objects.get(user=cast.admin)
    assert (designation.ends_at is not None, designation.ended_by) == (True, superuser)
    assert Notification.objects.filter(kind="designation.changed", recipient=cast.cncs).exists()


def test_deactivating_in_the_admin_ends_the_headship_and_the_designation(root, cast, superuser):
    Designation.objects.filter(user=cast.admin).delete()
    Designation.objects.create(organ=cast.organ, user=cast.titular, role=Designation.Role.TITULAR)
    url = _change_url(cast.titular)
    data = _form_data(root, url)
    del data["is_active"]  # an unticked box is not posted
    response = root.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.organ.refresh_from_db()
    assert cast.organ.head is None
    assert Designation.objects.get(user=cast.titular).ends_at is not None
    assert {"designation.changed", "organ.head_changed"} <= set(Notification.objects.values_list("kind", flat=True))


def test_lowering_a_titular_administrator_in_the_admin_is_refused_in_spanish_and_nothing_changes(root, cast):
    url = _change_url(cast.admin)
    data = _form_data(root, url, position_level=PositionLevel.OPERATIVO, job_title="Otro cargo")
    response = root.post(url, data)
    [refusal] = _refusals(response, "position_level")
    assert "debe designar a otra persona como administrador titular" in refusal
    assert response.context["adminform"].form["job_title"].value() == "Otro cargo"
    cast.admin.refresh_from_db()
    assert (cast.admin.position_level, cast.admin.job_title) == (PositionLevel.MANDO_MEDIO, "Servidor público")
    assert Designation.objects.get(user=cast.admin).ends_at is None
    assert not Notification.objects.exists()


def test_a_persons_other_fields_are_saved_as_before(root, cast):
    url = _change_url(cast.staff)
    response = root.post(url, _form_data(root, url, job_title="Jefe de departamento"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.staff.refresh_from_db()
    assert cast.staff.job_title == "Jefe de departamento"
    assert not Notification.objects.exists()


def test_a_person_is_deactivated_not_deleted_in_the_admin(root, cast):
    assert root.post(reverse("admin:accounts_user_delete", args=[cast.titular.pk]), {"post": "yes"}).status_code == 403
    cast.organ.refresh_from_db()
    assert cast.organ.head == cast.titular


# --- Networks: what the public lookup trusts ---------------------------------------------------


def test_a_networks_identity_fields_are_read_only_once_it_exists(root, cast):
    url = _change_url(cast.network)
    form = root.get(url).context["adminform"].form
    assert not {"code", "handle_prefix", "handle_pattern", "url_hosts"} & set(form.fields)
    response = root.post(url, {**_form_data(root, url), "url_hosts": "ejemplo.mx", "code": "otra"})
    assert response.status_code == 302
    network = Network.objects.get(pk=cast.network.pk)
    assert (network.code, network.url_hosts) == ("x", "x.com,twitter.com")


def test_a_new_network_is_added_with_its_identity_fields(root):
    form = root.get(reverse("admin:accounts_network_add")).context["adminform"].form
    assert {"code", "handle_prefix", "handle_pattern", "url_hosts"} <= set(form.fields)
