"""Benchmark of the deadline sweeps on PostgreSQL (``make bench-sweeps``).

Creates a throwaway database (``ine_redes_bench`` by default), fills it with the organ
catalogue, their administrators and accounts, and 100,000 open consultations of which
10,000 are past their deadline and another 10,000 past a reminder threshold; then times
one expiry sweep, one reminder sweep, a repeat of each (nothing left to do) and the
password-reminder sweep, with their query counts. The database is dropped at the end.

The command runs itself again in a child process whose default database is the
throwaway one, so no row is ever written to the project's own database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import urlsplit

import environ
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ine_redes_bench"


class Command(BaseCommand):
    help = "Mide los barridos de plazos (consultas y contraseñas) en una base PostgreSQL desechable."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
        parser.add_argument("--open", type=int, default=100_000, help="consultas abiertas")
        parser.add_argument("--due", type=int, default=10_000, help="de ellas, con plazo vencido")
        parser.add_argument("--batch-size", type=int, default=None, help="filas por lote (DEADLINE_SWEEP_BATCH_SIZE)")
        parser.add_argument("--keep", action="store_true", help="no borrar la base al terminar")
        parser.add_argument("--profile", action="store_true", help="perfil de cProfile del barrido de vencimiento")
        parser.add_argument("--sql", action="store_true", help="tiempo de cada tipo de sentencia SQL por barrido")
        parser.add_argument("--inner", action="store_true", help="(uso interno) corre dentro de la base desechable")

    def handle(self, *args, **options):
        if options["inner"]:
            return self.measure(options)
        url = options["database_url"]
        name = urlsplit(url).path.lstrip("/")
        if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
            raise CommandError("El benchmark necesita PostgreSQL.")
        if "bench" not in name or name == settings.DATABASES["default"].get("NAME"):
            raise CommandError(f"«{name}» no parece una base desechable: su nombre debe contener «bench».")
        self.create_database(url, name)
        try:
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ine_redes.settings.local"}
            manage = str(settings.BASE_DIR / "manage.py")
            command = [sys.executable, manage, "bench_sweeps", "--inner", "--database-url", url]
            command += ["--open", str(options["open"]), "--due", str(options["due"])]
            if options["batch_size"]:
                command += ["--batch-size", str(options["batch_size"])]
            command += [f"--{flag}" for flag in ("profile", "sql") if options[flag]]
            subprocess.run(command, env=env, check=True)
        finally:
            if not options["keep"]:
                self.drop_database(url, name)

    # --- The throwaway database -----------------------------------------------------------

    def _maintenance(self, url: str):
        import psycopg2

        config = environ.Env.db_url_config(url)
        conn = psycopg2.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        )
        conn.autocommit = True
        return conn

    def _execute(self, url: str, *statements: str) -> None:
        conn = self._maintenance(url)  # not ``with conn``: that would open a transaction block
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    def create_database(self, url: str, name: str) -> None:
        self._execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        self.stdout.write(f"Base desechable creada: {name}")

    def drop_database(self, url: str, name: str) -> None:
        self._execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.stdout.write(f"Base desechable borrada: {name}")

    # --- Inside it ------------------------------------------------------------------------

    def measure(self, options) -> None:
        expected = urlsplit(options["database_url"]).path.lstrip("/")
        if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != expected:
            raise CommandError("La medición solo corre dentro de la base desechable.")
        # E-mail hand-offs go to an in-memory broker: a worker of the real project must
        # never receive ids of rows that only exist in this database.
        from ine_redes.celery import app as celery_app

        celery_app.conf.update(broker_url="memory://", task_always_eager=False)
        if options["batch_size"]:
            settings.DEADLINE_SWEEP_BATCH_SIZE = options["batch_size"]

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        now = timezone.now()
        figures = self.populate(options["open"], options["due"], now)
        self.stdout.write(
            f"Datos: {figures['accounts']} cuentas en {figures['organs']} órganos, {options['open']:,} consultas "
            f"abiertas ({options['due']:,} vencidas, {options['due']:,} con recordatorio pendiente), "
            f"{figures['cncs']} personas de CNCS — preparados en {time.perf_counter() - started:.1f} s"
        )
        self.stdout.write(f"Lote: {settings.DEADLINE_SWEEP_BATCH_SIZE} filas por transacción\n")

        from accounts import rotation
        from accounts.models import PasswordReminder
        from consultations import services
        from consultations.models import Consultation, ConsultationEvent
        from notifications.models import Notification

        candidates = (
            Consultation.objects.filter(status=Consultation.Status.OPEN, due_at__lte=now)
            .order_by("due_at")
            .values_list("pk", flat=True)[: settings.DEADLINE_SWEEP_BATCH_SIZE]
        )
        self.stdout.write("Plan de la búsqueda de vencidas:")
        for line in candidates.explain().splitlines()[:4]:
            self.stdout.write(f"    {line}")

        rows = []

        def run(label, sweep, count_rows):
            notifications_before = Notification.objects.count()
            with CaptureQueriesContext(connection) as ctx:
                t0, cpu0 = time.perf_counter(), time.process_time()
                done = sweep()
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            rows.append((label, done, elapsed, cpu, len(ctx.captured_queries), count_rows() - notifications_before))
            if options["sql"]:
                by_kind = {}
                for q in ctx.captured_queries:
                    key = q["sql"][:60]
                    by_kind[key] = by_kind.get(key, 0) + float(q["time"])
                for key, t in sorted(by_kind.items(), key=lambda kv: -kv[1])[:8]:
                    self.stdout.write(f"    {t:7.3f}s  {key}")

        if options["profile"]:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        run("Vencimiento de consultas", lambda: services.expire_due_consultations(now=now), Notification.objects.count)
        if options["profile"]:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
        run("  (repetido)", lambda: services.expire_due_consultations(now=now), Notification.objects.count)
        run("Recordatorios a CNCS", lambda: services.send_due_reminders(now=now), Notification.objects.count)
        run("  (repetido)", lambda: services.send_due_reminders(now=now), Notification.objects.count)
        run(
            "Recordatorios de contraseña", lambda: rotation.send_password_reminders(now=now), Notification.objects.count
        )
        run("  (repetido)", lambda: rotation.send_password_reminders(now=now), Notification.objects.count)

        # CPU: this process only (Python and the driver), not the server; on a busy machine
        # it varies far less than the wall time.
        self.stdout.write(
            f"{'Barrido':<30}{'filas':>8}{'segundos':>10}{'CPU (s)':>9}{'consultas SQL':>15}{'notificaciones':>16}"
        )
        for label, done, elapsed, cpu, queries, notes in rows:
            self.stdout.write(f"{label:<30}{done:>8,}{elapsed:>10.3f}{cpu:>9.3f}{queries:>15}{notes:>16,}")

        # The figures only count if the work was right: each deadline handled exactly once.
        checks = {
            "vencidas": (Consultation.objects.filter(status="expired").count(), options["due"]),
            "eventos de vencimiento": (ConsultationEvent.objects.filter(kind="expired").count(), options["due"]),
            "recordatorios": (ConsultationEvent.objects.filter(kind="reminder").count(), options["due"]),
            "abiertas restantes": (
                Consultation.objects.filter(status="open").count(),
                options["open"] - options["due"],
            ),
            "recordatorios de contraseña": (PasswordReminder.objects.count(), figures["password_due"]),
        }
        for label, (got, want) in checks.items():
            if got != want:
                raise CommandError(f"Comprobación fallida: {label} = {got}, se esperaban {want}")
        self.stdout.write(self.style.SUCCESS("Comprobado: cada plazo se atendió exactamente una vez."))

    def populate(self, total: int, due: int, now) -> dict[str, int]:
        from django.contrib.auth.models import Group as AuthGroup

        from accounts.access import Group
        from accounts.catalogue import load_catalogue
        from accounts.models import Account, Designation, Network, Organ, PositionLevel, User
        from consultations.models import Consultation

        load_catalogue()
        x = Network.objects.get(code="x")
        organs = list(Organ.objects.filter(kind__in=[Organ.Kind.JUNTA_LOCAL, Organ.Kind.JUNTA_DISTRITAL]))
        users = []
        for organ in organs:
            for role, level in (("t", PositionLevel.MANDO_MEDIO), ("s", PositionLevel.OPERATIVO)):
                users.append(
                    User(
                        username=f"{role}.{organ.code}",
                        email=f"{role}.{organ.code}@ine.mx",
                        organ=organ,
                        position_level=level,
                        password="!",
                    )
                )
        cncs_organ = Organ.objects.filter(kind=Organ.Kind.CENTRAL).first()
        cncs = [User(username=f"cncs{i}", email=f"cncs{i}@ine.mx", organ=cncs_organ, password="!") for i in range(3)]
        User.objects.bulk_create(users + cncs)
        group, _ = AuthGroup.objects.get_or_create(name=Group.CNCS)
        group.user_set.add(*User.objects.filter(username__startswith="cncs"))
        by_name = {u.username: u for u in User.objects.filter(organ__in=organs)}
        Designation.objects.bulk_create(
            Designation(organ=o, user=by_name[f"{r}.{o.code}"], role=role)
            for o in organs
            for r, role in (("t", Designation.Role.TITULAR), ("s", Designation.Role.SUPLENTE))
        )
        today = timezone.localdate(now)
        accounts = Account.objects.bulk_create(
            Account(
                organ=o,
                network=x,
                name=f"INE {o.code}",
                handle=f"INE_{o.code.replace('-', '_')}"[:15],
                url=f"https://x.com/INE_{o.code.replace('-', '_')}"[:40],
                purpose="Difusión",
                status=Account.Status.ACTIVE,
                activated_at=now - timedelta(days=400),
                # A third overdue, a third due this week, a third fine.
                password_rotation_due_on=today + timedelta(days=(-10, 3, 40)[i % 3]),
            )
            for i, o in enumerate(organs)
        )
        admins = {a.pk: by_name[f"t.{a.organ.code}"] for a in accounts}
        reminders_due = due  # another `due` rows have passed their 24-hours-left threshold
        batch = []
        for i in range(total):
            account = accounts[i % len(accounts)]
            if i < due:
                submitted = now - timedelta(hours=48, minutes=1 + i % 600)
            elif i < due + reminders_due:
                submitted = now - timedelta(hours=24, minutes=1 + i % 600)
            else:
                submitted = now - timedelta(minutes=i % 1400)
            due_at = submitted + timedelta(hours=48)
            batch.append(
                Consultation(
                    account=account,
                    kind=Consultation.Kind.INFORMATION,
                    question="¿Dónde está el módulo más cercano?",
                    subject_text="Hola, ¿dónde tramito mi credencial?",
                    requested_by=admins[account.pk],
                    submitted_at=submitted,
                    due_at=due_at,
                    next_reminder_at=due_at - timedelta(hours=24),
                )
            )
            if len(batch) == 5000:
                Consultation.objects.bulk_create(batch)
                batch = []
        Consultation.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        password_due = sum(1 for a in accounts if a.password_rotation_due_on <= today + timedelta(days=7))
        # The four official accounts of the catalogue have their own due dates too.
        password_due += Account.objects.filter(
            is_official=True, password_rotation_due_on__lte=today + timedelta(days=7)
        ).count()
        return {"organs": len(organs), "accounts": len(accounts), "cncs": len(cncs), "password_due": password_due}
