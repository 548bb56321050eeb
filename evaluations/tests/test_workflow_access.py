"""The evaluation workflow's pages, role by role. The organ's evaluation is issued (its titular
may acknowledge it, CNCS may correct it); a second account of the organ is still pending (CNCS
scores it). Whoever may not see an evaluation gets a 404, whoever sees it but may not act a 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import LOGGED_IN, ROLES, AccountFactory, UserFactory
from evaluations import services
from evaluations.models import Evaluation, EvaluationStatus, Period
from evaluations.tests.conftest import all_values
from evaluations.tests.factories import published_version

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404

# Those who see the organ's evaluations: CNCS, the Comité, a superuser, the organ's people.
SEES_ORGAN = {"titular", "admin", "suplente", "cncs", "president", "secretary", "superuser"}
# Those with any evaluation to see (the consejero heads an organ, and another organ's people).
SEES_SOME = SEES_ORGAN | {"other_titular", "other_admin", "consejero"}


def _rule(acts: set[str], answer: int) -> dict[str, object]:
    """``answer`` for those who act, 403 for those who see the evaluation only, 404 for the rest."""
    return {
        "anonymous": LOGIN,
        **{r: answer if r in acts else FORBIDDEN if r in SEES_ORGAN else NOT_FOUND for r in LOGGED_IN},
    }


def _semester_still_closed(people) -> str:
    year, half = services.openable_semesters()[0]
    return f"{year}-{half}"


# view name → (method, URL builder, data builder, expected answer per role).
VIEWS = {
    "list": (
        "get",
        lambda p: reverse("evaluations:list"),
        lambda p: None,
        {"anonymous": LOGIN, **{r: OK if r in SEES_SOME else FORBIDDEN for r in LOGGED_IN}},
    ),
    "open_period": (
        "post",
        lambda p: reverse("evaluations:open_period"),
        lambda p: {"semester": _semester_still_closed(p)},
        {"anonymous": LOGIN, **{r: REDIRECT if r == "cncs" else FORBIDDEN for r in LOGGED_IN}},
    ),
    "detail": (
        "get",
        lambda p: reverse("evaluations:detail", args=[p.issued.pk]),
        lambda p: None,
        _rule(SEES_ORGAN, OK),
    ),
    "score": (
        "post",
        lambda p: reverse("evaluations:score", args=[p.pending.pk]),
        lambda p: {"accion": "guardar", "summary": "Avance."},
        _rule({"cncs"}, REDIRECT),
    ),
    "correct": (
        "post",
        lambda p: reverse("evaluations:correct", args=[p.issued.pk]),
        lambda p: {
            **{services.value_field(c): 4 for c in all_values(p.issued)},
            "summary": "Corregida.",
            "reason": "Error de captura.",
        },
        _rule({"cncs"}, REDIRECT),
    ),
    "acknowledge": (
        "post",
        lambda p: reverse("evaluations:acknowledge", args=[p.issued.pk]),
        lambda p: {"response": "Enterados.", "revision": 1},
        _rule({"titular"}, REDIRECT),
    ),
}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    published_version(created_by=cast.president)
    second = AccountFactory(organ=cast.organ, network=cast.network)
    year, half = services.current_semester()
    period, _ = services.open_period(year=year, half=half, by=cast.cncs)
    cast.issued = Evaluation.objects.get(period=period, account=cast.account)
    services.issue_evaluation(evaluation_id=cast.issued.pk, by=cast.cncs, values=all_values(cast.issued))
    cast.pending = Evaluation.objects.get(period=period, account=second)
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, data_for, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = getattr(client, method)(url_for(people), data_for(people))
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"
    # Only the one who may act changed anything.
    issued = Evaluation.objects.get(pk=people.issued.pk)
    pending = Evaluation.objects.get(pk=people.pending.pk)
    acted = expected == REDIRECT
    assert (issued.status == EvaluationStatus.ACKNOWLEDGED) == (view == "acknowledge" and acted)
    assert (issued.revision == 2) == (view == "correct" and acted)
    assert (pending.status == EvaluationStatus.IN_PROGRESS) == (view == "score" and acted)
    assert (Period.objects.count() == 2) == (view == "open_period" and acted)


def test_the_matrix_covers_every_page_of_the_workflow():
    from evaluations.urls import urlpatterns

    assert {getattr(p, "name", None) for p in urlpatterns} - {None} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for *_, rule in VIEWS.values())


def test_another_organs_evaluation_is_a_404_for_the_organ(client, people):
    other = Evaluation.objects.get(account=people.other_account)
    client.force_login(people.titular)
    assert client.get(reverse("evaluations:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("evaluations:acknowledge", args=[other.pk]), {"revision": 0}).status_code == 404


def test_an_unknown_period_is_a_404_and_a_malformed_one_a_400(client, people):
    client.force_login(people.cncs)
    assert client.get(reverse("evaluations:list"), {"periodo": "999999"}).status_code == 404
    assert client.get(reverse("evaluations:list"), {"periodo": "²"}).status_code == 400
