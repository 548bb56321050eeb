"""The report pages ask the database the same number of questions for 10 accounts as for
2,000: every figure is an aggregate, every list one query with its relations joined."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, PasswordRotation
from accounts.tests.factories import EntidadFactory, NetworkFactory
from evaluations.figures import local_midnight
from evaluations.management.commands.bench_evaluation_reports import populate, report_urls
from evaluations.models import Evaluation
from evaluations.tests.factories import PeriodFactory, published_version

pytestmark = pytest.mark.django_db


def _queries(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries.captured_queries)
    return counts


def test_the_report_pages_keep_their_query_count_from_10_to_2000_accounts(client, cast):
    for code in (1, 14, 15):
        EntidadFactory(code=code)
    NetworkFactory(code="facebook", name="Facebook")
    period = PeriodFactory(year=2026, half=2, criteria=published_version())
    older = PeriodFactory(year=2026, half=1, criteria=period.criteria)
    client.force_login(cast.cncs)
    urls = report_urls(period)

    populate(period, 10, by=cast.cncs)
    populate(older, 10, by=cast.cncs, start=10)
    with_10 = _queries(client, urls)

    populate(period, 1990, by=cast.cncs, start=20)
    assert Evaluation.objects.filter(period=period).count() == 2000
    # Rotations, before and within the period, and closed accounts: still read all at once.
    evaluated = list(Account.objects.filter(evaluations__period=period).values_list("pk", flat=True))
    moments = [period.starts_on - timedelta(days=20), period.starts_on + timedelta(days=40)]
    PasswordRotation.objects.bulk_create(
        [
            PasswordRotation(
                account_id=pk,
                rotated_by=cast.admin,
                rotated_at=local_midnight(day) + timedelta(hours=10 + pk % 5),
                meets_policy=True,
            )
            for pk in evaluated
            for day in moments
        ]
    )
    Account.objects.filter(pk__in=evaluated[::50]).update(status=Account.Status.CLOSED, closed_at=timezone.now())
    with_2000 = _queries(client, urls)

    assert with_2000 == with_10
    assert set(with_10) == {
        "resumen nacional",
        "órganos (índice)",
        "informe por órgano",
        "exportación XLSX",
        "exportación CSV",
    }


def test_the_organ_report_of_a_titular_keeps_its_query_count(client, cast):
    from evaluations.tests.factories import EvaluationFactory

    period = PeriodFactory(year=2026, half=2, criteria=published_version())
    EvaluationFactory(period=period, account=cast.account)
    client.force_login(cast.titular)
    url = report_urls(period)["informe por órgano"]
    one = _queries(client, {"organ": url})

    Account.objects.bulk_create(
        [
            Account(
                organ=cast.organ,
                network=cast.network,
                name=f"Cuenta {i}",
                handle=f"cuenta_extra_{i}",
                registration_email="redes@ine.mx",
                purpose="Difusión.",
                status=Account.Status.ACTIVE,
            )
            for i in range(40)
        ]
    )
    Evaluation.objects.bulk_create(
        [
            Evaluation(period=period, account=a, organ=cast.organ)
            for a in Account.objects.filter(organ=cast.organ).exclude(pk=cast.account.pk)
        ]
    )
    assert _queries(client, {"organ": url}) == one
