"""Consejero personal-account publicity (§7.vi): only a consejero files it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories
from notifications.models import Notification
from registry.lookup import Status as RegistryStatus
from registry.lookup import verify

Kind = AccountRequest.Kind
Status = AccountRequest.Status


def test_a_consejero_files_a_publicity_request(cast):
    req = factories.publicity(cast)

    assert req.status == Status.SUBMITTED
    assert req.organ == cast.consejero_office


def test_an_address_that_does_not_lead_to_the_handle_is_refused_when_filed_not_at_approval(cast):
    with pytest.raises(ValidationError) as exc:
        factories.publicity(cast, account_url="https://x.com/OtraPersona")

    assert "no lleva a @Consejera01" in exc.value.message_dict["account_url"][0]
    assert not AccountRequest.objects.exists()


@pytest.mark.parametrize("who", ["titular", "admin", "cncs", "unicom", "president", "outsider"])
def test_only_a_consejero_may_ask_for_publicity(cast, who):
    with pytest.raises(PermissionDenied):
        services.create_request(by=getattr(cast, who), kind=Kind.PUBLICITY, oficio_number="X")

    assert not AccountRequest.objects.exists()


def test_approval_lists_the_account_as_the_consejeros_personal_account(cast):
    req = factories.publicity(cast)

    services.approve_request(request_id=req.pk, by=cast.cncs, comment="Procede.")

    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    account = req.account
    assert account.is_consejero_personal
    assert account.status == Account.Status.ACTIVE
    assert account.organ == cast.consejero_office
    verdict = verify("@Consejera01")
    assert (verdict.status, verdict.account) == (RegistryStatus.PERSONAL, account)
    assert [t.to_status for t in req.transitions.all()][-2:] == [Status.APPROVED, Status.COMPLETED]
    assert Notification.objects.filter(recipient=cast.consejero, kind="approvals.publicity_approved").exists()
    assert Notification.objects.filter(recipient=cast.president, kind="approvals.publicity_approved").exists()


def test_a_rejected_publicity_lists_nothing(cast):
    req = factories.publicity(cast)

    services.reject_request(request_id=req.pk, by=cast.cncs, reason="La cuenta no es de la consejera.")

    assert not Account.objects.filter(is_consejero_personal=True).exists()
