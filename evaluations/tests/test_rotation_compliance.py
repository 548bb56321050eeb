"""Password rotation compliance in the reports describes the period, not today: each account
once, by the rule in ``evaluations.rotations`` the evaluation's figures use too; closed
accounts by their record in the period, or left out when closed before it ended; a constant
number of queries; the page, the organ report and the workbook in Spanish."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Account, PasswordRotation
from accounts.tests.factories import AccountFactory
from evaluations import reports, rotations
from evaluations.figures import for_evaluation
from evaluations.models import Evaluation
from evaluations.rotations import Outcome
from evaluations.tests.factories import EvaluationFactory, PeriodFactory, published_version

pytestmark = pytest.mark.django_db

MEXICO = ZoneInfo("America/Mexico_City")


def mx(*args) -> datetime:
    return datetime(*args, tzinfo=MEXICO)


# --- The rule, pure ---------------------------------------------------------------------------

# The second half of 2025, judged after it ended.
START, STOP, LAST_DAY = mx(2025, 7, 1), mx(2026, 1, 1), date(2025, 12, 31)
ACTIVATED = mx(2025, 1, 1, 10)


def judge(*rotated_at, activated_at=ACTIVATED, registered=None, last_day=LAST_DAY, stop=STOP):
    return rotations.assess(
        rotated_at, start=START, stop=stop, last_day=last_day, activated_at=activated_at, registered=registered
    )


def test_each_rotation_is_judged_against_the_due_date_in_force_when_it_happened():
    judged = judge(mx(2025, 5, 10, 10), mx(2025, 7, 20, 10), mx(2025, 9, 15, 10), mx(2025, 11, 10, 10))

    assert [(c.due_on, c.late) for c in judged.checks] == [
        (date(2025, 7, 10), True),  # due two months after 10 May
        (date(2025, 9, 20), False),  # two months after the late one, not after 10 July
        (date(2025, 11, 15), False),
    ]
    assert (judged.due_after, judged.overdue, judged.outcome) == (date(2026, 1, 10), False, Outcome.LATE)


def test_every_rotation_on_time_and_a_due_date_after_the_end_is_on_time():
    judged = judge(mx(2025, 6, 1, 10), mx(2025, 7, 30, 10), mx(2025, 9, 29, 10), mx(2025, 11, 28, 10))
    assert (len(judged.checks), judged.late, judged.outcome) == (3, [], Outcome.ON_TIME)


def test_a_due_date_left_before_the_last_day_is_overdue_whatever_came_before():
    judged = judge(mx(2025, 6, 15, 10), mx(2025, 8, 10, 10))  # on time; next due 10 October
    assert (judged.due_after, judged.overdue, judged.outcome) == (date(2025, 10, 10), True, Outcome.OVERDUE)
    # Late and overdue: overdue is the worse.
    assert judge(mx(2025, 4, 1, 10), mx(2025, 7, 5, 10)).outcome == Outcome.OVERDUE


def test_a_due_date_on_the_last_day_itself_is_not_yet_overdue():
    assert judge(mx(2025, 10, 31, 10), activated_at=mx(2025, 9, 1, 10)).outcome == Outcome.ON_TIME
    assert judge(mx(2025, 10, 30, 10), activated_at=mx(2025, 9, 1, 10)).outcome == Outcome.OVERDUE


def test_an_account_activated_in_the_period_with_nothing_due_yet_had_no_rotation_due():
    judged = judge(activated_at=mx(2025, 11, 20, 10))
    assert (judged.checks, judged.due_after, judged.outcome) == ((), date(2026, 1, 20), Outcome.NONE_DUE)


def test_the_first_rotation_is_due_two_months_after_activation():
    judged = judge(mx(2025, 8, 5, 10), activated_at=mx(2025, 6, 1, 10))
    assert [(c.due_on, c.late) for c in judged.checks] == [(date(2025, 8, 1), True)]


def test_a_rotation_is_late_by_its_mexico_city_date():
    # 21 September 05:30 UTC is 20 September 23:30 in Mexico City: the due date itself.
    judged = judge(mx(2025, 5, 20, 10), mx(2025, 7, 20, 10), datetime(2025, 9, 21, 5, 30, tzinfo=UTC))
    assert [(c.due_on, c.late) for c in judged.checks] == [(date(2025, 7, 20), False), (date(2025, 9, 20), False)]
    later = judge(mx(2025, 5, 20, 10), mx(2025, 7, 20, 10), datetime(2025, 9, 21, 6, 0, tzinfo=UTC))
    assert [c.late for c in later.checks] == [False, True]


def test_the_rotation_the_account_was_registered_with_counts_before_the_period():
    judged = judge(mx(2025, 8, 20, 10), registered=mx(2025, 6, 25, 10))
    assert [(c.due_on, c.late) for c in judged.checks] == [(date(2025, 8, 25), False)]
    # A registered date inside the period is a rotation of the period itself: activation instead.
    assert judge(mx(2025, 8, 20, 10), registered=mx(2025, 8, 20, 10)).late


def test_never_rotated_nor_activated_is_overdue():
    assert judge(activated_at=None).outcome == Outcome.OVERDUE


def test_rotations_after_the_window_change_nothing():
    before = judge(mx(2025, 6, 15, 10))
    after = judge(mx(2025, 6, 15, 10), mx(2026, 1, 10, 10), mx(2026, 3, 10, 10))
    assert before == after and after.outcome == Outcome.OVERDUE


# --- The reports ------------------------------------------------------------------------------


def rotate(account, cast, *moments):
    PasswordRotation.objects.bulk_create(
        [PasswordRotation(account=account, rotated_by=cast.admin, rotated_at=m, meets_policy=True) for m in moments]
    )


def close(account, at):
    Account.objects.filter(pk=account.pk).update(status=Account.Status.CLOSED, closed_at=at)


@pytest.fixture
def past(cast):
    """The second half of 2025, seen from 2026: every outcome, and closed accounts."""
    period = PeriodFactory(year=2025, half=2, criteria=published_version())

    def evaluated(name, activated_at=ACTIVATED, organ=None, **fields):
        account = AccountFactory(organ=organ or cast.organ, name=name, activated_at=activated_at, **fields)
        EvaluationFactory(period=period, account=account)
        return account

    # Late in July 2025; today its password is up to date (rotated in 2026, due far ahead).
    late = evaluated("Tarde", password_rotation_due_on=date(2099, 1, 1))
    rotate(late, cast, mx(2025, 5, 10, 10), mx(2025, 7, 20, 10), mx(2025, 9, 15, 10), mx(2025, 11, 10, 10))
    rotate(late, cast, mx(2026, 1, 5, 10), mx(2026, 3, 1, 10))
    # Every rotation on time, closed in February 2026 with its old due date: not "overdue forever".
    closed_after = evaluated("Cerrada después", password_rotation_due_on=date(2026, 1, 28))
    rotate(closed_after, cast, mx(2025, 6, 1, 10), mx(2025, 7, 30, 10), mx(2025, 9, 29, 10), mx(2025, 11, 28, 10))
    close(closed_after, mx(2026, 2, 15, 10))
    # Overdue since 15 August 2025; the rotation of January 2026 comes after the period.
    overdue = evaluated("Vencida", organ=cast.other_organ)
    rotate(overdue, cast, mx(2025, 6, 15, 10), mx(2026, 1, 10, 10))
    # Activated on 20 November 2025: its first rotation was due in January.
    evaluated("Nueva", activated_at=mx(2025, 11, 20, 10))
    # Closed before the period ended, on its last evening or in August: not in operation.
    for name, at in (("Cerrada el último día", mx(2025, 12, 31, 23, 0)), ("Cerrada en agosto", mx(2025, 8, 1))):
        gone = evaluated(name)
        rotate(gone, cast, mx(2025, 6, 1, 10))
        close(gone, at)
    # Not evaluated in the period: never counted.
    rotate(AccountFactory(organ=cast.organ, activated_at=mx(2025, 1, 1)), cast, mx(2025, 6, 1, 10))
    cast.period, cast.late, cast.overdue, cast.closed_after = period, late, overdue, closed_after
    return cast


def of(period):
    return Evaluation.objects.filter(period=period)


def test_the_period_s_compliance_does_not_change_when_viewed_later(past):
    window = reports.window(past.period, mx(2026, 11, 24, 12))

    compliance = reports.rotation_compliance(of(past.period), window)

    assert (compliance.late, compliance.on_time, compliance.overdue, compliance.none_due) == (1, 1, 1, 1)
    assert compliance.accounts == 4  # the two closed before the period ended are left out
    # Viewed right after the period, or a year later: the same.
    for seen_at in (mx(2026, 1, 1, 0, 0), mx(2027, 11, 24, 12)):
        assert reports.rotation_compliance(of(past.period), reports.window(past.period, seen_at)) == compliance


def test_compliance_by_organ_counts_each_account_under_the_organ_evaluated(past):
    Account.objects.filter(pk=past.overdue.pk).update(organ=past.organ)  # moved after the evaluation
    window = reports.window(past.period, mx(2026, 11, 24, 12))

    by_organ = reports.rotation_by_organ(of(past.period), window)

    assert by_organ == {
        past.organ.pk: reports.Compliance(on_time=1, late=1, none_due=1),
        past.other_organ.pk: reports.Compliance(overdue=1),
    }


def test_a_closed_account_counts_by_its_period_record_only_if_it_was_operated_to_the_end(past):
    window = reports.window(past.period, mx(2026, 11, 24, 12))
    only_closed_after = of(past.period).filter(account=past.closed_after)
    assert reports.rotation_compliance(only_closed_after, window) == reports.Compliance(on_time=1)
    closed_before = of(past.period).filter(account__name__startswith="Cerrada e")
    assert closed_before.count() == 2
    assert reports.rotation_compliance(closed_before, window).accounts == 0


def test_the_report_and_the_evaluation_s_figures_judge_the_same_way(past):
    """One rule: the evaluation's figures of the late account say what the report counts."""
    evaluation = Evaluation.objects.get(period=past.period, account=past.late)
    groups = for_evaluation(evaluation, now=mx(2026, 11, 24, 12))
    rotation_figures = {f.label: f for g in groups if g.source == "rotations" for f in g.figures}
    assert rotation_figures["Cambios a tiempo"].value == "2 de 3 a tiempo"
    assert rotation_figures["Al cierre del periodo"].value == "Al día (el siguiente cambio vencía el 10/01/2026)"
    evaluation = Evaluation.objects.get(period=past.period, account=past.overdue)
    groups = for_evaluation(evaluation, now=mx(2026, 11, 24, 12))
    at_close = next(f for g in groups for f in g.figures if f.label == "Al cierre del periodo")
    assert at_close.value == "Vencida desde el 15/08/2025"


def test_while_the_period_runs_overdue_is_judged_today_and_closed_accounts_are_left_out(cast):
    period = PeriodFactory(year=2026, half=2, criteria=published_version())
    now = mx(2026, 11, 24, 12)
    accounts = {}
    for name, moments in {
        "a tiempo": (mx(2026, 6, 10, 10), mx(2026, 8, 10, 10), mx(2026, 10, 10, 10)),  # due 10 December
        "vencida": (mx(2026, 6, 10, 10), mx(2026, 8, 10, 10)),  # due 10 October
        "cerrada": (mx(2026, 6, 10, 10), mx(2026, 8, 10, 10)),
    }.items():
        accounts[name] = AccountFactory(organ=cast.organ, name=name, activated_at=mx(2025, 1, 1))
        EvaluationFactory(period=period, account=accounts[name])
        rotate(accounts[name], cast, *moments)
    close(accounts["cerrada"], mx(2026, 11, 23, 9))

    window = reports.window(period, now)
    assert reports.rotation_compliance(of(period), window) == reports.Compliance(on_time=1, overdue=1)
    labels = dict((key, label) for key, label, _n in reports.Compliance().rows(window))
    assert labels[Outcome.OVERDUE] == "Vencida hoy (24/11/2026)"
    # On 9 October nothing was overdue yet, and the account closed in November still operated.
    earlier = reports.window(period, mx(2026, 10, 9, 12))
    assert reports.rotation_compliance(of(period), earlier) == reports.Compliance(on_time=3)


def test_compliance_takes_two_queries_whatever_the_number_of_accounts(past, django_assert_num_queries):
    window = reports.window(past.period, mx(2026, 11, 24, 12))
    with django_assert_num_queries(2):
        reports.rotation_compliance(of(past.period), window)
    for i in range(30):
        account = AccountFactory(organ=past.organ, activated_at=mx(2025, 1, 1))
        EvaluationFactory(period=past.period, account=account)
        rotate(account, past, mx(2025, 6, 1, 10), mx(2025, 8, 1, 10), mx(2025, 10, 1 + i % 5, 10))
    with django_assert_num_queries(2):
        compliance = reports.rotation_compliance(of(past.period), window)
    with django_assert_num_queries(2):
        reports.rotation_by_organ(of(past.period), window)
    assert compliance.accounts == 34


# --- What people read -----------------------------------------------------------------------


def test_the_summary_page_shows_the_period_s_outcomes_in_spanish(client, past):
    client.force_login(past.cncs)
    page = client.get(reverse("evaluations:reports") + f"?periodo={past.period.pk}").content.decode()

    for label in (
        "Vencida al cierre del periodo (31/12/2025)",
        "Algún cambio fuera de plazo",
        "Todos los cambios a tiempo",
        "Sin cambio que venciera en el periodo",
    ):
        assert f'{label}</span></th><td class="num">1</td>' in page
    assert "«Vencida» es la situación al cierre del periodo, el 31/12/2025." in page
    assert "No se cuentan las cuentas cerradas antes de que terminara el periodo." in page
    assert "Por vencer" not in page


def test_the_organ_report_shows_each_organ_s_outcomes(client, past):
    client.force_login(past.cncs)
    page = client.get(reverse("evaluations:report_organs") + f"?periodo={past.period.pk}&organo={past.organ.pk}")
    text = page.content.decode()

    assert "Cambio de contraseña en el periodo" in text
    assert (
        "Vencida al cierre del periodo (31/12/2025): 0; Algún cambio fuera de plazo: 1; "
        "Todos los cambios a tiempo: 1; Sin cambio que venciera en el periodo: 1"
    ) in text


def test_the_workbook_summary_holds_the_period_s_outcomes(client, past):
    client.force_login(past.cncs)
    response = client.get(reverse("evaluations:report_export", args=["xlsx"]) + f"?periodo={past.period.pk}")
    book = load_workbook(io.BytesIO(response.content))

    summary = {row[0].value: row[1].value for row in book["Resumen"].iter_rows(min_row=2)}
    assert summary["Cuentas evaluadas"] == 6
    assert summary["Cuentas en operación en el periodo (cambio de contraseña)"] == 4
    assert summary["Cambio de contraseña: Vencida al cierre del periodo (31/12/2025)"] == 1
    assert summary["Cambio de contraseña: Algún cambio fuera de plazo"] == 1
    assert summary["Cambio de contraseña: Todos los cambios a tiempo"] == 1
    assert summary["Cambio de contraseña: Sin cambio que venciera en el periodo"] == 1
    assert not any("por vencer" in str(key).lower() for key in summary)
