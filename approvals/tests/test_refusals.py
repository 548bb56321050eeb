"""Every refusal: wrong role, wrong organ, wrong state. Nothing changes when refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from accounts.services import InvalidTransition
from accounts.tests.factories import UserFactory
from approvals import services
from approvals.models import AccountRequest
from approvals.services import AlreadyResolved
from approvals.tests import factories

Kind = AccountRequest.Kind
Status = AccountRequest.Status

NOT_HEADS = ["admin", "suplente", "staff", "cncs", "unicom", "president", "secretary", "outsider"]
NOT_CNCS = ["titular", "admin", "unicom", "president", "secretary", "consejero", "outsider"]


def assert_unchanged(req, status):
    req.refresh_from_db()
    assert req.status == status


# --- Filing: only the organ's titular, only for that organ ---------------------------------------


@pytest.mark.parametrize("who", NOT_HEADS)
@pytest.mark.parametrize("kind", [Kind.OPENING, Kind.CLOSING])
def test_only_an_organs_titular_files_requests(cast, who, kind):
    with pytest.raises(PermissionDenied):
        services.create_request(by=getattr(cast, who), kind=kind, oficio_number="X")

    assert not AccountRequest.objects.exists()


def test_a_titular_files_only_for_the_organ_they_head(cast):
    req = factories.opening(cast, submit=False, by=cast.other_titular, proposed_titular=None, proposed_suplente=None)

    assert req.organ == cast.other_organ


@pytest.mark.parametrize("who", ["other_titular", "admin", "cncs", "consejero"])
def test_only_the_organs_titular_edits_sends_or_withdraws(cast, who):
    req = factories.opening(cast, submit=False)
    person = getattr(cast, who)

    with pytest.raises(PermissionDenied):
        services.update_request(request_id=req.pk, by=person, **factories.opening_fields(cast, purpose="Cambio"))
    with pytest.raises(PermissionDenied):
        services.submit_request(request_id=req.pk, by=person)
    with pytest.raises(PermissionDenied):
        services.withdraw_request(request_id=req.pk, by=person)

    req.refresh_from_db()
    assert req.status == Status.DRAFT
    assert req.purpose != "Cambio"


@pytest.mark.parametrize("status_step", ["submitted", "approved", "rejected"])
def test_a_request_that_is_not_a_draft_or_returned_cannot_be_edited(cast, status_step):
    req = factories.opening(cast)
    if status_step == "approved":
        services.approve_request(request_id=req.pk, by=cast.cncs)
    elif status_step == "rejected":
        services.reject_request(request_id=req.pk, by=cast.cncs, reason="No procede.")
    req.refresh_from_db()
    before = req.status

    with pytest.raises(InvalidTransition):
        services.update_request(request_id=req.pk, by=cast.titular, **factories.opening_fields(cast, purpose="Otro"))
    with pytest.raises(InvalidTransition):
        services.submit_request(request_id=req.pk, by=cast.titular)

    assert_unchanged(req, before)


@pytest.mark.parametrize("terminal", ["approved", "rejected", "withdrawn"])
def test_a_decided_or_withdrawn_request_cannot_be_withdrawn(cast, terminal):
    req = factories.opening(cast)
    if terminal == "approved":
        services.approve_request(request_id=req.pk, by=cast.cncs)
    elif terminal == "rejected":
        services.reject_request(request_id=req.pk, by=cast.cncs, reason="No procede.")
    else:
        services.withdraw_request(request_id=req.pk, by=cast.titular)

    with pytest.raises(InvalidTransition):
        services.withdraw_request(request_id=req.pk, by=cast.titular)

    assert_unchanged(req, terminal)


# --- Deciding: only CNCS, only a sent request ----------------------------------------------------


@pytest.mark.parametrize("who", NOT_CNCS)
def test_only_cncs_decides(cast, who):
    req = factories.opening(cast)
    person = getattr(cast, who)

    with pytest.raises(PermissionDenied):
        services.approve_request(request_id=req.pk, by=person)
    with pytest.raises(PermissionDenied):
        services.reject_request(request_id=req.pk, by=person, reason="No")
    with pytest.raises(PermissionDenied):
        services.return_request(request_id=req.pk, by=person, comment="No")

    assert_unchanged(req, Status.SUBMITTED)
    assert not Account.objects.filter(handle="INENueva").exists()


def test_a_draft_cannot_be_decided(cast):
    req = factories.opening(cast, submit=False)

    with pytest.raises(InvalidTransition) as exc:
        services.approve_request(request_id=req.pk, by=cast.cncs)

    assert not isinstance(exc.value, AlreadyResolved)
    assert "Solo se resuelven solicitudes enviadas" in exc.value.messages[0]
    assert_unchanged(req, Status.DRAFT)


@pytest.mark.parametrize(
    "first, second",
    [
        ("approve", "reject"),
        ("reject", "approve"),
        ("return", "approve"),
        ("approve", "approve"),
    ],
)
def test_a_second_decision_is_refused_naming_who_resolved_it(cast, first, second):
    req = factories.opening(cast)
    decide = {
        "approve": lambda by: services.approve_request(request_id=req.pk, by=by),
        "reject": lambda by: services.reject_request(request_id=req.pk, by=by, reason="No procede."),
        "return": lambda by: services.return_request(request_id=req.pk, by=by, comment="Corrija."),
    }
    other_cncs = UserFactory(username="cncs_b", groups=["Comunicación Social"])
    decide[first](cast.cncs)
    req.refresh_from_db()
    status_after_first = req.status

    with pytest.raises(AlreadyResolved) as exc:
        decide[second](other_cncs)

    assert f"ya fue resuelta por {cast.cncs.get_full_name()}" in exc.value.messages[0]
    assert_unchanged(req, status_after_first)
    assert req.decided_by == cast.cncs
    assert req.transitions.filter(from_status=Status.SUBMITTED).count() == 1
    assert Account.objects.filter(handle="INENueva").count() == (1 if first == "approve" else 0)


def test_deciding_a_withdrawn_request_names_who_withdrew_it(cast):
    req = factories.opening(cast)
    services.withdraw_request(request_id=req.pk, by=cast.titular)

    with pytest.raises(AlreadyResolved) as exc:
        services.approve_request(request_id=req.pk, by=cast.cncs)

    assert cast.titular.get_full_name() in exc.value.messages[0]
    assert "retirada" in exc.value.messages[0]


# --- UNICOM only marks its step; the organ registers and confirms -----------------------------------


@pytest.mark.parametrize("who", ["cncs", "titular", "admin", "president", "outsider"])
def test_only_unicom_records_the_mailbox(cast, who):
    req = factories.approved_opening(cast)

    with pytest.raises(PermissionDenied):
        services.record_mailbox(request_id=req.pk, by=getattr(cast, who), mailbox="redes@ine.mx")

    assert_unchanged(req, Status.APPROVED)


@pytest.mark.parametrize("step", ["submitted", "mailbox_ready"])
def test_unicom_records_the_mailbox_only_for_an_approved_opening(cast, step):
    req = factories.opening(cast) if step == "submitted" else factories.mailbox_ready_opening(cast)

    with pytest.raises(InvalidTransition):
        services.record_mailbox(request_id=req.pk, by=cast.unicom, mailbox="otro@ine.mx")

    assert_unchanged(req, step)


def test_unicom_has_no_step_in_a_closing(cast):
    req = factories.acknowledged_closing(cast)

    with pytest.raises(InvalidTransition):
        services.record_mailbox(request_id=req.pk, by=cast.unicom, mailbox="redes@ine.mx")


@pytest.mark.parametrize("who", ["unicom", "cncs", "other_titular", "other_admin", "president", "staff"])
def test_only_the_organs_titular_or_administrators_register_the_account(cast, who):
    req = factories.mailbox_ready_opening(cast)

    with pytest.raises(PermissionDenied):
        services.register_account(
            request_id=req.pk, by=getattr(cast, who), handle="INENueva", url="https://x.com/INENueva"
        )

    assert_unchanged(req, Status.MAILBOX_READY)


def test_the_account_cannot_be_registered_before_the_mailbox(cast):
    req = factories.approved_opening(cast)

    with pytest.raises(InvalidTransition):
        services.register_account(request_id=req.pk, by=cast.titular, handle="INENueva", url="https://x.com/INENueva")

    assert_unchanged(req, Status.APPROVED)
    assert req.account.status == Account.Status.APPROVED


@pytest.mark.parametrize("who", ["cncs", "unicom", "other_titular", "other_admin", "staff"])
def test_only_the_organs_people_confirm_a_closure(cast, who):
    req = factories.acknowledged_closing(cast)

    with pytest.raises(PermissionDenied):
        services.confirm_closure(
            request_id=req.pk, by=getattr(cast, who), contents_deleted=True, platform_cancelled=True
        )

    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE


def test_a_publicity_request_may_not_be_filed_for_an_organ_that_is_not_a_consejeria(cast):
    req = AccountRequest(kind=Kind.PUBLICITY, organ=cast.organ, requester=cast.titular)

    with pytest.raises(ValidationError) as exc:
        req.full_clean()

    assert "organ" in exc.value.message_dict
