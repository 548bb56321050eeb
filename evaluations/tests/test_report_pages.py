"""The report pages, role by role, and what they show: the figures, accessible charts each
followed by its table, links to the evaluations, and a print stylesheet for A4 and Letter."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import LOGGED_IN, ROLES, AccountFactory, UserFactory
from evaluations import report_urls
from evaluations.models import Evaluation
from evaluations.tests.factories import EvaluationFactory, PeriodFactory, published_version

pytestmark = pytest.mark.django_db

LOGIN, OK, FORBIDDEN, NOT_FOUND = "login", 200, 403, 404
MEXICO = ZoneInfo("America/Mexico_City")
NATIONAL = {"cncs", "president", "secretary", "superuser"}
# The titulars of the cast's three organs (the consejero heads their office).
TITULARS = {"titular", "other_titular", "consejero"}


def _national(ok=OK) -> dict[str, object]:
    return {"anonymous": LOGIN, **{r: ok if r in NATIONAL else FORBIDDEN for r in LOGGED_IN}}


def _organ_report(own_organ: bool) -> dict[str, object]:
    """Every organ for CNCS and the Comité; a titular their own organ only (another's: 404)."""
    rule: dict[str, object] = {"anonymous": LOGIN}
    for role in LOGGED_IN:
        if role in NATIONAL:
            rule[role] = OK
        elif role in TITULARS:
            rule[role] = OK if own_organ or role == "titular" else NOT_FOUND
        else:
            rule[role] = FORBIDDEN
    return rule


# view name → list of (URL builder, expected answer per role).
VIEWS = {
    "reports": [(lambda p: reverse("evaluations:reports"), _national())],
    "report_organs": [
        (lambda p: reverse("evaluations:report_organs"), _organ_report(own_organ=True)),
        (lambda p: reverse("evaluations:report_organs") + f"?organo={p.organ.pk}", _organ_report(own_organ=False)),
    ],
    "report_export": [
        (lambda p: reverse("evaluations:report_export", args=["xlsx"]), _national()),
        (lambda p: reverse("evaluations:report_export", args=["csv"]) + "?tabla=organos", _national()),
    ],
}


@pytest.fixture
def people(cast):
    cast.superuser = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    cast.period = PeriodFactory(year=2026, half=2, criteria=published_version())
    cast.issued = evaluate(cast.period, cast.account, "issued", 45)
    cast.other = evaluate(cast.period, cast.other_account, "acknowledged", 88)
    return cast


def evaluate(period, account, status="issued", score=None, *, abandoned=False) -> Evaluation:
    issued = status in ("issued", "acknowledged")
    return EvaluationFactory(
        period=period,
        account=account,
        status=status,
        score=None if score is None else Decimal(str(score)),
        issued_at=datetime(2026, 12, 1, 10, 0, tzinfo=MEXICO) if issued else None,
        acknowledged_at=datetime(2026, 12, 3, 10, 0, tzinfo=MEXICO) if status == "acknowledged" else None,
        was_flagged_abandoned=abandoned,
    )


CASES = [(view, index, role) for view, urls in VIEWS.items() for index in range(len(urls)) for role in ROLES]


@pytest.mark.parametrize(("view", "index", "role"), CASES)
def test_each_role_gets_the_expected_answer_from_each_view(client, people, view, index, role):
    url_for, rule = VIEWS[view][index]
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = client.get(url_for(people))
    expected = rule[role]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {view}: {response.status_code}"


def test_the_matrix_covers_every_report_page():
    assert {p.name for p in report_urls.urlpatterns} == set(VIEWS)
    assert all(set(rule) == set(ROLES) for urls in VIEWS.values() for _url, rule in urls)


def test_the_evaluation_detail_route_the_reports_link_to_exists(people):
    """The reports link each account to ``evaluations:detail`` (the workflow's page)."""
    assert reverse("evaluations:detail", args=[people.issued.pk]) == f"/evaluaciones/{people.issued.pk}/"


def test_the_summary_shows_the_figures_charts_tables_and_links(client, people):
    evaluate(people.period, AccountFactory(organ=people.organ), "pending", abandoned=True)
    client.force_login(people.cncs)

    body = client.get(reverse("evaluations:reports")).content.decode()

    assert str(people.period) in body
    assert "66.5" in body  # (45 + 88) / 2
    assert reverse("evaluations:detail", args=[people.issued.pk]) in body  # below the threshold
    assert "Cuentas posiblemente abandonadas" in body
    # Five charts, each with a title and a description named by aria-labelledby, and each
    # followed by the table of its figures.
    svgs = re.findall(r'<svg[^>]*aria-labelledby="([^"]+)"', body)
    assert len(svgs) == 5
    for ids in svgs:
        first, second = ids.split()
        assert f'<title id="{first}">' in body and f'<desc id="{second}">' in body
    for figure in re.finditer(r"</figure>", body):
        assert body[figure.end() :].lstrip().startswith('<div class="table-scroll"><table')
    # Not colour alone: the values are printed on the bars, under-threshold bars hatched.
    assert re.search(r"<text[^>]*>66\.5</text>", body)  # the national average on its entidad's bar
    assert re.search(
        r"<g><title>40–50: 1 — bajo el umbral</title><rect[^>]*fill=\"url\(#grafica-distribucion-hatch\)", body
    )
    assert re.search(r"<g><title>80–90: 1</title><rect[^>]*fill=\"#", body)
    assert "cdn" not in body.lower() and '<script src="http' not in body
    assert reverse("evaluations:report_export", args=["xlsx"]) in body
    assert reverse("evaluations:criteria_detail", args=[people.period.criteria_id]) in body
    assert reverse("evaluations:list") + f"?periodo={people.period.pk}" in body
    assert 'href="/static/css/print.css" media="print"' in body


def test_an_older_period_can_be_chosen_and_an_unknown_one_is_a_404(client, people):
    older = PeriodFactory(year=2025, half=1, criteria=people.period.criteria)
    evaluate(older, people.account, "issued", 12.5)
    client.force_login(people.president)

    chosen = client.get(reverse("evaluations:reports") + f"?periodo={older.pk}").content.decode()
    assert f"<h1>Informe de evaluaciones: {older}</h1>" in chosen
    assert '<div class="stat">12.5</div>' in chosen
    latest = client.get(reverse("evaluations:reports")).content.decode()  # by default, the latest
    assert f"<h1>Informe de evaluaciones: {people.period}</h1>" in latest
    assert '<div class="stat">66.5</div>' in latest
    assert client.get(reverse("evaluations:reports") + "?periodo=999999").status_code == 404
    assert client.get(reverse("evaluations:reports") + "?periodo=abc").status_code == 400


def test_with_no_period_yet_the_pages_say_so(client, cast):
    client.force_login(cast.cncs)
    assert "Todavía no hay periodos" in client.get(reverse("evaluations:reports")).content.decode()
    assert "Todavía no hay periodos" in client.get(reverse("evaluations:report_organs")).content.decode()
    assert client.get(reverse("evaluations:report_export", args=["xlsx"])).status_code == 404


def test_a_titular_sees_only_the_own_organ_in_the_organ_report(client, people):
    client.force_login(people.titular)

    body = client.get(reverse("evaluations:report_organs")).content.decode()

    assert people.organ.name in body and people.other_organ.name not in body
    assert body.count('class="organ-section"') == 1
    assert 'name="organo"' not in body  # no organ to choose
    assert not re.search(f'href="{reverse("evaluations:reports")}[?"]', body)  # no tab to the national report
    every = client.get(reverse("evaluations:report_organs") + "?organo=todos").content.decode()
    assert every.count('class="organ-section"') == 1 and people.other_organ.name not in every


def test_cncs_starts_from_the_list_of_organs_each_linked_to_its_report(client, people):
    client.force_login(people.cncs)

    body = client.get(reverse("evaluations:report_organs")).content.decode()

    assert 'class="organ-section"' not in body
    for organ in (people.organ, people.other_organ):
        assert f"?periodo={people.period.pk}&amp;organo={organ.pk}" in body
    assert f"?periodo={people.period.pk}&amp;organo=todos" in body


def test_the_organ_report_puts_each_organ_in_its_own_section(client, people):
    client.force_login(people.cncs)

    body = client.get(reverse("evaluations:report_organs") + "?organo=todos").content.decode()
    assert body.count('class="organ-section"') == 2
    assert "Al imprimir, cada órgano empieza en una hoja nueva." in body
    one = client.get(reverse("evaluations:report_organs") + f"?organo={people.other_organ.pk}").content.decode()
    assert one.count('class="organ-section"') == 1 and people.other_organ.name in one
    assert client.get(reverse("evaluations:report_organs") + "?organo=999999").status_code == 404


def test_a_draft_s_criterion_values_are_never_shown(client, people):
    from evaluations.models import Score

    draft = evaluate(people.period, AccountFactory(organ=people.organ, name="Cuenta en elaboración"), "in_progress")
    criterion = people.period.criteria.criteria.first()
    Score.objects.create(evaluation=draft, criterion=criterion, value=1)
    client.force_login(people.titular)

    body = client.get(reverse("evaluations:report_organs")).content.decode()

    row = re.search(r"Cuenta en elaboración.*?</tr>", body, re.S).group(0)
    assert '<td class="num">1</td>' not in row


def test_the_print_stylesheet_fits_a4_and_letter_and_puts_one_organ_per_page():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    assert re.search(r"@page\s*\{[^}]*size:\s*portrait;[^}]*margin:", css)
    assert re.search(r"\.organ-section\s*\{[^}]*break-before:\s*page", css)
    assert re.search(r"\.topbar[^{]*\bnav\b[^{]*\bform\b[^{]*\{\s*display:\s*none", css)
    assert re.search(r"thead\s*\{\s*display:\s*table-header-group", css)
    assert re.search(r"tr, th, td\s*\{\s*break-inside:\s*avoid", css)


@pytest.mark.parametrize("fmt", ["pdf", "json", "XLSX"])
def test_an_unknown_export_format_is_a_404(client, people, fmt):
    client.force_login(people.cncs)
    assert client.get(reverse("evaluations:report_export", args=[fmt])).status_code == 404


def test_one_organ_s_report_shows_its_own_trend_across_periods(client, people):
    older = PeriodFactory(year=2026, half=1, criteria=people.period.criteria)
    evaluate(older, people.account, "issued", 30)
    evaluate(older, people.other_account, "issued", 99)  # another organ: not in this trend
    client.force_login(people.titular)

    body = client.get(reverse("evaluations:report_organs")).content.decode()

    assert 'aria-labelledby="grafica-tendencia-organo-title grafica-tendencia-organo-desc"' in body
    trend = body[body.index('id="tendencia-organo"') :]
    assert re.search(r"<title>1.er sem. 2026: 30 \(1 emitida\) — bajo el umbral</title>", trend)
    assert re.search(r"<title>2.º sem. 2026: 45 \(1 emitida\) — bajo el umbral</title>", trend)
    assert "99" not in trend
