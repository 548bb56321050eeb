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

        from accounts.access import Group
        from notifications.kinds import register_kind

        register_kind("consultation.opened", _("Consulta nueva"), section=self.verbose_name)
        register_kind("consultation.answered", _("Consulta respondida"), section=self.verbose_name)
        # A reminder is about hours left: it must arrive now, not in tomorrow's digest.
        register_kind("consultation.reminder", _("Recordatorio de consulta por vencer"), section=self.verbose_name)
        # CNCS works the queue every day: the expiries it missed come as one daily digest.
        register_kind(
            "consultation.expired",
            _("Consulta vencida sin respuesta"),
            section=self.verbose_name,
            digest_for_groups=[Group.CNCS],
        )
