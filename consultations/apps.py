from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultas a Comunicación Social")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link

        from .panels import consultations_link, consultations_panel

        register_home_panel(consultations_panel)
        register_nav_link(consultations_link)
