"""Delete the copies of attachments kept for a form nobody came back to (``core.kept_uploads``)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import kept_uploads


class Command(BaseCommand):
    help = gettext_lazy("Borra los archivos conservados de formularios que nadie volvió a enviar.")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None, help=gettext_lazy("Antigüedad mínima en horas (24)."))

    def handle(self, *args, hours=None, **options):
        max_age = timedelta(hours=hours) if hours is not None else kept_uploads.KEPT_UPLOAD_MAX_AGE
        removed = kept_uploads.sweep_stale(max_age)
        self.stdout.write(_("Archivos conservados borrados: %(n)s.") % {"n": removed})
