"""Every write of the registry: one function per transition of a ``HandleChange``.

Each is one transaction that locks what it changes, re-checks the state, claims the move
with a conditional UPDATE (a second decider loses and is told who decided first), records
who/when/from→to on the change row (and, on confirmation, in the account's history), and
writes its notifications in the same transaction.
"""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from accounts.models import Account, Network, User
from notifications.services import notify

from . import access, normalize
from .models import HandleChange


class AlreadyResolved(ValidationError):
    """Someone decided (or withdrew) the change first."""


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j \\d\\e F \\d\\e Y, H:i")


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else _("el sistema")


def new_identity_errors(account: Account, new_handle: str, new_url: str) -> dict[str, list[str]]:
    """What would be wrong with ``account`` under the new handle and address: the same rules
    as any identity CNCS approves (network format, reserved official handles, the address
    leading to the handle), the handle free among live accounts of the network, and not
    already proposed for another account."""
    network = account.network
    candidate = copy.copy(account)
    candidate.handle, candidate.url = new_handle, new_url
    errors = {
        {"handle": "new_handle", "url": "new_url"}.get(field, "__all__"): messages
        for field, messages in candidate.identity_errors().items()
    }
    if "new_handle" in errors or not new_handle:
        return errors
    key = network.handle_key(new_handle)
    if key == network.handle_key(account.handle):
        errors["new_handle"] = [_("Es el nombre de usuario que la cuenta ya tiene registrado.")]
        return errors
    imitated = next(
        (handle for handle in sorted(Account.reserved_handle_keys()) if normalize.looks_alike(key, handle)), None
    )
    if imitated and not account.is_official:
        # The public lookup warns that such a handle imitates an official account; the
        # registry must never vouch for one.
        errors["new_handle"] = [
            _(
                "«%(handle)s» se parece al nombre de una cuenta oficial del Instituto (%(official)s): el registro "
                "público lo señala como posible suplantación y no puede avalarlo."
            )
            % {"handle": new_handle, "official": imitated}
        ]
    elif Account.objects.live().filter(network=network, handle__iexact=new_handle).exclude(pk=account.pk).exists():
        errors["new_handle"] = [_("Ya existe una cuenta vigente con ese nombre de usuario en esa red.")]
    elif (
        HandleChange.objects.filter(
            status=HandleChange.Status.PROPOSED, account__network=network, new_handle__iexact=new_handle
        )
        .exclude(account=account)
        # A change left pending on an account since closed claims nothing.
        .exclude(account__status=Account.Status.CLOSED)
        .exists()
    ):
        errors["new_handle"] = [_("Otra cuenta ya propuso ese nombre de usuario y espera la verificación.")]
    return errors


def propose_handle_change(*, account_id: int, by: User, new_handle: str, new_url: str, reason: str) -> HandleChange:
    """The organ's administrators tell CNCS the account's handle or address changed on the
    network. Until CNCS confirms, the public sees the account as pending verification under
    both handles."""
    with transaction.atomic():
        account = Account.objects.select_for_update(of=("self",)).select_related("network", "organ").get(pk=account_id)
        access.require_propose(by, account)
        # One proposer per network at a time: two accounts cannot both claim one new handle.
        Network.objects.select_for_update().filter(pk=account.network_id).first()
        new_handle = account.network.normalize_handle(new_handle or "").strip()
        new_url = (new_url or "").strip()
        if HandleChange.objects.filter(account=account, status=HandleChange.Status.PROPOSED).exists():
            raise ValidationError(
                _(
                    "Esta cuenta ya tiene un cambio de nombre de usuario pendiente; espere a que "
                    "Comunicación Social lo resuelva o retírelo."
                )
            )
        errors = new_identity_errors(account, new_handle, new_url)
        if errors:
            raise ValidationError(errors)
        change = HandleChange(
            account=account,
            old_handle=account.handle,
            old_url=account.url,
            new_handle=new_handle,
            new_url=new_url,
            reason=(reason or "").strip(),
            proposed_by=by,
        )
        change.full_clean()
        change.save()
        notify(
            accounts_access.cncs_users(),
            kind="registry.handle_change_proposed",
            title=_("Cambio de nombre de usuario por verificar: %(old)s → %(new)s")
            % {"old": account.display_handle, "new": f"{account.network.handle_prefix}{new_handle}"},
            body=_(
                "%(person)s (%(organ)s) informa que la cuenta %(account)s en %(network)s ahora es %(new)s "
                "(%(url)s). Motivo: %(reason)s\nMientras no lo confirme, el registro público muestra la cuenta "
                "como pendiente de verificación con ambos nombres."
            )
            % {
                "person": _person(by),
                "organ": account.organ,
                "account": account.display_handle,
                "network": account.network,
                "new": f"{account.network.handle_prefix}{new_handle}",
                "url": new_url,
                "reason": change.reason,
            },
            url=reverse("registry:changes") + f"#cambio-{change.pk}",
        )
    return change


def _lock_pending(change_id: int) -> HandleChange:
    change = HandleChange.objects.select_for_update().get(pk=change_id)
    if change.status != HandleChange.Status.PROPOSED:
        raise _already_resolved(change)
    return change


def _already_resolved(change: HandleChange) -> AlreadyResolved:
    return AlreadyResolved(
        _("Este cambio ya fue resuelto (%(status)s) por %(person)s el %(when)s. No se registró su acción.")
        % {
            "status": HandleChange.Status(change.status).label.lower(),
            "person": _person(change.decided_by),
            "when": _when(change.decided_at) if change.decided_at else "—",
        }
    )


def _move(change: HandleChange, to_status: str, by: User, note: str = "") -> HandleChange:
    """Claim the move with a conditional UPDATE on the status read under the lock."""
    if to_status not in HandleChange.TRANSITIONS[change.status]:
        raise _already_resolved(change)
    now = timezone.now()
    claimed = HandleChange.objects.filter(pk=change.pk, status=change.status).update(
        status=to_status, decided_by=by, decided_at=now, decision_note=note
    )
    if claimed != 1:
        change.refresh_from_db()
        raise _already_resolved(change)
    change.status, change.decided_by, change.decided_at, change.decision_note = to_status, by, now, note
    return change


def _tell_the_organ(change: HandleChange, by: User, title: str, body: str) -> None:
    recipients = {u.pk: u for u in accounts_access.organ_administrators(change.account.organ)}
    if change.proposed_by.is_active:
        recipients.setdefault(change.proposed_by_id, change.proposed_by)
    recipients.pop(by.pk, None)
    notify(
        recipients.values(),
        kind="registry.handle_change_decided",
        title=title,
        body=body,
        url=reverse("registry:changes") + f"#cambio-{change.pk}",
    )


def confirm_handle_change(*, change_id: int, by: User, note: str = "") -> HandleChange:
    """CNCS confirms: the account takes the new handle and address, which the registry now
    vouches for. The account's history records who changed what from what to what."""
    access.require_decide(by)
    note = (note or "").strip()
    with transaction.atomic():
        change = _lock_pending(change_id)
        account = (
            Account.objects.select_for_update(of=("self",)).select_related("network", "organ").get(pk=change.account_id)
        )
        Network.objects.select_for_update().filter(pk=account.network_id).first()
        if not account.is_operated:
            raise ValidationError(
                _("La cuenta está %(status)s: no se puede confirmar el cambio; rechácelo.")
                % {"status": account.get_status_display().lower()}
            )
        old_handle = account.display_handle
        _move(change, HandleChange.Status.CONFIRMED, by, note)
        account.handle, account.url = change.new_handle, change.new_url
        try:
            account.full_clean(exclude=["registration_email"] if not account.registration_email else None)
        except ValidationError as exc:
            raise ValidationError([_("No se puede confirmar el cambio:")] + exc.messages) from exc
        account._history_user = by
        account.save()
        _tell_the_organ(
            change,
            by,
            _("Cambio de nombre de usuario confirmado: %(new)s") % {"new": account.display_handle},
            _(
                "Comunicación Social confirmó el cambio de la cuenta %(old)s a %(new)s en %(network)s. "
                "El registro público ya la muestra como cuenta del INE con su nuevo nombre.%(note)s"
            )
            % {
                "old": old_handle,
                "new": account.display_handle,
                "network": account.network,
                "note": f"\n{note}" if note else "",
            },
        )
    return change


def reject_handle_change(*, change_id: int, by: User, note: str) -> HandleChange:
    """CNCS rejects, saying why: the account keeps its registered handle."""
    access.require_decide(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Escriba el motivo del rechazo: se envía al órgano.")]})
    with transaction.atomic():
        change = _lock_pending(change_id)
        change = _move(change, HandleChange.Status.REJECTED, by, note)
        account = Account.objects.select_related("network", "organ").get(pk=change.account_id)
        change.account = account
        _tell_the_organ(
            change,
            by,
            _("Cambio de nombre de usuario rechazado: %(account)s") % {"account": account.display_handle},
            _(
                "Comunicación Social rechazó el cambio de la cuenta %(old)s a %(new)s en %(network)s. "
                "El registro público sigue mostrando el nombre registrado. Motivo: %(note)s"
            )
            % {
                "old": account.display_handle,
                "new": f"{account.network.handle_prefix}{change.new_handle}",
                "network": account.network,
                "note": note,
            },
        )
    return change


def withdraw_handle_change(*, change_id: int, by: User) -> HandleChange:
    """The proposer (or the organ's administrators) take the proposal back."""
    with transaction.atomic():
        change = HandleChange.objects.select_for_update(of=("self",)).select_related("account").get(pk=change_id)
        access.require_withdraw(by, change)
        if change.status != HandleChange.Status.PROPOSED:
            raise _already_resolved(change)
        _move(change, HandleChange.Status.WITHDRAWN, by)
    return change
