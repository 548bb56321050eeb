from django.core.management.base import BaseCommand

from accounts.catalogue import load_catalogue


class Command(BaseCommand):
    help = "Carga o actualiza el catálogo nacional de órganos, redes sociales, grupos y cuentas oficiales."

    def handle(self, *args, **options):
        counts = load_catalogue()
        self.stdout.write(
            self.style.SUCCESS(
                "Catálogo cargado: {organs} órganos ({juntas_locales} juntas locales, {juntas_distritales} "
                "juntas distritales), {networks} redes, {official_accounts} cuentas oficiales.".format(**counts)
            )
        )
