from __future__ import annotations

import pytest
from django.db import DataError, transaction
from django.utils import timezone

from accounts import access
from accounts.access import administrators_by_organ, people_by_organ
from accounts.bulk import insert_rows
from accounts.models import Designation, Organ, User
from notifications.models import Notification
from notifications.services import Message, notify_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def organs(cast):
    # An ended designation, an inactive administrator and an inactive titular must not count.
    Designation.objects.filter(organ=cast.other_organ).update(ends_at=timezone.now())
    User.objects.filter(pk=cast.suplente.pk).update(is_active=False)
    User.objects.filter(pk=cast.consejero.pk).update(is_active=False)
    return list(Organ.objects.all())


def test_administrators_by_organ_agrees_with_access(organs):
    batch = administrators_by_organ(o.pk for o in organs)
    for organ in organs:
        assert {u.pk for u in batch.get(organ.pk, [])} == set(
            access.organ_administrators(organ).values_list("pk", flat=True)
        )


def test_people_by_organ_agrees_with_access(organs):
    batch = people_by_organ(o.pk for o in organs)
    for organ in organs:
        assert {u.pk for u in batch.get(organ.pk, [])} == set(access.organ_people(organ).values_list("pk", flat=True))


def test_the_batch_lookups_take_a_fixed_number_of_queries(organs, django_assert_num_queries):
    with django_assert_num_queries(2):
        people_by_organ(o.pk for o in organs)


def test_notify_many_skips_inactive_and_repeated_recipients(cast):
    User.objects.filter(pk=cast.suplente.pk).update(is_active=False)
    cast.suplente.refresh_from_db()
    created = notify_many(
        [
            Message(recipients=[cast.admin, cast.admin, cast.suplente, None], kind="k", title="Uno", body="b"),
            Message(recipients=[cast.admin, cast.cncs], kind="k", title="Dos", body="b", url="/x/"),
        ]
    )
    assert sorted(created) == sorted(Notification.objects.values_list("pk", flat=True))
    assert sorted(Notification.objects.values_list("title", "recipient__username")) == [
        ("Dos", "admin_titular"),
        ("Dos", "cncs"),
        ("Uno", "admin_titular"),
    ]


def test_notify_many_hands_the_emails_over_after_commit(cast, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([Message(recipients=[cast.admin, cast.cncs], kind="k", title="Aviso", body="Cuerpo")])
    assert sorted(m.to[0] for m in mailoutbox) == ["admin_titular@ine.mx", "cncs@ine.mx"]
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.EmailStatus.SENT}


AWKWARD = [
    "comillas \"dobles\" y 'simples'",
    "diagonal invertida \\ y \\\\ doble",
    "llaves {a,b} y comas, NULL, null",
    "",
    "saltos\nde línea\ty tabuladores",
    "acentos: ñandú, pingüino, ¿qué?, ¡sí! 🗳️",
]


def test_insert_rows_keeps_every_value_intact(cast):
    now = timezone.now()
    ids = insert_rows(
        Notification,
        ["recipient_id", "title", "body", "url"],
        [(cast.admin.pk, text[:200], text, f"/x/{i}/") for i, text in enumerate(AWKWARD)],
        constants={"kind": "prueba", "created_at": now, "email_next_attempt_at": now},
    )
    assert len(ids) == len(AWKWARD)
    stored = Notification.objects.filter(pk__in=ids).order_by("pk")
    assert [n.body for n in stored] == AWKWARD
    assert {(n.kind, n.email_status, n.email_attempts, n.read_at, n.created_at) for n in stored} == {
        ("prueba", Notification.EmailStatus.PENDING, 0, None, now)
    }


def test_insert_rows_of_nothing_does_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(Notification, ["recipient_id"], []) == []


@pytest.mark.postgres
def test_insert_rows_refuses_an_over_long_value_instead_of_truncating_it(cast):
    with pytest.raises(DataError), transaction.atomic():
        insert_rows(
            Notification, ["recipient_id", "title", "body", "url"], [(cast.admin.pk, "T", "B", "/" + "x" * 600)]
        )
    assert not Notification.objects.exists()
