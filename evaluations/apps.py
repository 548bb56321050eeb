from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = _("Evaluaciones y capacitación")

    def ready(self) -> None:
        from accounts.access import Group
        from core.panels import register_home_panel, register_nav_link
        from notifications.kinds import register_kind

        from . import panels

        register_home_panel(panels.evaluations_panel)
        register_home_panel(panels.training_panel)
        register_nav_link(panels.evaluations_link)

        section = self.verbose_name
        register_kind("evaluations.period_opened", _("Periodo de evaluación abierto"), section=section)
        register_kind("evaluations.issued", _("Evaluación emitida"), section=section)
        register_kind("evaluations.corrected", _("Evaluación corregida"), section=section)
        # Hundreds of acknowledgements a semester: CNCS takes them in the daily digest by default.
        register_kind(
            "evaluations.acknowledged",
            _("Evaluación recibida por el órgano"),
            section=section,
            digest_for_groups=[Group.CNCS],
        )
        register_kind("evaluations.criteria_published", _("Criterios de evaluación publicados"), section=section)
        register_kind("evaluations.training_invited", _("Invitación a la capacitación anual"), section=section)
        register_kind("evaluations.training_reminder", _("Recordatorio de la capacitación anual"), section=section)
        register_kind("evaluations.training_changed", _("Cambio en la capacitación anual"), section=section)
