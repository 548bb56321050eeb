"""The CNCS dashboard: by state, oldest first, overdue highlighted, filters, counts, and a
request opened beside the list with its oficio and the decision forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Network, Organ
from accounts.tests.factories import AccountFactory, EntidadFactory, OrganFactory, UserFactory
from approvals.models import AccountRequest
from approvals.tests import factories

Kind = AccountRequest.Kind
Status = AccountRequest.Status
DASHBOARD = reverse("approvals:dashboard")


def make(cast, *, organ=None, kind=Kind.OPENING, status=Status.SUBMITTED, days=1, network=None, account=None):
    """A request row in a given state, dated ``days`` ago (the services are tested elsewhere)."""
    organ = organ or cast.organ
    return AccountRequest.objects.create(
        kind=kind,
        organ=organ,
        requester=organ.head or cast.titular,
        status=status,
        network=network if kind != Kind.CLOSING else None,
        account=account,
        proposed_name=f"Cuenta {organ.name}",
        submitted_at=None if status == Status.DRAFT else timezone.now() - timedelta(days=days),
    )


def rows(page: str) -> list[str]:
    """The folios of the dashboard's table, in order."""
    table = page.split('<table class="dashboard">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"SOL-\d{4}-\d{5}", table)


@pytest.fixture
def cncs_client(client, cast):
    client.force_login(cast.cncs)
    return client


def test_pending_requests_are_listed_oldest_first(cncs_client, cast):
    new = make(cast, days=1, network=cast.network)
    old = make(cast, days=9, network=cast.network)
    middle = make(cast, days=4, network=cast.network)
    make(cast, status=Status.APPROVED, days=20, network=cast.network)

    page = cncs_client.get(DASHBOARD).content.decode()

    assert rows(page) == [old.folio, middle.folio, new.folio]


def test_requests_waiting_longer_than_the_limit_are_highlighted(cncs_client, cast, settings):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 5
    late = make(cast, days=6, network=cast.network)
    on_time = make(cast, days=4, network=cast.network)

    page = cncs_client.get(DASHBOARD).content.decode()

    highlighted = re.findall(r'<tr class="highlight[^"]*">\s*<td><a [^>]*>(SOL-\d{4}-\d{5})', page)
    assert highlighted == [late.folio]
    assert on_time.folio in page


def test_the_highlight_follows_the_configured_days(cncs_client, cast, settings):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 10
    make(cast, days=6, network=cast.network)

    page = cncs_client.get(DASHBOARD).content.decode()

    assert 'class="highlight' not in page


def test_counts_per_state_exclude_drafts(cncs_client, cast):
    make(cast, days=2, network=cast.network)
    make(cast, days=3, network=cast.network)
    make(cast, status=Status.REJECTED, network=cast.network)
    make(cast, status=Status.DRAFT, network=cast.network)

    response = cncs_client.get(DASHBOARD)

    counts = {code: n for code, _label, n in response.context["counts"]}
    assert counts[Status.SUBMITTED] == 2
    assert counts[Status.REJECTED] == 1
    assert Status.DRAFT not in counts


def test_a_state_tab_lists_that_state(cncs_client, cast):
    make(cast, network=cast.network)
    rejected = make(cast, status=Status.REJECTED, network=cast.network)

    page = cncs_client.get(DASHBOARD, {"status": Status.REJECTED}).content.decode()

    assert rows(page) == [rejected.folio]


def test_the_all_tab_lists_every_state_but_drafts(cncs_client, cast):
    sent = make(cast, network=cast.network)
    rejected = make(cast, status=Status.REJECTED, network=cast.network, days=3)
    make(cast, status=Status.DRAFT, network=cast.network)

    page = cncs_client.get(DASHBOARD, {"status": ""}).content.decode()

    assert sorted(rows(page)) == sorted([sent.folio, rejected.folio])


def test_filter_by_kind(cncs_client, cast):
    opening = make(cast, network=cast.network)
    closing = make(cast, kind=Kind.CLOSING, account=cast.account)

    page = cncs_client.get(DASHBOARD, {"kind": Kind.CLOSING}).content.decode()

    assert rows(page) == [closing.folio]
    assert opening.folio not in rows(page)


def test_filter_by_organ(cncs_client, cast):
    mine = make(cast, network=cast.network)
    theirs = make(cast, organ=cast.other_organ, network=cast.network)

    page = cncs_client.get(DASHBOARD, {"organ": cast.other_organ.pk}).content.decode()

    assert rows(page) == [theirs.folio]
    assert mine.folio not in page


def test_filter_by_entidad(cncs_client, cast):
    jalisco = EntidadFactory(code=14, name="Jalisco")
    junta = OrganFactory(kind=Organ.Kind.JUNTA_LOCAL, entidad=jalisco, name="Junta Local Ejecutiva en Jalisco")
    junta.head = UserFactory(organ=junta)
    junta.save()
    local = make(cast, organ=junta, network=cast.network)
    make(cast, network=cast.network)

    page = cncs_client.get(DASHBOARD, {"entidad": jalisco.pk}).content.decode()

    assert rows(page) == [local.folio]


def test_filter_by_network_includes_closings_of_accounts_on_that_network(cncs_client, cast):
    facebook = Network.objects.create(
        code="facebook",
        name="Facebook",
        handle_prefix="",
        handle_pattern=r"[A-Za-z0-9.]{5,50}",
        handle_help="letras",
        url_hosts="facebook.com",
    )
    on_x = make(cast, network=cast.network)
    on_facebook = make(cast, network=facebook, days=3)
    fb_account = AccountFactory(organ=cast.organ, network=facebook, handle="INE.Prueba", url="https://facebook.com/x")
    closing_on_facebook = make(cast, kind=Kind.CLOSING, account=fb_account, days=2)

    page = cncs_client.get(DASHBOARD, {"network": facebook.pk}).content.decode()

    assert rows(page) == [on_facebook.folio, closing_on_facebook.folio]
    assert on_x.folio not in rows(page)


def test_filter_by_overdue_only(cncs_client, cast, settings):
    settings.APPROVALS_REMINDER_AFTER_DAYS = 5
    late = make(cast, days=8, network=cast.network)
    make(cast, days=1, network=cast.network)

    page = cncs_client.get(DASHBOARD, {"vencidas": "on"}).content.decode()

    assert rows(page) == [late.folio]


def test_an_invalid_filter_matches_nothing(cncs_client, cast):
    make(cast, network=cast.network)

    page = cncs_client.get(DASHBOARD, {"organ": 999999}).content.decode()

    assert rows(page) == []


def test_opening_a_request_shows_it_beside_the_list_with_the_oficio_and_the_decisions(cncs_client, cast):
    req = factories.opening(cast)

    page = cncs_client.get(DASHBOARD, {"ver": req.pk}).content.decode()

    assert rows(page) == [req.folio]
    # A link to download it: a PDF is never shown inside a page of ours (core.files).
    assert f'<a href="{reverse("approvals:oficio", args=[req.pk])}">Descargar el oficio firmado (PDF)</a>' in page
    decide = reverse("approvals:decide", args=[req.pk])
    assert page.count(f'action="{decide}"') == 3
    for value in ("approve", "return", "reject"):
        assert f'name="decision" value="{value}"' in page
    assert f'name="next" value="{DASHBOARD}?ver={req.pk}"' in page


def test_a_decided_request_opened_on_the_dashboard_offers_no_decision(cncs_client, cast):
    req = factories.approved_opening(cast)

    page = cncs_client.get(DASHBOARD, {"ver": req.pk, "status": ""}).content.decode()

    assert req.folio in page
    assert 'name="decision"' not in page


def test_opening_a_missing_request_is_404(cncs_client, cast):
    assert cncs_client.get(DASHBOARD, {"ver": "999999"}).status_code == 404


@pytest.mark.parametrize("ver", ["abc", "²", "-1", "1" * 30])
def test_a_request_number_that_is_not_one_is_400(cncs_client, cast, ver):
    assert cncs_client.get(DASHBOARD, {"ver": ver}).status_code == 400


def test_a_draft_cannot_be_opened_on_the_dashboard(cncs_client, cast):
    req = factories.opening(cast, submit=False)

    assert cncs_client.get(DASHBOARD, {"ver": req.pk}).status_code == 404


def test_deciding_from_the_dashboard_comes_back_to_it(cncs_client, cast):
    req = factories.opening(cast)
    here = f"{DASHBOARD}?kind=opening&ver={req.pk}"

    response = cncs_client.post(
        reverse("approvals:decide", args=[req.pk]), {"decision": "return", "comment": "Corrija.", "next": here}
    )

    assert response.status_code == 302
    assert response["Location"] == here
    req.refresh_from_db()
    assert req.status == Status.RETURNED


def test_the_dashboard_query_count_does_not_grow_with_its_rows(cncs_client, cast, django_assert_max_num_queries):
    for days in range(30):
        make(cast, days=days + 1, network=cast.network)
    for _ in range(5):
        make(cast, kind=Kind.CLOSING, account=AccountFactory(organ=cast.organ, network=cast.network))

    with django_assert_max_num_queries(16):
        response = cncs_client.get(DASHBOARD)

    assert len(rows(response.content.decode())) == 35
