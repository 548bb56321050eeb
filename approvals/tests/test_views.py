"""Every approvals view with every person of the standing cast.

Anonymous people are sent to log in; a request a person may not see is a 404 (its
existence does not leak); an action on a request they see but may not take is a 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import PositionLevel
from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory
from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories
from notifications.models import Notification

Status = AccountRequest.Status

ORGAN_PEOPLE = {"titular", "admin", "suplente"}
SEES_ALL = {"cncs", "president", "secretary", "superuser"}
SEE_SENT = ORGAN_PEOPLE | SEES_ALL  # a sent request of the organ
SEE_OPENING_AFTER_APPROVAL = SEE_SENT | {"unicom"}
HEADS = {"titular", "other_titular", "consejero"}
LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404


def _rule(allowed: set[str], visible: set[str], ok: int = OK) -> dict[str, object]:
    rule: dict[str, object] = {"anonymous": LOGIN}
    for role in LOGGED_IN:
        rule[role] = ok if role in allowed else FORBIDDEN if role in visible else NOT_FOUND
    return rule


def _page_rule(allowed: set[str]) -> dict[str, object]:
    return {"anonymous": LOGIN, **{r: OK if r in allowed else FORBIDDEN for r in LOGGED_IN}}


def draft(c):
    return factories.opening(c, submit=False)


def sent(c):
    return factories.opening(c)


def approved(c):
    return factories.approved_opening(c)


def mailbox_ready(c):
    return factories.mailbox_ready_opening(c)


def acknowledged_closing(c):
    return factories.acknowledged_closing(c)


# name → (method, make the object, URL, POST data, expected answer per role)
VIEWS = {
    "list": ("get", None, lambda r: reverse("approvals:list"), None, _page_rule(LOGGED_IN)),
    "dashboard": ("get", None, lambda r: reverse("approvals:dashboard"), None, _page_rule({"cncs"})),
    "new": ("get", None, lambda r: reverse("approvals:new"), None, _page_rule(HEADS)),
    "create_opening": ("get", None, lambda r: reverse("approvals:create", args=["apertura"]), None, _page_rule(HEADS)),
    "create_closing": ("get", None, lambda r: reverse("approvals:create", args=["cierre"]), None, _page_rule(HEADS)),
    "create_publicity": (
        "get",
        None,
        lambda r: reverse("approvals:create", args=["publicidad"]),
        None,
        _page_rule({"consejero"}),
    ),
    "detail_draft": ("get", draft, lambda r: reverse("approvals:detail", args=[r.pk]), None, _rule({"titular"}, set())),
    "detail_sent": ("get", sent, lambda r: reverse("approvals:detail", args=[r.pk]), None, _rule(SEE_SENT, set())),
    "detail_approved": (
        "get",
        approved,
        lambda r: reverse("approvals:detail", args=[r.pk]),
        None,
        _rule(SEE_OPENING_AFTER_APPROVAL, set()),
    ),
    "oficio": ("get", sent, lambda r: reverse("approvals:oficio", args=[r.pk]), None, _rule(SEE_SENT, set())),
    "edit_draft": ("get", draft, lambda r: reverse("approvals:edit", args=[r.pk]), None, _rule({"titular"}, set())),
    "edit_sent": (
        "get",
        sent,
        lambda r: reverse("approvals:edit", args=[r.pk]),
        None,
        _rule({"titular"}, SEE_SENT, ok=REDIRECT),  # the titular is told it can no longer be edited
    ),
    "submit": (
        "post",
        draft,
        lambda r: reverse("approvals:submit", args=[r.pk]),
        {},
        _rule({"titular"}, set(), REDIRECT),
    ),
    "withdraw": (
        "post",
        sent,
        lambda r: reverse("approvals:withdraw", args=[r.pk]),
        {},
        _rule({"titular"}, SEE_SENT, REDIRECT),
    ),
    "decide": (
        "post",
        sent,
        lambda r: reverse("approvals:decide", args=[r.pk]),
        {"decision": "approve"},
        _rule({"cncs"}, SEE_SENT, REDIRECT),
    ),
    "mailbox": (
        "post",
        approved,
        lambda r: reverse("approvals:mailbox", args=[r.pk]),
        {"mailbox": "redes.junta@ine.mx"},
        _rule({"unicom"}, SEE_OPENING_AFTER_APPROVAL, REDIRECT),
    ),
    "register": (
        "get",
        mailbox_ready,
        lambda r: reverse("approvals:register", args=[r.pk]),
        None,
        _rule(ORGAN_PEOPLE, SEE_OPENING_AFTER_APPROVAL),
    ),
    "confirm_closure": (
        "post",
        acknowledged_closing,
        lambda r: reverse("approvals:confirm_closure", args=[r.pk]),
        {"contents_deleted": "on", "platform_cancelled": "on"},
        _rule(ORGAN_PEOPLE, SEE_SENT, REDIRECT),
    ),
}

CASES = [(view, role) for view in VIEWS for role in ROLES]


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    return cast


@pytest.mark.parametrize("view, role", CASES, ids=[f"{v}-{r}" for v, r in CASES])
def test_access_matrix(client, people, view, role):
    method, make, url_for, data, expected = VIEWS[view]
    obj = make(people) if make else None
    url = url_for(obj)
    if role != "anonymous":
        client.force_login(getattr(people, role))

    response = getattr(client, method)(url, data) if method == "post" else client.get(url)

    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, f"{view} as {role}: {response.status_code}, expected {want}"


def test_a_refused_post_changes_nothing(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.president)

    client.post(reverse("approvals:decide", args=[req.pk]), {"decision": "approve"})

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED


def test_an_unknown_kind_of_request_is_404(client, cast):
    client.force_login(cast.titular)

    assert client.get(reverse("approvals:create", args=["otra-cosa"])).status_code == 404


# --- Lists never leak -----------------------------------------------------------------------


def test_the_list_shows_only_what_each_person_may_see(client, cast):
    mine = factories.opening(cast)
    my_draft = factories.opening(cast, submit=False, proposed_handle="INEBorrador")
    other_suplente = UserFactory(organ=cast.other_organ, position_level=PositionLevel.OPERATIVO)
    theirs = factories.opening(
        cast,
        by=cast.other_titular,
        proposed_handle="INEOtra",
        proposed_titular=cast.other_admin,
        proposed_suplente=other_suplente,
    )
    visible = {
        cast.titular: {mine, my_draft},
        cast.admin: {mine},
        cast.other_titular: {theirs},
        cast.other_admin: {theirs},
        cast.cncs: {mine, theirs},
        cast.president: {mine, theirs},
        cast.unicom: set(),
        cast.outsider: set(),
    }
    for user, expected in visible.items():
        client.force_login(user)
        page = client.get(reverse("approvals:list")).content.decode()
        for req in (mine, my_draft, theirs):
            assert (req.folio in page) == (req in expected), f"{user}: {req.folio}"


def test_unicom_sees_openings_once_approved(client, cast):
    req = factories.approved_opening(cast)
    client.force_login(cast.unicom)

    assert req.folio in client.get(reverse("approvals:list")).content.decode()


def test_an_organ_filter_outside_the_list_matches_nothing(client, cast):
    factories.opening(cast)
    client.force_login(cast.other_titular)

    page = client.get(reverse("approvals:list"), {"organ": cast.organ.pk}).content.decode()

    assert "No hay solicitudes que coincidan" in page


# --- The whole opening and closing walked in the browser, inboxes included -----------------------


def test_the_whole_opening_can_be_walked_through_the_pages(client, cast):
    client.force_login(cast.titular)
    response = client.post(
        reverse("approvals:create", args=["apertura"]),
        {
            "network": cast.network.pk,
            "proposed_name": "INE Junta de prueba",
            "proposed_handle": "INENueva",
            "purpose": "Difundir las actividades del órgano.",
            "proposed_titular": cast.admin.pk,
            "proposed_suplente": cast.suplente.pk,
            "oficio_number": "INE/1/2026",
            "oficio": factories.pdf_upload(),
            "guardar": "1",
        },
    )
    req = AccountRequest.objects.get()
    assert response.status_code == 302
    assert req.status == Status.DRAFT
    client.post(reverse("approvals:submit", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED

    client.force_login(cast.cncs)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Nueva solicitud" in inbox
    dashboard = reverse("approvals:dashboard") + f"?ver={req.pk}"
    page = client.get(dashboard).content.decode()
    # The oficio is a download link, never a frame (core.files).
    assert req.folio in page and f'href="{reverse("approvals:oficio", args=[req.pk])}"' in page
    response = client.post(
        reverse("approvals:decide", args=[req.pk]), {"decision": "approve", "comment": "Procede.", "next": dashboard}
    )
    assert response["Location"] == dashboard

    client.force_login(cast.unicom)
    assert "Aprovisionar correo institucional" in client.get(reverse("notifications:inbox")).content.decode()
    client.post(reverse("approvals:mailbox", args=[req.pk]), {"mailbox": "redes.junta@ine.mx"})

    client.force_login(cast.admin)
    assert "Correo institucional listo" in client.get(reverse("notifications:inbox")).content.decode()
    response = client.post(
        reverse("approvals:register", args=[req.pk]), {"handle": "INENueva", "url": "https://x.com/INENueva"}
    )
    assert response.status_code == 302

    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    assert req.account.status == "active"
    for member in (cast.president, cast.secretary):
        client.force_login(member)
        assert "Nueva cuenta institucional" in client.get(reverse("notifications:inbox")).content.decode()
        page = client.get(reverse("approvals:detail", args=[req.pk])).content.decode()
        assert "Concluida" in page


def test_the_whole_closing_can_be_walked_through_the_pages(client, cast):
    client.force_login(cast.titular)
    client.post(
        reverse("approvals:create", args=["cierre"]),
        {
            "account": cast.account.pk,
            "reason": "El programa concluyó.",
            "oficio_number": "INE/2/2026",
            "oficio": factories.pdf_upload(),
            "enviar": "1",
        },
    )
    req = AccountRequest.objects.get()
    assert req.status == Status.SUBMITTED

    client.force_login(cast.cncs)
    client.post(reverse("approvals:decide", args=[req.pk]), {"decision": "approve"})

    client.force_login(cast.suplente)
    assert "Acuse de recibo registrado" in client.get(reverse("notifications:inbox")).content.decode()
    client.post(
        reverse("approvals:confirm_closure", args=[req.pk]), {"contents_deleted": "on", "platform_cancelled": "on"}
    )

    cast.account.refresh_from_db()
    assert cast.account.status == "closed"
    client.force_login(cast.secretary)
    assert "Cuenta institucional cerrada" in client.get(reverse("notifications:inbox")).content.decode()


def test_sending_an_incomplete_request_shows_what_is_missing(client, cast):
    client.force_login(cast.titular)

    response = client.post(reverse("approvals:create", args=["apertura"]), {"network": cast.network.pk, "enviar": "1"})

    assert response.status_code == 200
    assert "Este dato es necesario para enviar la solicitud." in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_the_titular_edits_a_returned_request_and_sees_the_comments(client, cast):
    req = factories.opening(cast)
    services.return_request(request_id=req.pk, by=cast.cncs, comment="Precise el propósito.")
    client.force_login(cast.titular)

    page = client.get(reverse("approvals:edit", args=[req.pk])).content.decode()
    assert "Precise el propósito." in page

    response = client.post(
        reverse("approvals:edit", args=[req.pk]),
        {
            "network": cast.network.pk,
            "proposed_name": "INE Junta de prueba",
            "proposed_handle": "INENueva",
            "purpose": "Propósito precisado.",
            "proposed_titular": cast.admin.pk,
            "proposed_suplente": cast.suplente.pk,
            "oficio_number": "INE/1/2026",
            "enviar": "1",
        },
    )

    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.purpose == "Propósito precisado."


def test_the_timeline_is_shown_on_the_request(client, cast):
    req = factories.opening(cast)
    services.return_request(request_id=req.pk, by=cast.cncs, comment="Precise el propósito.")
    client.force_login(cast.titular)

    page = client.get(reverse("approvals:detail", args=[req.pk])).content.decode()

    assert page.count("<li><strong>") == 3
    assert "Precise el propósito." in page
    assert cast.cncs.get_full_name() in page


def test_a_rejection_without_reason_from_the_page_is_refused_with_a_message(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.cncs)

    response = client.post(
        reverse("approvals:decide", args=[req.pk]), {"decision": "reject", "comment": ""}, follow=True
    )

    assert "Indique el motivo del rechazo." in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED


def test_a_late_decision_from_the_page_names_who_resolved_it(client, cast):
    req = factories.opening(cast)
    services.approve_request(request_id=req.pk, by=cast.cncs)
    late = UserFactory(username="cncs_b", groups=["Comunicación Social"])
    client.force_login(late)

    response = client.post(
        reverse("approvals:decide", args=[req.pk]), {"decision": "reject", "comment": "No."}, follow=True
    )

    assert f"Esta solicitud ya fue resuelta por {cast.cncs.get_full_name()}" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert not Notification.objects.filter(kind="approvals.rejected").exists()


def test_an_outside_next_url_is_ignored(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.cncs)

    response = client.post(
        reverse("approvals:decide", args=[req.pk]), {"decision": "approve", "next": "https://malicioso.example/"}
    )

    assert response["Location"] == reverse("approvals:detail", args=[req.pk])


def test_registering_with_a_bad_url_shows_the_error_on_the_field(client, cast):
    req = factories.mailbox_ready_opening(cast)
    client.force_login(cast.admin)

    response = client.post(
        reverse("approvals:register", args=[req.pk]), {"handle": "INENueva", "url": "https://facebook.com/INENueva"}
    )

    assert response.status_code == 200
    assert "no es de X (Twitter)" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.MAILBOX_READY


def test_the_list_query_count_does_not_grow_with_its_rows(client, cast, django_assert_max_num_queries):
    for n in range(12):
        factories.opening(cast, submit=False, proposed_handle=f"INENueva{n}")
    client.force_login(cast.titular)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("approvals:list"))

    assert response.content.decode().count("SOL-") >= 12
