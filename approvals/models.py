"""Requests to open, close or publicise an account, and the audit of every transition.

A request is the organ titular's signed oficio (§7.ii). Comunicación Social decides it;
after an approved opening UNICOM provisions the @ine.mx mailbox (§7.v) and the organ
registers the real handle (§7.iii); after an acknowledged closing the organ confirms the
account was cancelled and its contents deleted (§7.viii). Every write goes through
``approvals.services``; nothing here sets a status.

``AccountRequest.TRANSITIONS`` is the one table of who may do what at each status:
``approvals.access`` reads it to show buttons, ``approvals.services`` to accept a step.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Designation, Network, Organ, User
from accounts.validators import validate_institutional_email
from core.validators import validate_multiline_text, validate_single_line


def _private_name(folder: str, extension: str) -> str:
    # The client's file name is never used on disk: a generated name cannot climb out
    # of MEDIA_ROOT, collide, or leak what the sender called the file.
    return f"{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"


def oficio_upload_to(instance: AccountRequest, filename: str) -> str:
    return _private_name("oficios", ".pdf")


def identity_upload_to(instance: AccountRequest, filename: str) -> str:
    extension = getattr(instance, "_identity_extension", "") or ".bin"
    return _private_name("identidad_grafica", extension)


# --- The transition table ------------------------------------------------------------------
# At module level so the model's Meta (which cannot see the class body) can use it too.


class RequestKind(models.TextChoices):
    OPENING = "opening", _("Apertura de cuenta")
    CLOSING = "closing", _("Cierre de cuenta")
    PUBLICITY = "publicity", _("Publicidad de cuenta personal de consejería")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    SUBMITTED = "submitted", _("En revisión de Comunicación Social")
    RETURNED = "returned", _("Devuelta para cambios")
    REJECTED = "rejected", _("Rechazada")
    APPROVED = "approved", _("Aprobada")
    MAILBOX_READY = "mailbox_ready", _("Correo institucional aprovisionado")
    COMPLETED = "completed", _("Concluida")
    WITHDRAWN = "withdrawn", _("Retirada")


class Actor(models.TextChoices):
    """Who takes a step; ``approvals.access.is_actor`` says whether a user is one."""

    ORGAN_HEAD = "organ_head", _("la persona titular del órgano")
    ORGAN_OPERATOR = "organ_operator", _("la persona titular o un administrador del órgano")
    CONSEJERO = "consejero", _("una consejera o un consejero electoral")
    CNCS = "cncs", _("Comunicación Social")
    UNICOM = "unicom", _("UNICOM")


class Action(models.TextChoices):
    # The label completes "No se puede …" and "Solo … puede …".
    EDIT = "edit", _("modificarla")
    SUBMIT = "submit", _("enviarla")
    WITHDRAW = "withdraw", _("retirarla")
    APPROVE = "approve", _("aprobarla")
    RETURN = "return", _("devolverla")
    REJECT = "reject", _("rechazarla")
    RECORD_MAILBOX = "record_mailbox", _("registrar el correo institucional")
    REGISTER_ACCOUNT = "register_account", _("registrar la cuenta")
    CONFIRM_CLOSURE = "confirm_closure", _("confirmar el cierre")


ALL_KINDS = frozenset(RequestKind.values)


class Step(NamedTuple):
    """One possible step from a status: who takes it, where it leads, for which kinds."""

    actor: str
    to_status: str | None  # None: the request stays where it is (an edit)
    kinds: frozenset[str] = ALL_KINDS


_S, _A = RequestStatus, Action
_BY_HEAD_WHILE_UNSENT = {
    _A.EDIT: Step(Actor.ORGAN_HEAD, None),
    _A.SUBMIT: Step(Actor.ORGAN_HEAD, _S.SUBMITTED),
    _A.WITHDRAW: Step(Actor.ORGAN_HEAD, _S.WITHDRAWN),
}
REQUEST_TRANSITIONS: dict[str, dict[str, Step]] = {
    _S.DRAFT: _BY_HEAD_WHILE_UNSENT,
    _S.SUBMITTED: {
        # Not yet decided: the titular may still withdraw it.
        _A.WITHDRAW: Step(Actor.ORGAN_HEAD, _S.WITHDRAWN),
        # A publicity approval goes on to COMPLETED at once (services.approve_request).
        _A.APPROVE: Step(Actor.CNCS, _S.APPROVED),
        _A.RETURN: Step(Actor.CNCS, _S.RETURNED),
        _A.REJECT: Step(Actor.CNCS, _S.REJECTED),
    },
    _S.RETURNED: _BY_HEAD_WHILE_UNSENT,
    _S.APPROVED: {
        _A.RECORD_MAILBOX: Step(Actor.UNICOM, _S.MAILBOX_READY, frozenset({RequestKind.OPENING})),
        _A.CONFIRM_CLOSURE: Step(Actor.ORGAN_OPERATOR, _S.COMPLETED, frozenset({RequestKind.CLOSING})),
    },
    _S.MAILBOX_READY: {
        _A.REGISTER_ACCOUNT: Step(Actor.ORGAN_OPERATOR, _S.COMPLETED, frozenset({RequestKind.OPENING})),
    },
    _S.REJECTED: {},
    _S.COMPLETED: {},
    _S.WITHDRAWN: {},
}
# Filing creates the draft: an organ's titular files openings and closings; only a
# consejero asks for their personal account to be publicised (§7.vi).
REQUEST_FILED_BY: dict[str, str] = {
    RequestKind.OPENING: Actor.ORGAN_HEAD,
    RequestKind.CLOSING: Actor.ORGAN_HEAD,
    RequestKind.PUBLICITY: Actor.CONSEJERO,
}


def _statuses_allowing(*actions: str) -> tuple[str, ...]:
    return tuple(status for status, steps in REQUEST_TRANSITIONS.items() if set(actions) & set(steps))


# In progress: some step is still possible (one open closing per account, see Meta).
OPEN_REQUEST_STATUSES = tuple(status for status, steps in REQUEST_TRANSITIONS.items() if steps)


# --- Overdue: the one definition ----------------------------------------------------------------


def review_term() -> timedelta:
    """How long Comunicación Social has to decide a request before it is overdue."""
    return timedelta(days=settings.APPROVALS_REMINDER_AFTER_DAYS)


def overdue_before(now: datetime | None = None) -> datetime:
    """Requests sent before this moment have waited longer than the review term: overdue
    exactly when ``now`` is past their ``review_due_at``."""
    return (now or timezone.now()) - review_term()


def overdue_q(now: datetime | None = None) -> Q:
    """Sent to Comunicación Social and waiting longer than ``APPROVALS_REMINDER_AFTER_DAYS``."""
    return Q(status=RequestStatus.SUBMITTED, submitted_at__lt=overdue_before(now))


class AccountRequestQuerySet(models.QuerySet):
    def with_overdue(self, now: datetime | None = None) -> AccountRequestQuerySet:
        """Annotate ``is_overdue``: lists and panels read it, never compare dates themselves."""
        return self.annotate(is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))

    def overdue(self, now: datetime | None = None) -> AccountRequestQuerySet:
        return self.filter(overdue_q(now))


class AccountRequest(models.Model):
    Kind = RequestKind
    Status = RequestStatus
    Actor = Actor
    Action = Action

    # status → {action: Step(who, to which status, for which kinds)}; nothing else is possible.
    TRANSITIONS = REQUEST_TRANSITIONS
    FILED_BY = REQUEST_FILED_BY
    DECISIONS = (Action.APPROVE, Action.RETURN, Action.REJECT)

    # Derived from the table, so they cannot drift from it.
    OPEN_STATUSES = OPEN_REQUEST_STATUSES
    EDITABLE_STATUSES = _statuses_allowing(Action.EDIT)
    WITHDRAWABLE_STATUSES = _statuses_allowing(Action.WITHDRAW)
    # Statuses only reached through a decision or an action by someone: a CNCS decision
    # arriving after one of these is told who got there first.
    RESOLVED_STATUSES = tuple(
        dict.fromkeys(
            step.to_status
            for steps in REQUEST_TRANSITIONS.values()
            for action, step in steps.items()
            if action != Action.SUBMIT and step.to_status
        )
    )
    # What the titular fills in for each kind (the rest is set by the workflow).
    FIELDS_BY_KIND = {
        Kind.OPENING: [
            "network",
            "proposed_name",
            "proposed_handle",
            "purpose",
            "proposed_titular",
            "proposed_suplente",
            "oficio_number",
        ],
        Kind.CLOSING: ["account", "reason", "oficio_number"],
        Kind.PUBLICITY: ["network", "proposed_name", "proposed_handle", "account_url", "purpose", "oficio_number"],
    }

    kind = models.CharField(_("tipo de solicitud"), max_length=20, choices=Kind.choices)
    organ = models.ForeignKey(
        Organ, verbose_name=_("órgano responsable"), on_delete=models.PROTECT, related_name="account_requests"
    )
    requester = models.ForeignKey(
        User, verbose_name=_("solicitante"), on_delete=models.PROTECT, related_name="account_requests"
    )
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    oficio_number = models.CharField(
        _("número de oficio"), max_length=60, blank=True, validators=[validate_single_line]
    )
    oficio = models.FileField(_("oficio firmado (PDF)"), upload_to=oficio_upload_to, max_length=200, blank=True)

    # Opening and publicity: the account proposed.
    network = models.ForeignKey(
        Network, verbose_name=_("red social"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_name = models.CharField(
        _("nombre de la cuenta"), max_length=150, blank=True, validators=[validate_single_line]
    )
    proposed_handle = models.CharField(
        _("nombre de usuario propuesto"), max_length=100, blank=True, validators=[validate_single_line]
    )
    account_url = models.URLField(_("dirección de la cuenta personal"), max_length=300, blank=True)
    purpose = models.TextField(
        _("propósito"),
        blank=True,
        help_text=_("Justificado en los programas y actividades institucionales del órgano."),
        validators=[validate_multiline_text],
    )
    proposed_titular = models.ForeignKey(
        User,
        verbose_name=_("administrador titular propuesto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_suplente = models.ForeignKey(
        User,
        verbose_name=_("administrador suplente propuesto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Closing: the account to close. Opening and publicity: the account created on approval.
    account = models.ForeignKey(
        Account, verbose_name=_("cuenta"), null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    reason = models.TextField(_("motivo del cierre"), blank=True, validators=[validate_multiline_text])

    submitted_at = models.DateTimeField(_("enviada"), null=True, blank=True)
    decided_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("resolvió"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_comment = models.TextField(_("comentario de la resolución"), blank=True)
    identity_material = models.FileField(
        _("material de identidad gráfica"), upload_to=identity_upload_to, max_length=200, blank=True
    )
    mailbox = models.EmailField(
        _("correo institucional aprovisionado"), blank=True, validators=[validate_institutional_email]
    )
    mailbox_recorded_at = models.DateTimeField(_("correo aprovisionado"), null=True, blank=True)
    completed_at = models.DateTimeField(_("concluida"), null=True, blank=True)
    last_reminded_on = models.DateField(_("último recordatorio a Comunicación Social"), null=True, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    objects = AccountRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("solicitud")
        verbose_name_plural = _("solicitudes")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(kind="closing", status__in=list(OPEN_REQUEST_STATUSES)),
                name="request_one_open_closing_per_account",
                violation_error_message=_("Ya hay una solicitud de cierre en trámite para esta cuenta."),
                violation_error_code="closing_already_open",
            ),
            models.CheckConstraint(
                condition=~Q(kind="closing") | Q(account__isnull=False),
                name="request_closing_names_account",
                violation_error_message=_("Indique la cuenta que se cerrará."),
                violation_error_code="closing_without_account",
            ),
            models.CheckConstraint(
                # A draft may be withdrawn without ever being sent.
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="request_submitted_has_date",
                violation_error_message=_("Una solicitud enviada debe tener su fecha de envío."),
                violation_error_code="submitted_without_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="mailbox_ready") | ~Q(mailbox=""),
                name="request_mailbox_ready_has_mailbox",
                violation_error_message=_("Indique el correo institucional aprovisionado."),
                violation_error_code="mailbox_missing",
            ),
        ]
        indexes = [
            models.Index(fields=["submitted_at"], condition=Q(status="submitted"), name="request_pending_age"),
            models.Index(fields=["organ", "status"], name="request_organ_status"),
            # The request list, newest first (Meta.ordering): reads the first page, no sort.
            models.Index(fields=["-created_at", "-id"], name="request_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.folio} — {self.get_kind_display()}"

    # --- The table, read -------------------------------------------------------------------

    @classmethod
    def actor_for(cls, action: str) -> str:
        """Who takes ``action``, whatever the status (one actor per action: a test holds it)."""
        return next(steps[action].actor for steps in cls.TRANSITIONS.values() if action in steps)

    def step(self, action: str) -> Step | None:
        """The step ``action`` would take from the current status, or None if it is not possible now."""
        step = self.TRANSITIONS[self.status].get(action)
        return step if step is not None and self.kind in step.kinds else None

    @property
    def folio(self) -> str:
        year = timezone.localtime(self.created_at or timezone.now()).year  # the year in Mexico City
        return f"SOL-{year}-{self.pk or 0:05d}"

    @property
    def is_editable(self) -> bool:
        return self.step(Action.EDIT) is not None

    @property
    def subject(self) -> str:
        """What the request is about, for lists and e-mails."""
        if self.kind == self.Kind.CLOSING and self.account_id:
            return str(self.account)
        name = self.proposed_name or gettext("(sin nombre)")
        if self.network_id:
            return f"{name} ({self.network})"
        return name

    def status_name(self, status: str) -> str:
        """A status this request went through, as its timeline names it: CNCS acknowledges
        a closing, it does not approve it."""
        if self.kind == self.Kind.CLOSING and status == self.Status.APPROVED:
            return gettext("Acuse de recibo registrado")
        return str(self.Status(status).label)

    @property
    def status_label(self) -> str:
        # A closing is not "approved": CNCS acknowledges it and the organ cancels it.
        if self.kind == self.Kind.CLOSING and self.status == self.Status.APPROVED:
            return gettext("Recibida; pendiente de cancelación por el órgano")
        if self.kind == self.Kind.OPENING and self.status == self.Status.APPROVED:
            return gettext("Aprobada; pendiente del correo institucional (UNICOM)")
        if self.status == self.Status.MAILBOX_READY:
            return gettext("Correo listo; pendiente del registro de la cuenta")
        return self.get_status_display()

    def waiting_days(self, now: datetime | None = None) -> int | None:
        if self.status != self.Status.SUBMITTED or self.submitted_at is None:
            return None
        return ((now or timezone.now()) - self.submitted_at).days

    @property
    def review_due_at(self) -> datetime | None:
        """When a request in review becomes overdue (the same limit as ``overdue_q``)."""
        if self.status != self.Status.SUBMITTED or self.submitted_at is None:
            return None
        return self.submitted_at + review_term()

    # --- Validation of the values given --------------------------------------------------------
    # Only the request's own values; what depends on other rows' current state (a handle
    # taken, an account no longer active) is checked by the services.

    def clean(self) -> None:
        """Check every value given so far; drafts may be incomplete (see ``missing_fields``)."""
        checks = {
            self.Kind.OPENING: (self._clean_proposed_account, self._clean_administrators),
            self.Kind.CLOSING: (self._clean_closing_account,),
            self.Kind.PUBLICITY: (self._clean_publicity_organ, self._clean_proposed_account),
        }.get(self.kind, ())
        errors: dict[str, list[str]] = {}
        for check in checks:
            for field, message in check():
                errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def _clean_publicity_organ(self) -> Iterator[tuple[str, str]]:
        if self.organ_id and self.organ.kind != Organ.Kind.CONSEJERO:
            yield (
                "organ",
                gettext("Solo una consejería electoral puede solicitar la publicidad de una cuenta personal."),
            )

    def _clean_proposed_account(self) -> Iterator[tuple[str, str]]:
        if not self.network_id:
            return
        network = self.network
        if self.proposed_handle:
            self.proposed_handle = network.normalize_handle(self.proposed_handle)
            try:
                network.validate_handle(self.proposed_handle)
                # A request is never for an official account: those handles are reserved.
                Account.validate_handle_not_reserved(network, self.proposed_handle)
            except ValidationError as exc:
                yield "proposed_handle", exc.messages[0]
        if self.account_url:
            try:
                network.validate_url(self.account_url)
                if self.proposed_handle:
                    # Caught at filing, not at CNCS's approval: the address must lead to the handle.
                    network.validate_profile_url(self.account_url, self.proposed_handle)
            except ValidationError as exc:
                yield "account_url", exc.messages[0]

    def _clean_administrators(self) -> Iterator[tuple[str, str]]:
        if not self.organ_id:
            return
        same_person = self.proposed_titular_id and self.proposed_titular_id == self.proposed_suplente_id
        if same_person:
            yield "proposed_suplente", gettext("La misma persona no puede ser administradora titular y suplente.")
        for field, role in (
            ("proposed_titular", Designation.Role.TITULAR),
            ("proposed_suplente", Designation.Role.SUPLENTE),
        ):
            person = getattr(self, field)
            if person is not None and not (same_person and field == "proposed_suplente"):
                try:
                    Designation.check_eligible(self.organ, role, person)
                except ValidationError as exc:
                    yield field, exc.messages[0]

    def _clean_closing_account(self) -> Iterator[tuple[str, str]]:
        if self.account_id and self.organ_id and self.account.organ_id != self.organ_id:
            yield "account", gettext("La cuenta no pertenece a %(organ)s.") % {"organ": self.organ}

    def missing_fields(self) -> dict[str, list[str]]:
        """What a request still lacks before it can be sent to Comunicación Social."""
        required = ["oficio_number", "oficio"]
        if self.kind == self.Kind.OPENING:
            # The handle is part of what CNCS approves: the organ later registers exactly it.
            required += [
                "network",
                "proposed_name",
                "proposed_handle",
                "purpose",
                "proposed_titular",
                "proposed_suplente",
            ]
        elif self.kind == self.Kind.CLOSING:
            required += ["account", "reason"]
        elif self.kind == self.Kind.PUBLICITY:
            required += ["network", "proposed_name", "proposed_handle", "account_url", "purpose"]
        message = gettext("Este dato es necesario para enviar la solicitud.")
        return {field: [message] for field in required if not getattr(self, field)}


class RequestTransition(models.Model):
    """The audit of a request: who moved it, when, from → to, and what they said."""

    request = models.ForeignKey(
        AccountRequest, verbose_name=_("solicitud"), on_delete=models.PROTECT, related_name="transitions"
    )
    from_status = models.CharField(_("de"), max_length=20, choices=AccountRequest.Status.choices, blank=True)
    to_status = models.CharField(_("a"), max_length=20, choices=AccountRequest.Status.choices)
    by = models.ForeignKey(User, verbose_name=_("por"), null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(_("nombre de quien actuó"), max_length=300, blank=True)
    at = models.DateTimeField(_("cuándo"), default=timezone.now)
    comment = models.TextField(_("comentario"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("movimiento de solicitud")
        verbose_name_plural = _("movimientos de solicitudes")
        indexes = [models.Index(fields=["request", "at"], name="transition_request_at")]

    def __str__(self) -> str:
        return f"{self.request.folio}: {self.from_status or '—'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return self.request.status_name(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self.request.status_name(self.to_status)
