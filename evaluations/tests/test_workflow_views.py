"""The evaluation workflow's pages: the list with its filters and a constant query count,
opening a period by hand, scoring and issuing on one page (what was typed survives a refusal),
the read-only issued page with its versions and history, correcting, acknowledging, the home
panels and the navigation link."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tests.factories import AccountFactory, OrganFactory
from evaluations import figures, services
from evaluations.models import Evaluation, EvaluationStatus, IssuedVersion, Period
from evaluations.tests.conftest import all_values
from evaluations.tests.factories import published_version

pytestmark = pytest.mark.django_db


def form_data(evaluation, value=3, comment="Cumple.", **extra) -> dict:
    data = {}
    for criterion_id, (v, c) in all_values(evaluation, value, comment).items():
        data[services.value_field(criterion_id)] = "" if v is None else v
        data[services.comment_field(criterion_id)] = c
    data.update(extra)
    return data


def text(response) -> str:
    return response.content.decode()


# --- The list --------------------------------------------------------------------------------


def test_cncs_sees_every_evaluation_of_the_period_and_the_open_form(client, cast, period):
    client.force_login(cast.cncs)
    response = client.get(reverse("evaluations:list"))
    assert response.status_code == 200
    assert response.context["period"] == period
    assert {e.account for e in response.context["page"]} == {cast.account, cast.other_account}
    assert "open_form" in response.context
    assert "Abrir periodo" in text(response)


def test_the_organ_sees_only_its_own_evaluations_and_no_open_form(client, cast, period):
    client.force_login(cast.admin)
    response = client.get(reverse("evaluations:list"))
    assert {e.account for e in response.context["page"]} == {cast.account}
    assert "open_form" not in response.context
    assert "OtraCuenta" not in text(response)


def test_the_list_filters_by_status_organ_network_and_account(client, cast, period, evaluation):
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={})
    client.force_login(cast.cncs)
    url = reverse("evaluations:list")

    def accounts(**params):
        return {e.account for e in client.get(url, params).context["page"]}

    assert accounts(status="in_progress") == {cast.account}
    assert accounts(status="pending") == {cast.other_account}
    assert accounts(organ=cast.other_organ.pk) == {cast.other_account}
    assert accounts(network=cast.network.pk) == {cast.account, cast.other_account}
    assert accounts(q="@inepru") == {cast.account}
    assert accounts(q="nadie") == set()
    assert accounts(status="no-existe") == set()  # a tampered filter matches nothing


def test_an_organ_outside_the_titulars_scope_never_shows_its_evaluations(client, cast, period):
    client.force_login(cast.titular)
    response = client.get(reverse("evaluations:list"), {"organ": cast.other_organ.pk})
    # The titular sees one organ: the parameter is no filter of theirs, the scope still holds.
    assert {e.organ_id for e in response.context["page"]} == {cast.organ.pk}


def test_the_periods_are_listed_newest_first_and_one_can_be_chosen(client, cast, version, period):
    older, _ = services.open_period(year=period.year - 1, half=2, by=cast.cncs)
    client.force_login(cast.cncs)
    response = client.get(reverse("evaluations:list"))
    assert response.context["periods"] == [period, older]
    assert client.get(reverse("evaluations:list"), {"periodo": older.pk}).context["period"] == older


def test_the_list_keeps_a_constant_query_count(client, cast, period, django_assert_max_num_queries):
    client.force_login(cast.cncs)
    url = reverse("evaluations:list") + f"?periodo={period.pk}&status=pending"

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries_for_page()
    for n in range(45):
        organ = OrganFactory(name=f"Órgano {n}")
        account = AccountFactory(organ=organ, network=cast.network)
        Evaluation.objects.create(period=period, account=account, organ=organ)
    assert Evaluation.objects.filter(period=period).count() == 47
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["page"]) == 25


def test_cncs_opens_a_period_by_hand_and_is_told_how_many_evaluations(client, cast, version):
    client.force_login(cast.cncs)
    year, half = services.current_semester()
    response = client.post(reverse("evaluations:open_period"), {"semester": f"{year}-{half}"}, follow=True)
    period = Period.objects.get()
    assert response.redirect_chain[-1][0] == reverse("evaluations:list") + f"?periodo={period.pk}"
    assert "con 2 evaluaciones pendientes" in text(response)


def test_opening_without_criteria_shows_the_refusal_on_the_form(client, cast):
    client.force_login(cast.cncs)
    year, half = services.current_semester()
    response = client.post(reverse("evaluations:open_period"), {"semester": f"{year}-{half}"})
    assert response.status_code == 200
    assert "No hay criterios de evaluación publicados" in text(response)
    assert not Period.objects.exists()


def test_a_future_semester_is_not_offered_and_refused_if_sent(client, cast, version):
    client.force_login(cast.cncs)
    year, _half = services.current_semester()
    response = client.post(reverse("evaluations:open_period"), {"semester": f"{year + 1}-1"})
    assert response.status_code == 200
    assert response.context["open_form"].errors["semester"]
    assert not Period.objects.exists()


# --- Scoring and issuing ---------------------------------------------------------------------


def test_the_scoring_page_shows_each_criterion_with_its_figures(client, cast, evaluation):
    group = figures.FigureGroup(
        source="activity",
        title="Bitácora y frecuencia de actualización",
        figures=[
            figures.Figure(label="Entradas de bitácora", value="14", detail="del 01/07", url="/cuentas/1/bitacora/"),
            figures.Figure(label="Mayor intervalo", value="40 días", warning=True),
        ],
    )
    client.force_login(cast.cncs)
    with mock.patch.object(figures, "for_evaluation", return_value=[group]):
        response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    page = text(response)
    criterion = evaluation.period.criteria.criteria.get(source="activity")
    row = next(r for r in response.context["rows"] if r["criterion"] == criterion)
    assert row["group"] == group
    assert f'name="{services.value_field(criterion.pk)}"' in page
    assert "Puntaje (de 0 a 4)" in page
    assert "Entradas de bitácora" in page and "/cuentas/1/bitacora/" in page
    assert 'status status-overdue">⚠' in page
    assert "Guardar" in page and "Emitir" in page
    assert 'name="score"' not in page  # the score is computed, never typed


def test_saving_keeps_the_values_and_computes_the_score(client, cast, evaluation):
    client.force_login(cast.cncs)
    url = reverse("evaluations:score", args=[evaluation.pk])
    response = client.post(url, form_data(evaluation, 2, accion="guardar", summary="Va bien."), follow=True)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.IN_PROGRESS
    assert str(evaluation.score) == "50.0"
    assert "Calificación guardada." in text(response)
    assert 'value="2"' in text(response)


def test_an_out_of_scale_value_is_refused_on_the_page_with_what_was_typed(client, cast, evaluation):
    client.force_login(cast.cncs)
    data = form_data(evaluation, 3, "Mi comentario largo.", accion="guardar", summary="Resumen escrito.")
    criterion = evaluation.period.criteria.criteria.first()
    data[services.value_field(criterion.pk)] = 7
    response = client.post(reverse("evaluations:score", args=[evaluation.pk]), data)
    assert response.status_code == 200
    page = text(response)
    assert f"«{criterion.name}»: el puntaje va de 0 a 4; 7 está fuera de la escala." in page
    assert 'value="7"' in page and "Mi comentario largo." in page and "Resumen escrito." in page
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PENDING


def test_issuing_with_an_unscored_criterion_names_it_and_keeps_the_rest(client, cast, evaluation):
    client.force_login(cast.cncs)
    data = form_data(evaluation, 3, "Escrito.", accion="emitir", summary="Resumen.")
    criterion = evaluation.period.criteria.criteria.last()
    data[services.value_field(criterion.pk)] = ""
    response = client.post(reverse("evaluations:score", args=[evaluation.pk]), data)
    page = text(response)
    assert "Falta calificar 1 criterio(s) antes de emitir" in page and f"«{criterion.name}»" in page
    assert "Resumen." in page and "Escrito." in page
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PENDING


def test_emitir_saves_and_issues_then_the_page_is_read_only(client, cast, evaluation):
    client.force_login(cast.cncs)
    response = client.post(
        reverse("evaluations:score", args=[evaluation.pk]), form_data(evaluation, 4, accion="emitir"), follow=True
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ISSUED
    page = text(response)
    assert "Evaluación emitida; se avisó al órgano." in page
    assert response.context["score_form"] is None
    assert "Corregir y volver a emitir" in page
    assert "Emisión 1" in page
    assert "En elaboración → Emitida" in page


def test_a_score_posted_after_someone_issued_is_refused_keeping_what_was_typed(client, cast, evaluation):
    services.issue_evaluation(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))
    client.force_login(cast.cncs)
    response = client.post(
        reverse("evaluations:score", args=[evaluation.pk]), form_data(evaluation, 1, "Lo que escribí", accion="guardar")
    )
    page = text(response)
    assert "ya se emitió" in page and "Lo que escribí" in page


def test_the_organ_does_not_see_the_scores_before_they_are_issued(client, cast, evaluation):
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation, 1, "Borrador"))
    client.force_login(cast.titular)
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    page = text(response)
    assert "la verá cuando Comunicación Social la emita" in page
    assert "Borrador" not in page
    assert "Acusar recibo" not in page


def test_the_committee_sees_a_draft_read_only(client, cast, evaluation):
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation, 1, "Borrador"))
    client.force_login(cast.president)
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert "Borrador" in text(response)
    assert response.context["score_form"] is None


def test_the_abandoned_flag_is_shown_prominently(client, cast, evaluation):
    client.force_login(cast.cncs)
    assert "Cuenta posiblemente abandonada" not in text(client.get(reverse("evaluations:detail", args=[evaluation.pk])))
    Account.objects.filter(pk=cast.account.pk).update(flagged_abandoned_at=timezone.now() - timedelta(days=2))
    page = text(client.get(reverse("evaluations:detail", args=[evaluation.pk])))
    assert "Cuenta posiblemente abandonada (§7.viii)" in page


def test_a_closed_accounts_evaluation_has_no_scoring_form(client, cast, evaluation):
    Account.objects.filter(pk=cast.account.pk).update(status=Account.Status.CLOSED, closed_at=timezone.now())
    client.force_login(cast.cncs)
    response = client.get(reverse("evaluations:detail", args=[evaluation.pk]))
    assert response.context["score_form"] is None
    assert "La cuenta está cerrada" in text(response)


# --- Issued: acknowledging and correcting ----------------------------------------------------


def test_the_titular_acknowledges_from_the_page(client, cast, issued):
    client.force_login(cast.titular)
    page = text(client.get(reverse("evaluations:detail", args=[issued.pk])))
    assert "Acusar recibo" in page
    response = client.post(
        reverse("evaluations:acknowledge", args=[issued.pk]), {"response": "Gracias.", "revision": 1}, follow=True
    )
    issued.refresh_from_db()
    assert issued.status == EvaluationStatus.ACKNOWLEDGED
    assert "Se registró el acuse de recibo." in text(response)
    assert "Gracias." in text(response)
    assert "Acusar recibo" not in text(client.get(reverse("evaluations:detail", args=[issued.pk])))


def test_the_organs_administrator_sees_the_issued_evaluation_but_no_acknowledge_button(client, cast, issued):
    client.force_login(cast.admin)
    response = client.get(reverse("evaluations:detail", args=[issued.pk]))
    assert "acknowledge_form" not in response.context
    assert "Cumple." in text(response)


def test_acknowledging_twice_from_the_page_says_it_was_done(client, cast, issued):
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular)
    client.force_login(cast.titular)
    response = client.post(reverse("evaluations:acknowledge", args=[issued.pk]), {"revision": 1})
    assert "Ya se acusó recibo de esta evaluación" in text(response)


def test_a_correction_without_reason_keeps_what_was_typed(client, cast, issued):
    client.force_login(cast.cncs)
    response = client.post(
        reverse("evaluations:correct", args=[issued.pk]), form_data(issued, 4, "Nuevo comentario", reason="")
    )
    page = text(response)
    assert "Escriba el motivo de la corrección" in page
    assert "Nuevo comentario" in page
    issued.refresh_from_db()
    assert issued.revision == 1


def test_a_correction_shows_both_issues_with_the_reason(client, cast, issued):
    client.force_login(cast.cncs)
    response = client.post(
        reverse("evaluations:correct", args=[issued.pk]),
        form_data(issued, 4, summary="Corregida.", reason="Se revisó la bitácora."),
        follow=True,
    )
    page = text(response)
    assert IssuedVersion.objects.filter(evaluation=issued).count() == 2
    assert "Emisión 2" in page and "Emisión 1" in page and "Se revisó la bitácora." in page


# --- Home panels and navigation --------------------------------------------------------------


def test_cncs_home_panel_counts_what_is_left_in_the_current_period(client, cast, evaluation):
    services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values={})
    client.force_login(cast.cncs)
    panel = next(
        p for p in client.get(reverse("core:home")).context["panels"] if p.template.startswith("evaluations/_home")
    )
    assert (panel.context["pending"], panel.context["in_progress"]) == (1, 1)


def test_the_titulars_home_panel_lists_what_waits_for_acknowledgement(client, cast, issued):
    client.force_login(cast.titular)
    page = text(client.get(reverse("core:home")))
    assert "espera su acuse de recibo" in page
    assert reverse("evaluations:detail", args=[issued.pk]) in page
    services.acknowledge_evaluation(evaluation_id=issued.pk, by=cast.titular)
    assert "espera su acuse de recibo" not in text(client.get(reverse("core:home")))


def test_the_other_titular_has_no_panel(client, cast, issued):
    client.force_login(cast.other_titular)
    assert "acuse de recibo" not in text(client.get(reverse("core:home")))


@pytest.mark.parametrize(
    ("role", "shown"),
    [("cncs", True), ("president", True), ("titular", True), ("admin", True), ("staff", False), ("unicom", False)],
)
def test_the_nav_link_shows_to_those_who_see_evaluations(client, cast, role, shown):
    client.force_login(getattr(cast, role))
    assert (f'href="{reverse("evaluations:list")}"' in text(client.get(reverse("core:home")))) == shown


def test_a_second_version_published_later_does_not_change_an_open_period(client, cast, period):
    published_version(created_by=cast.president)
    client.force_login(cast.cncs)
    assert client.get(reverse("evaluations:list")).context["period"].criteria == period.criteria


# --- Input PostgreSQL would refuse is refused by the forms first ------------------------------


def test_a_nul_character_in_the_search_matches_nothing_instead_of_failing(client, cast, period):
    client.force_login(cast.cncs)
    response = client.get(reverse("evaluations:list"), {"q": "INE\x00"})
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_a_nul_character_in_a_comment_is_a_field_error(client, cast, evaluation):
    client.force_login(cast.cncs)
    criterion = evaluation.period.criteria.criteria.first()
    data = form_data(evaluation, accion="guardar")
    data[services.comment_field(criterion.pk)] = "a\x00b"
    response = client.post(reverse("evaluations:score", args=[evaluation.pk]), data)
    assert response.status_code == 200
    assert response.context["score_form"].errors[services.comment_field(criterion.pk)]
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PENDING


@pytest.mark.parametrize("value", ["99999999999999999999", "40000", "tres"])
def test_a_value_no_integer_column_holds_is_a_field_error(client, cast, evaluation, value):
    client.force_login(cast.cncs)
    criterion = evaluation.period.criteria.criteria.first()
    data = form_data(evaluation, accion="guardar")
    data[services.value_field(criterion.pk)] = value
    response = client.post(reverse("evaluations:score", args=[evaluation.pk]), data)
    assert response.status_code == 200
    assert response.context["score_form"].errors[services.value_field(criterion.pk)]


def test_an_over_long_comment_is_refused_with_the_count(client, cast, evaluation):
    client.force_login(cast.cncs)
    criterion = evaluation.period.criteria.criteria.first()
    data = form_data(evaluation, accion="guardar")
    data[services.comment_field(criterion.pk)] = "x" * 3001
    response = client.post(reverse("evaluations:score", args=[evaluation.pk]), data)
    errors = response.context["score_form"].errors[services.comment_field(criterion.pk)]
    assert "3,001" in errors[0] and "3,000" in errors[0], errors


def test_a_tampered_revision_on_the_acknowledgement_is_a_field_error_not_a_500(client, cast, issued):
    client.force_login(cast.titular)
    response = client.post(reverse("evaluations:acknowledge", args=[issued.pk]), {"revision": "x"})
    assert response.status_code == 200
    issued.refresh_from_db()
    assert issued.status == EvaluationStatus.ISSUED


def test_the_list_links_the_apps_other_pages_to_those_who_may_open_them(client, cast, period):
    client.force_login(cast.cncs)
    page = text(client.get(reverse("evaluations:list")))
    assert reverse("evaluations:criteria_list") in page and reverse("evaluations:reports") in page
    client.force_login(cast.titular)
    page = text(client.get(reverse("evaluations:list")))
    assert reverse("evaluations:criteria_list") in page and reverse("evaluations:training_list") in page
    # The titular's way to the organ report, never to the national one.
    assert f'href="{reverse("evaluations:report_organs")}"' in page
    assert f'href="{reverse("evaluations:reports")}"' not in page
    client.force_login(cast.admin)
    page = text(client.get(reverse("evaluations:list")))
    assert reverse("evaluations:report_organs") not in page


def test_the_evaluation_page_keeps_its_query_count_whatever_the_number_of_criteria(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(weights) -> int:
        Evaluation.objects.all().delete()
        Period.objects.all().delete()
        published_version(created_by=cast.president, weights=weights, sources=["activity"] * len(weights))
        year, half = services.current_semester()
        services.open_period(year=year, half=half, by=cast.cncs)
        evaluation = Evaluation.objects.get(account=cast.account)
        services.save_scores(evaluation_id=evaluation.pk, by=cast.cncs, values=all_values(evaluation))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("evaluations:detail", args=[evaluation.pk])).status_code == 200
        return len(captured)

    client.force_login(cast.cncs)
    assert queries((50, 50)) == queries((10,) * 10)


def test_an_organ_s_people_are_not_offered_entidades_and_organs_to_filter_by(client, cast, period):
    client.force_login(cast.admin)
    organ_page = client.get(reverse("evaluations:list"))
    client.force_login(cast.cncs)
    national_page = client.get(reverse("evaluations:list"))

    assert {"entidad", "organ"}.isdisjoint(organ_page.context["filter"].form.fields)
    assert {"entidad", "organ", "network", "status", "q"} <= set(national_page.context["filter"].form.fields)


@pytest.mark.parametrize("role", ["cncs", "titular", "admin"])
def test_the_evaluation_links_the_criteria_it_is_scored_against_and_the_link_opens(client, cast, issued, role):
    client.force_login(getattr(cast, role))
    url = reverse("evaluations:criteria_detail", args=[issued.period.criteria_id])

    assert url in text(client.get(reverse("evaluations:detail", args=[issued.pk])))
    assert client.get(url).status_code == 200
