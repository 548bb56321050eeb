"""Regularisation of the accounts that existed before the criteria (Transitorio SEGUNDO).

Owned by the regularisation helper: steps, deadline, extensions, confirmations, reminders and
the deadline outcome. ``open_for`` is what the import calls for each account it creates.
"""

from __future__ import annotations

from accounts.models import Account

from .models import ImportRow, Regularisation


def open_for(account: Account, *, source_row: ImportRow | None = None) -> Regularisation:
    """Start the regularisation of an account just imported as ``en regularización``."""
    regularisation, _created = Regularisation.objects.get_or_create(
        account=account, defaults={"source_row": source_row}
    )
    return regularisation
