from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_users, load_demo


class Command(BaseCommand):
    help = "Crea los usuarios y datos de demostración (solo con DEBUG activo)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Los datos de demostración solo se cargan con DEBUG activo.")
        created = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Datos de demostración creados." if created else "Los datos de demostración ya existían."
            )
        )
        self.stdout.write(f"Usuarios de demostración (contraseña: {settings.DEMO_PASSWORD}):")
        for username, role in demo_users():
            self.stdout.write(f"  {username:<20} {role}")
