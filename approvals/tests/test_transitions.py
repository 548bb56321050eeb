"""One transition table (``AccountRequest.TRANSITIONS``): the buttons ``access`` offers are
exactly the steps the services accept, for every status, kind, person and action."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from accounts.services import InvalidTransition
from accounts.tests.factories import ROLES, UserFactory
from approvals import access, services
from approvals.models import AccountRequest
from approvals.tests import factories

Action = AccountRequest.Action
Status = AccountRequest.Status


def test_every_status_has_a_row_and_every_step_leads_to_a_status():
    assert set(AccountRequest.TRANSITIONS) == set(Status.values)
    for steps in AccountRequest.TRANSITIONS.values():
        assert set(steps) <= set(Action.values)
        for step in steps.values():
            assert step.to_status is None or step.to_status in Status.values
            assert step.actor in AccountRequest.Actor.values


def test_each_action_has_one_actor_whatever_the_status():
    for action in Action.values:
        actors = {steps[action].actor for steps in AccountRequest.TRANSITIONS.values() if action in steps}
        assert len(actors) == 1, (action, actors)


def test_the_derived_status_lists_follow_the_table():
    assert AccountRequest.OPEN_STATUSES == (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.APPROVED,
        Status.MAILBOX_READY,
    )
    assert AccountRequest.EDITABLE_STATUSES == (Status.DRAFT, Status.RETURNED)
    assert AccountRequest.WITHDRAWABLE_STATUSES == (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


def test_the_one_open_closing_constraint_counts_the_open_statuses():
    constraint = next(c for c in AccountRequest._meta.constraints if c.name == "request_one_open_closing_per_account")
    assert dict(constraint.condition.children)["status__in"] == list(AccountRequest.OPEN_STATUSES)


# --- Buttons and services agree -------------------------------------------------------------


def _opening_at(status):
    def make(cast):
        if status == Status.DRAFT:
            return factories.opening(cast, submit=False)
        req = factories.opening(cast)
        if status == Status.RETURNED:
            services.return_request(request_id=req.pk, by=cast.cncs, comment="Precise.")
        elif status == Status.REJECTED:
            services.reject_request(request_id=req.pk, by=cast.cncs, reason="No procede.")
        elif status == Status.WITHDRAWN:
            services.withdraw_request(request_id=req.pk, by=cast.titular)
        elif status == Status.APPROVED:
            return factories.approved_opening(cast, proposed_handle="INEOtra")
        elif status == Status.MAILBOX_READY:
            return factories.mailbox_ready_opening(cast, proposed_handle="INEOtra")
        elif status == Status.COMPLETED:
            req = factories.mailbox_ready_opening(cast, proposed_handle="INEOtra")
            services.register_account(request_id=req.pk, by=cast.titular, handle="INEOtra", url="https://x.com/INEOtra")
        return req

    return make


def _closing_at(status):
    def make(cast):
        if status == Status.DRAFT:
            return factories.closing(cast, submit=False)
        if status == Status.SUBMITTED:
            return factories.closing(cast)
        req = factories.acknowledged_closing(cast)
        if status == Status.COMPLETED:
            services.confirm_closure(request_id=req.pk, by=cast.admin, contents_deleted=True, platform_cancelled=True)
        return req

    return make


STATES = {
    **{f"opening-{s}": _opening_at(s) for s in Status.values},
    **{f"closing-{s}": _closing_at(s) for s in ("draft", "submitted", "approved", "completed")},
    "publicity-submitted": lambda cast: factories.publicity(cast),
    "publicity-completed": lambda cast: services.approve_request(request_id=factories.publicity(cast).pk, by=cast.cncs),
}


def _service_call(action, req, user):
    pk = req.pk
    return {
        Action.EDIT: lambda: services.update_request(request_id=pk, by=user),
        Action.SUBMIT: lambda: services.submit_request(request_id=pk, by=user),
        Action.WITHDRAW: lambda: services.withdraw_request(request_id=pk, by=user),
        Action.APPROVE: lambda: services.approve_request(request_id=pk, by=user),
        Action.RETURN: lambda: services.return_request(request_id=pk, by=user, comment="Precise."),
        Action.REJECT: lambda: services.reject_request(request_id=pk, by=user, reason="No procede."),
        Action.RECORD_MAILBOX: lambda: services.record_mailbox(request_id=pk, by=user, mailbox="otro@ine.mx"),
        Action.REGISTER_ACCOUNT: lambda: services.register_account(
            request_id=pk, by=user, handle="INEOtra", url="https://x.com/INEOtra"
        ),
        Action.CONFIRM_CLOSURE: lambda: services.confirm_closure(
            request_id=pk, by=user, contents_deleted=True, platform_cancelled=True
        ),
    }[action]


class _Undo(Exception):
    pass


def _service_accepts(action, req, user) -> bool:
    try:
        with transaction.atomic():
            _service_call(action, req, user)()
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, InvalidTransition):
        return False


@pytest.mark.parametrize("state", list(STATES))
def test_what_the_buttons_offer_is_what_the_services_accept(cast, state):
    cast.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    req = STATES[state](cast)
    req = AccountRequest.objects.get(pk=req.pk)
    for role in ROLES:
        user = getattr(cast, role) if role != "anonymous" else None
        if user is None:
            continue
        offered = {action for action in Action.values if access.can(user, req, action)}
        accepted = {action for action in Action.values if _service_accepts(action, req, user)}
        assert offered == accepted, (state, role, offered, accepted)


def test_the_named_button_helpers_read_the_table(cast):
    req = factories.opening(cast)

    assert access.can_withdraw(cast.titular, req) and not access.can_edit(cast.titular, req)
    assert access.can_decide_request(cast.cncs, req) and not access.can_decide_request(cast.unicom, req)
    assert not access.can_record_mailbox_for(cast.unicom, req)


# --- Views show the service's refusal, not a copy --------------------------------------------


def test_the_register_page_of_a_request_not_awaiting_it_shows_the_services_message(client, cast):
    req = factories.approved_opening(cast)
    client.force_login(cast.admin)

    response = client.get(reverse("approvals:register", args=[req.pk]), follow=True)

    assert f"No se puede registrar la cuenta: la solicitud {req.folio}" in response.content.decode()


def test_the_edit_page_of_a_sent_request_shows_the_services_message(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.titular)

    response = client.get(reverse("approvals:edit", args=[req.pk]), follow=True)

    assert f"No se puede modificarla: la solicitud {req.folio}" in response.content.decode()


def test_a_late_decider_is_still_told_who_decided_first(cast):
    req = factories.opening(cast)
    services.return_request(request_id=req.pk, by=cast.cncs, comment="Precise.")
    late = UserFactory(username="cncs_b", groups=["Comunicación Social"])

    with pytest.raises(services.AlreadyResolved) as exc:
        services.approve_request(request_id=req.pk, by=late)

    assert cast.cncs.get_full_name() in exc.value.messages[0]


def test_a_draft_can_be_withdrawn_without_ever_being_sent(cast):
    req = factories.opening(cast, submit=False)

    services.withdraw_request(request_id=req.pk, by=cast.titular)

    req.refresh_from_db()
    assert (req.status, req.submitted_at) == (Status.WITHDRAWN, None)
    assert req.transitions.last().from_status == Status.DRAFT


def test_the_resolved_statuses_are_every_status_reached_by_a_step_other_than_sending():
    assert set(AccountRequest.RESOLVED_STATUSES) == {
        Status.RETURNED,
        Status.REJECTED,
        Status.APPROVED,
        Status.MAILBOX_READY,
        Status.COMPLETED,
        Status.WITHDRAWN,
    }
