from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentRulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contentrules"
    verbose_name = _("Reglas de contenido")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Network
        from core.panels import register_nav_link

        from . import services
        from .models import ElectoralProcess, Term
        from .panels import checker_link

        register_nav_link(checker_link)
        # The cached lists and limits are dropped whenever a row changes, from any path (the
        # CNCS page, the admin, a script).
        for model in (Term, ElectoralProcess):
            post_save.connect(services.forget_lists, sender=model, dispatch_uid=f"contentrules-{model.__name__}-save")
            post_delete.connect(
                services.forget_lists, sender=model, dispatch_uid=f"contentrules-{model.__name__}-delete"
            )
        post_save.connect(services.forget_networks, sender=Network, dispatch_uid="contentrules-network-save")
        post_delete.connect(services.forget_networks, sender=Network, dispatch_uid="contentrules-network-delete")
