"""The regularisation pages, role by role, and what each shows. Whoever may not see an organ
gets a 404; whoever sees it but may not act, a 403; a refusal of the rules comes back as the
service's message on the organ's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import LOGGED_IN, ROLES, UserFactory
from onboarding import regularisation
from onboarding.models import OrganExtension, Regularisation, RegularisationSchedule

from .regularisation_factories import complete, imported_account, national_deadline

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, NOT_FOUND = "login", 200, 302, 403, 404

NATIONAL = {"cncs", "unicom", "president", "secretary", "superuser"}
ORGAN = {"titular", "admin", "suplente"}
SEES_ORGAN = NATIONAL | ORGAN
MANAGES = {"cncs", "superuser"}


def _rule(acts: set[str], answer: int, sees: set[str] = SEES_ORGAN) -> dict[str, object]:
    return {
        "anonymous": LOGIN,
        **{r: answer if r in acts else FORBIDDEN if r in sees else NOT_FOUND for r in LOGGED_IN},
    }


def _later(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# view name → (method, URL builder, data builder, expected answer per role).
VIEWS = {
    "regularisation": (
        "get",
        lambda p: reverse("onboarding:regularisation"),
        lambda p: None,
        {
            "anonymous": LOGIN,
            **{r: OK if r in NATIONAL else FORBIDDEN if r in {"staff", "outsider"} else REDIRECT for r in LOGGED_IN},
        },
    ),
    "regularisation_deadline": (
        "post",
        lambda p: reverse("onboarding:regularisation_deadline"),
        lambda p: {"deadline": _later(40)},
        {"anonymous": LOGIN, **{r: REDIRECT if r in MANAGES else FORBIDDEN for r in LOGGED_IN}},
    ),
    "regularisation_organ": (
        "get",
        lambda p: reverse("onboarding:regularisation_organ", args=[p.organ.pk]),
        lambda p: None,
        _rule(SEES_ORGAN, OK),
    ),
    "regularisation_extension": (
        "post",
        lambda p: reverse("onboarding:regularisation_extension", args=[p.organ.pk]),
        lambda p: {"deadline": _later(60), "reason": "Cambio de titular."},
        _rule(MANAGES, REDIRECT),
    ),
    "regularisation_accept_all": (
        "post",
        lambda p: reverse("onboarding:regularisation_accept_all", args=[p.organ.pk]),
        lambda p: {},
        _rule({"titular"}, REDIRECT),
    ),
    "regularisation_confirm_purpose": (
        "post",
        lambda p: reverse("onboarding:regularisation_confirm_purpose", args=[p.imported.pk]),
        lambda p: {},
        _rule(ORGAN, REDIRECT),
    ),
    "regularisation_accept_criteria": (
        "post",
        lambda p: reverse("onboarding:regularisation_accept_criteria", args=[p.imported.pk]),
        lambda p: {},
        _rule({"titular"}, REDIRECT),
    ),
}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.imported = imported_account(cast.organ, cast.network)
    national_deadline(timezone.localdate() + timedelta(days=30), cast.cncs)
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
    acted = expected == REDIRECT and method == "post"
    r = Regularisation.objects.get(account=people.imported)
    assert (r.purpose_confirmed_at is not None) == (view == "regularisation_confirm_purpose" and acted)
    assert (r.criteria_accepted_at is not None) == (
        view in ("regularisation_accept_criteria", "regularisation_accept_all") and acted
    )
    assert OrganExtension.objects.exists() == (view == "regularisation_extension" and acted)
    moved = RegularisationSchedule.objects.get().deadline == timezone.localdate() + timedelta(days=40)
    assert moved == (view == "regularisation_deadline" and acted)


def test_the_matrix_covers_every_regularisation_page():
    from onboarding.regularisation_views import urlpatterns

    assert {p.name for p in urlpatterns} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for *_, rule in VIEWS.values())


@pytest.mark.parametrize("role", ["cncs", "superuser"])
def test_the_forms_open_for_cncs(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(reverse("onboarding:regularisation_deadline")).status_code == 200
    assert client.get(reverse("onboarding:regularisation_extension", args=[people.organ.pk])).status_code == 200


@pytest.mark.parametrize("role", ["titular", "admin", "president", "unicom"])
def test_the_forms_are_refused_to_others(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(reverse("onboarding:regularisation_deadline")).status_code == 403
    assert client.get(reverse("onboarding:regularisation_extension", args=[people.organ.pk])).status_code == 403


def test_organ_people_land_on_their_organs_page(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("onboarding:regularisation"))
    assert response.url == reverse("onboarding:regularisation_organ", args=[people.organ.pk])


def test_the_organ_page_offers_each_person_only_what_they_may_do(client, people):
    url = reverse("onboarding:regularisation_organ", args=[people.organ.pk])
    confirm = reverse("onboarding:regularisation_confirm_purpose", args=[people.imported.pk])
    accept = reverse("onboarding:regularisation_accept_criteria", args=[people.imported.pk])
    accept_all = reverse("onboarding:regularisation_accept_all", args=[people.organ.pk])
    rotate = reverse("accounts:rotation_add", args=[people.imported.pk])
    extend = reverse("onboarding:regularisation_extension", args=[people.organ.pk])

    client.force_login(people.titular)
    page = client.get(url).content.decode()
    assert confirm in page and accept in page and accept_all in page and rotate not in page and extend not in page
    assert "Aceptar los criterios para todas las cuentas" in page

    client.force_login(people.admin)
    page = client.get(url).content.decode()
    assert confirm in page and rotate in page and accept not in page and accept_all not in page

    client.force_login(people.cncs)
    page = client.get(url).content.decode()
    assert confirm not in page and accept not in page and rotate not in page and extend in page
    assert "faltan 30 días" in page


def test_done_steps_say_who_and_when(client, people):
    complete(people.imported, head=people.titular, admin=people.admin)
    client.force_login(people.cncs)
    page = client.get(reverse("onboarding:regularisation_organ", args=[people.organ.pk])).content.decode()
    assert "Completa" in page and str(people.titular) in page and str(people.admin) in page


def test_a_refusal_comes_back_as_the_services_message(client, people):
    client.force_login(people.admin)
    url = reverse("onboarding:regularisation_confirm_purpose", args=[people.imported.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "ya lo confirmó" in response.content.decode()


def test_the_deadline_form_shows_the_refusal_and_changes_nothing(client, people):
    client.force_login(people.cncs)
    response = client.post(reverse("onboarding:regularisation_deadline"), {"deadline": _later(-1)})
    assert response.status_code == 200 and "no puede estar en el pasado" in response.content.decode()
    assert RegularisationSchedule.objects.get().deadline == timezone.localdate() + timedelta(days=30)


def test_the_extension_form_needs_a_later_date_and_a_reason(client, people):
    client.force_login(people.cncs)
    url = reverse("onboarding:regularisation_extension", args=[people.organ.pk])
    response = client.post(url, {"deadline": _later(10), "reason": "Motivo."})
    assert "debe ser posterior" in response.content.decode()
    response = client.post(url, {"deadline": _later(60), "reason": ""})
    assert response.status_code == 200 and not OrganExtension.objects.exists()


def test_the_national_page_counts_and_charts(client, people):
    complete(imported_account(people.organ, people.network), head=people.titular, admin=people.admin)
    imported_account(people.other_organ, people.network)
    client.force_login(people.president)
    response = client.get(reverse("onboarding:regularisation"))
    page = response.content.decode()
    figures = response.context["figures"]
    assert (figures.total.in_regularisation, figures.total.complete, figures.total.incomplete) == (3, 1, 2)
    assert '<svg class="chart-svg"' in page and people.organ.name in page
    assert reverse("onboarding:regularisation_organ", args=[people.other_organ.pk]) in page
    # The CNCS-only link is not offered to the Comité.
    assert reverse("onboarding:regularisation_deadline") not in page


def test_the_national_page_filters_by_network_and_refuses_odd_values(client, people):
    client.force_login(people.cncs)
    response = client.get(reverse("onboarding:regularisation"), {"red": people.network.pk + 1000})
    assert response.context["figures"].total.total == 0
    assert client.get(reverse("onboarding:regularisation"), {"entidad": "²"}).status_code == 400


def test_the_organ_page_queries_do_not_grow_with_its_accounts(client, people, django_assert_max_num_queries):
    for _ in range(15):
        imported_account(people.organ, people.network)
    client.force_login(people.titular)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("onboarding:regularisation_organ", args=[people.organ.pk])).status_code == 200


def test_the_account_page_shows_the_deadline_and_the_way_to_the_organs_page(client, people):
    client.force_login(people.admin)
    page = client.get(reverse("accounts:detail", args=[people.imported.pk])).content.decode()
    assert "está en regularización" in page
    assert regularisation.long_date(timezone.localdate() + timedelta(days=30)) in page
    assert reverse("onboarding:regularisation_organ", args=[people.organ.pk]) in page
    page = client.get(reverse("accounts:detail", args=[people.account.pk])).content.decode()
    assert "está en regularización" not in page


def test_the_home_panel_for_the_organ_and_for_cncs(client, people):
    client.force_login(people.titular)
    page = client.get(reverse("core:home")).content.decode()
    assert "1 cuenta en regularización" in page and "confirmar el uso institucional" in page
    client.force_login(people.cncs)
    page = client.get(reverse("core:home")).content.decode()
    assert "Fecha límite nacional" in page and "faltan 30 días" in page
    client.force_login(people.other_admin)
    assert "Regularización de cuentas existentes" not in client.get(reverse("core:home")).content.decode()


def test_the_reclassified_account_is_listed_as_decided(client, people):
    Account.objects.filter(pk=people.imported.pk).update(status=Account.Status.RECLASSIFIED)
    Regularisation.objects.filter(account=people.imported).update(outcome="reclassified", decided_at=timezone.now())
    client.force_login(people.titular)
    page = client.get(reverse("onboarding:regularisation_organ", args=[people.organ.pk])).content.decode()
    assert "Reclasificada como personal" in page and "El órgano no tiene cuentas en regularización." in page


def test_the_national_page_queries_do_not_grow_with_its_accounts(client, people, django_assert_max_num_queries):
    for organ in (people.organ, people.other_organ, people.consejero_office):
        for _ in range(5):
            imported_account(organ, people.network)
    client.force_login(people.cncs)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("onboarding:regularisation")).status_code == 200
