"""For other apps' templates (the coverage page, an account's page): who has no recent
training. The rule stays in ``evaluations.training``; a whole list costs at most one query,
and none when the list is a queryset the page was going to run anyway."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.conf import settings
from django.db.models import QuerySet

from accounts.models import Designation, User
from evaluations import training

register = template.Library()


def _user_id(item) -> int | None:
    """A user, a designation (or anything with ``user_id``), or an id."""
    if isinstance(item, int):
        return item
    return getattr(item, "user_id", None) or getattr(item, "pk", None)


@register.simple_tag
def with_training_flags(people: Iterable) -> list:
    """``{% with_training_flags designations as designations %}``: the same rows, each with
    ``untrained``. An unevaluated queryset of people or designations is annotated, so the
    flag comes in the list's own query; any other list costs one query."""
    if isinstance(people, QuerySet) and people._result_cache is None and people.model in (User, Designation):
        return list(training.with_untrained_flag(people))
    rows = list(people or ())
    flagged = training.flagged_user_ids({_user_id(row) for row in rows} - {None})
    for row in rows:
        if not isinstance(row, int):
            row.untrained = _user_id(row) in flagged
    return rows


@register.simple_tag
def untrained_ids(people: Iterable) -> set[int]:
    """``{% untrained_ids people as untrained %}`` then ``{% if person.pk in untrained %}``: one query."""
    return training.flagged_user_ids({_user_id(item) for item in people or ()} - {None})


@register.simple_tag
def untrained_administrators() -> list:
    """Every current administrator without training, by entidad and organ (the coverage page)."""
    return training.flagged_administrators()


@register.simple_tag
def training_valid_months() -> int:
    return settings.TRAINING_VALID_MONTHS
