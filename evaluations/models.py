"""Semestral evaluations (§8) and the annual training meeting.

The Comité issues the evaluation procedure (§8.i) as a ``CriteriaVersion``: edited as a
draft, published once, never changed after. A ``Period`` is a semester in Mexico City dates
and uses the version in force when it opened. Each account active at the opening gets one
``Evaluation`` (a database constraint); CNCS scores every ``Criterion`` of the period's
version, the weighted score is computed (``weighted_score``), never typed. Issuing keeps an
``IssuedVersion`` snapshot, so a correction (a re-issue with a reason) leaves the old one
visible. Every status change writes an ``EvaluationStatusChange``.

The training meeting (``TrainingMeeting``) invites every current administrator and organ
titular (``TrainingInvitation``, one per person and meeting); attendance is recorded on the
invitation, by CNCS or by the person with the code shown at the meeting.

Every write goes through ``evaluations.services`` and ``evaluations.training``; nothing here
sets a status.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, Organ, User
from core.validators import validate_multiline_text, validate_single_line

# --- The procedure (§8.i) --------------------------------------------------------------------


class CriteriaVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        PUBLISHED = "published", _("Publicada")

    number = models.PositiveSmallIntegerField(_("versión"), unique=True)
    title = models.CharField(_("título"), max_length=200, validators=[validate_single_line])
    notes = models.TextField(_("notas"), blank=True, validators=[validate_multiline_text])
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, verbose_name=_("elaboró"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    published_by = models.ForeignKey(
        User, verbose_name=_("publicó"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("publicada"), null=True, blank=True)
    # Who edited a draft and when: the services set ``_history_user``.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("versión de los criterios de evaluación")
        verbose_name_plural = _("versiones de los criterios de evaluación")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="criteria_version_published_has_date",
                violation_error_message=_(
                    "Una versión publicada lleva su fecha de publicación; un borrador no la tiene."
                ),
                violation_error_code="published_date",
            ),
            # The Comité edits one draft at a time.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="draft"),
                name="criteria_one_draft",
                violation_error_message=_(
                    "Ya hay un borrador de los criterios: edítelo o descártelo antes de empezar otro."
                ),
                violation_error_code="one_draft",
            ),
        ]

    def __str__(self) -> str:
        return _("Criterios, versión %(number)s") % {"number": self.number}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Criterion(models.Model):
    class Source(models.TextChoices):
        """Which pre-filled figures the evaluator sees beside the criterion."""

        NONE = "", _("Ninguna")
        ACTIVITY = "activity", _("Bitácora y frecuencia de actualización")
        CONSULTATIONS = "consultations", _("Consultas a Comunicación Social")
        INCIDENTS = "incidents", _("Incidentes")
        ROTATIONS = "rotations", _("Cambios de contraseña")
        OUT_OF_OFFICE = "out_of_office", _("Periodos vacacionales y horarios publicados")
        TRAINING = "training", _("Capacitación de las personas administradoras")

    version = models.ForeignKey(
        CriteriaVersion, verbose_name=_("versión"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("clave"), max_length=40)
    position = models.PositiveSmallIntegerField(_("orden"), default=0)
    name = models.CharField(_("criterio"), max_length=200, validators=[validate_single_line])
    reference = models.CharField(
        _("fundamento"), max_length=60, blank=True, validators=[validate_single_line], help_text=_("p. ej. §6.xx")
    )
    description = models.TextField(_("descripción"), validators=[validate_multiline_text])
    scale_min = models.PositiveSmallIntegerField(_("mínimo de la escala"), default=0)
    scale_max = models.PositiveSmallIntegerField(
        _("máximo de la escala"), default=4, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    scale_help = models.TextField(_("significado de la escala"), blank=True, validators=[validate_multiline_text])
    weight = models.PositiveSmallIntegerField(
        _("peso"), validators=[MinValueValidator(1), MaxValueValidator(100)], help_text=_("Puntos de 100")
    )
    source = models.CharField(_("cifras de apoyo"), max_length=20, choices=Source.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterio de evaluación")
        verbose_name_plural = _("criterios de evaluación")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="criterion_code_unique_in_version",
                violation_error_message=_("Ya hay un criterio con esa clave en esta versión."),
                violation_error_code="duplicate_code",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="criterion_scale_not_empty",
                violation_error_message=_("El máximo de la escala debe ser mayor que el mínimo."),
                violation_error_code="empty_scale",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="criterion_weight_range",
                violation_error_message=_("El peso de un criterio va de 1 a 100."),
                violation_error_code="weight_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Periods ---------------------------------------------------------------------------------


class Period(models.Model):
    """A semester: 1 January–30 June (half 1) or 1 July–31 December (half 2), Mexico City."""

    year = models.PositiveSmallIntegerField(_("año"))
    half = models.PositiveSmallIntegerField(
        _("semestre"), choices=[(1, _("Primer semestre")), (2, _("Segundo semestre"))]
    )
    starts_on = models.DateField(_("inicia"))
    ends_on = models.DateField(_("termina"))
    criteria = models.ForeignKey(
        CriteriaVersion, verbose_name=_("criterios"), on_delete=models.PROTECT, related_name="periods"
    )
    opened_at = models.DateTimeField(_("abierto"), default=timezone.now)
    # Null when the beat task opened it on the semester's first day.
    opened_by = models.ForeignKey(
        User, verbose_name=_("abrió"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("periodo de evaluación")
        verbose_name_plural = _("periodos de evaluación")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "half"],
                name="period_one_per_semester",
                violation_error_message=_("Ese semestre ya tiene su periodo de evaluación."),
                violation_error_code="period_exists",
            ),
            models.CheckConstraint(
                condition=Q(half__in=[1, 2]),
                name="period_half_is_1_or_2",
                violation_error_message=_("El semestre es el primero o el segundo."),
                violation_error_code="half",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="period_ends_after_start",
                violation_error_message=_("El periodo debe terminar después de empezar."),
                violation_error_code="period_dates",
            ),
        ]

    def __str__(self) -> str:
        return _("%(half)s semestre de %(year)s") % {
            "half": _("Primer") if self.half == 1 else _("Segundo"),
            "year": self.year,
        }

    @staticmethod
    def bounds(year: int, half: int) -> tuple[date, date]:
        """First and last day of the semester (Mexico City dates)."""
        if half == 1:
            return date(year, 1, 1), date(year, 6, 30)
        return date(year, 7, 1), date(year, 12, 31)

    @staticmethod
    def semester_of(day: date) -> tuple[int, int]:
        return day.year, 1 if day.month <= 6 else 2

    def starts_at(self) -> datetime:
        """The first moment of the semester: midnight of its first day in Mexico City."""
        return timezone.make_aware(datetime.combine(self.starts_on, time.min))

    def ends_at(self) -> datetime:
        """The first moment after the semester: midnight after its last day in Mexico City."""
        return timezone.make_aware(datetime.combine(self.ends_on + timedelta(days=1), time.min))


# --- Evaluations -----------------------------------------------------------------------------


class EvaluationStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    IN_PROGRESS = "in_progress", _("En elaboración")
    ISSUED = "issued", _("Emitida")
    ACKNOWLEDGED = "acknowledged", _("Recibida por el órgano")


EDITABLE_STATUSES = (EvaluationStatus.PENDING, EvaluationStatus.IN_PROGRESS)
ISSUED_STATUSES = (EvaluationStatus.ISSUED, EvaluationStatus.ACKNOWLEDGED)


def weighted_score(pairs) -> Decimal | None:
    """The 0–100 score from ``(criterion, value)`` pairs; ``None`` while one is unscored.

    Each criterion counts its weight times where the value sits on its scale; the total is
    divided by the sum of weights, so weights need not add to 100. One decimal, half up.
    """
    total_weight = Decimal(0)
    total = Decimal(0)
    for criterion, value in pairs:
        if value is None:
            return None
        span = Decimal(criterion.scale_max - criterion.scale_min)
        total += Decimal(criterion.weight) * (Decimal(value - criterion.scale_min) / span)
        total_weight += criterion.weight
    if not total_weight:
        return None
    return (total * 100 / total_weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class EvaluationQuerySet(models.QuerySet):
    def to_do(self):
        """Still to be scored or issued: editable, and the account not closed (a closed
        account is not evaluated; its evaluation stays pending, not counted as work)."""
        return self.filter(status__in=EDITABLE_STATUSES).exclude(account__status=Account.Status.CLOSED)


class Evaluation(models.Model):
    Status = EvaluationStatus
    EDITABLE_STATUSES = EDITABLE_STATUSES
    ISSUED_STATUSES = ISSUED_STATUSES

    period = models.ForeignKey(Period, verbose_name=_("periodo"), on_delete=models.PROTECT, related_name="evaluations")
    account = models.ForeignKey(Account, verbose_name=_("cuenta"), on_delete=models.PROTECT, related_name="evaluations")
    # Copied from the account when the period opened, so scoping never needs a join and a
    # later transfer of the account does not move a past evaluation.
    organ = models.ForeignKey(Organ, verbose_name=_("órgano"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("estado"), max_length=14, choices=EvaluationStatus.choices, default=EvaluationStatus.PENDING
    )
    # Computed from the scores by the services, never typed; null while a criterion is unscored.
    score = models.DecimalField(_("calificación"), max_digits=4, decimal_places=1, null=True, blank=True)
    summary = models.TextField(_("observaciones generales"), blank=True, validators=[validate_multiline_text])
    # The §7.viii flag as it stood when the evaluation was created and when it was issued.
    was_flagged_abandoned = models.BooleanField(_("posiblemente abandonada"), default=False)
    revision = models.PositiveSmallIntegerField(_("emisión"), default=0)
    issued_at = models.DateTimeField(_("emitida"), null=True, blank=True)
    issued_by = models.ForeignKey(
        User, verbose_name=_("emitió"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("recibida"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, verbose_name=_("recibió"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField(_("respuesta del órgano"), blank=True, validators=[validate_multiline_text])
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluación")
        verbose_name_plural = _("evaluaciones")
        ordering = ["period_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "account"],
                name="evaluation_one_per_account_and_period",
                violation_error_message=_("Esa cuenta ya tiene su evaluación en este periodo."),
                violation_error_code="evaluation_exists",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_progress"]) | Q(score__isnull=False, issued_at__isnull=False),
                name="evaluation_issued_has_score",
                violation_error_message=_("Una evaluación emitida lleva su calificación y su fecha de emisión."),
                violation_error_code="issued_score",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="evaluation_score_range",
                violation_error_message=_("La calificación va de 0 a 100."),
                violation_error_code="score_range",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="evaluation_period_status"),
            models.Index(fields=["organ", "period"], name="evaluation_organ_period"),
        ]

    def __str__(self) -> str:
        return _("Evaluación de %(account)s, %(period)s") % {"account": self.account, "period": self.period}

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_issued(self) -> bool:
        return self.status in ISSUED_STATUSES

    def carries_abandoned_flag(self, account_flagged_at: datetime | None, today: date) -> bool:
        """§7.viii, the one rule: the evaluation carries the "possibly abandoned" flag when it
        was recorded on it (at the opening, by the nightly ``services.record_abandoned_flags``,
        or when saved or issued), or when the account is flagged now and the period still runs.
        A flag raised after the semester ended belongs to the next one."""
        return self.was_flagged_abandoned or (account_flagged_at is not None and today <= self.period.ends_on)


class Score(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluación"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterio"), on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("puntaje"), null=True, blank=True)
    comment = models.TextField(_("comentario"), blank=True, validators=[validate_multiline_text])

    class Meta:
        verbose_name = _("puntaje")
        verbose_name_plural = _("puntajes")
        ordering = ["evaluation_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                name="score_one_per_criterion",
                violation_error_message=_("Ese criterio ya tiene su puntaje en esta evaluación."),
                violation_error_code="score_exists",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class IssuedVersion(models.Model):
    """What the organ received at one issue; a correction adds the next, with its reason."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluación"), on_delete=models.CASCADE, related_name="issued_versions"
    )
    revision = models.PositiveSmallIntegerField(_("emisión"))
    issued_at = models.DateTimeField(_("emitida"))
    issued_by = models.ForeignKey(User, verbose_name=_("emitió"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("calificación"), max_digits=4, decimal_places=1)
    summary = models.TextField(_("observaciones generales"), blank=True)
    reason = models.TextField(_("motivo de la corrección"), blank=True)
    # [{"criterion": code, "name", "weight", "scale_min", "scale_max", "value", "comment"}, ...]
    scores = models.JSONField(_("puntajes"), default=list)
    # The pre-filled figures as they were when issued (evaluations.figures).
    figures = models.JSONField(_("cifras"), default=dict)

    class Meta:
        verbose_name = _("emisión de una evaluación")
        verbose_name_plural = _("emisiones de evaluaciones")
        ordering = ["evaluation", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "revision"],
                name="issued_version_unique_revision",
                violation_error_message=_("Esa emisión de la evaluación ya está registrada."),
                violation_error_code="revision_exists",
            ),
        ]

    def __str__(self) -> str:
        return _("%(evaluation)s, emisión %(revision)s") % {"evaluation": self.evaluation, "revision": self.revision}


class EvaluationStatusChange(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluación"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("de"), max_length=14, choices=EvaluationStatus.choices, blank=True)
    to_status = models.CharField(_("a"), max_length=14, choices=EvaluationStatus.choices)
    changed_by = models.ForeignKey(User, verbose_name=_("por"), null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("cuándo"), default=timezone.now)
    comment = models.TextField(_("comentario"), blank=True)

    class Meta:
        verbose_name = _("cambio de estado de una evaluación")
        verbose_name_plural = _("cambios de estado de evaluaciones")
        ordering = ["evaluation", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.from_status} → {self.to_status}"


# --- Annual training meeting -----------------------------------------------------------------


def new_attendance_code() -> str:
    """Six characters shown at the meeting; no 0/O or 1/I to misread."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class TrainingMeeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Programada")
        HELD = "held", _("Realizada")
        CANCELLED = "cancelled", _("Cancelada")

    title = models.CharField(_("título"), max_length=200, validators=[validate_single_line])
    starts_at = models.DateTimeField(_("fecha y hora"))
    ends_at = models.DateTimeField(_("termina"), null=True, blank=True)
    place = models.CharField(_("lugar"), max_length=300, blank=True, validators=[validate_single_line])
    link = models.URLField(_("enlace de la reunión"), max_length=500, blank=True)
    agenda = models.TextField(_("orden del día"), validators=[validate_multiline_text])
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    attendance_code = models.CharField(
        _("código de asistencia"), max_length=12, default=new_attendance_code, editable=False
    )
    created_by = models.ForeignKey(User, verbose_name=_("programó"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrada"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelada"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, verbose_name=_("canceló"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(_("motivo de la cancelación"), blank=True, validators=[validate_multiline_text])
    held_at = models.DateTimeField(_("marcada como realizada"), null=True, blank=True)
    held_by = models.ForeignKey(
        User,
        verbose_name=_("la marcó como realizada"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Every change (rescheduling, cancelling, marking held) with who and when; the services
    # set ``_history_user``.
    history = HistoricalRecords(excluded_fields=["attendance_code"])

    class Meta:
        verbose_name = _("reunión anual de capacitación")
        verbose_name_plural = _("reuniones anuales de capacitación")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="", link=""),
                name="training_has_place_or_link",
                violation_error_message=_("Indique el lugar de la reunión o su enlace."),
                violation_error_code="place_or_link",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="training_cancelled_has_date",
                violation_error_message=_("Una reunión cancelada lleva la fecha de su cancelación."),
                violation_error_code="cancelled_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_at__isnull=False),
                name="training_held_has_date",
                violation_error_message=_("Una reunión realizada lleva la fecha en que se marcó así."),
                violation_error_code="held_date",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="training_ends_after_start",
                violation_error_message=_("La reunión debe terminar después de empezar."),
                violation_error_code="meeting_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingInvitation(models.Model):
    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Persona administradora")
        HEAD = "head", _("Persona titular del órgano")

    class Recorded(models.TextChoices):
        BY_CNCS = "cncs", _("Registrada por Comunicación Social")
        BY_CODE = "code", _("Con el código de la reunión")

    meeting = models.ForeignKey(
        TrainingMeeting, verbose_name=_("reunión"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        User, verbose_name=_("persona"), on_delete=models.PROTECT, related_name="training_invitations"
    )
    # The organ and role the person was invited for (absentees are listed per organ and entidad).
    organ = models.ForeignKey(Organ, verbose_name=_("órgano"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("función"), max_length=14, choices=Role.choices)
    invited_at = models.DateTimeField(_("invitada"), default=timezone.now)
    attended_at = models.DateTimeField(_("asistencia registrada"), null=True, blank=True)
    attendance_recorded = models.CharField(_("cómo se registró"), max_length=6, choices=Recorded.choices, blank=True)
    attendance_recorded_by = models.ForeignKey(
        User,
        verbose_name=_("registró la asistencia"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who marked or un-marked each attendance, and when: ``training`` writes the changes with
    # ``bulk_update_with_history`` and the person who made them.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitación a la capacitación")
        verbose_name_plural = _("invitaciones a la capacitación")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="training_invitation_unique",
                violation_error_message=_("Esa persona ya está invitada a esta reunión."),
                violation_error_code="already_invited",
            ),
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True, attendance_recorded="")
                | Q(attended_at__isnull=False) & ~Q(attendance_recorded=""),
                name="training_attendance_says_how",
                violation_error_message=_("Una asistencia registrada dice cómo se registró."),
                violation_error_code="attendance_how",
            ),
        ]
        indexes = [models.Index(fields=["user", "attended_at"], name="training_user_attended")]

    def __str__(self) -> str:
        return f"{self.user} — {self.meeting}"


class TrainingReminder(models.Model):
    """One row per meeting and stage: claiming it is what makes each reminder go once."""

    meeting = models.ForeignKey(
        TrainingMeeting, verbose_name=_("reunión"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("días antes"))
    sent_at = models.DateTimeField(_("enviado"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("destinatarios"), default=0)

    class Meta:
        verbose_name = _("recordatorio de la capacitación")
        verbose_name_plural = _("recordatorios de la capacitación")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "days_before"],
                name="training_reminder_once_per_stage",
                violation_error_message=_("Ese recordatorio ya se envió."),
                violation_error_code="reminder_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} −{self.days_before}"
