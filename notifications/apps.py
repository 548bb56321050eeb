from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notificaciones")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link

        from . import checks, panels  # noqa: F401 - checks registers itself

        register_home_panel(panels.recent_notifications_panel)
        register_nav_link(panels.inbox_link)
