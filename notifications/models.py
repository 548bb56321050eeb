"""The outbox: every in-app message, and the state of its e-mail copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The inbox's order: unread first, then newest. One expression, read by the inbox and by the
# index that serves it (PostgreSQL uses an expression index only for the same expression).
UNREAD_FIRST = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
INBOX_ORDER = (UNREAD_FIRST, F("created_at").desc(), F("id").desc())


class Notification(models.Model):
    """The outbox: an in-app message, and the e-mail copy delivered after commit."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        SENDING = "sending", _("Enviando")
        SENT = "sent", _("Enviado")
        FAILED = "failed", _("Fallido")
        # Held for the recipient's daily digest; the immediate sweep never touches it.
        DIGEST = "digest", _("En espera del resumen diario")

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
            # The home page's latest notifications (Meta.ordering) and the inbox page: each
            # reads its first rows from the index, never sorting all of a person's notifications.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_newest"),
            models.Index(F("recipient"), *INBOX_ORDER, name="notification_inbox_order"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_status="digest"),
                name="notification_digest_held",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A person's choice for one kind; with no row, the kind's default for their role applies."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Correo inmediato")
        DIGEST = "digest", _("Resumen diario")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("tipo"), max_length=60)
    delivery = models.CharField(_("entrega por correo"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("preferencia de notificación")
        verbose_name_plural = _("preferencias de notificación")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="notification_preference_unique",
                violation_error_message=_("Ya hay una preferencia para ese tipo de aviso."),
                violation_error_code="preference_repeated",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.get_delivery_display()}"


class DigestRun(models.Model):
    """One person's digest for one day. Inserting the row claims the digest: the unique
    (user, day) lets exactly one worker send it, however often the sweep runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="digest_runs"
    )
    day = models.DateField(_("día"))
    claimed_at = models.DateTimeField(_("reclamado"), default=timezone.now)
    claim_token = models.UUIDField(_("ficha de reclamo"))
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    items = models.PositiveIntegerField(_("avisos incluidos"), default=0)

    class Meta:
        ordering = ["-day", "user_id"]
        verbose_name = _("resumen diario")
        verbose_name_plural = _("resúmenes diarios")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                name="digest_run_one_per_day",
                violation_error_message=_("El resumen de ese día ya se preparó."),
                violation_error_code="digest_repeated",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.day:%d/%m/%Y}"
