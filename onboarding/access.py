"""Who imports, who regularises and who watches, built only from ``accounts.access``.

Importing: CNCS (and the system administrators) upload, preview, confirm and discard
inventories. Regularisation: CNCS sets the national deadline and grants extensions; the
organ's titular (its head) accepts the criteria; the titular or a designated administrator
confirms that an account is used for institutional purposes. The organ's people see their
organ's page; CNCS, the Comité, UNICOM and the system administrators see every organ and
the national progress.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import access as accounts_access
from accounts.models import Account, Organ, User


def imports(user: User) -> bool:
    """Uploads, previews, confirms and discards inventory files: CNCS."""
    return user.is_authenticated and (user.is_superuser or accounts_access.is_cncs(user))


def require_import(user: User) -> None:
    if not imports(user):
        raise PermissionDenied(_("Solo Comunicación Social importa inventarios de cuentas y de personal."))


def manages_regularisation(user: User) -> bool:
    """Sets the national deadline and extends it per organ: CNCS."""
    return user.is_authenticated and (user.is_superuser or accounts_access.is_cncs(user))


def require_manage_regularisation(user: User) -> None:
    if not manages_regularisation(user):
        raise PermissionDenied(_("Solo Comunicación Social fija la fecha límite de regularización y sus prórrogas."))


def sees_national_progress(user: User) -> bool:
    return user.is_authenticated and accounts_access.sees_all_accounts(user)


def organs_visible_to(user: User) -> QuerySet[Organ]:
    """The organs whose regularisation page the user may open."""
    return accounts_access.organs_visible_to(user)


def may_confirm_purpose(user: User, account: Account) -> bool:
    """The organ's head or one of its designated administrators, while the account is in
    regularisation."""
    return (
        user.is_authenticated
        and account.status == Account.Status.REGULARIZING
        and (
            accounts_access.headed_organ_id(user) == account.organ_id
            or account.organ_id in accounts_access.administered_organ_ids(user)
        )
    )


def require_confirm_purpose(user: User, account: Account) -> None:
    if not may_confirm_purpose(user, account):
        raise PermissionDenied(
            _(
                "Solo el titular del órgano o sus administradores confirman el uso institucional de una cuenta "
                "en regularización."
            )
        )


def may_accept_criteria(user: User, account: Account) -> bool:
    """The organ's head (its titular), while the account is in regularisation."""
    return (
        user.is_authenticated
        and account.status == Account.Status.REGULARIZING
        and accounts_access.headed_organ_id(user) == account.organ_id
    )


def require_accept_criteria(user: User, account: Account) -> None:
    if not may_accept_criteria(user, account):
        raise PermissionDenied(_("Solo el titular del órgano acepta los criterios por sus cuentas en regularización."))
