from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Account


class Command(BaseCommand):
    help = (
        "Lista las cuentas no cerradas cuya identidad incumple la regla de la consulta pública (la dirección "
        "debe llevar al nombre de usuario de la cuenta en su red; los nombres de usuario de las cuentas "
        "oficiales están reservados en todas las redes) y termina con error si hay alguna, para que "
        "Comunicación Social las corrija."
    )

    def handle(self, *args, **options):
        # The rule is Account.identity_errors, the one clean() applies when an identity changes.
        accounts = Account.objects.live().select_related("organ", "network").order_by("organ__name", "network", "pk")
        broken = 0
        for account in accounts.iterator(chunk_size=500):
            errors = account.identity_errors()
            if not errors:
                continue
            if not broken:
                self.stdout.write("\t".join((_("órgano"), _("red social"), _("usuario"), _("dirección"), _("motivo"))))
            broken += 1
            row = (
                str(account.organ),
                str(account.network),
                account.display_handle or "-",
                account.url or "-",
                " ".join(message for messages in errors.values() for message in messages),
            )
            self.stdout.write("\t".join(row))
        if broken:
            raise CommandError(
                _(
                    "%(count)s cuentas no cerradas incumplen la regla de identidad; Comunicación Social debe corregir "
                    "su nombre de usuario o su dirección."
                )
                % {"count": broken}
            )
        self.stdout.write(self.style.SUCCESS(_("Todas las cuentas no cerradas cumplen la regla de identidad.")))
