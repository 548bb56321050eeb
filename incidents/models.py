"""Incidents (§6.xxvi hacks, §5 staff misuse, impersonation, §6.iv erroneous content,
hate or violence speech under the no-blocking rule) and their recovery checklist.

``Incident.TRANSITIONS`` is the one table of who may do what at each status:
``incidents.access`` reads it to show buttons, ``incidents.services`` to accept a step.
Every write goes through ``incidents.services``; nothing here sets a status.

The approved criteria forbid blocking or expelling users: ``PlatformAction`` offers only
"reported to the platform" and "hidden under the platform's rules", the database refuses
any other value, and ``validate_platform_action`` refuses it with the policy's own words.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Network, Organ, PasswordRotation, User
from core.validators import validate_multiline_text, validate_single_line
from notifications.models import Notification

NO_BLOCKING_POLICY = _(
    "Los criterios aprobados por el Consejo General prohíben bloquear o expulsar a las personas usuarias; "
    "solo se reporta a la plataforma o se oculta el comentario conforme a sus reglas."
)


class IncidentKind(models.TextChoices):
    HACK = "hack", _("Hackeo u operación no autorizada")
    IMPERSONATION = "impersonation", _("Suplantación de identidad")
    MISUSE = "misuse", _("Uso indebido por parte del personal")
    ERRONEOUS = "erroneous", _("Contenido erróneo")
    HATE = "hate", _("Discurso de odio o violencia")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reportado")
    CONTAINED = "contained", _("Contenido")
    RESOLVED = "resolved", _("Resuelto")
    CLOSED = "closed", _("Cerrado")


class Actor(models.TextChoices):
    """Who takes a step; ``incidents.access.is_actor`` says whether a user is one."""

    RESPONDER = "responder", _("quien atiende el incidente")
    CLOSER = "closer", _("Comunicación Social o la persona titular del órgano")


class Action(models.TextChoices):
    # The label completes "Solo … puede …".
    CONTAIN = "contain", _("marcarlo como contenido")
    RESOLVE = "resolve", _("marcarlo como resuelto")
    CLOSE = "close", _("cerrarlo")


class Step(NamedTuple):
    actor: str
    to_status: str


class PlatformAction(models.TextChoices):
    # Never "block": the approved criteria forbid blocking or expelling users.
    REPORTED = "reported", _("Reportado a la plataforma")
    HIDDEN = "hidden", _("Ocultado conforme a las reglas de la plataforma")


def validate_platform_action(value: str) -> None:
    if value and value not in PlatformAction.values:
        raise ValidationError(NO_BLOCKING_POLICY, code="blocking_forbidden")


_S, _A = IncidentStatus, Action
INCIDENT_TRANSITIONS: dict[str, dict[str, Step]] = {
    _S.REPORTED: {_A.CONTAIN: Step(Actor.RESPONDER, _S.CONTAINED)},
    # Resolved cannot come before contained: there is no RESOLVE from REPORTED.
    _S.CONTAINED: {_A.RESOLVE: Step(Actor.RESPONDER, _S.RESOLVED)},
    _S.RESOLVED: {_A.CLOSE: Step(Actor.CLOSER, _S.CLOSED)},
    _S.CLOSED: {},
}
# Not closed: still editable, listed first.
OPEN_STATUSES = tuple(status for status, steps in INCIDENT_TRANSITIONS.items() if steps)
# Not yet resolved: the account is still at risk (one such hack per account, see Meta).
UNRESOLVED_STATUSES = tuple(
    status for status, steps in INCIDENT_TRANSITIONS.items() if {_A.CONTAIN, _A.RESOLVE} & set(steps)
)


class IncidentQuerySet(models.QuerySet):
    def open_first(self):
        return self.annotate(
            closed_last=models.Case(
                models.When(status=IncidentStatus.CLOSED, then=1), default=0, output_field=models.IntegerField()
            )
        ).order_by("closed_last", "-reported_at", "-id")

    def with_first_email(self):
        """``first_email_sent_at``: the real send time of the first report e-mail delivered."""
        return self.annotate(first_email_sent_at=models.Min("report_notifications__email_sent_at"))


class Incident(models.Model):
    Kind = IncidentKind
    Status = IncidentStatus
    Actor = Actor
    Action = Action
    PlatformAction = PlatformAction
    TRANSITIONS = INCIDENT_TRANSITIONS
    OPEN_STATUSES = OPEN_STATUSES
    UNRESOLVED_STATUSES = UNRESOLVED_STATUSES

    # Null only for an impersonation: the fake account is not one of ours.
    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    # Copied from the account so scoping never needs a join; optional for an impersonation.
    organ = models.ForeignKey(
        Organ, verbose_name=_("órgano responsable"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("tipo de incidente"), max_length=20, choices=IncidentKind.choices)
    status = models.CharField(_("estado"), max_length=12, choices=IncidentStatus.choices, default=_S.REPORTED)
    detected_at = models.DateTimeField(_("detectado"))
    reported_at = models.DateTimeField(_("reportado"))
    reported_by = models.ForeignKey(User, verbose_name=_("reportó"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("qué se observó"), validators=[validate_multiline_text])
    contained_at = models.DateTimeField(_("contenido"), null=True, blank=True)
    contained_by = models.ForeignKey(
        User, verbose_name=_("lo contuvo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resuelto"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, verbose_name=_("lo resolvió"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("cerrado"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, verbose_name=_("lo cerró"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("resumen"), blank=True, validators=[validate_multiline_text])
    lessons = models.TextField(_("lecciones aprendidas"), blank=True, validators=[validate_multiline_text])
    statement_text = models.TextField(_("comunicado institucional"), blank=True, validators=[validate_multiline_text])
    # The report's notifications: the metric "report → first e-mail" reads their real send time.
    report_notifications = models.ManyToManyField(
        Notification, verbose_name=_("notificaciones del reporte"), blank=True, related_name="+"
    )
    # Hate or violence speech: what was done with the comment (never a block).
    platform_action = models.CharField(
        _("medida ante la plataforma"),
        max_length=20,
        choices=PlatformAction.choices,
        blank=True,
        validators=[validate_platform_action],
    )
    platform_action_at = models.DateTimeField(_("medida registrada"), null=True, blank=True)
    # Impersonation: the fake account.
    fake_handle = models.CharField(
        _("cuenta falsa (usuario o dirección)"), max_length=300, blank=True, validators=[validate_single_line]
    )
    network = models.ForeignKey(
        Network, verbose_name=_("red social"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Erroneous content: the correction.
    correction_text = models.TextField(_("corrección"), blank=True, validators=[validate_multiline_text])
    correction_url = models.URLField(_("enlace a la corrección"), max_length=500, blank=True)
    corrected_at = models.DateTimeField(_("corregido"), null=True, blank=True)
    # The stale-incident sweep: an open hack with no progress re-notifies CNCS and UNICOM.
    next_reminder_at = models.DateTimeField(_("próximo recordatorio"), null=True, blank=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("incidente")
        verbose_name_plural = _("incidentes")
        indexes = [
            models.Index(fields=["status", "next_reminder_at"], name="incident_status_reminder"),
            models.Index(fields=["organ", "status"], name="incident_organ_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(kind="hack", status__in=UNRESOLVED_STATUSES),
                name="incident_one_open_hack_per_account",
                violation_error_message=_("Esta cuenta ya tiene un reporte de hackeo abierto."),
                violation_error_code="incident_hack_already_open",
            ),
            models.CheckConstraint(
                condition=Q(kind="impersonation") | Q(account__isnull=False),
                name="incident_has_account",
                violation_error_message=_("Indique la cuenta institucional afectada."),
                violation_error_code="incident_without_account",
            ),
            models.CheckConstraint(
                condition=Q(platform_action__in=["", *PlatformAction.values]),
                name="incident_platform_action_never_blocks",
                violation_error_message=NO_BLOCKING_POLICY,
                violation_error_code="incident_blocking_forbidden",
            ),
            models.CheckConstraint(
                condition=Q(platform_action="") | Q(kind="hate"),
                name="incident_platform_action_only_for_hate",
                violation_error_message=_("La medida ante la plataforma solo se registra en discursos de odio."),
                violation_error_code="incident_platform_action_wrong_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(summary="") & Q(closed_at__isnull=False)),
                name="incident_closed_has_summary",
                violation_error_message=_("Para cerrar el incidente escriba su resumen."),
                violation_error_code="incident_closed_without_summary",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(contained_at__isnull=False),
                name="incident_resolved_after_contained",
                violation_error_message=_("Un incidente no puede resolverse antes de contenerse."),
                violation_error_code="incident_resolved_before_contained",
            ),
        ]

    def __str__(self) -> str:
        subject = self.account or self.fake_handle or self.organ or ""
        return f"#{self.pk} {self.get_kind_display()} — {subject}"

    def clean(self) -> None:
        if self.kind != IncidentKind.IMPERSONATION and self.account_id is None:
            raise ValidationError({"account": _("Indique la cuenta institucional afectada.")})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == IncidentStatus.CLOSED

    def step(self, action: str) -> Step | None:
        return INCIDENT_TRANSITIONS[self.status].get(action)

    @staticmethod
    def actor_for(action: str) -> str:
        return next(step.actor for steps in INCIDENT_TRANSITIONS.values() for a, step in steps.items() if a == action)

    # --- Times shown per incident and in aggregate ---

    def metrics(self) -> dict[str, timedelta | None]:
        """detection → report, report → first e-mail sent, report → contained, report → resolved."""
        first_email = getattr(self, "first_email_sent_at", None)
        if first_email is None and not hasattr(self, "first_email_sent_at") and self.pk:
            first_email = self.report_notifications.aggregate(first=models.Min("email_sent_at"))["first"]
        return {
            "detection_to_report": self.reported_at - self.detected_at,
            "report_to_first_email": first_email - self.reported_at if first_email else None,
            "report_to_contained": self.contained_at - self.reported_at if self.contained_at else None,
            "report_to_resolved": self.resolved_at - self.reported_at if self.resolved_at else None,
        }


def attachment_path(instance: IncidentAttachment, filename: str) -> str:
    # The stored name never comes from the uploader; the original is kept in a column.
    stamp = timezone.now()
    return f"incidentes/{stamp:%Y/%m}/{instance.incident_id}-{stamp:%H%M%S%f}"


class IncidentAttachment(models.Model):
    """A screenshot or file of what was seen: private, served only to who sees the incident."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incidente"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("archivo"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("nombre del archivo"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveIntegerField(_("tamaño en bytes"))
    uploaded_by = models.ForeignKey(User, verbose_name=_("subió"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("subido"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("anexo de incidente")
        verbose_name_plural = _("anexos de incidente")

    def __str__(self) -> str:
        return self.original_name


class StepKind(models.TextChoices):
    REGAIN_ACCESS = "regain_access", _("Recuperar el acceso a la cuenta")
    ROTATE_PASSWORD = "rotate_password", _("Cambiar la contraseña")
    REVIEW_CONTENT = "review_content", _("Revisar y retirar el contenido no autorizado")
    STATEMENT = "statement", _("Publicar un comunicado institucional")
    REPORT_PLATFORM = "report_platform", _("Reportar a la plataforma")
    REVIEW_ACCESS = "review_access", _("Revisar quién tiene acceso")


# The hack's recovery checklist, in order. A step listed here needs the one before it
# done first (you cannot change a password you cannot reach).
HACK_CHECKLIST = tuple(StepKind.values)
STEP_REQUIRES = {StepKind.ROTATE_PASSWORD: StepKind.REGAIN_ACCESS}


class IncidentStep(models.Model):
    """One ticked item of the recovery checklist: done, or not applicable with a reason."""

    Kind = StepKind

    class Outcome(models.TextChoices):
        DONE = "done", _("Hecho")
        NOT_APPLICABLE = "not_applicable", _("No aplica")

    incident = models.ForeignKey(Incident, verbose_name=_("incidente"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("paso"), max_length=20, choices=StepKind.choices)
    outcome = models.CharField(_("resultado"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("motivo o detalle"), blank=True, validators=[validate_multiline_text])
    by = models.ForeignKey(User, verbose_name=_("quién"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("cuándo"), default=timezone.now)
    password_rotation = models.ForeignKey(
        PasswordRotation,
        verbose_name=_("cambio de contraseña registrado"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("paso de recuperación")
        verbose_name_plural = _("pasos de recuperación")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "kind"],
                name="incident_step_once",
                violation_error_message=_("Ese paso ya está registrado en este incidente."),
                violation_error_code="incident_step_repeated",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_applicable") | ~Q(reason=""),
                name="incident_step_not_applicable_has_reason",
                violation_error_message=_("Explique por qué el paso no aplica."),
                violation_error_code="incident_step_without_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()}"


class IncidentEvent(models.Model):
    """The incident's timeline: who, when, from → to, note. Outlives the people in it."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Incidente reportado")
        TRANSITION = "transition", _("Cambio de estado")
        STEP = "step", _("Paso de recuperación")
        STATEMENT = "statement", _("Comunicado institucional")
        PLATFORM_ACTION = "platform_action", _("Medida ante la plataforma")
        CORRECTION = "correction", _("Corrección publicada")
        NOTE = "note", _("Nota")
        REMINDER = "reminder", _("Recordatorio por falta de avance")
        ALREADY_OPEN = "already_open", _("Reporte repetido")

    incident = models.ForeignKey(Incident, verbose_name=_("incidente"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("cuándo"), default=timezone.now)
    actor = models.ForeignKey(
        User, verbose_name=_("quién"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("nombre de quien actuó"), max_length=200, blank=True)
    from_status = models.CharField(_("de"), max_length=12, choices=IncidentStatus.choices, blank=True)
    to_status = models.CharField(_("a"), max_length=12, choices=IncidentStatus.choices, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento de incidente")
        verbose_name_plural = _("eventos de incidente")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.incident_id}"


class StatementTemplate(models.Model):
    """A ready Spanish statement for a common case; using one copies its text into the incident."""

    code = models.SlugField(_("clave"), max_length=40, unique=True)
    title = models.CharField(_("título"), max_length=150, validators=[validate_single_line])
    text = models.TextField(_("texto"), validators=[validate_multiline_text])
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("plantilla de comunicado")
        verbose_name_plural = _("plantillas de comunicado")

    def __str__(self) -> str:
        return self.title


class PublicReport(models.Model):
    """A member of the public reports a suspicious account ("report a suspicious account").

    Written by the public verification page (no login): only what the person typed, a hash
    of the client for rate limiting (never the address itself) and a receipt number, the
    only thing shown back. CNCS triages it through ``services.accept_public_report`` (which
    opens an impersonation ``Incident``) or ``services.dismiss_public_report`` (with a reason).
    """

    class Status(models.TextChoices):
        NEW = "new", _("Nuevo")
        ACCEPTED = "accepted", _("Aceptado como incidente")
        DISMISSED = "dismissed", _("Descartado")

    handle_or_url = models.CharField(
        _("cuenta sospechosa (usuario o dirección)"), max_length=300, validators=[validate_single_line]
    )
    network = models.ForeignKey(
        Network, verbose_name=_("red social"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claims_to_be = models.CharField(_("qué dice ser"), max_length=300, validators=[validate_single_line])
    contact = models.CharField(_("contacto (opcional)"), max_length=200, blank=True, validators=[validate_single_line])
    created_at = models.DateTimeField(_("recibido"), default=timezone.now)
    client_hash = models.CharField(_("huella del cliente"), max_length=64, blank=True, db_index=True, editable=False)
    receipt = models.CharField(_("folio de recepción"), max_length=20, unique=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.NEW)
    dismiss_reason = models.TextField(_("motivo del descarte"), blank=True, validators=[validate_multiline_text])
    triaged_by = models.ForeignKey(
        User, verbose_name=_("lo atendió"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(_("atendido"), null=True, blank=True)
    incident = models.OneToOneField(
        Incident,
        verbose_name=_("incidente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_report",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reporte ciudadano de cuenta sospechosa")
        verbose_name_plural = _("reportes ciudadanos de cuentas sospechosas")
        indexes = [models.Index(fields=["client_hash", "created_at"], name="public_report_rate")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                name="public_report_dismissed_has_reason",
                violation_error_message=_("Explique por qué se descarta el reporte."),
                violation_error_code="public_report_dismissed_without_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(incident__isnull=False),
                name="public_report_accepted_has_incident",
                violation_error_message=_("Un reporte aceptado debe tener su incidente."),
                violation_error_code="public_report_accepted_without_incident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt} — {self.handle_or_url}"
