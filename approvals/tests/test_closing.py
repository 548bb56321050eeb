"""Closing an account (§7.vii–viii): sent → acknowledged by CNCS → confirmed by the organ → closed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories
from notifications.models import Notification

Status = AccountRequest.Status


def test_cncs_acknowledges_and_the_organ_is_told_to_cancel(cast):
    req = factories.acknowledged_closing(cast)

    assert req.status == Status.APPROVED
    assert "pendiente de cancelación" in req.status_label
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE
    for user in (cast.titular, cast.admin, cast.suplente):
        assert Notification.objects.filter(recipient=user, kind="approvals.closing_acknowledged").exists()


def test_the_organ_confirms_and_the_account_is_closed_and_the_committee_told(cast):
    req = factories.acknowledged_closing(cast)

    services.confirm_closure(request_id=req.pk, by=cast.suplente, contents_deleted=True, platform_cancelled=True)

    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.CLOSED
    assert cast.account.closed_at is not None
    change = cast.account.status_changes.order_by("-changed_at", "-id").first()
    assert (change.from_status, change.to_status, change.changed_by) == ("active", "closed", cast.suplente)
    for member in (cast.president, cast.secretary):
        note = Notification.objects.get(recipient=member, kind="approvals.account_closed")
        assert "INEPrueba" in note.title
        assert "El programa concluyó." in note.body
    assert [t.to_status for t in req.transitions.all()] == [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.APPROVED,
        Status.COMPLETED,
    ]


@pytest.mark.parametrize("deleted, cancelled", [(False, True), (True, False), (False, False)])
def test_closing_needs_both_confirmations(cast, deleted, cancelled):
    req = factories.acknowledged_closing(cast)

    with pytest.raises(ValidationError):
        services.confirm_closure(
            request_id=req.pk, by=cast.titular, contents_deleted=deleted, platform_cancelled=cancelled
        )

    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE


def test_confirming_before_cncs_acknowledges_is_refused(cast):
    req = factories.closing(cast)

    with pytest.raises(ValidationError):
        services.confirm_closure(request_id=req.pk, by=cast.titular, contents_deleted=True, platform_cancelled=True)

    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE


def test_a_second_open_closing_for_the_same_account_is_refused(cast):
    factories.closing(cast)

    with pytest.raises(ValidationError) as exc:
        factories.closing(cast)

    assert "Ya hay una solicitud de cierre en trámite" in str(exc.value)
    assert AccountRequest.objects.count() == 1


def test_the_database_itself_keeps_one_open_closing_per_account(cast):
    req = factories.closing(cast, submit=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountRequest.objects.create(
            kind=AccountRequest.Kind.CLOSING, organ=cast.organ, requester=cast.titular, account=req.account
        )


def test_a_new_closing_may_follow_a_rejected_one(cast):
    first = factories.closing(cast)
    services.reject_request(request_id=first.pk, by=cast.cncs, reason="Falta el oficio correcto.")

    second = factories.closing(cast)

    assert second.status == Status.SUBMITTED


def test_closing_an_account_of_another_organ_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        factories.closing(cast, account=cast.other_account)

    assert "account" in exc.value.message_dict


def test_closing_an_account_that_is_not_active_is_refused(cast):
    approved = AccountFactory(organ=cast.organ, network=cast.network, status=Account.Status.APPROVED, handle="Nueva1")

    with pytest.raises(ValidationError) as exc:
        factories.closing(cast, account=approved)

    assert "activa" in exc.value.message_dict["account"][0]


def test_a_closing_cannot_carry_identity_material(cast):
    req = factories.closing(cast)

    with pytest.raises(ValidationError):
        services.approve_request(request_id=req.pk, by=cast.cncs, identity_material=factories.pdf_upload("m.pdf"))

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
