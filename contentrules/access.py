"""Who uses the checker and who keeps its lists.

The page shows nothing but what the person typed, so anyone signed in may open it; the
navigation offers it to those who write what the Institute publishes (an organ's
designated administrators) and to Comunicación Social, who reviews it. Only Comunicación
Social edits the word lists (§6 content is its call: it answers the consultations).
"""

from __future__ import annotations

from accounts import access as accounts_access


def can_check(user) -> bool:
    return user.is_authenticated


def offers_checker(user) -> bool:
    return user.is_authenticated and (
        accounts_access.is_cncs(user) or bool(accounts_access.administered_organ_ids(user))
    )


def can_edit_lists(user) -> bool:
    return user.is_authenticated and accounts_access.is_cncs(user)
