"""The outbox: every in-app message, and the state of its e-mail copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """The outbox: an in-app message, and the e-mail copy delivered after commit."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        SENDING = "sending", _("Enviando")
        SENT = "sent", _("Enviado")
        FAILED = "failed", _("Fallido")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("destinatario"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("tipo"), max_length=60)
    title = models.CharField(_("asunto"), max_length=200)
    body = models.TextField(_("mensaje"))
    url = models.CharField(_("enlace"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    read_at = models.DateTimeField(_("leída"), null=True, blank=True)
    email_status = models.CharField(
        _("estado del correo"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("intentos de envío"), default=0)
    email_next_attempt_at = models.DateTimeField(_("próximo intento"), default=timezone.now)
    email_claimed_at = models.DateTimeField(_("reclamado para envío"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("correo enviado"), null=True, blank=True)
    email_last_error = models.TextField(_("último error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        indexes = [
            models.Index(
                fields=["email_next_attempt_at"],
                condition=Q(email_status__in=["pending", "sending"]),
                name="notification_email_due",
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title
