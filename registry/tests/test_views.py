"""The registry's pages, role by role: the public pages for everyone, the proposal for the
organ's administrators, the decisions for CNCS. Denials are precise: anonymous people go to
the login page; what a person may not see is a 404; what they see but may not do is a 403."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory
from registry import services
from registry.models import HandleChange

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404
SEE_THE_ACCOUNT = {"titular", "admin", "suplente", "cncs", "unicom", "president", "secretary", "superuser"}
SEE_CHANGES = SEE_THE_ACCOUNT | {"consejero", "other_titular", "other_admin"}
OPERATE = {"admin", "suplente"}
DECIDE = {"cncs", "superuser"}


def _object_rule(allowed: set[str], visible: set[str] = SEE_THE_ACCOUNT, ok: int = OK) -> dict[str, object]:
    rule: dict[str, object] = {"anonymous": LOGIN}
    for role in LOGGED_IN:
        rule[role] = ok if role in allowed else FORBIDDEN if role in visible else NOT_FOUND
    return rule


PUBLIC = dict.fromkeys(ROLES, OK)

# view name → (method, URL builder, expected answer per role)
VIEWS = {
    "lookup": ("get", lambda p: reverse("registry:lookup") + "?q=INEPrueba", PUBLIC),
    "directory": ("get", lambda p: reverse("registry:directory"), PUBLIC),
    "open_data_csv": ("get", lambda p: reverse("registry:open_data_csv"), PUBLIC),
    "open_data_json": ("get", lambda p: reverse("registry:open_data_json"), PUBLIC),
    "propose": ("get", lambda p: reverse("registry:propose", args=[p.account.pk]), _object_rule(OPERATE)),
    "changes": (
        "get",
        lambda p: reverse("registry:changes"),
        {"anonymous": LOGIN, **{r: OK if r in SEE_CHANGES else FORBIDDEN for r in LOGGED_IN}},
    ),
    "confirm": ("post", lambda p: reverse("registry:confirm", args=[p.change.pk]), _object_rule(DECIDE, ok=REDIRECT)),
    "reject": ("post", lambda p: reverse("registry:reject", args=[p.change.pk]), _object_rule(DECIDE, ok=REDIRECT)),
    "withdraw": (
        "post",
        lambda p: reverse("registry:withdraw", args=[p.change.pk]),
        _object_rule(OPERATE, ok=REDIRECT),
    ),
}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.change = services.propose_handle_change(
        account_id=cast.account.pk, by=cast.admin, new_handle="INENuevo", new_url="https://x.com/INENuevo",
        reason="Cambio en la red.",
    )  # fmt: skip
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, rule = VIEWS[view]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    data = {"note": "Motivo"} if method == "post" else None
    response = getattr(client, method)(url_for(people), data)
    expected = rule[role]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"


def test_the_matrix_covers_every_view_of_the_registry():
    from registry.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for _, _, rule in VIEWS.values())


@pytest.mark.parametrize("view", ["confirm", "reject", "withdraw"])
def test_a_get_changes_nothing(client, people, view):
    client.force_login(people.cncs if view != "withdraw" else people.admin)
    assert client.get(reverse(f"registry:{view}", args=[people.change.pk])).status_code == 405
    people.change.refresh_from_db()
    assert people.change.status == "proposed"


# --- The pages at work ------------------------------------------------------------------------------


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_account_page_offers_the_proposal_to_its_administrators_only(client, cast):
    url = reverse("accounts:detail", args=[cast.account.pk])
    propose = reverse("registry:propose", args=[cast.account.pk])
    client.force_login(cast.admin)
    assert f'href="{propose}"' in client.get(url).content.decode()
    client.force_login(cast.cncs)
    body = client.get(url).content.decode()
    assert f'href="{propose}"' not in body and "Registro público" in body


def test_the_proposal_page_explains_and_sends(client, cast):
    client.force_login(cast.admin)
    url = reverse("registry:propose", args=[cast.account.pk])
    assert (
        "«pendiente de verificación» tanto con el nombre anterior como con el nuevo" in client.get(url).content.decode()
    )
    response = client.post(
        url, {"new_handle": "@INENuevo", "new_url": "x.com/INENuevo", "reason": "La red cambió el nombre."}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:detail", args=[cast.account.pk])
    change = HandleChange.objects.get()
    assert (change.new_handle, change.new_url) == ("INENuevo", "https://x.com/INENuevo")
    assert "Cambio enviado a Comunicación Social" in _messages(response)[0]
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert "Pendiente de verificación" in body and "«INEPrueba» a «INENuevo»" in body


def test_a_refused_proposal_says_why_on_the_form_and_saves_nothing(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("registry:propose", args=[cast.account.pk]),
        {"new_handle": "INEMexico", "new_url": "https://x.com/INEMexico", "reason": "Quiero el oficial."},
    )
    assert response.status_code == 200
    assert "está reservado en todas las redes sociales" in response.content.decode()
    assert not HandleChange.objects.exists()


def test_cncs_sees_the_pending_first_and_decides(client, people):
    other = services.propose_handle_change(
        account_id=people.other_account.pk, by=people.other_admin, new_handle="OtraNueva",
        new_url="https://x.com/OtraNueva", reason="Cambio.",
    )  # fmt: skip
    services.reject_handle_change(change_id=other.pk, by=people.cncs, note="No coincide.")
    client.force_login(people.cncs)
    response = client.get(reverse("registry:changes"))
    assert [c.pk for c in response.context["page"]] == [people.change.pk, other.pk]
    body = response.content.decode()
    assert reverse("registry:confirm", args=[people.change.pk]) in body
    assert reverse("registry:confirm", args=[other.pk]) not in body
    response = client.post(reverse("registry:confirm", args=[people.change.pk]), {"note": ""})
    assert response.url == reverse("registry:changes") + f"#cambio-{people.change.pk}"
    assert "Cambio confirmado" in _messages(response)[0]
    response = client.post(reverse("registry:reject", args=[people.change.pk]), {"note": "Tarde"})
    assert "ya fue resuelto (confirmado)" in _messages(response)[-1]


def test_a_rejection_without_a_reason_is_refused_with_a_message(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("registry:reject", args=[people.change.pk]), {"note": ""})
    assert response.status_code == 302 and _messages(response) == ["Este campo es obligatorio."]
    people.change.refresh_from_db()
    assert people.change.status == "proposed"


def test_an_administrator_sees_only_the_changes_of_their_organ(client, people):
    services.propose_handle_change(
        account_id=people.other_account.pk, by=people.other_admin, new_handle="OtraNueva",
        new_url="https://x.com/OtraNueva", reason="Cambio.",
    )  # fmt: skip
    client.force_login(people.admin)
    response = client.get(reverse("registry:changes"))
    assert [c.pk for c in response.context["page"]] == [people.change.pk]
    body = response.content.decode()
    assert reverse("registry:withdraw", args=[people.change.pk]) in body
    assert reverse("registry:confirm", args=[people.change.pk]) not in body


def test_cncs_has_a_home_panel_and_a_link_with_the_pending_count(client, people):
    client.force_login(people.cncs)
    response = client.get(reverse("core:home"))
    assert "registry/_home_panel.html" in [p.template for p in response.context["panels"]]
    [link] = [link for link in response.context["nav_links"] if link.url == reverse("registry:changes")]
    assert link.badge == 1
    client.force_login(people.admin)
    response = client.get(reverse("core:home"))
    assert "registry/_home_panel.html" not in [p.template for p in response.context["panels"]]
