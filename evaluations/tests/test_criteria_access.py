"""The criteria pages, role by role.

Decided: CNCS, the Comité and the system's administration see every version, drafts
included; the organs' titulars and administrators (a consejero heads an office: one too)
read the published versions they are evaluated against, and a draft is a 404 to them;
UNICOM, staff without a role and people of no organ read no criteria (403). Only the Comité
edits a draft and publishes it; CNCS and the system's administration read only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory
from evaluations import criteria
from evaluations.criteria_urls import urlpatterns
from evaluations.models import CriteriaVersion, Criterion

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404

COMMITTEE = {"president", "secretary"}
SEES_ALL = COMMITTEE | {"cncs", "superuser"}
ORGAN_PEOPLE = {"titular", "admin", "suplente", "other_titular", "other_admin", "consejero"}
NO_CRITERIA = {"staff", "outsider", "unicom"}
assert SEES_ALL | ORGAN_PEOPLE | NO_CRITERIA == LOGGED_IN


def _rule(*, committee, sees_all, organ_people) -> dict[str, object]:
    rule = {"anonymous": LOGIN}
    for role in LOGGED_IN:
        if role in COMMITTEE:
            rule[role] = committee
        elif role in SEES_ALL:
            rule[role] = sees_all
        elif role in ORGAN_PEOPLE:
            rule[role] = organ_people
        else:
            rule[role] = FORBIDDEN
    return rule


READ = _rule(committee=OK, sees_all=OK, organ_people=OK)
READ_DRAFT = _rule(committee=OK, sees_all=OK, organ_people=NOT_FOUND)
EDIT_DRAFT_PAGE = _rule(committee=OK, sees_all=FORBIDDEN, organ_people=NOT_FOUND)
EDIT_DRAFT_POST = _rule(committee=REDIRECT, sees_all=FORBIDDEN, organ_people=NOT_FOUND)
# A published version's edit pages send the Comité back to the version's page, saying why.
EDIT_PUBLISHED = _rule(committee=REDIRECT, sees_all=FORBIDDEN, organ_people=FORBIDDEN)
CREATE = _rule(committee=REDIRECT, sees_all=FORBIDDEN, organ_people=FORBIDDEN)


def _draft_url(name, *extra):
    return lambda p: reverse(f"evaluations:{name}", args=[p.draft.pk, *[getattr(p, e).pk for e in extra]])


def _published_url(name, *extra):
    return lambda p: reverse(f"evaluations:{name}", args=[p.published.pk, *[getattr(p, e).pk for e in extra]])


# (view name, case) → (method, URL builder, data, expected answer per role).
VIEWS = {
    ("criteria_list", "list"): ("get", lambda p: reverse("evaluations:criteria_list"), None, READ),
    ("criteria_create", "new draft"): ("post", lambda p: reverse("evaluations:criteria_create"), {}, CREATE),
    ("criteria_detail", "published"): ("get", _published_url("criteria_detail"), None, READ),
    ("criteria_detail", "draft"): ("get", _draft_url("criteria_detail"), None, READ_DRAFT),
    ("criteria_edit", "draft"): ("get", _draft_url("criteria_edit"), None, EDIT_DRAFT_PAGE),
    ("criteria_edit", "draft, post"): (
        "post",
        _draft_url("criteria_edit"),
        {"title": "Nuevo título", "notes": ""},
        EDIT_DRAFT_POST,
    ),
    ("criteria_edit", "published"): ("get", _published_url("criteria_edit"), None, EDIT_PUBLISHED),
    ("criteria_publish", "draft"): ("get", _draft_url("criteria_publish"), None, EDIT_DRAFT_PAGE),
    ("criteria_publish", "draft, post"): ("post", _draft_url("criteria_publish"), {}, EDIT_DRAFT_POST),
    ("criteria_publish", "published"): ("post", _published_url("criteria_publish"), {}, EDIT_PUBLISHED),
    ("criteria_discard", "draft"): ("get", _draft_url("criteria_discard"), None, EDIT_DRAFT_PAGE),
    ("criteria_discard", "draft, post"): ("post", _draft_url("criteria_discard"), {}, EDIT_DRAFT_POST),
    ("criteria_discard", "published"): ("post", _published_url("criteria_discard"), {}, EDIT_PUBLISHED),
    ("criterion_add", "draft"): ("get", _draft_url("criterion_add"), None, EDIT_DRAFT_PAGE),
    ("criterion_add", "published"): ("get", _published_url("criterion_add"), None, EDIT_PUBLISHED),
    ("criterion_edit", "draft"): ("get", _draft_url("criterion_edit", "draft_criterion"), None, EDIT_DRAFT_PAGE),
    ("criterion_edit", "published"): (
        "post",
        _published_url("criterion_edit", "published_criterion"),
        {"name": "Cambiado", "code": "cambiado", "description": "x", "scale_min": 0, "scale_max": 4, "weight": 5},
        EDIT_PUBLISHED,
    ),
    ("criterion_remove", "draft"): (
        "post",
        _draft_url("criterion_remove", "draft_criterion"),
        {},
        EDIT_DRAFT_POST,
    ),
    ("criterion_remove", "published"): (
        "post",
        _published_url("criterion_remove", "published_criterion"),
        {},
        EDIT_PUBLISHED,
    ),
    ("criterion_move", "draft"): (
        "post",
        _draft_url("criterion_move", "draft_criterion"),
        {"direction": "down"},
        EDIT_DRAFT_POST,
    ),
    ("criterion_move", "published"): (
        "post",
        _published_url("criterion_move", "published_criterion"),
        {"direction": "down"},
        EDIT_PUBLISHED,
    ),
}

# The cases that change something when they succeed (the new-draft post is refused: a draft
# is already open); nothing ever changes on the published version.
WRITES = {
    ("criteria_edit", "draft, post"),
    ("criteria_publish", "draft, post"),
    ("criteria_discard", "draft, post"),
    ("criterion_remove", "draft"),
    ("criterion_move", "draft"),
}

FIELDS = {"description": "Qué se evalúa.", "scale_min": 0, "scale_max": 4, "source": ""}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    version = criteria.create_draft(by=cast.president)
    for code, weight in (("frecuencia", 60), ("bitacora", 40)):
        criteria.save_criterion(version_id=version.pk, by=cast.president, code=code, name=code, weight=weight, **FIELDS)
    cast.published = criteria.publish_version(version_id=version.pk, by=cast.president)
    cast.published_criterion = cast.published.criteria.order_by("position").first()
    cast.draft = criteria.create_draft(by=cast.secretary)
    cast.draft_criterion = cast.draft.criteria.order_by("position").first()
    return cast


def _snapshot():
    return (
        list(CriteriaVersion.objects.order_by("pk").values()),
        list(Criterion.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS), ids=[f"{name}[{case}]" for name, case in VIEWS])
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, data, rule = VIEWS[view]
    expected = rule[role]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    before = _snapshot()
    response = getattr(client, method)(url_for(people), data)
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"
    changed = _snapshot() != before
    assert changed == (view in WRITES and expected == REDIRECT), f"{role} on {view}"
    published = CriteriaVersion.objects.get(pk=people.published.pk)
    assert published.status == CriteriaVersion.Status.PUBLISHED
    assert published.criteria.count() == 2


def test_the_matrix_covers_every_view_of_the_criteria_pages():
    assert {p.name for p in urlpatterns} == {name for name, _ in VIEWS}
    assert all(set(rule) == set(ROLES) for *_, rule in VIEWS.values())


def test_the_rules_follow_the_access_functions(people):
    """The matrix's groups are what ``criteria`` decides, role by role."""
    for role in LOGGED_IN:
        user = getattr(people, role)
        assert criteria.may_read_criteria(user) == (role not in NO_CRITERIA), role
        assert criteria.sees_drafts(user) == (role in SEES_ALL), role
