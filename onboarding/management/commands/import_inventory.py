"""Import an inventory file from the shell, for files too large for a browser upload.

    manage.py import_inventory inventario.xlsx --kind accounts --by cncs.usuario [--confirm]

Prints the preview (counts and every problem); with ``--confirm`` writes the valid rows, as
the confirm button does. The rejected rows are written next to the file as
``<name>.rechazadas.csv``, ready to fix and import again. Without ``--confirm`` the preview
stays on the imports page, where CNCS can confirm or discard it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from onboarding import importing, services
from onboarding.models import Import, ImportRow

KINDS = {"accounts": Import.Kind.ACCOUNTS, "staff": Import.Kind.STAFF}


class Command(BaseCommand):
    help = gettext_lazy("Importa un inventario de cuentas o de personal (CSV o XLSX) desde la terminal.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="archivo CSV o XLSX")
        parser.add_argument(
            "--kind", required=True, choices=sorted(KINDS), help="accounts (cuentas) o staff (personal)"
        )
        parser.add_argument("--by", required=True, help="usuario de Comunicación Social que importa")
        parser.add_argument(
            "--confirm", action="store_true", help="escribir las filas válidas (sin ella, solo la vista previa)"
        )

    def handle(self, *args, path: str, kind: str, by: str, confirm: bool, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(_("No existe el archivo %(path)s.") % {"path": source})
        user = User.objects.filter(username=by).first()
        if user is None:
            raise CommandError(_("No existe el usuario «%(username)s».") % {"username": by})
        try:
            with source.open("rb") as handle:
                run = services.preview_import(
                    kind=KINDS[kind], uploaded_file=File(handle, name=source.name), by=user, from_shell=True
                )
            self.report(run, _("Vista previa"))
            if run.ignored_columns:
                self.stdout.write(
                    _(
                        "Estas columnas del archivo no se reconocen y no se importarán: %(columns)s; revise que los "
                        "encabezados coincidan con la plantilla."
                    )
                    % {"columns": ", ".join(f"«{header}»" for header in run.ignored_columns)}
                )
            if confirm:
                run = services.confirm_import(import_id=run.pk, by=user, from_shell=True)
                self.report(run, _("Confirmada"))
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from exc
        if run.rejected_count:
            content, _type, _name = importing.rejected_rows_file(run, "csv")
            target = source.with_name(f"{source.stem}.rechazadas.csv")
            target.write_bytes(content)
            self.stdout.write(_("Filas con errores: %(path)s (corríjalas y vuelva a importarlas).") % {"path": target})
        if not confirm:
            self.stdout.write(
                _("Nada se escribió. Confirme la importación %(id)s en su página o repita con --confirm.")
                % {"id": run.pk}
            )

    def report(self, run: Import, stage: str) -> None:
        self.stdout.write(
            _(
                "%(stage)s: importación %(id)s, %(file)s (%(rows)s filas): %(created)s se crean, %(updated)s se "
                "actualizan, %(unchanged)s sin cambios, %(rejected)s con errores."
            )
            % {
                "stage": stage,
                "id": run.pk,
                "file": run.file_name,
                "rows": run.rows_total,
                "created": run.created_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
                "rejected": run.rejected_count,
            }
        )
        for row in run.rows.filter(action=ImportRow.Action.REJECTED).order_by("number"):
            self.stdout.write(_("  Fila %(row)s: %(errors)s") % {"row": row.number, "errors": " ".join(row.errors)})
