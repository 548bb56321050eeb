"""Benchmark of the inventory import (``make bench-import``): 10,000 account rows and 10,000
staff rows, previewed and confirmed, on SQLite or PostgreSQL.

The data lives in a throwaway database created and dropped by the command: a temporary
SQLite file by default, or a PostgreSQL database whose name contains «bench» with
``--database-url postgres://…/ine_redes_bench_import``. The command runs itself again in a
child process whose default database is the throwaway one, so no row is ever written to the
project's own database. It prints the time and query count of each step, then checks that
the work was right (every row written once; the same file again changes nothing).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

NETWORK_CODES = ("x", "facebook", "instagram", "youtube")


class Command(BaseCommand):
    help = "Mide la importación de inventarios (10,000 cuentas y 10,000 personas) en una base desechable."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=os.environ.get("BENCH_DATABASE_URL", ""),
            help="postgres://…/<nombre con «bench»>; sin ella, un archivo SQLite temporal",
        )
        parser.add_argument("--rows", type=int, default=10_000, help="filas de cada archivo")
        parser.add_argument("--keep", action="store_true", help="no borrar la base al terminar")
        parser.add_argument("--profile", action="store_true", help="perfil de cProfile de la confirmación de cuentas")
        parser.add_argument("--inner", action="store_true", help="(uso interno) corre dentro de la base desechable")

    def handle(self, *args, **options):
        if options["inner"]:
            return self.measure(options)
        url = options["database_url"]
        sqlite_dir = None
        if not url:
            sqlite_dir = tempfile.mkdtemp(prefix="ine_redes_bench_import_")
            url = f"sqlite:///{Path(sqlite_dir) / 'bench.sqlite3'}"
        else:
            name = urlsplit(url).path.lstrip("/")
            if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
                raise CommandError("Indique una base PostgreSQL, o ninguna para un archivo SQLite temporal.")
            if "bench" not in name or name == settings.DATABASES["default"].get("NAME"):
                raise CommandError(f"«{name}» no parece una base desechable: su nombre debe contener «bench».")
            self._postgres(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        self.stdout.write(f"Base desechable: {url}")
        try:
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ine_redes.settings.local"}
            command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_import", "--inner"]
            command += ["--rows", str(options["rows"])] + (["--profile"] if options["profile"] else [])
            subprocess.run(command, env=env, check=True)
        finally:
            if options["keep"]:
                self.stdout.write(f"Se conserva la base: {url}")
            elif sqlite_dir:
                for path in Path(sqlite_dir).iterdir():
                    path.unlink()
                os.rmdir(sqlite_dir)
                self.stdout.write("Base desechable borrada.")
            else:
                name = urlsplit(url).path.lstrip("/")
                self._postgres(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.stdout.write(f"Base desechable borrada: {name}")

    def _postgres(self, url: str, *statements: str) -> None:
        import environ
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
        try:
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    # --- Inside the throwaway database ---------------------------------------------------------

    def measure(self, options) -> None:
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError("La medición solo corre dentro de la base desechable.")
        from django.contrib.auth.models import Group as AuthGroup
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command

        from accounts.access import Group
        from accounts.catalogue import load_catalogue
        from accounts.models import Account, Designation, Organ, User
        from ine_redes.celery import app as celery_app
        from onboarding import services
        from onboarding.models import Import, Regularisation

        # E-mail hand-offs go to an in-memory broker: a worker of the real project must never
        # receive ids of rows that only exist in this database.
        celery_app.conf.update(broker_url="memory://", task_always_eager=False)
        # As in production: no query log kept in memory (settings.local turns DEBUG on).
        settings.DEBUG = False
        settings.ONBOARDING_MAX_ROWS = max(settings.ONBOARDING_MAX_ROWS, options["rows"])
        settings.ONBOARDING_MAX_UPLOAD_BYTES = max(settings.ONBOARDING_MAX_UPLOAD_BYTES, 64 * 1024 * 1024)

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        load_catalogue()
        central = Organ.objects.get(code="cncs")
        cncs = User.objects.create_user(username="cncs.bench", email="cncs.bench@ine.mx", organ=central)
        cncs.groups.add(AuthGroup.objects.get(name=Group.CNCS))
        organs = list(Organ.objects.filter(is_active=True).order_by("pk"))
        accounts_file, staff_file = self.files(options["rows"], organs)
        self.stdout.write(
            f"Datos: {options['rows']:,} filas de cuentas en {len(organs)} órganos ({len(accounts_file) / 1e6:.1f} MB) "
            f"y {options['rows']:,} de personal ({len(staff_file) / 1e6:.1f} MB); "
            f"preparados en {time.perf_counter() - started:.1f} s ({connection.vendor})"
        )

        results = []

        def timed(label, function, *, profile=False):
            # Counted with a wrapper, not CaptureQueriesContext: keeping every statement's text
            # would weigh on the figures.
            count = [0]

            def counter(execute, sql, params, many, context):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                if profile:
                    import cProfile
                    import pstats

                    profiler = cProfile.Profile()
                    profiler.enable()
                t0, cpu0 = time.perf_counter(), time.process_time()
                run = function()
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
                if profile:
                    profiler.disable()
                    stats = pstats.Stats(profiler, stream=sys.stdout)
                    stats.sort_stats("cumulative").print_stats(60)
                    stats.sort_stats("tottime").print_stats(25)
            results.append((label, run, elapsed, cpu, count[0]))
            return run

        def preview(kind, content, file_name):
            return lambda: services.preview_import(
                kind=kind, uploaded_file=SimpleUploadedFile(file_name, content), by=cncs, from_shell=True
            )

        def confirm(run_box):
            return lambda: services.confirm_import(import_id=run_box.pk, by=cncs, from_shell=True)

        run = timed("Cuentas: vista previa", preview(Import.Kind.ACCOUNTS, accounts_file, "cuentas.csv"))
        run = timed("Cuentas: confirmación", confirm(run), profile=options["profile"])
        accounts_written = Account.objects.filter(status=Account.Status.REGULARIZING).count()
        history_before = Account.history.count() + Designation.history.count()
        run = timed("Cuentas otra vez: vista previa", preview(Import.Kind.ACCOUNTS, accounts_file, "cuentas.csv"))
        run = timed("Cuentas otra vez: confirmación", confirm(run))
        history_after = Account.history.count() + Designation.history.count()
        run = timed("Personal: vista previa", preview(Import.Kind.STAFF, staff_file, "personal.csv"))
        run = timed("Personal: confirmación", confirm(run))
        run = timed("Personal otra vez: vista previa", preview(Import.Kind.STAFF, staff_file, "personal.csv"))

        # CPU: this process only (Python and the driver, and SQLite itself, which runs in
        # it); on a busy machine it varies far less than the wall time.
        self.stdout.write(
            f"{'Paso':<34}{'creadas':>9}{'actualiz.':>10}{'sin camb.':>10}{'errores':>9}{'s':>8}{'CPU':>8}{'SQL':>9}"
        )
        for label, run, elapsed, cpu, queries in results:
            self.stdout.write(
                f"{label:<34}{run.created_count:>9,}{run.updated_count:>10,}{run.unchanged_count:>10,}"
                f"{run.rejected_count:>9,}{elapsed:>8.1f}{cpu:>8.1f}{queries:>9,}"
            )
        by_label = {label: elapsed for label, _run, elapsed, _cpu, _q in results}
        for kind in ("Cuentas", "Personal"):
            total = by_label[f"{kind}: vista previa"] + by_label[f"{kind}: confirmación"]
            self.stdout.write(f"{kind}: vista previa + confirmación = {total:.1f} s")

        rows = options["rows"]
        checks = {
            "cuentas en regularización": (accounts_written, rows),
            "regularizaciones abiertas": (Regularisation.objects.count(), rows),
            "historial sin cambios al repetir": (history_after, history_before),
            "personas del archivo de personal": (User.objects.filter(email__startswith="personal.").count(), rows),
        }
        for label, run, *_figures in results:
            if run.rejected_count:
                raise CommandError(f"Comprobación fallida: {label} rechazó {run.rejected_count} filas")
            if "otra vez" in label and (run.created_count or run.updated_count):
                raise CommandError(f"Comprobación fallida: {label} no debía cambiar nada")
        for label, (got, want) in checks.items():
            if got != want:
                raise CommandError(f"Comprobación fallida: {label} = {got}, se esperaban {want}")
        self.stdout.write(self.style.SUCCESS("Comprobado: cada fila se escribió una vez y repetir no cambia nada."))

    def files(self, rows: int, organs) -> tuple[bytes, bytes]:
        """An accounts file (the organs in turn, four networks) and a staff file, as CSV."""
        import csv
        import io

        from onboarding.importing import columns_for
        from onboarding.models import Import

        def write(kind, lines):
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow([str(c.header) for c in columns_for(kind)])
            writer.writerows(lines)
            return out.getvalue().encode("utf-8")

        accounts = []
        for i in range(rows):
            organ = organs[i % len(organs)]
            accounts.append(
                [
                    organ.name if i % 2 else organ.code,
                    NETWORK_CODES[i % len(NETWORK_CODES)],
                    f"INEbench{i:05d}",
                    "",
                    f"INE cuenta {i:05d}",
                    "Difundir las actividades institucionales del órgano.",
                    f"redes.{organ.code}@ine.mx",
                    f"titular.{organ.code}@ine.mx",
                    "Titular",
                    organ.code,
                    "Mando medio",
                    f"suplente.{organ.code}@ine.mx",
                    "Suplente",
                    organ.code,
                    "Personal operativo",
                ]
            )
        staff = [
            [
                "Persona",
                f"Número {i:05d}",
                f"personal.{i:05d}@ine.mx",
                organs[i % len(organs)].code,
                "Enlace administrativo",
                "Personal operativo",
            ]
            for i in range(rows)
        ]
        return write(Import.Kind.ACCOUNTS, accounts), write(Import.Kind.STAFF, staff)
