from importlib import import_module, util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_users


class Command(BaseCommand):
    help = "Crea los usuarios y datos de demostración de cada aplicación (solo con DEBUG activo)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Los datos de demostración solo se cargan con DEBUG activo.")
        # accounts first: every other app's demo builds on its users and accounts.
        configs = sorted(apps.get_app_configs(), key=lambda c: c.name != "accounts")
        for config in configs:
            if util.find_spec(f"{config.name}.demo") is None:
                continue
            created = import_module(f"{config.name}.demo").load_demo()
            state = "creados" if created else "ya existían"
            self.stdout.write(self.style.SUCCESS(f"Datos de demostración de «{config.verbose_name}»: {state}."))
        self.stdout.write(f"Usuarios de demostración (contraseña: {settings.DEMO_PASSWORD}):")
        for username, role in demo_users():
            self.stdout.write(f"  {username:<20} {role}")
