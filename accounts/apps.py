from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Cuentas institucionales")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link

        from . import panels

        register_home_panel(panels.overview_panel)
        for link in (panels.accounts_link, panels.rotation_link, panels.coverage_link, panels.own_organ_link):
            register_nav_link(link)

        from notifications.kinds import register_kind

        for code, label in (
            ("account.possibly_abandoned", _("Cuenta posiblemente abandonada")),
            ("designation.changed", _("Cambio de administradores de cuentas")),
            ("organ.head_changed", _("Cambio de titular de un órgano")),
            ("password.reminder", _("Recordatorio de cambio de contraseña")),
            ("password.overdue", _("Cambio de contraseña vencido")),
        ):
            register_kind(code, label, section=self.verbose_name)
