"""Personal API tokens: a person creates, names, sees the last use of and revokes their own.

Only a SHA-256 digest of the token is stored, with a short non-secret prefix so the person
can tell their tokens apart; the full token is shown once, when it is created.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nombre"), max_length=100, validators=[validate_single_line])
    prefix = models.CharField(_("inicio de la clave"), max_length=16, help_text=_("No es secreto; solo la distingue."))
    digest = models.CharField(_("huella SHA-256"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("clave de acceso a la API")
        verbose_name_plural = _("claves de acceso a la API")
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_created",
                violation_error_message=_("Una clave no puede revocarse antes de crearse."),
                violation_error_code="apitoken_revoked_before_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
