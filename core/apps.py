from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Núcleo")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import panels, sessions, signin

        user_logged_in.connect(signin.clear_failures_of_user, dispatch_uid="core.signin.clear_failures_of_user")
        user_logged_in.connect(sessions.start_clock, dispatch_uid="core.sessions.start_clock")

        panels.register_nav_link(panels.home_link)
        panels.register_nav_link(panels.admin_link)
