from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = _("Solicitudes de cuentas")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link

        from . import panels

        register_home_panel(panels.cncs_panel)
        register_home_panel(panels.unicom_panel)
        register_home_panel(panels.organ_panel)
        register_nav_link(panels.requests_link)
