"""The token pages, role by role: every signed-in person manages their own tokens; another
person's token is a 404 to everyone but its owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory
from api import services
from api.models import ApiToken

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, NOT_FOUND = "login", 200, 302, 404

# view name → (method, URL builder, expected answer per role). The token to revoke is the
# CNCS person's, so only they revoke it.
VIEWS = {
    "tokens": ("get", lambda p: reverse("api:tokens"), {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, OK)}),
    "token_revoke": (
        "post",
        lambda p: reverse("api:token_revoke", args=[p.token.pk]),
        {"anonymous": LOGIN, **{r: REDIRECT if r == "cncs" else NOT_FOUND for r in LOGGED_IN}},
    ),
}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.token, _raw = services.create_token(user=cast.cncs, name="Monitoreo")
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, rule = VIEWS[view]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url_for(people))
    expected = rule[role]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"
    revoked = ApiToken.objects.get(pk=people.token.pk).revoked_at is not None
    assert revoked == (view == "token_revoke" and expected == REDIRECT)


def test_the_matrix_covers_every_page_of_the_app():
    from api.urls import urlpatterns

    assert {getattr(p, "name", None) for p in urlpatterns} - {None} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for _, _, rule in VIEWS.values())
