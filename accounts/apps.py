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
