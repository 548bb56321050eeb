"""The report's figures from known data: averages, bands, the threshold, the lists, rotation
compliance, incidents within the period in Mexico City time, and the trend's order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Account, PasswordRotation
from accounts.tests.factories import AccountFactory, EntidadFactory, NetworkFactory, OrganFactory
from evaluations import reports
from evaluations.access import evaluations_visible_to
from evaluations.models import Evaluation, Period, Score
from evaluations.tests.factories import EvaluationFactory, PeriodFactory, published_version
from incidents.models import Incident

pytestmark = pytest.mark.django_db

MEXICO = ZoneInfo("America/Mexico_City")
ISSUED_AT = datetime(2026, 12, 15, 10, 0, tzinfo=MEXICO)


def evaluate(period, account, status="issued", score=None, *, abandoned=False) -> Evaluation:
    """An evaluation with its status and score set directly (the services are the workflow's)."""
    issued = status in ("issued", "acknowledged")
    return EvaluationFactory(
        period=period,
        account=account,
        status=status,
        score=None if score is None else Decimal(str(score)),
        issued_at=ISSUED_AT if issued else None,
        acknowledged_at=ISSUED_AT + timedelta(days=2) if status == "acknowledged" else None,
        was_flagged_abandoned=abandoned,
    )


@pytest.fixture
def period(db):
    return PeriodFactory(year=2026, half=2, criteria=published_version())


def all_of(period) -> object:
    return Evaluation.objects.filter(period=period)


def test_the_summary_counts_every_status_and_averages_only_issued_scores(cast, period):
    evaluate(period, cast.account, "pending")
    evaluate(period, AccountFactory(organ=cast.organ), "in_progress", 10)  # a draft: never averaged
    evaluate(period, AccountFactory(organ=cast.organ), "issued", 80)
    evaluate(period, cast.other_account, "acknowledged", 50, abandoned=True)
    evaluate(period, AccountFactory(organ=cast.other_organ), "issued", 60)  # at the threshold: not below

    summary = reports.national_summary(all_of(period), 60)

    assert summary.accounts == 5
    assert summary.issued == 3
    assert summary.average == Decimal("63.3")  # (80 + 50 + 60) / 3
    assert summary.minimum == Decimal("50.0")
    assert summary.below == 1
    assert summary.abandoned == 1
    assert summary.by_status == [
        ("pending", "Pendiente", 1),
        ("in_progress", "En elaboración", 1),
        ("issued", "Emitida", 2),
        ("acknowledged", "Recibida por el órgano", 1),
    ]


def test_a_period_with_only_pending_evaluations_has_no_average(cast, period):
    evaluate(period, cast.account, "pending")
    evaluate(period, cast.other_account, "in_progress", 12.5)

    summary = reports.national_summary(all_of(period), 60)

    assert (summary.accounts, summary.issued, summary.average, summary.minimum, summary.below) == (2, 0, None, None, 0)


@pytest.mark.parametrize(
    ("scores", "average"),
    [
        ((72.3, 72.4), "72.4"),  # 72.35 rounds half up, like weighted_score
        ((33.3, 33.3, 33.4), "33.3"),
        ((0.1, 0.2), "0.2"),  # 0.15
        ((100, 99.9), "100.0"),  # 99.95
    ],
)
def test_the_average_is_rounded_half_up_to_one_decimal_on_every_database(cast, period, scores, average):
    for score in scores:
        evaluate(period, AccountFactory(organ=cast.organ), "issued", score)

    assert reports.national_summary(all_of(period), 60).average == Decimal(average)


def test_the_figures_by_entidad_by_organ_and_by_network(cast, period):
    jalisco = EntidadFactory(code=14, name="Jalisco")
    aguascalientes = EntidadFactory(code=1, name="Aguascalientes")
    junta_jal = OrganFactory(name="Junta Local Jalisco", entidad=jalisco)
    junta_ags = OrganFactory(name="Junta Local Aguascalientes", entidad=aguascalientes)
    facebook = NetworkFactory(code="facebook", name="Facebook", sort_order=1)
    x = cast.network
    evaluate(period, AccountFactory(organ=junta_jal, network=facebook), "issued", 40)
    evaluate(period, AccountFactory(organ=junta_jal, network=x), "acknowledged", 90)
    evaluate(period, AccountFactory(organ=junta_jal, network=x), "pending")
    evaluate(period, AccountFactory(organ=junta_ags, network=facebook), "issued", 70.5)
    evaluate(period, cast.account, "issued", 55)  # a central organ: no entidad

    entidades = reports.by_entidad(all_of(period), 60)
    assert [(f.label, f.accounts, f.issued, f.average, f.minimum, f.below) for f in entidades] == [
        ("Aguascalientes", 1, 1, Decimal("70.5"), Decimal("70.5"), 0),
        ("Jalisco", 3, 2, Decimal("65.0"), Decimal("40.0"), 1),
        ("Oficinas centrales y consejerías", 1, 1, Decimal("55.0"), Decimal("55.0"), 1),
    ]

    organs = reports.by_organ(all_of(period), 60)
    assert [(f.label, f.extra["entidad"], f.accounts, f.average) for f in organs] == [  # by name
        ("Junta Local Aguascalientes", "Aguascalientes", 1, Decimal("70.5")),
        ("Junta Local Ejecutiva de prueba", "Oficinas centrales y consejerías", 1, Decimal("55.0")),
        ("Junta Local Jalisco", "Jalisco", 3, Decimal("65.0")),
    ]

    networks = reports.by_network(all_of(period), 60)
    assert [(f.label, f.accounts, f.issued, f.average, f.minimum, f.below) for f in networks] == [
        ("Facebook", 2, 2, Decimal("55.3"), Decimal("40.0"), 1),  # (40 + 70.5) / 2 = 55.25
        (x.name, 3, 2, Decimal("72.5"), Decimal("55.0"), 1),
    ]


def test_the_distribution_puts_each_issued_score_in_its_band_and_100_in_the_last(cast, period):
    for score in (0, 9.9, 10, 59.9, 60, 99.9, 100):
        evaluate(period, AccountFactory(organ=cast.organ), "issued", score)
    evaluate(period, AccountFactory(organ=cast.organ), "in_progress", 5)  # a draft: in no band

    bands = reports.distribution(all_of(period), 60)

    assert [(b.low, b.high, b.count) for b in bands] == [
        (0, 10, 2),
        (10, 20, 1),
        (20, 30, 0),
        (30, 40, 0),
        (40, 50, 0),
        (50, 60, 1),
        (60, 70, 1),
        (70, 80, 0),
        (80, 90, 0),
        (90, 100, 2),
    ]
    assert [b.under_threshold for b in bands] == [True] * 6 + [False] * 4
    assert sum(b.count for b in bands) == 7


def test_the_below_threshold_list_holds_issued_scores_under_it_lowest_first(cast, period):
    low = evaluate(period, cast.account, "acknowledged", 20)
    lower = evaluate(period, AccountFactory(organ=cast.other_organ), "issued", 12.5)
    evaluate(period, AccountFactory(organ=cast.organ), "issued", 60)
    evaluate(period, AccountFactory(organ=cast.organ), "in_progress", 5)
    evaluate(period, AccountFactory(organ=cast.organ), "pending")

    assert list(reports.below_threshold(all_of(period), 60)) == [lower, low]
    assert list(reports.below_threshold(all_of(period), 21)) == [lower, low]
    assert list(reports.below_threshold(all_of(period), 20)) == [lower]


def test_the_abandoned_list_holds_every_flagged_account_whatever_its_status(cast, period):
    pending = evaluate(period, cast.account, "pending", abandoned=True)
    issued = evaluate(period, cast.other_account, "issued", 80, abandoned=True)
    evaluate(period, AccountFactory(organ=cast.organ), "issued", 30)

    assert set(reports.abandoned(all_of(period))) == {pending, issued}


def test_rotation_compliance_counts_the_evaluated_accounts_only(cast, period):
    """Each evaluated account once, by its period (the whole rule: test_rotation_compliance)."""
    after = datetime(2027, 1, 15, 12, 0, tzinfo=MEXICO)

    def account(activated_at, *rotated_at):
        created = AccountFactory(organ=cast.organ, activated_at=activated_at)
        for moment in rotated_at:
            PasswordRotation.objects.create(
                account=created, rotated_by=cast.admin, rotated_at=moment, meets_policy=True
            )
        return created

    def mx(*args):
        return datetime(*args, tzinfo=MEXICO)

    evaluate(period, account(mx(2026, 3, 1, 10)), "pending")  # due 1 May, never rotated: overdue
    late = account(mx(2026, 6, 1, 10), mx(2026, 8, 5, 10), mx(2026, 10, 1, 10), mx(2026, 12, 1, 10))
    evaluate(period, late, "pending")  # 5 August: due 1 August
    on_time = account(mx(2026, 6, 1, 10), mx(2026, 8, 1, 10), mx(2026, 10, 1, 10), mx(2026, 11, 30, 10))
    evaluate(period, on_time, "pending")
    evaluate(period, account(mx(2026, 11, 15, 10)), "issued", 70)  # activated late in the period: none due
    account(mx(2026, 1, 1, 10))  # not evaluated: not counted

    window = reports.window(period, after)
    compliance = reports.rotation_compliance(all_of(period), window)

    assert (compliance.on_time, compliance.late, compliance.overdue, compliance.none_due) == (1, 1, 1, 1)
    assert compliance.accounts == 4
    assert reports.rotation_by_organ(all_of(period), window) == {cast.organ.pk: compliance}


def test_incidents_count_by_kind_within_the_period_in_mexico_city_time(cast):
    period = PeriodFactory(year=2026, half=1, criteria=published_version())
    evaluate(period, cast.account, "issued", 70)
    not_evaluated = AccountFactory(organ=cast.organ)

    def incident(kind, detected, account=cast.account):
        return Incident.objects.create(
            account=account,
            organ=account.organ,
            kind=kind,
            detected_at=detected,
            reported_at=detected,
            reported_by=cast.admin,
            description="Se observó.",
        )

    # 1 January 2026 00:30 in Mexico City is 06:30 UTC; the evening before is still 2025.
    incident("erroneous", datetime(2026, 1, 1, 0, 30, tzinfo=MEXICO))
    incident("erroneous", datetime(2025, 12, 31, 23, 30, tzinfo=MEXICO))
    incident("hate", datetime(2026, 6, 30, 23, 59, tzinfo=MEXICO))  # 1 July 05:59 UTC: still in
    incident("hate", datetime(2026, 7, 1, 0, 0, tzinfo=MEXICO))
    incident("misuse", datetime(2026, 3, 1, 12, 0, tzinfo=MEXICO))
    incident("erroneous", datetime(2026, 3, 1, 12, 0, tzinfo=MEXICO), account=not_evaluated)

    window = reports.window(period)
    counts = {kind: n for kind, _label, n in reports.incidents_by_kind(cast.cncs, all_of(period), window)}
    assert counts == {"hack": 0, "impersonation": 0, "misuse": 1, "erroneous": 1, "hate": 1}
    # The Comité does not see staff misuse (incidents.access): nor its count.
    counts = {kind: n for kind, _label, n in reports.incidents_by_kind(cast.president, all_of(period), window)}
    assert counts["misuse"] == 0 and counts["erroneous"] == 1
    assert reports.incidents_by_organ(cast.cncs, all_of(period), window) == {
        cast.organ.pk: {"misuse": 1, "erroneous": 1, "hate": 1}
    }


def test_the_report_window_is_the_figures_window_in_mexico_city_midnights():
    period = Period(starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31))
    ended = reports.window(period, datetime(2027, 3, 1, 12, 0, tzinfo=MEXICO))
    assert ended.start == datetime(2026, 7, 1, 6, 0, tzinfo=ZoneInfo("UTC"))
    assert ended.stop == datetime(2027, 1, 1, 6, 0, tzinfo=ZoneInfo("UTC"))
    assert (ended.last_day, ended.ended) == (date(2026, 12, 31), True)
    running = reports.window(period, datetime(2026, 11, 24, 23, 30, tzinfo=MEXICO))
    assert running.stop == datetime(2026, 11, 25, 6, 0, tzinfo=ZoneInfo("UTC"))
    assert (running.last_day, running.ended) == (date(2026, 11, 24), False)


def test_the_trend_runs_from_the_oldest_period_to_the_newest(cast):
    version = published_version()
    newest = PeriodFactory(year=2026, half=2, criteria=version)
    oldest = PeriodFactory(year=2025, half=1, criteria=version)
    middle = PeriodFactory(year=2025, half=2, criteria=version)
    evaluate(oldest, cast.account, "issued", 40)
    evaluate(oldest, cast.other_account, "issued", 61)
    evaluate(newest, cast.account, "issued", 90)
    evaluate(newest, cast.other_account, "pending")

    trend = reports.trend(Evaluation.objects.all(), reports.periods(), 60)

    assert [f.key for f in trend] == [oldest.pk, middle.pk, newest.pk]
    assert [f.extra["short"] for f in trend] == ["1.er sem. 2025", "2.º sem. 2025", "2.º sem. 2026"]
    assert [(f.accounts, f.issued, f.average, f.below) for f in trend] == [
        (2, 2, Decimal("50.5"), 1),
        (0, 0, None, 0),
        (2, 1, Decimal("90.0"), 0),
    ]


def test_the_organ_sections_group_the_accounts_with_their_issued_criteria_values(cast, period):
    criteria = list(period.criteria.criteria.order_by("position"))
    issued = evaluate(period, cast.account, "issued", 75)
    draft = evaluate(period, AccountFactory(organ=cast.organ), "in_progress")
    other = evaluate(period, cast.other_account, "pending")
    Score.objects.bulk_create(
        [Score(evaluation=issued, criterion=c, value=v) for c, v in zip(criteria, (4, 3, 2), strict=True)]
        + [Score(evaluation=draft, criterion=criteria[0], value=1)]
    )

    found, sections = reports.organ_sections(cast.cncs, all_of(period), period, 60, reports.window(period))

    assert found == criteria
    by_organ = {s.organ_id: s for s in sections}
    assert [e.pk for e in by_organ[cast.organ.pk].rows] == sorted([issued.pk, draft.pk], key=lambda pk: pk)
    values = {e.pk: e.criterion_values for e in by_organ[cast.organ.pk].rows}
    assert values[issued.pk] == [4, 3, 2]
    assert values[draft.pk] == [None, None, None]  # CNCS's draft is nobody's figure yet
    assert by_organ[cast.other_organ.pk].rows == [other]
    assert by_organ[cast.organ.pk].figures.average == Decimal("75.0")


def test_an_organ_sees_only_its_own_evaluations_in_every_figure(cast, period):
    evaluate(period, cast.account, "issued", 80)
    evaluate(period, cast.other_account, "issued", 20)

    summary = reports.national_summary(evaluations_visible_to(cast.titular).filter(period=period), 60)

    assert (summary.accounts, summary.average, summary.below) == (1, Decimal("80.0"), 0)


def test_an_account_moved_after_the_evaluation_stays_with_the_organ_evaluated(cast, period):
    evaluate(period, cast.account, "issued", 80)
    Account.objects.filter(pk=cast.account.pk).update(organ=cast.other_organ)

    organs = reports.by_organ(all_of(period), 60)

    assert [f.key for f in organs] == [cast.organ.pk]


def test_the_period_label_is_a_spanish_short_name():
    assert reports.period_label(Period(year=2026, half=1)) == "1.er sem. 2026"
    assert reports.period_label(Period(year=2026, half=2)) == "2.º sem. 2026"
