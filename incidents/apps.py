from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = _("Incidentes")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link

        from .panels import incidents_link, incidents_panel
        from .public import public_reports_panel

        register_home_panel(incidents_panel)
        register_home_panel(public_reports_panel)
        register_nav_link(incidents_link)

        from notifications.kinds import register_kind

        # A hack is told at once to the titular, CNCS and UNICOM: never a digest, never off.
        register_kind("incidents.hack_reported", _("Hackeo reportado"), section=self.verbose_name, mandatory=True)
        register_kind("incidents.stale", _("Hackeo sin avance"), section=self.verbose_name, mandatory=True)
        register_kind("incidents.reported", _("Incidente reportado"), section=self.verbose_name)
