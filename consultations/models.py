"""Consultations with Comunicación Social: the 48-hour term (§6.vii–viii, approved rule).

An administrator asks CNCS whether a content may be published, or relays a user's
information request. CNCS has ``CONSULTATION_HOURS`` to answer; reminders go out before
the deadline; when it passes unanswered the consultation expires and the administrator is
offered the text that sends the user to INETEL or the Plataforma Nacional de Transparencia.

The deadlines are columns (``due_at``, ``next_reminder_at``) indexed with the status and
swept by beat tasks; every write goes through ``consultations.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from core.validators import validate_multiline_text


class Consultation(models.Model):
    class Kind(models.TextChoices):
        PERTINENCE = "pertinence", _("Pertinencia de un contenido por publicar")
        INFORMATION = "information", _("Solicitud de información de una persona usuaria")

    class Status(models.TextChoices):
        OPEN = "open", _("En espera de respuesta")
        ANSWERED = "answered", _("Respondida")
        EXPIRED = "expired", _("Vencida sin respuesta")

    class Answer(models.TextChoices):
        PUBLISH = "publish", _("Puede publicarse")
        DO_NOT_PUBLISH = "do_not_publish", _("No debe publicarse")
        PUBLISH_WITH_CHANGES = "publish_with_changes", _("Puede publicarse con cambios")
        INFORMATION_PROVIDED = "information_provided", _("Información proporcionada")

    # Which answers fit which question; services refuse any other pair.
    ANSWERS_BY_KIND: dict[str, tuple[str, ...]] = {
        Kind.PERTINENCE: (Answer.PUBLISH, Answer.PUBLISH_WITH_CHANGES, Answer.DO_NOT_PUBLISH),
        Kind.INFORMATION: (Answer.INFORMATION_PROVIDED, Answer.DO_NOT_PUBLISH),
    }
    # Answers that are nothing without a text: the changed content, the information.
    ANSWERS_NEEDING_TEXT = (Answer.PUBLISH_WITH_CHANGES, Answer.INFORMATION_PROVIDED)

    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), on_delete=models.PROTECT, related_name="consultations"
    )
    kind = models.CharField(_("tipo de consulta"), max_length=20, choices=Kind.choices)
    question = models.TextField(_("pregunta a Comunicación Social"), validators=[validate_multiline_text])
    subject_text = models.TextField(
        _("texto a consultar"),
        help_text=_("El borrador de la publicación o la solicitud de la persona usuaria, tal como la escribió."),
        validators=[validate_multiline_text],
    )
    source_link = models.URLField(_("enlace al mensaje original"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        User, verbose_name=_("consultó"), on_delete=models.PROTECT, related_name="consultations"
    )
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(_("enviada"))
    due_at = models.DateTimeField(_("plazo de respuesta"))
    next_reminder_at = models.DateTimeField(_("próximo recordatorio"), null=True, blank=True)
    answer = models.CharField(_("respuesta"), max_length=25, choices=Answer.choices, blank=True)
    answer_text = models.TextField(_("texto de la respuesta"), blank=True)
    answered_by = models.ForeignKey(
        User, verbose_name=_("respondió"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("respondida"), null=True, blank=True)
    expired_at = models.DateTimeField(_("registrada como vencida"), null=True, blank=True)
    user_notice_sent_at = models.DateTimeField(_("aviso a la persona usuaria"), null=True, blank=True)
    user_notice_sent_by = models.ForeignKey(
        User, verbose_name=_("envió el aviso"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set by the sweep that claimed the row last, so it can read back exactly its own rows.
    claim_token = models.UUIDField(_("lote del barrido"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("consulta a Comunicación Social")
        verbose_name_plural = _("consultas a Comunicación Social")
        indexes = [
            # The expiry sweep and the CNCS queue (open, by time left).
            models.Index(fields=["status", "due_at"], name="consultation_status_due"),
            # The reminder sweep.
            models.Index(fields=["status", "next_reminder_at"], name="consultation_status_reminder"),
            models.Index(fields=["account", "-submitted_at"], name="consultation_account"),
            # The consultation list, newest first (Meta.ordering): reads the first page, no sort.
            models.Index(fields=["-submitted_at", "-id"], name="consultation_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("submitted_at")),
                name="consultation_due_after_submit",
                violation_error_message=_("La fecha límite de la consulta debe ser posterior a su envío."),
                violation_error_code="consultation_due_before_submit",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered")
                | (~Q(answer="") & Q(answered_at__isnull=False) & Q(answered_by__isnull=False)),
                name="consultation_answered_has_answer",
                violation_error_message=_("Una consulta respondida debe tener la respuesta, quién la dio y cuándo."),
                violation_error_code="consultation_answer_incomplete",
            ),
            models.CheckConstraint(
                condition=Q(status="answered") | Q(answer=""),
                name="consultation_only_answered_has_answer",
                violation_error_message=_("Solo una consulta respondida puede tener respuesta."),
                violation_error_code="consultation_answer_not_answered",
            ),
            models.CheckConstraint(
                condition=~Q(status="expired") | Q(expired_at__isnull=False),
                name="consultation_expired_has_time",
                violation_error_message=_("Una consulta vencida debe registrar cuándo venció."),
                violation_error_code="consultation_expired_without_time",
            ),
            models.CheckConstraint(
                condition=Q(user_notice_sent_at__isnull=True) | Q(status="expired"),
                name="consultation_notice_only_when_expired",
                violation_error_message=_("El aviso al solicitante solo se envía cuando la consulta venció."),
                violation_error_code="consultation_notice_not_expired",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} — {self.account}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_past_due(self) -> bool:
        """The term is over even if the sweep has not yet marked it expired."""
        return self.status == self.Status.EXPIRED or (self.is_open and timezone.now() >= self.due_at)

    def allowed_answers(self) -> list[tuple[str, str]]:
        return [(value, self.Answer(value).label) for value in self.ANSWERS_BY_KIND[self.kind]]


def attachment_path(instance: ConsultationAttachment, filename: str) -> str:
    # The stored name never comes from the uploader; the original is kept in a column.
    stamp = timezone.now()
    return f"consultas/{stamp:%Y/%m}/{instance.consultation_id}-{stamp:%H%M%S%f}"


class ConsultationAttachment(models.Model):
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consulta"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("archivo"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("nombre del archivo"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveIntegerField(_("tamaño en bytes"))
    uploaded_by = models.ForeignKey(User, verbose_name=_("subió"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("subido"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("anexo de consulta")
        verbose_name_plural = _("anexos de consulta")

    def __str__(self) -> str:
        return self.original_name


class ConsultationEvent(models.Model):
    """The consultation's timeline. Reminders, the answer, the expiry and the notice to the
    user each happen at most once, and the database holds that invariant too."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Consulta enviada")
        REMINDER = "reminder", _("Recordatorio a Comunicación Social")
        ANSWERED = "answered", _("Respuesta de Comunicación Social")
        EXPIRED = "expired", _("Venció el plazo sin respuesta")
        USER_NOTIFIED = "user_notified", _("Aviso a la persona usuaria (INETEL / Plataforma Nacional de Transparencia)")

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consulta"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("cuándo"), default=timezone.now)
    actor = models.ForeignKey(
        User, verbose_name=_("quién"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours_left = models.PositiveSmallIntegerField(_("horas restantes"), null=True, blank=True)
    note = models.TextField(_("detalle"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento de consulta")
        verbose_name_plural = _("eventos de consulta")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "hours_left"],
                condition=Q(kind="reminder"),
                name="consultation_event_one_reminder_per_threshold",
                violation_error_message=_("Ya se envió el recordatorio de esta consulta para ese plazo."),
                violation_error_code="consultation_reminder_repeated",
            ),
            models.UniqueConstraint(
                fields=["consultation", "kind"],
                condition=Q(kind__in=["submitted", "answered", "expired", "user_notified"]),
                name="consultation_event_once",
                violation_error_message=_("Ese evento ya está registrado para esta consulta."),
                violation_error_code="consultation_event_repeated",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reminder") | Q(hours_left__isnull=False),
                name="consultation_reminder_has_hours",
                violation_error_message=_("Un recordatorio debe indicar las horas que faltan."),
                violation_error_code="consultation_reminder_without_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.consultation_id}"
