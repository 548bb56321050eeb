"""Accounts as the import leaves them: in regularisation, with a ``Regularisation`` row.

Made through ``accounts.services.create_account`` and ``regularisation.open_for``, not
through the importer, so these tests do not depend on the import's code."""

from __future__ import annotations

import itertools
from datetime import date

from accounts import services as accounts_services
from accounts.models import Account, Designation, Network, Organ, PasswordRotation, User
from onboarding import regularisation
from onboarding.models import Regularisation, RegularisationSchedule

_numbers = itertools.count(1)


def imported_account(organ: Organ, network: Network, *, handle: str | None = None, **fields) -> Account:
    """An account of ``organ`` in regularisation, with its (empty) regularisation record."""
    handle = handle or f"Previa{next(_numbers)}"
    account = accounts_services.create_account(
        organ=organ,
        network=network,
        name=fields.pop("name", f"Cuenta previa {handle}"),
        purpose=fields.pop("purpose", "Difundir las actividades del órgano."),
        by=None,
        status=Account.Status.REGULARIZING,
        handle=handle,
        url=fields.pop("url", f"https://x.com/{handle}"),
        registration_email=fields.pop("registration_email", "redes@ine.mx"),
        **fields,
    )
    regularisation.open_for(account)
    return account


def national_deadline(day: date, by: User) -> RegularisationSchedule:
    """The national deadline as a fixture (no checks, no notifications): for setting up tests
    whose subject is something else. ``regularisation.set_deadline`` is tested on its own."""
    schedule, _ = RegularisationSchedule.objects.update_or_create(
        scope=RegularisationSchedule.NATIONAL, defaults={"deadline": day, "set_by": by}
    )
    return schedule


def complete(account: Account, *, head: User, admin: User) -> Regularisation:
    """Take the four steps for ``account`` (its organ must already have titular and suplente
    administrators, ``admin`` one of them, and ``head`` its titular)."""
    regularisation.confirm_purpose(account_id=account.pk, by=admin)
    accounts_services.record_password_rotation(account_id=account.pk, by=admin, meets_policy=True)
    regularisation.accept_criteria(account_id=account.pk, by=head)
    return Regularisation.objects.get(account=account)


def has_both_administrators(organ: Organ) -> bool:
    roles = set(Designation.objects.filter(organ=organ, ends_at__isnull=True).values_list("role", flat=True))
    return roles == {Designation.Role.TITULAR, Designation.Role.SUPLENTE}


def rotations(account: Account) -> int:
    return PasswordRotation.objects.filter(account=account).count()
