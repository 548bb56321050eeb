"""Who may see and do what, view by view and role by role (§5.1).

The matrix walks every accounts view with every person of the standing cast. Denials are
precise: anonymous people are sent to the login page; an object a person may not see is a
404 (its existence does not leak); an action on an object they see but may not touch is 403.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Account, LogEntry, OutOfOfficePeriod, PasswordRotation
from accounts.tests.factories import LOGGED_IN, ROLES, AccountFactory, UserFactory
from notifications.services import notify

pytestmark = pytest.mark.django_db

SEE_THE_ACCOUNT = {"titular", "admin", "suplente", "cncs", "unicom", "president", "secretary", "superuser"}
OPERATE_THE_ACCOUNT = {"admin", "suplente"}
EDIT_THE_ACCOUNT = OPERATE_THE_ACCOUNT | {"cncs", "superuser"}
DESIGNATE_IN_THE_ORGAN = {"titular", "superuser"}
SEE_COVERAGE = {"cncs", "president", "secretary", "superuser"}

LOGIN = "login"  # a redirect to the login page
OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def _object_rule(allowed: set[str], visible: set[str] = SEE_THE_ACCOUNT, ok: int = OK) -> dict[str, object]:
    """Allowed → ok; sees the object but may not act → 403; does not see it → 404."""
    rule: dict[str, object] = {"anonymous": LOGIN}
    for role in LOGGED_IN:
        rule[role] = ok if role in allowed else FORBIDDEN if role in visible else NOT_FOUND
    return rule


def _everyone(code: int, anonymous: object = LOGIN) -> dict[str, object]:
    return {"anonymous": anonymous, **dict.fromkeys(LOGGED_IN, code)}


# view name → (HTTP method, URL builder, expected answer per role)
VIEWS = {
    "home": ("get", lambda c: reverse("core:home"), _everyone(OK)),
    "list": ("get", lambda c: reverse("accounts:list"), _everyone(OK)),
    "list_csv": ("get", lambda c: reverse("accounts:list") + "?formato=csv", _everyone(OK)),
    "detail": ("get", lambda c: reverse("accounts:detail", args=[c.account.pk]), _object_rule(SEE_THE_ACCOUNT)),
    "edit": ("get", lambda c: reverse("accounts:edit", args=[c.account.pk]), _object_rule(EDIT_THE_ACCOUNT)),
    "log_add": ("get", lambda c: reverse("accounts:log_add", args=[c.account.pk]), _object_rule(OPERATE_THE_ACCOUNT)),
    "period_add": (
        "get",
        lambda c: reverse("accounts:period_add", args=[c.account.pk]),
        _object_rule(OPERATE_THE_ACCOUNT),
    ),
    "rotation_add": (
        "get",
        lambda c: reverse("accounts:rotation_add", args=[c.account.pk]),
        _object_rule(OPERATE_THE_ACCOUNT),
    ),
    "organ": ("get", lambda c: reverse("accounts:organ", args=[c.organ.pk]), _object_rule(SEE_THE_ACCOUNT)),
    "designate": (
        "get",
        lambda c: reverse("accounts:designate", args=[c.organ.pk]),
        _object_rule(DESIGNATE_IN_THE_ORGAN),
    ),
    "coverage": (
        "get",
        lambda c: reverse("accounts:coverage"),
        {"anonymous": LOGIN, **{r: OK if r in SEE_COVERAGE else FORBIDDEN for r in LOGGED_IN}},
    ),
    "inbox": ("get", lambda c: reverse("notifications:inbox"), _everyone(OK)),
    # The titular's notification: only the titular sees it (a GET shows it and marks nothing
    # read; opening it is a POST); to everyone else it does not exist.
    "notification_open": (
        "get",
        lambda c: reverse("notifications:open", args=[c.notification.pk]),
        {"anonymous": LOGIN, **{r: OK if r == "titular" else NOT_FOUND for r in LOGGED_IN}},
    ),
    "notification_preferences": ("get", lambda c: reverse("notifications:preferences"), _everyone(OK)),
    "mark_all_read": ("post", lambda c: reverse("notifications:read_all"), _everyone(REDIRECT)),
    "rotation_status": ("get", lambda c: reverse("accounts:rotation_status"), _everyone(OK)),
    "login": ("get", lambda c: reverse("login"), _everyone(OK, OK)),
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="raiz", is_superuser=True, is_staff=True)


@pytest.fixture
def people(cast, superuser):
    cast.superuser = superuser
    cast.notification = notify(
        [cast.titular],
        kind="test",
        title="Aviso para el titular",
        body="Mensaje",
        url=reverse("accounts:detail", args=[cast.account.pk]),
    )[0]
    return cast


def _client_for(client, people, role):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, role):
    method, url_for, rule = VIEWS[view]
    expected = rule[role]
    url = url_for(people)
    response = getattr(_client_for(client, people, role), method)(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"
        if expected == REDIRECT:
            assert not response.url.startswith(reverse("login"))


def test_the_matrix_covers_every_view_of_the_foundation():
    from accounts.urls import urlpatterns as accounts_urls
    from core.urls import urlpatterns as core_urls
    from notifications.urls import urlpatterns as notification_urls

    foundation = {f"accounts:{p.name}" for p in accounts_urls}
    foundation |= {f"core:{p.name}" for p in core_urls} | {f"notifications:{p.name}" for p in notification_urls}
    covered = {"core:home", "notifications:inbox", "notifications:open", "notifications:read_all"}
    covered |= {"notifications:preferences"}
    covered |= {f"accounts:{name}" for name in ("list", "detail", "edit", "log_add", "period_add", "rotation_add")}
    covered |= {f"accounts:{name}" for name in ("organ", "designate", "coverage", "rotation_status")}
    assert foundation == covered
    assert all(set(rule) == set(ROLES) for _, _, rule in VIEWS.values())


def test_opening_someone_elses_notification_does_not_mark_it_read(client, people):
    client.force_login(people.admin)
    assert client.get(reverse("notifications:open", args=[people.notification.pk])).status_code == 404
    people.notification.refresh_from_db()
    assert people.notification.read_at is None


# --- Forbidden writes write nothing --------------------------------------------------------

WRITES = {
    "log_add": (lambda c: {"kind": LogEntry.Kind.PUBLICATION, "text": "Publicación"}, LogEntry),
    "period_add": (
        lambda c: {
            "starts_on": timezone.localdate() + timedelta(days=20),
            "ends_on": timezone.localdate() + timedelta(days=30),
            "reason": "Vacaciones",
            "attention_hours": "Sin atención",
            "monitor": c.admin.pk,
        },
        OutOfOfficePeriod,
    ),
    "rotation_add": (lambda c: {"meets_policy": "on"}, PasswordRotation),
}


@pytest.mark.parametrize(
    "role, status", [("titular", 403), ("cncs", 403), ("superuser", 403), ("other_admin", 404), ("staff", 404)]
)
@pytest.mark.parametrize("view", list(WRITES))
def test_a_forbidden_post_saves_nothing(client, people, view, role, status):
    data_for, model = WRITES[view]
    before = model.objects.count()
    client.force_login(getattr(people, role))
    response = client.post(reverse(f"accounts:{view}", args=[people.account.pk]), data_for(people))
    assert response.status_code == status
    assert model.objects.count() == before


@pytest.mark.parametrize("role, status", [("titular", 403), ("unicom", 403), ("other_admin", 404)])
def test_a_forbidden_edit_changes_nothing(client, people, role, status):
    client.force_login(getattr(people, role))
    response = client.post(
        reverse("accounts:edit", args=[people.account.pk]),
        {"name": "Nombre cambiado", "handle": "INEPrueba", "url": "https://x.com/INEPrueba"},
    )
    assert response.status_code == status
    people.account.refresh_from_db()
    assert people.account.name != "Nombre cambiado"


@pytest.mark.parametrize("role, status", [("admin", 403), ("cncs", 403), ("president", 403), ("other_titular", 404)])
def test_only_the_organs_titular_may_post_a_designation(client, people, role, status):
    client.force_login(getattr(people, role))
    response = client.post(
        reverse("accounts:designate", args=[people.organ.pk]),
        {"titular": people.admin.pk, "suplente": people.staff.pk},
    )
    assert response.status_code == status
    assert people.organ.designations.filter(ends_at__isnull=True, user=people.staff).count() == 0


def test_mark_all_read_refuses_get(client, people):
    client.force_login(people.titular)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    people.notification.refresh_from_db()
    assert people.notification.read_at is None


# --- No leak in lists, exports and counts -------------------------------------------------


def _listed(response) -> set[str]:
    return {a.handle for a in response.context["page"].object_list}


def _csv_handles(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [row[4] for row in rows[1:]]


def test_other_organs_account_never_appears_in_an_outsiders_list(client, cast):
    client.force_login(cast.other_titular)
    response = client.get(reverse("accounts:list"))
    assert _listed(response) == {"OtraCuenta"}
    assert "INEPrueba" not in response.content.decode()


def test_other_organs_account_never_appears_in_an_outsiders_csv(client, cast):
    client.force_login(cast.other_admin)
    response = client.get(reverse("accounts:list") + "?formato=csv")
    assert _csv_handles(response) == ["@OtraCuenta"]


def test_other_organs_account_never_appears_on_an_outsiders_home(client, cast):
    client.force_login(cast.other_titular)
    response = client.get(reverse("core:home"))
    body = response.content.decode()
    assert "OtraCuenta" in body
    assert "INEPrueba" not in body
    assert "status_counts" not in response.context  # the institution-wide counts are not theirs


def test_staff_without_a_role_sees_no_account_anywhere(client, cast):
    client.force_login(cast.staff)
    assert _listed(client.get(reverse("accounts:list"))) == set()
    assert _csv_handles(client.get(reverse("accounts:list") + "?formato=csv")) == []
    body = client.get(reverse("core:home")).content.decode()
    assert "INEPrueba" not in body and "OtraCuenta" not in body


@pytest.mark.parametrize("fmt", ["", "&formato=csv"])
def test_filtering_by_the_other_organ_gives_nothing(client, cast, fmt):
    client.force_login(cast.other_titular)
    response = client.get(reverse("accounts:list") + f"?organ={cast.organ.pk}{fmt}")
    if fmt:
        assert _csv_handles(response) == []
    else:
        assert _listed(response) == set()
        assert "INEPrueba" not in response.content.decode()


def test_an_invalid_filter_says_why_nothing_is_listed(client, cast):
    client.force_login(cast.other_titular)
    response = client.get(reverse("accounts:list") + f"?organ={cast.organ.pk}")
    assert "Seleccione una opción válida." in response.content.decode()


def test_an_unknown_status_matches_nothing(client, cast):
    client.force_login(cast.cncs)
    assert _listed(client.get(reverse("accounts:list") + "?status=borrada")) == set()
    assert _listed(client.get(reverse("accounts:list") + "?status=active")) == {"INEPrueba", "OtraCuenta"}


def test_searching_for_the_other_organs_handle_gives_nothing(client, cast):
    client.force_login(cast.other_titular)
    assert _listed(client.get(reverse("accounts:list") + "?q=INEPrueba")) == set()


def test_cncs_sees_both_organs_and_counts_them(client, cast):
    client.force_login(cast.cncs)
    assert _listed(client.get(reverse("accounts:list"))) == {"INEPrueba", "OtraCuenta"}
    home = client.get(reverse("core:home"))
    [overview] = [p for p in home.context["panels"] if p.template == "accounts/_home_panel.html"]
    counts = {code: n for _, code, n in overview.context["status_counts"]}
    assert counts[Account.Status.ACTIVE] == 2


def test_organ_page_lists_only_that_organs_accounts(client, cast):
    client.force_login(cast.titular)
    response = client.get(reverse("accounts:organ", args=[cast.organ.pk]))
    assert [a.handle for a in response.context["accounts"]] == ["INEPrueba"]


# --- Query counts do not grow with rows -----------------------------------------------------

# Measured, then pinned: a new query on these pages should be a decision, not an accident.
LIST_MAX_QUERIES = 11
CSV_MAX_QUERIES = 4
DETAIL_MAX_QUERIES = 16  # + the registry section: the account's latest change of handle


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_accounts(cast, n):
    for i in range(n):
        organ = cast.organ if i % 2 else cast.other_organ
        AccountFactory(organ=organ, network=cast.network, status=Account.Status.ACTIVE)


@pytest.mark.parametrize("role", ["cncs", "admin"])
def test_account_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries, role):
    client.force_login(getattr(cast, role))
    url = reverse("accounts:list")
    few = _count_queries(client, url)
    _more_accounts(cast, 30)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) >= 16
    assert _count_queries(client, url) == few


def test_account_csv_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    client.force_login(cast.cncs)
    url = reverse("accounts:list") + "?formato=csv"
    few = _count_queries(client, url)
    _more_accounts(cast, 30)
    with django_assert_max_num_queries(CSV_MAX_QUERIES):
        response = client.get(url)
    assert len(_csv_handles(response)) == 32
    assert _count_queries(client, url) == few


def test_account_detail_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    account = cast.account
    client.force_login(cast.admin)
    url = reverse("accounts:detail", args=[account.pk])
    first = services.add_log_entry(account_id=account.pk, by=cast.admin, kind=LogEntry.Kind.PUBLICATION, text="1")
    services.add_log_entry(account_id=account.pk, by=cast.admin, kind="other", text="corr", corrects_id=first.pk)
    few = _count_queries(client, url)
    for i in range(30):
        entry = services.add_log_entry(account_id=account.pk, by=cast.suplente, kind=LogEntry.Kind.REPLY, text=f"{i}")
        if i % 3 == 0:
            services.add_log_entry(account_id=account.pk, by=cast.admin, kind="other", text="c", corrects_id=entry.pk)
        services.record_password_rotation(account_id=account.pk, by=cast.admin, meets_policy=True)
        services.update_account_details(account_id=account.pk, by=cast.admin, attention_hours=f"Lunes {i}")
    today = timezone.localdate()
    for week in range(1, 11):
        services.add_out_of_office_period(
            account_id=account.pk,
            by=cast.admin,
            starts_on=today + timedelta(weeks=week),
            ends_on=today + timedelta(weeks=week, days=1),
            reason="Inhábil",
            attention_hours="Sin atención",
            monitor=cast.suplente,
        )
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(url)
    assert len(response.context["entries"]) == 25
    assert _count_queries(client, url) == few
