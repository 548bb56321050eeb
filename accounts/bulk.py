"""Batch forms of ``notifications.notify`` and of the recipient lists in ``access``.

A sweep handles up to a thousand deadlines in one transaction. Asking the database for
each one's recipients, or inserting each one's notifications separately, would make its
query count grow with its rows. These functions apply the same rules as their
one-at-a-time originals (``tests/test_bulk.py`` checks that they agree) in a fixed number
of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Designation, Notification, Organ, User
from .notifications import enqueue_email_delivery


@dataclass(frozen=True)
class Message:
    recipients: Iterable[User]
    kind: str
    title: str
    body: str
    url: str = ""


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """``notify()`` for many messages: one INSERT for all of them, one hand-off after commit."""
    now = timezone.now()
    rows = []
    for message in messages:
        seen: set[int] = set()
        for user in message.recipients:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append(
                Notification(
                    recipient_id=user.pk,
                    kind=message.kind,
                    title=message.title[:200],
                    body=message.body,
                    url=message.url,
                    created_at=now,
                    email_next_attempt_at=now,
                )
            )
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: enqueue_email_delivery(ids))
    return created


def administrators_by_organ(organ_ids: Iterable[int]) -> dict[int, list[User]]:
    """``access.organ_administrators(organ)`` for many organs, in one query."""
    result: dict[int, list[User]] = defaultdict(list)
    designations = (
        Designation.objects.filter(organ_id__in=set(organ_ids), ends_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("organ_id", "role")
    )
    for designation in designations:
        result[designation.organ_id].append(designation.user)
    return result


def people_by_organ(organ_ids: Iterable[int]) -> dict[int, list[User]]:
    """``access.organ_people(organ)`` (its titular and administrators) for many organs, in two queries."""
    organ_ids = set(organ_ids)
    result = administrators_by_organ(organ_ids)
    heads = Organ.objects.filter(pk__in=organ_ids, head__is_active=True).select_related("head")
    for organ in heads:
        if all(user.pk != organ.head_id for user in result[organ.pk]):
            result[organ.pk].insert(0, organ.head)
    return result
