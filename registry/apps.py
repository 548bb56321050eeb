from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = _("Registro público de cuentas")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link
        from notifications.kinds import register_kind

        from .panels import changes_link, pending_changes_panel

        register_home_panel(pending_changes_panel)
        register_nav_link(changes_link)
        register_kind(
            "registry.handle_change_proposed", _("Cambio de nombre de usuario por verificar"), section=self.verbose_name
        )
        register_kind(
            "registry.handle_change_decided", _("Cambio de nombre de usuario resuelto"), section=self.verbose_name
        )
