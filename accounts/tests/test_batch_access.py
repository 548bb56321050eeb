"""The batch and queryset forms of ``accounts.access`` agree with the single-object rules
they stand for, and ``notify_many`` writes what the sweeps hand it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import access
from accounts.access import administrators_by_organ, people_by_organ
from accounts.models import Account, Designation, Organ, User
from accounts.tests.factories import LOGGED_IN, AccountFactory, UserFactory
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


def test_accounts_operated_by_agrees_with_can_operate_account(cast):
    # An account in every status in the organ, and an administrator moved to another organ.
    for status in Account.Status.values:
        AccountFactory(organ=cast.organ, network=cast.network, status=status)
    moved = UserFactory(username="trasladado", organ=cast.organ)
    Designation.objects.create(organ=cast.other_organ, user=moved, role=Designation.Role.SUPLENTE)
    people = [getattr(cast, role) for role in sorted(LOGGED_IN - {"superuser"})]
    people += [UserFactory(username="root", is_superuser=True), moved, AnonymousUser()]
    accounts = list(Account.objects.all())
    for person in people:
        operated = set(access.accounts_operated_by(person).values_list("pk", flat=True))
        assert operated == {a.pk for a in accounts if access.can_operate_account(person, a)}, person
    assert operated == set()  # the last one, anonymous, operates nothing
    assert {a.status for a in access.accounts_operated_by(cast.admin)} == set(Account.OPERATED_STATUSES)


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
