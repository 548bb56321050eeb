"""What the public registry adds to accounts: changes of a registered handle or address.

Platforms let owners rename an account, and hijackers often rename first. The registry
vouches only for what Comunicación Social approved, so a rename is proposed by the organ's
administrators and confirmed (or rejected) by CNCS; while it waits, the public lookup
answers "pending verification" under both the old and the new handle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_multiline_text, validate_single_line


class HandleChange(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Pendiente de verificación")
        CONFIRMED = "confirmed", _("Confirmado")
        REJECTED = "rejected", _("Rechazado")
        WITHDRAWN = "withdrawn", _("Retirado")

    # status → the statuses it may move to; registry.services refuses anything else.
    TRANSITIONS: dict[str, set[str]] = {
        Status.PROPOSED: {Status.CONFIRMED, Status.REJECTED, Status.WITHDRAWN},
        Status.CONFIRMED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    account = models.ForeignKey(
        "accounts.Account", verbose_name=_("cuenta"), on_delete=models.PROTECT, related_name="handle_changes"
    )
    # The identity when the change was proposed, kept as it was: the account's row changes
    # when CNCS confirms.
    old_handle = models.CharField(_("nombre de usuario anterior"), max_length=100, blank=True)
    old_url = models.URLField(_("dirección anterior"), max_length=300, blank=True)
    new_handle = models.CharField(_("nuevo nombre de usuario"), max_length=100, validators=[validate_single_line])
    new_url = models.URLField(_("nueva dirección"), max_length=300)
    reason = models.TextField(
        _("motivo"),
        help_text=_("Por qué cambió el nombre de usuario o la dirección en la red social."),
        validators=[validate_multiline_text],
    )
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("propuesto por"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("propuesto"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resuelto por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("resuelto"), null=True, blank=True)
    decision_note = models.TextField(_("observaciones"), blank=True, validators=[validate_multiline_text])

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("cambio de nombre de usuario")
        verbose_name_plural = _("cambios de nombre de usuario")
        constraints = [
            models.UniqueConstraint(
                "account",
                condition=Q(status="proposed"),
                name="handle_change_one_pending_per_account",
                violation_error_message=_("Esta cuenta ya tiene un cambio de nombre de usuario pendiente."),
                violation_error_code="pending_exists",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed", decided_at__isnull=True)
                | (~Q(status="proposed") & Q(decided_at__isnull=False)),
                name="handle_change_decided_when_not_pending",
                violation_error_message=_("Un cambio resuelto debe indicar cuándo se resolvió, y uno pendiente no."),
                violation_error_code="decided_at_mismatch",
            ),
        ]
        indexes = [models.Index(fields=["status", "new_handle"], name="handle_change_status_new")]

    def __str__(self) -> str:
        return f"{self.old_handle or '—'} → {self.new_handle}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PROPOSED
