"""The pre-filled figures of an evaluation: each source's figures from known data, the period's
bounds in Mexico City time, the edges of the longest gap, corrections counted once, late and
on-time rotations, a flagged administrator, the JSON snapshot, an account with nothing, and a
query count that does not grow with the account's records."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils.functional import lazy

from accounts.models import Designation, LogEntry, Network, OutOfOfficePeriod, PasswordRotation
from accounts.tests.factories import AccountFactory, UserFactory, active_since
from consultations.models import Consultation
from evaluations import figures, training
from evaluations.figures import Figure, FigureGroup, for_evaluation, from_json, longest_gap, to_json
from evaluations.models import Criterion, TrainingMeeting
from evaluations.tests.factories import (
    EvaluationFactory,
    PeriodFactory,
    TrainingInvitationFactory,
    TrainingMeetingFactory,
)
from incidents.models import Incident

MX = ZoneInfo("America/Mexico_City")
UTC = ZoneInfo("UTC")


def mx(*args) -> datetime:
    return datetime(*args, tzinfo=MX)


# A moment inside the second semester of 2026, and one after it ended.
RUNNING = mx(2026, 11, 24, 12, 0)
AFTER = mx(2027, 1, 15, 12, 0)


@pytest.fixture
def account(cast):
    return active_since(cast.account, mx(2025, 1, 1))


@pytest.fixture
def evaluation(account):
    return EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)


def group(groups: list[FigureGroup], source: str) -> FigureGroup:
    return next(g for g in groups if g.source == source)


def figure(groups: list[FigureGroup], source: str, label: str) -> Figure:
    found = [f for f in group(groups, source).figures if f.label == label]
    assert len(found) == 1, [f.label for f in group(groups, source).figures]
    return found[0]


def entry(account, at: datetime, *, kind=LogEntry.Kind.PUBLICATION, corrects=None) -> LogEntry:
    return LogEntry.objects.create(
        account=account,
        author=account.organ.staff.first() or UserFactory(),
        kind=kind,
        occurred_at=at,
        text="Publicación del día.",
        corrects=corrects,
    )


# --- Shape -----------------------------------------------------------------------------------


def test_there_is_one_group_per_source_in_order(evaluation):
    groups = for_evaluation(evaluation, now=RUNNING)
    assert [g.source for g in groups] == [
        "activity",
        "consultations",
        "incidents",
        "rotations",
        "out_of_office",
        "training",
    ]
    assert [g.title for g in groups] == [str(Criterion.Source(g.source).label) for g in groups]


def test_every_figure_links_to_an_existing_page(evaluation, account, cast):
    entry(account, mx(2026, 7, 2, 10))
    Incident.objects.create(
        account=account,
        organ=account.organ,
        kind=Incident.Kind.ERRONEOUS,
        detected_at=mx(2026, 7, 3, 9),
        reported_at=mx(2026, 7, 3, 10),
        reported_by=cast.admin,
        description="Dato erróneo.",
    )
    for g in for_evaluation(evaluation, now=RUNNING):
        for f in g.figures:
            assert f.url, f
            resolve(urlsplit(f.url).path)


def test_the_groups_use_the_current_time_when_none_is_given(evaluation, account):
    entry(account, mx(2026, 7, 2, 10))
    with time_machine.travel(mx(2026, 7, 3, 10), tick=False):
        groups = for_evaluation(evaluation)
    assert figure(groups, "activity", "Días sin actividad").value == "2 de 3"


# --- Activity --------------------------------------------------------------------------------


def test_entries_are_counted_by_mexico_city_date(cast, account):
    # 05:30 UTC on 1 July is 23:30 of 30 June in Mexico City: the first semester's.
    entry(account, datetime(2026, 7, 1, 5, 30, tzinfo=UTC))
    entry(account, datetime(2026, 7, 1, 6, 0, tzinfo=UTC))  # 00:00 of 1 July
    first = EvaluationFactory(period=PeriodFactory(year=2026, half=1), account=account)
    second = EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)

    in_first = for_evaluation(first, now=AFTER)
    in_second = for_evaluation(second, now=AFTER)

    assert figure(in_first, "activity", "Entradas de bitácora en el periodo").value == "1"
    assert figure(in_second, "activity", "Entradas de bitácora en el periodo").value == "1"
    assert figure(in_first, "activity", "Última actividad en el periodo").value == "30/06/2026 23:30"
    assert figure(in_second, "activity", "Última actividad en el periodo").value == "01/07/2026 00:00"


def test_the_entry_count_says_the_window_and_the_kinds(evaluation, account):
    entry(account, mx(2026, 7, 2, 10))
    entry(account, mx(2026, 7, 3, 10))
    entry(account, mx(2026, 7, 4, 10), kind=LogEntry.Kind.REPLY)

    found = figure(for_evaluation(evaluation, now=RUNNING), "activity", "Entradas de bitácora en el periodo")

    assert found.value == "3"
    assert "Del 01/07/2026 al 24/11/2026" in found.detail
    assert "Publicación: 2; Respuesta a una persona usuaria: 1." in found.detail
    assert found.url == reverse("accounts:detail", args=[account.pk])


def test_a_correction_is_not_counted_as_a_second_entry(evaluation, account):
    original = entry(account, mx(2026, 7, 2, 10))
    entry(account, mx(2026, 9, 20, 10), kind=LogEntry.Kind.CORRECTION, corrects=original)

    groups = for_evaluation(evaluation, now=AFTER)

    count = figure(groups, "activity", "Entradas de bitácora en el periodo")
    assert count.value == "1"
    assert "1 corrección de una entrada anterior, no contada aparte." in count.detail
    # Nor as activity: the last entry is still the original one, the gap runs to the end.
    assert figure(groups, "activity", "Última actividad en el periodo").value == "02/07/2026 10:00"
    assert figure(groups, "activity", "Días sin actividad").value == "183 de 184"


def test_the_longest_gap_can_be_the_one_before_the_first_entry(evaluation, account):
    entry(account, mx(2026, 7, 20, 6))  # 19 d 6 h after the start
    entry(account, mx(2026, 7, 21, 6))

    gap = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 30, 0)), "activity", "Mayor intervalo sin registros en la bitácora"
    )

    assert gap.value == "19 d 6 h 00 min"
    assert gap.detail == "Desde el inicio del periodo hasta el 20/07/2026 06:00."
    assert gap.warning


def test_the_longest_gap_can_be_between_two_entries(evaluation, account):
    entry(account, mx(2026, 7, 1, 8))
    entry(account, mx(2026, 7, 5, 20))  # 4 d 12 h after the first
    entry(account, mx(2026, 7, 6, 8))

    gap = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 7, 0)), "activity", "Mayor intervalo sin registros en la bitácora"
    )

    assert gap.value == "4 d 12 h 00 min"
    assert gap.detail == "Desde el 01/07/2026 08:00 hasta el 05/07/2026 20:00."


def test_the_longest_gap_can_run_to_today(evaluation, account):
    entry(account, mx(2026, 7, 1, 8))

    gap = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 10, 8)), "activity", "Mayor intervalo sin registros en la bitácora"
    )

    assert gap.value == "9 d 0 h 00 min"
    assert gap.detail == "Desde el 01/07/2026 08:00 hasta hoy."


def test_the_longest_gap_of_an_ended_period_runs_to_its_last_midnight(evaluation, account):
    entry(account, mx(2026, 7, 1, 0))
    entry(account, mx(2026, 8, 1, 0))
    entry(account, mx(2026, 9, 1, 0))

    gap = figure(for_evaluation(evaluation, now=AFTER), "activity", "Mayor intervalo sin registros en la bitácora")

    # 1 September → 1 January 00:00, when the period ended; not on to the 15th, "now".
    assert gap.value == "122 d 0 h 00 min"
    assert gap.detail == "Desde el 01/09/2026 00:00 hasta el fin del periodo."


def test_the_last_gap_ends_at_the_period_end_not_after():
    start, end = mx(2026, 7, 1), mx(2027, 1, 1)
    found = longest_gap([mx(2026, 7, 1, 0), mx(2026, 12, 31, 0)], start, end)
    assert found.length == mx(2026, 12, 31) - mx(2026, 7, 1)
    assert longest_gap([], start, end).length == end - start
    last_stretch = longest_gap([mx(2026, 7, 1), mx(2026, 7, 2)], start, end)
    assert (last_stretch.since, last_stretch.until) == (mx(2026, 7, 2), end)


def test_days_before_the_account_existed_are_not_idle(cast):
    account = AccountFactory(organ=cast.organ, network=cast.network, activated_at=mx(2026, 11, 20, 8))
    evaluation = EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)

    groups = for_evaluation(evaluation, now=RUNNING)

    assert figure(groups, "activity", "Días sin actividad").value == "5 de 5"
    gap = figure(groups, "activity", "Mayor intervalo sin registros en la bitácora")
    assert gap.value == "4 d 4 h 00 min"
    assert gap.detail == "Desde la activación de la cuenta, el 20/11/2026 08:00 hasta hoy."
    count = figure(groups, "activity", "Entradas de bitácora en el periodo")
    assert "Se cuenta del 20/11/2026 al 24/11/2026, mientras la cuenta existió." in count.detail


def test_days_after_the_account_closed_are_not_idle(evaluation, account):
    entry(account, mx(2026, 7, 2, 0))
    type(account).objects.filter(pk=account.pk).update(status="closed", closed_at=mx(2026, 8, 1, 0))
    evaluation.account.refresh_from_db()

    groups = for_evaluation(evaluation, now=AFTER)

    assert figure(groups, "activity", "Días sin actividad").value == "31 de 32"
    gap = figure(groups, "activity", "Mayor intervalo sin registros en la bitácora")
    assert gap.value == "30 d 0 h 00 min"
    assert gap.detail == "Desde el 02/07/2026 00:00 hasta el cierre de la cuenta, el 01/08/2026 00:00."


def test_days_without_activity_count_mexico_city_days(evaluation, account):
    entry(account, mx(2026, 7, 1, 23, 59))
    entry(account, mx(2026, 7, 1, 8))  # same day
    entry(account, mx(2026, 7, 3, 0, 1))

    found = figure(for_evaluation(evaluation, now=mx(2026, 7, 5, 12)), "activity", "Días sin actividad")

    # 1–5 July: active on the 1st and the 3rd.
    assert found.value == "3 de 5"


def test_last_activity_names_the_account_s_latest_too(evaluation, account):
    entry(account, mx(2026, 8, 3, 9, 15))
    type(account).objects.filter(pk=account.pk).update(last_activity_at=mx(2026, 8, 3, 9, 20))
    evaluation.account.refresh_from_db()

    found = figure(for_evaluation(evaluation, now=RUNNING), "activity", "Última actividad en el periodo")

    assert found.value == "03/08/2026 09:15"
    assert found.detail == "Última actividad registrada en la cuenta: 03/08/2026 09:20."


def test_the_cadence_is_the_network_s_and_a_longer_gap_exceeds_it(evaluation, account):
    for day in range(1, 11):
        entry(account, mx(2026, 7, day, 9))

    on_time = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 10, 18)),
        "activity",
        "Periodicidad de actualización esperada (§6.xx)",
    )
    entry(account, mx(2026, 7, 13, 9))  # two days skipped
    late = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 13, 18)),
        "activity",
        "Periodicidad de actualización esperada (§6.xx)",
    )

    assert on_time.value == "Diaria"
    assert "señala para X (Twitter)" in on_time.detail
    assert "no la excede" in on_time.detail
    assert not on_time.warning
    assert late.warning
    assert "El mayor intervalo sin registros (3 d 0 h 00 min) la excede." in late.detail
    gap = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 13, 18)), "activity", "Mayor intervalo sin registros en la bitácora"
    )
    assert gap.warning


def test_a_weekly_network_tolerates_a_gap_of_six_days(evaluation, account):
    Network.objects.filter(pk=account.network_id).update(update_cadence_days=Network.Cadence.WEEKLY)
    account.network.refresh_from_db()
    entry(account, mx(2026, 7, 1, 9))
    entry(account, mx(2026, 7, 7, 9))

    found = figure(
        for_evaluation(evaluation, now=mx(2026, 7, 7, 18)), "activity", "Periodicidad de actualización esperada (§6.xx)"
    )

    assert found.value == "Semanal"
    assert not found.warning


def test_the_cadence_labels():
    assert figures.cadence_label(1) == "Diaria"
    assert figures.cadence_label(7) == "Semanal"
    assert figures.cadence_label(3) == "Cada 3 días"


def test_the_abandoned_flag_shows_with_its_date_and_the_threshold(evaluation, account, settings):
    settings.ABANDONED_ACCOUNT_DAYS = 60
    type(account).objects.filter(pk=account.pk).update(flagged_abandoned_at=mx(2026, 9, 1, 3))
    evaluation.account.refresh_from_db()

    found = figure(for_evaluation(evaluation, now=RUNNING), "activity", "Posiblemente abandonada (§7.viii)")

    assert found.value == "Sí, desde el 01/09/2026 03:00"
    assert "más de 60 días sin actividad" in found.detail
    assert found.warning


def test_an_evaluation_created_while_flagged_says_so_even_after_the_flag_is_lifted(evaluation):
    evaluation.was_flagged_abandoned = True

    found = figure(for_evaluation(evaluation, now=RUNNING), "activity", "Posiblemente abandonada (§7.viii)")

    assert found.value == "No"
    assert "Estaba marcada cuando se creó esta evaluación." in found.detail
    assert found.warning


def test_an_account_never_flagged_is_not_highlighted(evaluation):
    found = figure(for_evaluation(evaluation, now=RUNNING), "activity", "Posiblemente abandonada (§7.viii)")
    assert (found.value, found.warning) == ("No", False)


# --- Consultations ---------------------------------------------------------------------------


def consultation(account, cast, submitted_at, *, status=Consultation.Status.OPEN, answer="", answered_after=None):
    answered_at = submitted_at + answered_after if answered_after else None
    return Consultation.objects.create(
        account=account,
        kind=Consultation.Kind.PERTINENCE,
        question="¿Puede publicarse?",
        subject_text="Borrador.",
        requested_by=cast.admin,
        status=status,
        submitted_at=submitted_at,
        due_at=submitted_at + timedelta(hours=48),
        answer=answer,
        answered_at=answered_at,
        answered_by=cast.cncs if answered_at else None,
        expired_at=submitted_at + timedelta(hours=48) if status == Consultation.Status.EXPIRED else None,
    )


def test_consultations_are_counted_by_status_and_answer_with_the_median_time(evaluation, account, cast):
    answered = Consultation.Status.ANSWERED
    consultation(account, cast, mx(2026, 7, 2, 9), status=answered, answer="publish", answered_after=timedelta(hours=2))
    consultation(account, cast, mx(2026, 7, 3, 9), status=answered, answer="publish", answered_after=timedelta(hours=4))
    consultation(
        account, cast, mx(2026, 7, 4, 9), status=answered, answer="do_not_publish", answered_after=timedelta(hours=30)
    )
    consultation(account, cast, mx(2026, 7, 5, 9), status=Consultation.Status.EXPIRED)
    consultation(account, cast, mx(2026, 11, 24, 9))
    consultation(account, cast, mx(2026, 6, 30, 23, 59), status=Consultation.Status.EXPIRED)  # first semester
    consultation(cast.other_account, cast, mx(2026, 7, 2, 9))  # another account

    groups = for_evaluation(evaluation, now=RUNNING)

    assert figure(groups, "consultations", "Consultas a Comunicación Social en el periodo").value == "5"
    answered_figure = figure(groups, "consultations", "Respondida")
    assert answered_figure.value == "3"
    assert answered_figure.detail == "Puede publicarse: 2; No debe publicarse: 1."
    assert answered_figure.url == reverse("consultations:list") + "?estado=answered"
    assert figure(groups, "consultations", "Vencida sin respuesta").value == "1"
    assert figure(groups, "consultations", "En espera de respuesta").value == "1"
    median = figure(groups, "consultations", "Mediana del tiempo de respuesta")
    assert median.value == "4 h 00 min"
    assert median.detail == "Del envío a la respuesta, sobre 3 consultas respondidas."


def test_consultations_never_answered_have_no_median(evaluation, account, cast):
    consultation(account, cast, mx(2026, 7, 5, 9), status=Consultation.Status.EXPIRED)

    found = figure(for_evaluation(evaluation, now=RUNNING), "consultations", "Mediana del tiempo de respuesta")

    assert found.value == "Sin respuestas"


# --- Incidents -------------------------------------------------------------------------------


def incident(
    account, cast, detected_at, *, kind=Incident.Kind.ERRONEOUS, report_after=timedelta(hours=1), resolve_after=None
):
    reported_at = detected_at + report_after
    resolved = resolve_after is not None
    return Incident.objects.create(
        account=account,
        organ=account.organ,
        kind=kind,
        status=Incident.Status.RESOLVED if resolved else Incident.Status.REPORTED,
        detected_at=detected_at,
        reported_at=reported_at,
        reported_by=cast.admin,
        description="Lo que se observó.",
        contained_at=reported_at + resolve_after / 2 if resolved else None,
        resolved_at=reported_at + resolve_after if resolved else None,
    )


def test_incidents_by_kind_with_their_times_and_the_unresolved_highlighted(evaluation, account, cast):
    hack = incident(
        account,
        cast,
        mx(2026, 8, 1, 10),
        kind=Incident.Kind.HACK,
        report_after=timedelta(minutes=30),
        resolve_after=timedelta(days=1, hours=2),
    )
    open_one = incident(account, cast, mx(2026, 9, 1, 10), report_after=timedelta(hours=3))
    incident(account, cast, mx(2026, 6, 30, 10))  # first semester
    incident(cast.other_account, cast, mx(2026, 8, 1, 10))

    groups = for_evaluation(evaluation, now=RUNNING)

    count = figure(groups, "incidents", "Incidentes detectados en el periodo")
    assert count.value == "2"
    assert "Contenido erróneo: 1; Hackeo u operación no autorizada: 1." in count.detail
    assert count.url == reverse("incidents:list") + f"?organ={account.organ_id}&network={account.network_id}"
    unresolved = figure(groups, "incidents", "Incidentes sin resolver")
    assert (unresolved.value, unresolved.warning) == ("1", True)
    assert figure(groups, "incidents", "Mediana de la detección al reporte").value == "1 h 45 min"
    assert figure(groups, "incidents", "Mediana del reporte a la resolución").value == "1 d 2 h 00 min"
    listed_hack = figure(groups, "incidents", f"#{hack.pk} Hackeo u operación no autorizada")
    assert listed_hack.value == "Resuelto"
    assert listed_hack.detail == "Detectado el 01/08/2026 10:00; reportado en 0 h 30 min; resuelto en 1 d 2 h 00 min."
    assert listed_hack.url == reverse("incidents:detail", args=[hack.pk])
    assert not listed_hack.warning
    listed_open = figure(groups, "incidents", f"#{open_one.pk} Contenido erróneo")
    assert listed_open.value == "Reportado"
    assert listed_open.detail.endswith("sin resolver.")
    assert listed_open.warning


def test_only_a_handful_of_incidents_are_listed_and_the_rest_counted(evaluation, account, cast):
    for day in range(1, 9):
        incident(account, cast, mx(2026, 7, day, 10), resolve_after=timedelta(hours=5))

    group_figures = group(for_evaluation(evaluation, now=RUNNING), "incidents").figures

    listed = [f for f in group_figures if f.label.startswith("#")]
    assert len(listed) == figures.LISTED_INCIDENTS
    more = next(f for f in group_figures if f.label == "Otros incidentes del periodo")
    assert more.value == "3 más"


# --- Rotations -------------------------------------------------------------------------------


def rotation(account, cast, at):
    return PasswordRotation.objects.create(account=account, rotated_by=cast.admin, rotated_at=at, meets_policy=True)


def test_rotations_are_on_time_or_late_against_the_due_date_in_force(evaluation, account, cast):
    rotation(account, cast, mx(2026, 5, 20, 10))  # before the period: due 20 July
    rotation(account, cast, mx(2026, 7, 20, 22))  # on the due date: on time; next due 20 September
    rotation(account, cast, mx(2026, 9, 25, 10))  # late; next due 25 November
    rotation(account, cast, mx(2026, 11, 20, 10))  # on time; next due 20 January

    groups = for_evaluation(evaluation, now=AFTER)

    assert figure(groups, "rotations", "Cambios de contraseña en el periodo").value == "3"
    on_time = figure(groups, "rotations", "Cambios a tiempo")
    assert on_time.value == "2 de 3 a tiempo"
    assert on_time.detail == "Tarde el 25/09/2026 10:00 (vencía el 20/09/2026)"
    assert on_time.warning
    at_close = figure(groups, "rotations", "Al cierre del periodo")
    assert at_close.value == "Al día (el siguiente cambio vencía el 20/01/2027)"
    assert not at_close.warning


def test_a_rotation_late_by_mexico_city_date_is_late(evaluation, account, cast):
    rotation(account, cast, mx(2026, 5, 20, 10))
    # 21 July 05:30 UTC is 20 July 23:30 in Mexico City: still on the due date.
    rotation(account, cast, datetime(2026, 7, 21, 5, 30, tzinfo=UTC))
    assert figure(for_evaluation(evaluation, now=AFTER), "rotations", "Cambios a tiempo").value == "1 de 1 a tiempo"


def test_the_first_rotation_is_due_two_months_after_activation(cast):
    account = AccountFactory(organ=cast.organ, network=cast.network, activated_at=mx(2026, 6, 1, 10))
    evaluation = EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)
    rotation(account, cast, mx(2026, 8, 5, 10))  # due 1 August

    found = figure(for_evaluation(evaluation, now=RUNNING), "rotations", "Cambios a tiempo")

    assert found.value == "0 de 1 a tiempo"
    assert "vencía el 01/08/2026" in found.detail


def test_an_overdue_rotation_now_is_highlighted(evaluation, account):
    type(account).objects.filter(pk=account.pk).update(password_rotation_due_on=date(2026, 11, 1))
    evaluation.account.refresh_from_db()

    found = figure(for_evaluation(evaluation, now=RUNNING), "rotations", "Situación actual")

    assert found.value == "Vencida"
    assert found.detail == "23 días de retraso"
    assert found.warning
    assert found.url.startswith(reverse("accounts:rotation_status") + "?")


def test_a_rotation_due_later_is_not_highlighted(evaluation, account):
    type(account).objects.filter(pk=account.pk).update(password_rotation_due_on=date(2027, 1, 10))
    evaluation.account.refresh_from_db()

    found = figure(for_evaluation(evaluation, now=RUNNING), "rotations", "Situación actual")

    assert (found.value, found.warning) == ("Al día", False)


def test_a_period_that_closed_overdue_is_highlighted(evaluation, account, cast):
    rotation(account, cast, mx(2026, 9, 1, 10))  # due 1 November, nothing after

    found = figure(for_evaluation(evaluation, now=AFTER), "rotations", "Al cierre del periodo")

    assert found.value == "Vencida desde el 01/11/2026"
    assert found.warning


def test_a_closed_account_has_no_rotation_pending(evaluation, account):
    type(account).objects.filter(pk=account.pk).update(status="closed")
    evaluation.account.refresh_from_db()

    found = figure(for_evaluation(evaluation, now=RUNNING), "rotations", "Situación actual")

    assert (found.value, found.warning) == ("Cerrada", False)


# --- Out of office ---------------------------------------------------------------------------


def out_of_office(account, cast, starts_on, ends_on, hours="Lunes a viernes de 9 a 14 h"):
    return OutOfOfficePeriod.objects.create(
        account=account,
        starts_on=starts_on,
        ends_on=ends_on,
        reason="Vacaciones de invierno",
        attention_hours=hours,
        monitor=cast.suplente,
        created_by=cast.admin,
    )


def test_out_of_office_periods_overlapping_the_semester_with_their_hours(evaluation, account, cast):
    out_of_office(account, cast, date(2026, 6, 25), date(2026, 7, 3))  # overlaps the start
    out_of_office(account, cast, date(2026, 12, 20), date(2027, 1, 5), hours="  ")  # overlaps the end
    out_of_office(account, cast, date(2026, 6, 1), date(2026, 6, 10))  # first semester only

    groups = for_evaluation(evaluation, now=AFTER)

    count = figure(groups, "out_of_office", "Periodos vacacionales o inhábiles en el periodo")
    assert count.value == "2"
    assert "1 sin horario de atención publicado." in count.detail
    assert count.warning
    first = figure(groups, "out_of_office", "Del 25/06/2026 al 03/07/2026")
    assert first.value == "Vacaciones de invierno"
    assert first.detail == f"Horario publicado: Lunes a viernes de 9 a 14 h. Monitorea: {cast.suplente}."
    assert not first.warning
    second = figure(groups, "out_of_office", "Del 20/12/2026 al 05/01/2027")
    assert second.detail.startswith("Sin horario de atención publicado (§5.1).")
    assert second.warning


def test_out_of_office_after_today_in_a_running_period_is_not_counted(evaluation, account, cast):
    out_of_office(account, cast, date(2026, 12, 20), date(2026, 12, 31))

    found = figure(
        for_evaluation(evaluation, now=RUNNING), "out_of_office", "Periodos vacacionales o inhábiles en el periodo"
    )

    assert found.value == "Sin registros"


def test_the_account_s_usual_attention_hours_are_shown(evaluation, account):
    type(account).objects.filter(pk=account.pk).update(attention_hours="Lunes a viernes de 9 a 18 h")
    evaluation.account.refresh_from_db()

    found = figure(for_evaluation(evaluation, now=RUNNING), "out_of_office", "Horario de atención de la cuenta")

    assert found.value == "Lunes a viernes de 9 a 18 h"


# --- Training --------------------------------------------------------------------------------


def test_each_current_administrator_is_listed_with_the_training_flag(evaluation, cast, monkeypatch):
    asked = {}

    def flagged(user_ids, now=None):
        asked["ids"], asked["now"] = sorted(user_ids), now
        return {cast.suplente.pk}

    monkeypatch.setattr(training, "flagged_user_ids", flagged)

    found = group(for_evaluation(evaluation, now=RUNNING), "training").figures

    assert asked == {"ids": sorted([cast.admin.pk, cast.suplente.pk]), "now": RUNNING}
    assert [(f.label, f.value, f.warning) for f in found] == [
        ("Administrador titular", str(cast.admin), False),
        ("Administrador suplente", str(cast.suplente), True),
    ]
    assert found[0].detail == "Capacitación vigente."
    assert "Sin capacitación en los últimos 12 meses" in found[1].detail


def test_the_training_flag_is_the_training_part_s(evaluation, cast):
    meeting = TrainingMeetingFactory(starts_at=mx(2026, 3, 2, 10), status=TrainingMeeting.Status.HELD)
    TrainingInvitationFactory(
        meeting=meeting, user=cast.admin, attended_at=mx(2026, 3, 2, 10, 5), attendance_recorded="cncs"
    )
    TrainingInvitationFactory(meeting=meeting, user=cast.suplente)

    found = group(for_evaluation(evaluation, now=RUNNING), "training").figures

    assert [(f.value, f.warning) for f in found] == [(str(cast.admin), False), (str(cast.suplente), True)]


def test_an_administrator_who_left_the_organ_is_not_listed(evaluation, cast):
    type(cast.suplente).objects.filter(pk=cast.suplente.pk).update(organ=cast.other_organ)

    found = group(for_evaluation(evaluation, now=RUNNING), "training").figures

    assert [f.value for f in found] == [str(cast.admin)]


def test_an_organ_without_administrators_is_highlighted(evaluation, cast):
    Designation.objects.filter(organ=cast.organ).update(ends_at=F("starts_at"))

    [found] = group(for_evaluation(evaluation, now=RUNNING), "training").figures

    assert (found.value, found.warning) == ("Sin administradores designados", True)
    assert found.url == reverse("accounts:organ", args=[cast.organ.pk])


# --- Nothing at all --------------------------------------------------------------------------


def test_an_account_with_no_records_says_so_without_failing(cast):
    account = AccountFactory(organ=cast.other_organ, network=cast.network, activated_at=mx(2026, 5, 1))
    Designation.objects.filter(organ=cast.other_organ).update(ends_at=F("starts_at"))
    evaluation = EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)

    groups = for_evaluation(evaluation, now=AFTER)

    assert figure(groups, "activity", "Entradas de bitácora en el periodo").value == "Sin registros"
    assert figure(groups, "activity", "Última actividad en el periodo").value == "Sin registros"
    assert figure(groups, "activity", "Días sin actividad").value == "184 de 184"
    assert figure(groups, "activity", "Mayor intervalo sin registros en la bitácora").value == "184 d 0 h 00 min"
    assert figure(groups, "consultations", "Consultas a Comunicación Social en el periodo").value == "Sin registros"
    assert figure(groups, "incidents", "Incidentes detectados en el periodo").value == "Sin registros"
    assert figure(groups, "rotations", "Cambios de contraseña en el periodo").value == "Sin registros"
    assert figure(groups, "rotations", "Al cierre del periodo").value == "Vencida desde el 01/07/2026"
    assert figure(groups, "out_of_office", "Periodos vacacionales o inhábiles en el periodo").value == "Sin registros"
    assert figure(groups, "out_of_office", "Horario de atención de la cuenta").value == "Sin registrar"
    json.dumps(to_json(groups))


def test_a_period_that_has_not_begun_has_no_days(evaluation):
    groups = for_evaluation(evaluation, now=mx(2026, 6, 30, 23))

    count = figure(groups, "activity", "Entradas de bitácora en el periodo")
    assert count.value == "Sin registros"
    assert "El periodo aún no comienza (inicia el 01/07/2026)." in count.detail
    assert [f.label for f in group(groups, "activity").figures if f.label == "Días sin actividad"] == []


# --- JSON ------------------------------------------------------------------------------------


def test_the_snapshot_round_trips_through_json(evaluation, account, cast):
    entry(account, mx(2026, 7, 2, 10))
    incident(account, cast, mx(2026, 8, 1, 10))
    groups = for_evaluation(evaluation, now=RUNNING)

    data = json.loads(json.dumps(to_json(groups)))

    assert from_json(data) == groups
    assert set(data["groups"][0]["figures"][0]) == {"label", "value", "detail", "url", "warning"}


def test_lazy_strings_become_plain_strings():
    lazy_str = lazy(lambda: "Cifra", str)
    data = to_json(
        [FigureGroup(source="activity", title=lazy_str(), figures=[Figure(label=lazy_str(), value=lazy_str())])]
    )
    assert json.dumps(data)
    assert type(data["groups"][0]["title"]) is str
    assert type(data["groups"][0]["figures"][0]["label"]) is str


def test_reading_a_snapshot_tolerates_missing_keys():
    assert from_json({}) == []
    assert from_json(None) == []
    assert from_json({"groups": [{"figures": [{"label": "Entradas"}]}, {"source": "training"}]}) == [
        FigureGroup(source="", title="", figures=[Figure(label="Entradas", value="")]),
        FigureGroup(source="training", title="", figures=[]),
    ]


# --- Query count -----------------------------------------------------------------------------


def fill(account, cast, n: int) -> None:
    for i in range(n):
        at = mx(2026, 7, 1, 9) + timedelta(days=i * 5)
        entry(account, at)
        entry(account, at + timedelta(hours=1), kind=LogEntry.Kind.CORRECTION, corrects=None)
        incident(account, cast, at, resolve_after=timedelta(hours=3) if i % 2 else None)
        rotation(account, cast, at + timedelta(hours=2))
        consultation(account, cast, at)
        out_of_office(account, cast, at.date(), at.date() + timedelta(days=1))


def queries_for(cast, n: int) -> tuple[int, list[FigureGroup]]:
    account = AccountFactory(organ=cast.organ, network=cast.network, activated_at=mx(2025, 1, 1))
    fill(account, cast, n)
    evaluation = EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)
    evaluation = (
        type(evaluation).objects.select_related("period", "account__organ", "account__network").get(pk=evaluation.pk)
    )
    with CaptureQueriesContext(connection) as captured:
        groups = for_evaluation(evaluation, now=AFTER)
    return len(captured), groups


def test_the_query_count_does_not_grow_with_the_account_s_records(cast, django_assert_max_num_queries):
    few, few_groups = queries_for(cast, 3)
    many, many_groups = queries_for(cast, 30)

    assert few == many
    assert figure(few_groups, "incidents", "Incidentes detectados en el periodo").value == "3"
    assert figure(many_groups, "incidents", "Incidentes detectados en el periodo").value == "30"
    assert figure(many_groups, "rotations", "Cambios de contraseña en el periodo").value == "30"
    assert figure(many_groups, "out_of_office", "Periodos vacacionales o inhábiles en el periodo").value == "30"


def test_the_query_count_is_pinned(cast, django_assert_max_num_queries):
    account = AccountFactory(organ=cast.organ, network=cast.network, activated_at=mx(2025, 1, 1))
    fill(account, cast, 30)
    evaluation = EvaluationFactory(period=PeriodFactory(year=2026, half=2), account=account)
    evaluation = (
        type(evaluation).objects.select_related("period", "account__organ", "account__network").get(pk=evaluation.pk)
    )

    # One query per source (two for rotations and for the administrators), and whatever the
    # training flag needs, which must not grow either.
    with django_assert_max_num_queries(12):
        for_evaluation(evaluation, now=AFTER)
