"""Who may propose, decide and withdraw a change of handle, and who sees which changes.

The organ's administrators propose (they operate the account and see the rename on the
network); Comunicación Social decides, because the public registry vouches only for what
CNCS approved. Every view, service and template tag of the registry asks here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import access as accounts_access
from accounts.models import Account, User

from .models import HandleChange


def can_propose(user: User, account: Account) -> bool:
    return user.is_authenticated and accounts_access.can_operate_account(user, account)


def require_propose(user: User, account: Account) -> None:
    accounts_access.require_operator(user, account)


def can_decide(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or accounts_access.is_cncs(user))


def require_decide(user: User) -> None:
    if not can_decide(user):
        raise PermissionDenied(_("Solo Comunicación Social confirma o rechaza un cambio de nombre de usuario."))


def can_withdraw(user: User, change: HandleChange) -> bool:
    """The person who proposed it, or the organ's current administrators."""
    if not user.is_authenticated:
        return False
    return change.proposed_by_id == user.pk or change.account.organ_id in accounts_access.administered_organ_ids(user)


def require_withdraw(user: User, change: HandleChange) -> None:
    if not can_withdraw(user, change):
        raise PermissionDenied(_("Solo quien propuso el cambio o los administradores del órgano pueden retirarlo."))


def changes_visible_to(user: User) -> QuerySet[HandleChange]:
    """Every list of changes starts here: all for those who see every account, else the
    changes of the accounts of the organs the person heads or administers."""
    changes = HandleChange.objects.select_related("account__organ__entidad", "account__network", "proposed_by")
    if accounts_access.sees_all_accounts(user):
        return changes
    return changes.filter(account__organ_id__in=accounts_access.organ_ids_of(user))


def get_change_for(user: User, pk: int) -> HandleChange:
    change = changes_visible_to(user).filter(pk=pk).first()
    if change is None:
        raise Http404(_("No existe el cambio de nombre de usuario o no tiene acceso a él."))
    return change


def sees_changes(user: User) -> bool:
    """Whether the changes page has anything for this person: CNCS and those who see every
    account, and the organs' titulares and administrators."""
    return user.is_authenticated and (
        accounts_access.sees_all_accounts(user) or bool(accounts_access.organ_ids_of(user))
    )
