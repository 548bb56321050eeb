from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onboarding"
    verbose_name = _("Incorporación de cuentas existentes")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link
        from notifications.kinds import register_kind

        from . import panels, regularisation_panels

        register_home_panel(regularisation_panels.regularisation_panel)
        register_nav_link(panels.onboarding_link)

        section = self.verbose_name
        register_kind("onboarding.import_confirmed", _("Inventario importado"), section=section)
        register_kind("onboarding.deadline_set", _("Fecha límite de regularización"), section=section)
        register_kind("onboarding.extension_granted", _("Prórroga de regularización"), section=section)
        register_kind("onboarding.reminder", _("Recordatorio de regularización"), section=section)
        register_kind("onboarding.regularised", _("Cuenta regularizada"), section=section)
        register_kind("onboarding.reclassified", _("Cuenta reclasificada como personal"), section=section)
