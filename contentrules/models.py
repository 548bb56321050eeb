"""The word lists the checker reads, kept by Comunicación Social, each change in history."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Term(models.Model):
    """One word or phrase of one list. Removing it from a list deactivates it, so its
    history stays whole."""

    class Kind(models.TextChoices):
        RESERVED = "reserved", _("Información reservada o confidencial")
        DISCOURTEOUS = "discourteous", _("Palabras descorteses u ofensivas")
        PARTISAN = "partisan", _("Partidos y candidaturas")
        CHATTER = "chatter", _("Asuntos cotidianos o personales")
        OPINION = "opinion", _("Opiniones en primera persona")
        ALLOWED_DOMAIN = "allowed_domain", _("Sitios a los que se puede enlazar")
        VOCABULARY = "vocabulary", _("Vocabulario institucional (ortografía)")

    kind = models.CharField(_("lista"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("palabra o frase"), max_length=120)
    is_active = models.BooleanField(_("vigente"), default=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["kind", "text"]
        verbose_name = _("palabra de una lista")
        verbose_name_plural = _("palabras de las listas")
        constraints = [
            models.UniqueConstraint(
                "kind",
                Lower("text"),
                name="contentrules_term_unique_per_list",
                violation_error_code="term_already_listed",
                violation_error_message=_("Esa palabra ya está en la lista."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.get_kind_display()})"


class ElectoralProcess(models.Model):
    """While one is under way, a party or candidate name asks for a consultation."""

    name = models.CharField(_("nombre"), max_length=120)
    starts_on = models.DateField(_("inicio"))
    ends_on = models.DateField(_("conclusión"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("proceso electoral")
        verbose_name_plural = _("procesos electorales")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contentrules_process_ends_after_start",
                violation_error_code="process_ends_before_start",
                violation_error_message=_("La conclusión no puede ser anterior al inicio."),
            )
        ]

    def __str__(self) -> str:
        return self.name
