"""Time the evaluation reports on a generated semester: ``bench_evaluation_reports --accounts 2000``.

Everything it creates (organs, accounts, a period, its evaluations, scores and incidents, a
CNCS person) lives in one transaction that is rolled back at the end: the database is left
as it was. It prints, for each page, the time in milliseconds and the number of queries;
the query counts must not grow with ``--accounts`` (``test_report_queries`` pins that).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import Group
from accounts.models import Account, Entidad, Network, Organ, User
from evaluations.models import CriteriaVersion, Criterion, Evaluation, Period, Score
from incidents.models import Incident

STATUSES = ("pending", "in_progress", "issued", "acknowledged")
# Not hacks: one open hack per account is a constraint, and the kind does not matter here.
INCIDENT_KINDS = ("erroneous", "hate", "misuse", "impersonation")


class Rollback(Exception):
    """Raised to undo everything the benchmark created."""


def populate(period: Period, count: int, *, by: User, start: int = 0, per_organ: int = 6) -> list[Evaluation]:
    """``count`` active accounts in new organs (``per_organ`` each, across the entidades that
    exist), each evaluated in ``period`` with a mix of statuses, scores, abandoned flags,
    criteria values and incidents. ``start`` keeps names and handles unique across calls."""
    entidades = list(Entidad.objects.order_by("code")) or [None]
    networks = list(Network.objects.order_by("sort_order", "pk"))
    if not networks:
        networks = [Network.objects.create(code="bench", name="Red de prueba", handle_help="letras")]
    organs = Organ.objects.bulk_create(
        [
            Organ(
                code=f"bench-{start + i}",
                name=f"Órgano de prueba {start + i:05d}",
                kind=Organ.Kind.CENTRAL,
                entidad=entidades[(start + i) % len(entidades)],
            )
            for i in range((count + per_organ - 1) // per_organ)
        ]
    )
    today = timezone.localdate()
    accounts = Account.objects.bulk_create(
        [
            Account(
                organ=organs[i // per_organ],
                network=networks[(start + i) % len(networks)],
                name=f"Cuenta de prueba {start + i:05d}",
                handle=f"bench_{start + i}",
                registration_email="redes@ine.mx",
                purpose="Difundir las actividades institucionales del órgano.",
                status=Account.Status.ACTIVE,
                activated_at=timezone.now() - timedelta(days=400),
                password_rotation_due_on=today + timedelta(days=(start + i) % 90 - 45),
            )
            for i in range(count)
        ]
    )
    issued_at = timezone.make_aware(datetime.combine(period.ends_on, datetime.min.time())) - timedelta(days=5)
    evaluations = []
    for i, account in enumerate(accounts):
        n = start + i
        status = STATUSES[n % len(STATUSES)]
        issued = status in ("issued", "acknowledged")
        evaluations.append(
            Evaluation(
                period=period,
                account=account,
                organ=account.organ,
                status=status,
                score=Decimal(n % 1001) / 10 if issued else None,
                issued_at=issued_at if issued else None,
                issued_by=by if issued else None,
                acknowledged_at=issued_at + timedelta(days=2) if status == "acknowledged" else None,
                was_flagged_abandoned=n % 7 == 0,
                revision=1 if issued else 0,
            )
        )
    evaluations = Evaluation.objects.bulk_create(evaluations)
    criteria = list(period.criteria.criteria.all())
    Score.objects.bulk_create(
        [
            Score(evaluation=e, criterion=c, value=(e.pk + c.pk) % (c.scale_max + 1))
            for e in evaluations
            if e.status in ("issued", "acknowledged", "in_progress")
            for c in criteria
        ]
    )
    detected = timezone.make_aware(datetime.combine(period.starts_on, datetime.min.time())) + timedelta(days=10)
    Incident.objects.bulk_create(
        [
            Incident(
                account=account,
                organ=account.organ,
                kind=INCIDENT_KINDS[j % len(INCIDENT_KINDS)],
                detected_at=detected,
                reported_at=detected,
                reported_by=by,
                description="Incidente generado para medir los informes.",
            )
            for j, account in enumerate(accounts[::25])
        ]
    )
    return evaluations


def report_urls(period: Period) -> dict[str, str]:
    """The pages whose query count must not grow with the accounts."""
    query = f"?periodo={period.pk}"
    return {
        "resumen nacional": reverse("evaluations:reports") + query,
        "órganos (índice)": reverse("evaluations:report_organs") + query,
        "informe por órgano": reverse("evaluations:report_organs") + query + "&organo=todos",
        "exportación XLSX": reverse("evaluations:report_export", args=["xlsx"]) + query,
        "exportación CSV": reverse("evaluations:report_export", args=["csv"]) + query,
    }


def measure(client: Client, url: str) -> tuple[float, int, int]:
    """Milliseconds, queries and the status code of one GET."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries.captured_queries), response.status_code


class Command(BaseCommand):
    help = "Mide los informes de evaluación con N cuentas generadas (todo se deshace al terminar)."

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=2000, help="Cuentas evaluadas que se generan.")
        parser.add_argument("--repeat", type=int, default=3, help="Veces que se pide cada página; se informa la mejor.")

    def handle(self, *args, accounts: int, repeat: int, **options):
        if accounts < 1 or repeat < 1:
            raise CommandError("--accounts y --repeat deben ser al menos 1.")
        try:
            with transaction.atomic():
                self._run(accounts, repeat)
                raise Rollback
        except Rollback:
            self.stdout.write("Datos de prueba deshechos.")

    def _run(self, accounts: int, repeat: int) -> None:
        cncs = User.objects.create_user(
            username="bench-cncs", email="bench-cncs@ine.mx", password=None, first_name="Medición"
        )
        cncs.groups.add(AuthGroup.objects.get_or_create(name=Group.CNCS)[0])
        version = CriteriaVersion.objects.filter(status=CriteriaVersion.Status.PUBLISHED).first()
        if version is None:
            number = (CriteriaVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            version = CriteriaVersion.objects.create(
                number=number,
                title="Medición",
                created_by=cncs,
                status=CriteriaVersion.Status.PUBLISHED,
                published_at=timezone.now(),
                published_by=cncs,
            )
            for position, weight in enumerate((40, 30, 30)):
                Criterion.objects.create(
                    version=version,
                    code=f"c{position}",
                    position=position,
                    name=f"Criterio {position + 1}",
                    description="Medición.",
                    weight=weight,
                )
        taken = set(Period.objects.values_list("year", "half"))
        year = next(y for y in range(2099, 1999, -1) if (y, 1) not in taken)
        start, end = Period.bounds(year, 1)
        period = Period.objects.create(year=year, half=1, starts_on=start, ends_on=end, criteria=version)
        started = time.perf_counter()
        populate(period, accounts, by=cncs)
        self.stdout.write(f"{accounts} cuentas evaluadas generadas en {(time.perf_counter() - started) * 1000:.0f} ms.")
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
        client.force_login(cncs)
        for name, url in report_urls(period).items():
            results = [measure(client, url) for _ in range(repeat)]
            best = min(r[0] for r in results)
            queries, status = results[-1][1], results[-1][2]
            self.stdout.write(f"{name:<22} {best:8.0f} ms  {queries:3d} consultas  (HTTP {status})")
