"""A request's steps and who acts next, read from AccountRequest.TRANSITIONS."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import selectors, services
from approvals.models import AccountRequest
from approvals.tests import factories

Kind, Status, Actor = AccountRequest.Kind, AccountRequest.Status, AccountRequest.Actor


def _progress(kind: str, status: str, *, sent: bool = True):
    req = AccountRequest(kind=kind, status=status, submitted_at=timezone.now() if sent else None)
    return selectors.request_progress(req)


def _states(progress) -> list[tuple[str, str]]:
    return [(step.status, step.state) for step in progress.steps]


def _next(progress) -> list[tuple[str, list[str]]]:
    return [(who.actor, who.actions) for who in progress.next_actors]


def test_each_kind_follows_its_path_through_the_table():
    assert selectors.request_path(Kind.OPENING) == [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.APPROVED,
        Status.MAILBOX_READY,
        Status.COMPLETED,
    ]
    assert selectors.request_path(Kind.CLOSING) == [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.COMPLETED]
    # A publicity approval completes at once: nothing after the approval in the table.
    assert selectors.request_path(Kind.PUBLICITY) == [Status.DRAFT, Status.SUBMITTED, Status.APPROVED]


OPENING_CASES = {
    Status.DRAFT: (0, [(Actor.ORGAN_HEAD, ["enviarla"])]),
    Status.SUBMITTED: (1, [(Actor.CNCS, ["aprobarla", "devolverla", "rechazarla"])]),
    Status.APPROVED: (2, [(Actor.UNICOM, ["registrar el correo institucional"])]),
    Status.MAILBOX_READY: (3, [(Actor.ORGAN_OPERATOR, ["registrar la cuenta"])]),
    Status.COMPLETED: (4, []),
}


@pytest.mark.parametrize("status", OPENING_CASES)
def test_an_opening_marks_the_steps_before_as_done_and_its_own_as_current(status):
    current, who = OPENING_CASES[status]
    progress = _progress(Kind.OPENING, status, sent=status != Status.DRAFT)
    states = [state for _, state in _states(progress)]
    assert states[:current] == ["done"] * current
    assert states[current] == "current"
    assert states[current + 1 :] == ["todo"] * (4 - current)
    assert _next(progress) == who


CLOSING_CASES = {
    Status.DRAFT: (0, [(Actor.ORGAN_HEAD, ["enviarla"])]),
    Status.SUBMITTED: (1, [(Actor.CNCS, ["aprobarla", "devolverla", "rechazarla"])]),
    Status.APPROVED: (2, [(Actor.ORGAN_OPERATOR, ["confirmar el cierre"])]),
    Status.COMPLETED: (3, []),
}


@pytest.mark.parametrize("status", CLOSING_CASES)
def test_a_closing_waits_for_the_organ_to_cancel_after_the_acknowledgement(status):
    current, who = CLOSING_CASES[status]
    progress = _progress(Kind.CLOSING, status, sent=status != Status.DRAFT)
    assert [s.state for s in progress.steps].index("current") == current
    assert len(progress.steps) == 4
    assert progress.steps[2].label == "Acuse de recibo"
    assert _next(progress) == who


def test_a_completed_publicity_ends_on_its_approval_step():
    progress = _progress(Kind.PUBLICITY, Status.COMPLETED)
    assert _states(progress) == [
        (Status.DRAFT, "done"),
        (Status.SUBMITTED, "done"),
        (Status.APPROVED, "current"),
    ]
    assert progress.steps[-1].label == "Aprobada y publicada"
    assert _next(progress) == []


def test_a_publicity_in_review_waits_for_comunicacion_social():
    progress = _progress(Kind.PUBLICITY, Status.SUBMITTED)
    assert [s.state for s in progress.steps] == ["done", "current", "todo"]
    assert _next(progress) == [(Actor.CNCS, ["aprobarla", "devolverla", "rechazarla"])]


@pytest.mark.parametrize("kind", Kind.values)
def test_a_returned_request_is_back_with_the_organ(kind):
    progress = _progress(kind, Status.RETURNED)
    first = progress.steps[0]
    assert (first.status, first.state, first.note) == (Status.DRAFT, "current", "Devuelta para cambios")
    assert all(step.state == "todo" for step in progress.steps[1:])
    assert _next(progress) == [(Actor.ORGAN_HEAD, ["enviarla"])]


@pytest.mark.parametrize("kind", Kind.values)
def test_a_rejected_request_stops_after_the_review(kind):
    progress = _progress(kind, Status.REJECTED)
    assert _states(progress) == [(Status.DRAFT, "done"), (Status.SUBMITTED, "done"), (Status.REJECTED, "stopped")]
    assert _next(progress) == []


def test_a_draft_withdrawn_before_sending_stops_at_the_first_step():
    progress = _progress(Kind.OPENING, Status.WITHDRAWN, sent=False)
    assert _states(progress) == [(Status.DRAFT, "done"), (Status.WITHDRAWN, "stopped")]


def test_a_request_withdrawn_in_review_stops_after_the_review():
    progress = _progress(Kind.CLOSING, Status.WITHDRAWN, sent=True)
    assert _states(progress) == [(Status.DRAFT, "done"), (Status.SUBMITTED, "done"), (Status.WITHDRAWN, "stopped")]
    assert _next(progress) == []


def test_every_status_of_every_kind_has_exactly_one_marked_step():
    for kind in Kind.values:
        for status in Status.values:
            progress = _progress(kind, status)
            marked = [s for s in progress.steps if s.state in ("current", "stopped")]
            assert len(marked) == 1, (kind, status)


def test_the_detail_page_shows_the_steps_and_who_acts_next(client, cast):
    req = factories.approved_opening(cast)
    client.force_login(cast.titular)
    html = client.get(reverse("approvals:detail", args=[req.pk])).content.decode()
    assert '<ol class="steps"' in html
    assert html.count('aria-current="step"') == 1
    assert '<li class="step-current" aria-current="step">Aprobada' in html
    assert "Le toca a UNICOM:</strong> registrar el correo institucional." in html


def test_the_dashboard_panel_puts_the_decision_before_the_oficio(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.cncs)
    html = client.get(reverse("approvals:dashboard") + f"?ver={req.pk}").content.decode()
    # The oficio is a download (core.files: never shown inside a page of ours), linked after the decision.
    assert html.index('name="decision" value="reject"') < html.index("Descargar el oficio firmado (PDF)")
    assert "Le toca a Comunicación Social:</strong> aprobarla, devolverla o rechazarla." in html


def test_a_completed_publicity_page_says_nobody_acts_next(client, cast):
    req = factories.publicity(cast)
    services.approve_request(request_id=req.pk, by=cast.cncs)
    client.force_login(cast.consejero)
    html = client.get(reverse("approvals:detail", args=[req.pk])).content.decode()
    assert "El trámite terminó" in html
