from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentRulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contentrules"
    verbose_name = _("Reglas de contenido")
