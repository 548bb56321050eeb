from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = _("Solicitudes de cuentas")

    def ready(self) -> None:
        from core.panels import register_home_panel, register_nav_link

        from . import panels

        register_home_panel(panels.cncs_panel)
        register_home_panel(panels.unicom_panel)
        register_home_panel(panels.organ_panel)
        register_nav_link(panels.requests_link)

        from accounts.access import Group
        from notifications.kinds import register_kind

        for code, label in (
            ("approvals.submitted", _("Solicitud presentada")),
            ("approvals.withdrawn", _("Solicitud retirada")),
            ("approvals.returned", _("Solicitud devuelta para cambios")),
            ("approvals.rejected", _("Solicitud rechazada")),
            ("approvals.approved", _("Apertura aprobada")),
            ("approvals.mailbox_needed", _("Correo institucional por aprovisionar")),
            ("approvals.mailbox_ready", _("Correo institucional listo")),
            ("approvals.account_opened", _("Nueva cuenta institucional")),
            ("approvals.closing_acknowledged", _("Acuse de recibo de un cierre")),
            ("approvals.account_closed", _("Cuenta institucional cerrada")),
            ("approvals.publicity_approved", _("Cuenta personal de consejería publicada")),
        ):
            register_kind(code, label, section=self.verbose_name)
        register_kind(
            "approvals.reminder",
            _("Recordatorio de solicitudes que esperan resolución"),
            section=self.verbose_name,
            digest_for_groups=[Group.CNCS],
        )
