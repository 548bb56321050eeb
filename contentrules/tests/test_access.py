"""The content-rules pages, role by role: the review for anyone signed in (it stores nothing
and shows only what was typed), the word lists for Comunicación Social only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN = "login", 200, 302, 403
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, OK)}


def _lists_rule(ok: int) -> dict[str, object]:
    return {"anonymous": LOGIN, **{r: ok if r == "cncs" else FORBIDDEN for r in LOGGED_IN}}


# view name → (method, URL, data, expected answer per role). The lists are Comunicación
# Social's (a superuser edits them in the admin).
VIEWS = {
    "review": ("get", reverse("contentrules:review"), None, SIGNED_IN),
    "review_json": ("post", reverse("contentrules:review_json"), {"texto": "Hola", "red": ""}, SIGNED_IN),
    "lists": ("get", reverse("contentrules:lists"), None, _lists_rule(OK)),
    "list_edit": (
        "post",
        reverse("contentrules:list_edit", args=["reserved"]),
        {"terms": "reservado\nconfidencial"},
        _lists_rule(REDIRECT),
    ),
}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url, data, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url, data)
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"


def test_the_matrix_covers_every_view_of_the_app():
    from contentrules.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for *_, rule in VIEWS.values())


@pytest.mark.parametrize("kind", ["no-existe", "１２"])
def test_an_unknown_list_is_a_404_not_a_500(client, people, kind):
    client.force_login(people.cncs)
    assert client.get(reverse("contentrules:list_edit", args=["reserved"]).replace("reserved", kind)).status_code == 404
