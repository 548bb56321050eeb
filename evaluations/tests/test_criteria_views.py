"""What the criteria pages show and how the Comité's forms behave."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from evaluations import criteria
from evaluations.models import CriteriaVersion, Criterion
from evaluations.tests.factories import PeriodFactory, published_version
from notifications.models import Notification

pytestmark = pytest.mark.django_db

SCALE = "0: No cumple. Nunca publicó.\n4: Cumple plenamente. Publicó a diario."
CRITERION = {
    "name": "Frecuencia de actualización",
    "code": "frecuencia",
    "reference": "§6.xx",
    "description": "Publica con la periodicidad de la red.",
    "scale_min": 0,
    "scale_max": 4,
    "scale_help": SCALE,
    "weight": 60,
    "source": "activity",
}


@pytest.fixture
def published(cast):
    version = criteria.create_draft(by=cast.president)
    criteria.save_criterion(version_id=version.pk, by=cast.president, **CRITERION)
    criteria.save_criterion(
        version_id=version.pk, by=cast.president, **{**CRITERION, "code": "bitacora", "name": "Bitácora", "weight": 30}
    )
    criteria.update_draft(version_id=version.pk, by=cast.president, title="Procedimiento semestral", notes="")
    return criteria.publish_version(version_id=version.pk, by=cast.president)


@pytest.fixture
def draft(cast, published):
    return criteria.create_draft(by=cast.secretary)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_list_shows_each_version_with_its_status_publisher_and_periods(client, cast, draft, published):
    PeriodFactory(year=2026, half=1, criteria=published)
    client.force_login(cast.cncs)
    response = client.get(reverse("evaluations:criteria_list"))
    html = response.content.decode()
    assert "Procedimiento semestral" in html
    assert "Publicada" in html and "Borrador" in html
    assert cast.president.get_full_name() in html
    assert "Primer semestre de 2026" in html
    assert "Vigente" in html


def test_an_organ_titular_sees_only_published_versions_in_the_list(client, cast, draft, published):
    client.force_login(cast.titular)
    response = client.get(reverse("evaluations:criteria_list"))
    assert [v.pk for v in response.context["versions"]] == [published.pk]
    assert "nuevo-borrador" not in response.content.decode()


def test_the_list_query_count_does_not_grow_with_versions(client, cast, django_assert_max_num_queries, published):
    client.force_login(cast.cncs)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("evaluations:criteria_list"))
    for number, (year, half) in enumerate([(2024, 1), (2024, 2), (2025, 1), (2025, 2)], start=10):
        PeriodFactory(year=year, half=half, criteria=published_version(number=number))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("evaluations:criteria_list"))
    assert len(response.context["versions"]) == 5


def test_a_version_page_shows_each_criterion_its_scale_weight_source_and_the_sum(client, cast, published):
    client.force_login(cast.admin)
    html = client.get(reverse("evaluations:criteria_detail", args=[published.pk])).content.decode()
    assert "Frecuencia de actualización" in html and "§6.xx" in html
    assert "Publica con la periodicidad de la red." in html
    assert "<li>0: No cumple. Nunca publicó.</li>" in html
    assert "Bitácora y frecuencia de actualización" in html  # Criterion.Source label
    assert "Suma de los pesos" in html and ">90<" in html
    assert "no suma 100" in html
    # Read only for an organ: no editing controls.
    assert "Publicar" not in html and "Agregar un criterio" not in html


def test_the_committee_sees_the_draft_controls_and_cncs_does_not(client, cast, draft):
    client.force_login(cast.secretary)
    html = client.get(reverse("evaluations:criteria_detail", args=[draft.pk])).content.decode()
    assert reverse("evaluations:criterion_add", args=[draft.pk]) in html
    assert reverse("evaluations:criteria_publish", args=[draft.pk]) in html
    client.force_login(cast.cncs)
    html = client.get(reverse("evaluations:criteria_detail", args=[draft.pk])).content.decode()
    assert reverse("evaluations:criterion_add", args=[draft.pk]) not in html
    assert reverse("evaluations:criteria_publish", args=[draft.pk]) not in html


def test_the_committee_starts_a_draft_from_the_list(client, cast, published):
    client.force_login(cast.president)
    response = client.post(reverse("evaluations:criteria_create"))
    draft = CriteriaVersion.objects.get(status="draft")
    assert response.status_code == 302 and response.url == reverse("evaluations:criteria_detail", args=[draft.pk])
    assert draft.criteria.count() == 2


def test_a_second_draft_from_the_list_is_refused_with_the_reason(client, cast, draft):
    client.force_login(cast.president)
    response = client.post(reverse("evaluations:criteria_create"))
    assert response.url == reverse("evaluations:criteria_list")
    assert any("Ya hay un borrador" in m for m in messages_of(response))
    assert CriteriaVersion.objects.count() == 2


def test_a_malformed_source_version_is_a_400(client, cast, published):
    client.force_login(cast.president)
    assert client.post(reverse("evaluations:criteria_create"), {"desde": "uno"}).status_code == 400


def test_the_committee_adds_a_criterion_through_the_form(client, cast, draft):
    client.force_login(cast.president)
    data = {**CRITERION, "code": "nuevo", "name": "Nuevo criterio", "weight": 10}
    response = client.post(reverse("evaluations:criterion_add", args=[draft.pk]), data)
    assert response.status_code == 302
    added = draft.criteria.get(code="nuevo")
    assert (added.name, added.weight, added.position, added.scale_help) == ("Nuevo criterio", 10, 2, SCALE)


def test_the_add_form_starts_with_the_meaning_of_a_0_to_4_scale(client, cast, draft):
    client.force_login(cast.president)
    form = client.get(reverse("evaluations:criterion_add", args=[draft.pk])).context["form"]
    assert form.initial["scale_help"].startswith("0: no cumple")
    assert form.initial["scale_help"].endswith("4: cumple plenamente")


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"code": "frecuencia"}, "code", "Ya hay un criterio con esa clave en esta versión."),
        ({"scale_min": 4, "scale_max": 2}, "scale_max", "El máximo de la escala debe ser mayor que el mínimo."),
        ({"weight": 0}, "weight", None),
        ({"weight": 101}, "weight", None),
        ({"name": "nulo\x00aquí"}, "name", None),
        ({"description": "d" * 5001}, "description", "El texto tiene 5,001 caracteres; el máximo es 5,000."),
        ({"code": "con espacios"}, "code", None),
        ({"source": "otra"}, "source", None),
    ],
)
def test_bad_input_on_the_criterion_form_is_refused_on_the_field(client, cast, draft, change, field, message):
    client.force_login(cast.president)
    before = draft.criteria.count()
    response = client.post(reverse("evaluations:criterion_add", args=[draft.pk]), {**CRITERION, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert draft.criteria.count() == before


def test_editing_a_criterion_of_the_draft(client, cast, draft):
    criterion = draft.criteria.get(code="bitacora")
    client.force_login(cast.secretary)
    page = client.get(reverse("evaluations:criterion_edit", args=[draft.pk, criterion.pk]))
    assert page.context["form"].initial["name"] == "Bitácora"
    data = {**CRITERION, "code": "bitacora", "name": "Bitácora completa", "weight": 40}
    response = client.post(reverse("evaluations:criterion_edit", args=[draft.pk, criterion.pk]), data)
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.weight) == ("Bitácora completa", 40)


def test_a_criterion_of_another_version_is_not_edited_through_the_draft(client, cast, draft, published):
    other = published.criteria.first()
    client.force_login(cast.president)
    response = client.get(reverse("evaluations:criterion_edit", args=[draft.pk, other.pk]))
    assert response.url == reverse("evaluations:criteria_detail", args=[draft.pk])
    assert "Ese criterio no pertenece a esta versión." in messages_of(response)


def test_the_version_form_refuses_a_nul_and_an_overlong_title(client, cast, draft):
    client.force_login(cast.president)
    url = reverse("evaluations:criteria_edit", args=[draft.pk])
    for title in ("con\x00nulo", "t" * 201):
        response = client.post(url, {"title": title, "notes": ""})
        assert response.status_code == 200 and "title" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.title == "Procedimiento semestral"


def test_the_version_form_saves_title_and_notes(client, cast, draft):
    client.force_login(cast.president)
    response = client.post(
        reverse("evaluations:criteria_edit", args=[draft.pk]), {"title": "Procedimiento 2027", "notes": "Acuerdo"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.notes) == ("Procedimiento 2027", "Acuerdo")


def test_removing_and_moving_criteria_from_the_page(client, cast, draft):
    first, second = draft.criteria.order_by("position")
    client.force_login(cast.president)
    client.post(reverse("evaluations:criterion_move", args=[draft.pk, second.pk]), {"direction": "up"})
    assert list(draft.criteria.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    response = client.post(reverse("evaluations:criterion_move", args=[draft.pk, second.pk]), {"direction": "left"})
    assert "Esa dirección no existe." in messages_of(response)
    client.post(reverse("evaluations:criterion_remove", args=[draft.pk, first.pk]))
    assert list(draft.criteria.values_list("pk", flat=True)) == [second.pk]


def test_publishing_asks_for_confirmation_then_publishes(client, cast, draft):
    client.force_login(cast.president)
    url = reverse("evaluations:criteria_publish", args=[draft.pk])
    page = client.get(url)
    assert "ya no se puede cambiar" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == CriteriaVersion.Status.DRAFT  # the GET only asks
    response = client.post(url)
    assert response.url == reverse("evaluations:criteria_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == CriteriaVersion.Status.PUBLISHED and draft.published_by == cast.president
    assert Notification.objects.filter(kind=criteria.PUBLISHED_KIND, url=response.url).count() == 3
    assert criteria.version_in_force() == draft


def test_publishing_an_empty_draft_is_refused_with_the_reason(client, cast, draft):
    for criterion in draft.criteria.all():
        criteria.remove_criterion(version_id=draft.pk, criterion_id=criterion.pk, by=cast.president)
    client.force_login(cast.president)
    response = client.post(reverse("evaluations:criteria_publish", args=[draft.pk]))
    assert "Un procedimiento sin criterios no se puede publicar." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == CriteriaVersion.Status.DRAFT


def test_the_edit_pages_of_a_published_version_send_back_with_the_reason(client, cast, published):
    client.force_login(cast.president)
    for name in ("criteria_edit", "criterion_add", "criteria_publish", "criteria_discard"):
        response = client.get(reverse(f"evaluations:{name}", args=[published.pk]))
        assert response.url == reverse("evaluations:criteria_detail", args=[published.pk]), name
        assert any("ya no cambia" in m for m in messages_of(response)), name


def test_discarding_the_draft_from_its_page(client, cast, draft):
    client.force_login(cast.secretary)
    url = reverse("evaluations:criteria_discard", args=[draft.pk])
    assert "No se puede deshacer" in client.get(url).content.decode()
    response = client.post(url)
    assert response.url == reverse("evaluations:criteria_list")
    assert not CriteriaVersion.objects.filter(pk=draft.pk).exists()
    assert not Criterion.objects.filter(version_id=draft.pk).exists()


def test_a_published_version_offers_the_committee_a_new_draft_from_it(client, cast, published):
    client.force_login(cast.president)
    html = client.get(reverse("evaluations:criteria_detail", args=[published.pk])).content.decode()
    assert f'name="desde" value="{published.pk}"' in html
    client.force_login(cast.cncs)
    html = client.get(reverse("evaluations:criteria_detail", args=[published.pk])).content.decode()
    assert 'name="desde"' not in html


def test_the_version_page_query_count_does_not_grow_with_criteria(client, cast, draft, django_assert_max_num_queries):
    client.force_login(cast.president)
    url = reverse("evaluations:criteria_detail", args=[draft.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(8):
        criteria.save_criterion(version_id=draft.pk, by=cast.president, **{**CRITERION, "code": f"extra-{n}"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["items"]) == 10
