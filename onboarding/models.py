"""Onboarding what already exists (Transitorio SEGUNDO).

CNCS uploads a spreadsheet of the accounts or the staff that exist before the criteria: an
``Import`` keeps who, when, the file's name and checksum and the counts; each ``ImportRow``
keeps the row as read, what confirming would do with it and its problems in Spanish. Nothing
is written to accounts until CNCS confirms; then the valid rows go through the same services
as the web forms (``onboarding.services``).

Imported accounts start ``en regularización`` with a ``Regularisation`` record of the steps
their organ has taken. The national deadline (``RegularisationSchedule``, one row) may be
extended per organ (``OrganExtension``) before it passes. At the deadline each account
becomes active (complete) or is reclassified as personal (incomplete). Reminders are sent
once per organ, deadline and stage (``RegularisationReminder``).

Every write goes through ``onboarding.services`` and ``onboarding.regularisation``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, Organ, User
from core.validators import validate_multiline_text, validate_single_line

# --- Import ----------------------------------------------------------------------------------


class Import(models.Model):
    """One uploaded file: previewed, then confirmed (written) or discarded."""

    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", _("Cuentas")
        STAFF = "staff", _("Personal")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("En vista previa")
        CONFIRMED = "confirmed", _("Confirmada")
        DISCARDED = "discarded", _("Descartada")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    file_name = models.CharField(_("archivo"), max_length=255, validators=[validate_single_line])
    checksum = models.CharField(_("SHA-256 del archivo"), max_length=64)
    size_bytes = models.PositiveIntegerField(_("tamaño (bytes)"))
    uploaded_by = models.ForeignKey(User, verbose_name=_("cargada por"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("cargada"), default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("confirmada o descartada por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("confirmada o descartada"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("filas"), default=0)
    created_count = models.PositiveIntegerField(_("creadas"), default=0)
    updated_count = models.PositiveIntegerField(_("actualizadas"), default=0)
    unchanged_count = models.PositiveIntegerField(_("sin cambios"), default=0)
    rejected_count = models.PositiveIntegerField(_("con errores"), default=0)
    ignored_columns = models.JSONField(
        _("columnas no reconocidas"),
        default=list,
        blank=True,
        help_text=_("Encabezados del archivo que no corresponden a ninguna columna de la plantilla; no se importan."),
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("importación")
        verbose_name_plural = _("importaciones")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="previewed") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="import_decided_has_who_and_when",
                violation_error_message=_("Una importación confirmada o descartada indica quién y cuándo."),
                violation_error_code="import_decision_incomplete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"


class ImportRow(models.Model):
    """One row of the file as read (cells by column key), and what confirming does with it."""

    class Action(models.TextChoices):
        CREATE = "create", _("Se crea")
        UPDATE = "update", _("Se actualiza")
        UNCHANGED = "unchanged", _("Sin cambios")
        REJECTED = "rejected", _("Con errores")

    import_run = models.ForeignKey(Import, verbose_name=_("importación"), on_delete=models.CASCADE, related_name="rows")
    # The row's number as a spreadsheet shows it (the header is row 1).
    number = models.PositiveIntegerField(_("fila"))
    data = models.JSONField(_("datos"), default=dict)
    action = models.CharField(_("acción"), max_length=20, choices=Action.choices)
    # Spanish labels of the fields an update changes.
    changes = models.JSONField(_("cambios"), default=list, blank=True)
    # Spanish messages; a row with any is rejected and written back to the rejected-rows file.
    errors = models.JSONField(_("problemas"), default=list, blank=True)
    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        User, verbose_name=_("persona"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["import_run", "number"]
        verbose_name = _("fila importada")
        verbose_name_plural = _("filas importadas")
        constraints = [
            models.UniqueConstraint(
                fields=["import_run", "number"],
                name="import_row_unique_number",
                violation_error_message=_("Esa fila ya está en la importación."),
                violation_error_code="import_row_repeated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.import_run} · {self.number}"


# --- Regularisation (Transitorio SEGUNDO) ------------------------------------------------------


class RegularisationSchedule(models.Model):
    """The national regularisation deadline: the last day to comply (Mexico City date)."""

    NATIONAL = "national"

    scope = models.CharField(_("alcance"), max_length=20, default=NATIONAL, unique=True, editable=False)
    deadline = models.DateField(_("fecha límite nacional"))
    set_by = models.ForeignKey(User, verbose_name=_("fijada por"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("fijada"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fecha límite de regularización")
        verbose_name_plural = _("fechas límite de regularización")

    def __str__(self) -> str:
        return str(self.deadline)


class OrganExtension(models.Model):
    """A later deadline for one organ, granted by CNCS before the organ's deadline passed."""

    organ = models.OneToOneField(
        Organ, verbose_name=_("órgano responsable"), on_delete=models.CASCADE, related_name="regularisation_extension"
    )
    deadline = models.DateField(_("nueva fecha límite"))
    reason = models.TextField(_("motivo"), validators=[validate_multiline_text])
    granted_by = models.ForeignKey(User, verbose_name=_("otorgada por"), on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("otorgada"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prórroga de regularización")
        verbose_name_plural = _("prórrogas de regularización")

    def __str__(self) -> str:
        return f"{self.organ}: {self.deadline}"


class Regularisation(models.Model):
    """The steps an imported account's organ has taken. The designations and the password
    rotation are read from accounts when asked (``onboarding.regularisation.steps``); the two
    confirmations are recorded here with who and when."""

    class Outcome(models.TextChoices):
        PENDING = "", _("En curso")
        REGULARISED = "regularised", _("Regularizada")
        RECLASSIFIED = "reclassified", _("Reclasificada como personal")

    account = models.OneToOneField(
        Account, verbose_name=_("cuenta"), on_delete=models.CASCADE, related_name="regularisation"
    )
    started_at = models.DateTimeField(_("inicio"), default=timezone.now)
    source_row = models.ForeignKey(
        ImportRow, verbose_name=_("fila de origen"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose_confirmed_at = models.DateTimeField(_("uso institucional confirmado"), null=True, blank=True)
    purpose_confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("confirmó el uso institucional"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    criteria_accepted_at = models.DateTimeField(_("criterios aceptados"), null=True, blank=True)
    criteria_accepted_by = models.ForeignKey(
        User,
        verbose_name=_("aceptó los criterios"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("resultado"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    decided_at = models.DateTimeField(_("resuelta"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["account__organ__name", "account__network__sort_order", "account__name"]
        verbose_name = _("regularización de cuenta")
        verbose_name_plural = _("regularizaciones de cuentas")
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose_confirmed_at__isnull=True) | Q(purpose_confirmed_by__isnull=False),
                name="regularisation_purpose_has_who",
                violation_error_message=_("La confirmación del uso institucional indica quién la hizo."),
                violation_error_code="purpose_confirmation_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(criteria_accepted_at__isnull=True) | Q(criteria_accepted_by__isnull=False),
                name="regularisation_criteria_has_who",
                violation_error_message=_("La aceptación de los criterios indica quién la hizo."),
                violation_error_code="criteria_acceptance_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(decided_at__isnull=False),
                name="regularisation_decided_has_when",
                violation_error_message=_("Una regularización resuelta indica cuándo."),
                violation_error_code="regularisation_decision_undated",
            ),
        ]

    def __str__(self) -> str:
        return str(self.account)


class RegularisationReminder(models.Model):
    """A reminder sent to an organ: once per organ, deadline and stage (days before)."""

    organ = models.ForeignKey(Organ, verbose_name=_("órgano responsable"), on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField(_("fecha límite"))
    days_before = models.PositiveSmallIntegerField(_("días antes"))
    sent_at = models.DateTimeField(_("enviado"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("recordatorio de regularización")
        verbose_name_plural = _("recordatorios de regularización")
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "deadline", "days_before"],
                name="regularisation_reminder_once",
                violation_error_message=_("Ese recordatorio ya se envió al órgano."),
                violation_error_code="regularisation_reminder_repeated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organ}: {self.deadline} − {self.days_before}"
