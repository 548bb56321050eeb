"""Changes of a registered handle: proposed by the organ's administrators, confirmed or
rejected by CNCS, once; every refusal says why in Spanish and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services as account_services
from accounts.models import Account, Designation
from accounts.tests.concurrency import run_together
from accounts.tests.factories import AccountFactory, UserFactory, designate
from notifications.models import Notification
from registry import lookup, services
from registry.lookup import Status
from registry.models import HandleChange

pytestmark = pytest.mark.django_db


def _propose(world, by=None, account=None, **fields):
    data = {"new_handle": "INE_Jal", "new_url": "https://x.com/INE_Jal", "reason": "La red acortó el nombre."}
    data.update(fields)
    return services.propose_handle_change(account_id=(account or world.jalisco_x).pk, by=by or world.cast.admin, **data)


def _refused(world, field: str | None, message: str, **kwargs) -> None:
    before = HandleChange.objects.count()
    with pytest.raises(ValidationError) as exc:
        _propose(world, **kwargs)
    errors = exc.value.message_dict if field else {None: exc.value.messages}
    assert any(message in m for m in errors[field]), errors
    assert HandleChange.objects.count() == before
    world.jalisco_x.refresh_from_db()
    assert world.jalisco_x.handle == "INEJalisco"


# --- Proposing --------------------------------------------------------------------------------------


def test_an_administrator_proposes_and_cncs_is_told(world):
    change = _propose(world, new_handle="@INE_Jal")
    assert (change.old_handle, change.old_url) == ("INEJalisco", "https://x.com/INEJalisco")
    assert (change.new_handle, change.new_url, change.status) == ("INE_Jal", "https://x.com/INE_Jal", "proposed")
    assert change.proposed_by == world.cast.admin and change.decided_at is None
    told = Notification.objects.filter(kind="registry.handle_change_proposed")
    assert [n.recipient for n in told] == [world.cast.cncs]
    assert "@INEJalisco → @INE_Jal" in told[0].title


def test_the_suplente_may_propose_too(world):
    assert _propose(world, by=world.cast.suplente).proposed_by == world.cast.suplente


@pytest.mark.parametrize("role", ["titular", "cncs", "unicom", "president", "other_admin", "outsider", "consejero"])
def test_only_the_organs_administrators_propose(world, role):
    with pytest.raises(PermissionDenied):
        _propose(world, by=getattr(world.cast, role))
    assert not HandleChange.objects.exists()


def test_a_closed_account_takes_no_proposal(world):
    with pytest.raises(PermissionDenied):
        _propose(world, account=world.closed)


def test_a_reserved_handle_is_refused(world):
    _refused(world, "new_handle", "está reservado", new_handle="INEMexico", new_url="https://x.com/INEMexico")
    _refused(world, "new_handle", "está reservado", new_handle="@inetv", new_url="https://x.com/inetv")


@pytest.mark.parametrize("handle", ["INEMexic0", "INEMexico_MX", "lNETV", "INEteIMX"])
def test_a_look_alike_of_an_official_handle_is_refused(world, handle):
    # The public lookup flags it as a possible impersonation: the registry never vouches for one.
    _refused(world, "new_handle", "se parece al nombre de una cuenta oficial", new_handle=handle,
             new_url=f"https://x.com/{handle}")  # fmt: skip


def test_a_change_left_pending_on_a_closed_account_claims_nothing(world):
    other = AccountFactory(organ=world.jle, network=world.networks.x, handle="INEJalTmp", url="https://x.com/INEJalTmp")
    HandleChange.objects.create(
        account=other, old_handle="INEJalTmp", new_handle="INE_Jal", new_url="https://x.com/INE_Jal",
        reason="Prueba", proposed_by=world.cast.admin,
    )  # fmt: skip
    _refused(world, "new_handle", "Otra cuenta ya propuso")
    Account.objects.filter(pk=other.pk).update(status=Account.Status.CLOSED)
    assert _propose(world).new_handle == "INE_Jal"


def test_an_official_account_may_take_an_official_handle(world):
    youtube = world.official[2]
    person = UserFactory(organ=youtube.organ)
    designate(youtube.organ, person, Designation.Role.TITULAR)
    change = _propose(
        world, by=person, account=youtube, new_handle="INEMexico", new_url="https://www.youtube.com/@INEMexico"
    )
    assert change.new_handle == "INEMexico"


@pytest.mark.parametrize("handle", ["OtraCuenta", "otracuenta", "@OTRACUENTA"])
def test_a_handle_held_by_another_live_account_is_refused(world, handle):
    _refused(
        world,
        "new_handle",
        "Ya existe una cuenta vigente",
        new_handle=handle,
        new_url=f"https://x.com/{handle.lstrip('@')}",
    )


def test_a_handle_of_a_closed_account_is_free(world):
    AccountFactory(organ=world.jle, network=world.networks.x, handle="INE_Jal", status=Account.Status.CLOSED)
    assert _propose(world).new_handle == "INE_Jal"


def test_the_current_handle_is_not_a_change(world):
    _refused(world, "new_handle", "ya tiene registrado", new_handle="@inejalisco", new_url="https://x.com/INEJalisco")


@pytest.mark.parametrize(
    "url, message",
    [
        ("https://x.com/OtroPerfil", "no lleva a @INE_Jal"),
        ("https://ejemplo.com/INE_Jal", "no es de X (Twitter)"),
        ("http://x.com/INE_Jal", "no es de X (Twitter)"),
    ],
)
def test_an_address_that_does_not_lead_to_the_new_handle_is_refused(world, url, message):
    _refused(world, "new_url", message, new_url=url)


@pytest.mark.parametrize("handle", ["nombre con espacios", "UnNombreDemasiadoLargo", "ñandú"])
def test_a_handle_outside_the_networks_format_is_refused(world, handle):
    _refused(world, "new_handle", "no es un nombre de usuario válido en X (Twitter)", new_handle=handle)


def test_an_empty_reason_is_refused(world):
    _refused(world, "reason", "", reason="   ")


def test_a_second_pending_change_of_the_account_is_refused(world):
    _propose(world)
    _refused(
        world,
        None,
        "ya tiene un cambio de nombre de usuario pendiente",
        new_handle="INE_Jal2",
        new_url="https://x.com/INE_Jal2",
    )


def test_a_handle_another_account_already_proposed_is_refused(world):
    _propose(world, account=world.cast.account, new_handle="INE_Nuevo", new_url="https://x.com/INE_Nuevo")
    _refused(world, "new_handle", "Otra cuenta ya propuso", new_handle="ine_nuevo", new_url="https://x.com/ine_nuevo")


# --- Deciding ---------------------------------------------------------------------------------------


def test_cncs_confirms_and_the_account_takes_the_new_identity(world):
    change = _propose(world)
    services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs, note="Verificado en la red.")
    change.refresh_from_db()
    account = Account.objects.get(pk=world.jalisco_x.pk)
    assert (account.handle, account.url) == ("INE_Jal", "https://x.com/INE_Jal")
    assert (change.status, change.decided_by, change.decision_note) == (
        "confirmed",
        world.cast.cncs,
        "Verificado en la red.",
    )
    record = account.history.order_by("-history_id").first()
    assert record.history_user == world.cast.cncs
    assert record.prev_record.handle == "INEJalisco" and record.handle == "INE_Jal"
    assert lookup.verify("@INE_Jal").status == Status.OFFICIAL
    assert lookup.verify("https://x.com/INEJalisco").status == Status.UNREGISTERED
    told = Notification.objects.filter(kind="registry.handle_change_decided")
    assert {n.recipient for n in told} == {world.cast.admin, world.cast.suplente}
    assert lookup.last_change() == change.decided_at


def test_a_superuser_may_decide(world):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    change = _propose(world)
    assert services.confirm_handle_change(change_id=change.pk, by=superuser).status == "confirmed"


@pytest.mark.parametrize("role", ["admin", "titular", "unicom", "president", "outsider"])
def test_only_cncs_decides(world, role):
    change = _propose(world)
    for decide in (services.confirm_handle_change, services.reject_handle_change):
        with pytest.raises(PermissionDenied):
            decide(change_id=change.pk, by=getattr(world.cast, role), note="No")
    change.refresh_from_db()
    assert change.status == "proposed"


def test_a_second_decision_loses_with_who_decided_first(world):
    change = _propose(world)
    services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs)
    for decide in (services.confirm_handle_change, services.reject_handle_change):
        with pytest.raises(services.AlreadyResolved, match="ya fue resuelto"):
            decide(change_id=change.pk, by=world.cast.cncs, note="Tarde")
    with pytest.raises(services.AlreadyResolved, match="ya fue resuelto"):
        services.withdraw_handle_change(change_id=change.pk, by=world.cast.admin)


def test_a_rejection_needs_its_reason_and_keeps_the_handle(world):
    change = _propose(world)
    with pytest.raises(ValidationError) as exc:
        services.reject_handle_change(change_id=change.pk, by=world.cast.cncs, note="  ")
    assert "motivo" in exc.value.message_dict["note"][0]
    services.reject_handle_change(change_id=change.pk, by=world.cast.cncs, note="El perfil nuevo no es el mismo.")
    change.refresh_from_db()
    assert change.status == "rejected" and change.decision_note == "El perfil nuevo no es el mismo."
    assert Account.objects.get(pk=world.jalisco_x.pk).handle == "INEJalisco"
    assert lookup.verify("@INEJalisco").status == Status.OFFICIAL
    assert lookup.verify("@INE_Jal").status == Status.UNREGISTERED
    told = Notification.objects.get(kind="registry.handle_change_decided", recipient=world.cast.admin)
    assert "El perfil nuevo no es el mismo." in told.body


def test_a_handle_taken_meanwhile_is_not_confirmed(world):
    change = _propose(world)
    AccountFactory(organ=world.cast.other_organ, network=world.networks.x, handle="ine_jal")
    with pytest.raises(ValidationError, match="Ya existe una cuenta vigente"):
        services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs)
    change.refresh_from_db()
    assert change.status == "proposed"
    assert Account.objects.get(pk=world.jalisco_x.pk).handle == "INEJalisco"


def test_a_change_of_a_closed_account_is_not_confirmed(world):
    change = _propose(world)
    account_services.change_account_status(account_id=world.jalisco_x.pk, to_status="closed", by=world.cast.cncs)
    with pytest.raises(ValidationError, match="no se puede confirmar"):
        services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs)
    assert services.reject_handle_change(change_id=change.pk, by=world.cast.cncs, note="Cerrada").status == "rejected"


# --- Withdrawing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "suplente"])
def test_the_proposer_or_the_organs_administrators_withdraw(world, role):
    change = _propose(world)
    services.withdraw_handle_change(change_id=change.pk, by=getattr(world.cast, role))
    change.refresh_from_db()
    assert change.status == "withdrawn" and change.decided_by == getattr(world.cast, role)
    assert lookup.verify("@INEJalisco").status == Status.OFFICIAL


@pytest.mark.parametrize("role", ["titular", "cncs", "other_admin"])
def test_nobody_else_withdraws(world, role):
    change = _propose(world)
    with pytest.raises(PermissionDenied):
        services.withdraw_handle_change(change_id=change.pk, by=getattr(world.cast, role))
    change.refresh_from_db()
    assert change.status == "proposed"


# --- Races (real threads on PostgreSQL) -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_one_wins(world):
    change = _propose(world)
    other_cncs = UserFactory(organ=world.cast.cncs.organ, groups=["Comunicación Social"])
    results = run_together(
        lambda: services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs),
        lambda: services.confirm_handle_change(change_id=change.pk, by=other_cncs),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, services.AlreadyResolved) and "ya fue resuelto" in error.messages[0]
    assert Notification.objects.filter(kind="registry.handle_change_decided").count() == 2  # admin + suplente, once
    assert Account.objects.get(pk=world.jalisco_x.pk).history.count() == 2  # created, then the one change


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_confirm_and_reject_at_once_one_wins(world):
    change = _propose(world)
    results = run_together(
        lambda: services.confirm_handle_change(change_id=change.pk, by=world.cast.cncs),
        lambda: services.reject_handle_change(change_id=change.pk, by=world.cast.cncs, note="No es el mismo perfil."),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    change.refresh_from_db()
    handle = Account.objects.get(pk=world.jalisco_x.pk).handle
    assert (change.status, handle) in {("confirmed", "INE_Jal"), ("rejected", "INEJalisco")}
