"""Every write to incidents: one function per transition, and the stale-incident sweep.

Each function is one transaction that locks the incident, re-checks its state (a closed
incident admits only notes), records who/when/from→to in the timeline and, when the
incident is about one of our accounts, in the account's bitácora; notifications are
written in the same transaction and e-mailed after commit.

A hack report locks the account first, so two people reporting the same hack at once make
one incident: the second finds the first and is told so (the partial unique constraint
``incident_one_open_hack_per_account`` holds it in the database as well).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import access as accounts_access
from accounts.models import Account, LogEntry, Organ, User
from accounts.services import (
    HACKABLE_STATUSES,
    add_log_entry,
    change_account_status,
    record_password_rotation,
    status_before_compromise,
)
from consultations.services import check_attachments
from notifications.services import notify

from . import access
from .models import (
    HACK_CHECKLIST,
    NO_BLOCKING_POLICY,
    STEP_REQUIRES,
    Action,
    Actor,
    Incident,
    IncidentAttachment,
    IncidentEvent,
    IncidentKind,
    IncidentStep,
    PlatformAction,
    PublicReport,
    StatementTemplate,
    StepKind,
)

logger = logging.getLogger(__name__)

REPORTED_KIND = "incidents.hack_reported"
OTHER_REPORTED_KIND = "incidents.reported"
STALE_KIND = "incidents.stale"


class InvalidTransition(ValidationError):
    pass


@dataclass(frozen=True)
class Reported:
    """What a report returns: the incident, and whether this report created it."""

    incident: Incident
    created: bool

    @property
    def message(self) -> str:
        if self.created:
            return _("Se registró el incidente #%(pk)s y se avisó de inmediato.") % {"pk": self.incident.pk}
        return _(
            "Esta cuenta ya tenía un reporte de hackeo abierto (#%(pk)s, reportado el %(when)s); "
            "se le llevó a ese incidente en lugar de abrir otro."
        ) % {"pk": self.incident.pk, "when": local(self.incident.reported_at)}


def local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j \\d\\e F \\d\\e Y, H:i")


def stale_interval() -> timedelta:
    return timedelta(hours=settings.INCIDENT_STALE_HOURS)


def _actor_name(by: User | None) -> str:
    return (by.get_full_name() or by.username) if by else _("el sistema")


def _url(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def _event(incident: Incident, kind: str, by: User | None, note: str = "", **fields) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor=by,
        actor_name=_actor_name(by),
        at=fields.pop("at", None) or timezone.now(),
        note=note,
        **fields,
    )


def _log(incident: Incident, by: User, text: str, link: str = "") -> None:
    """Every step of an incident about one of our accounts lands in its bitácora too."""
    if incident.account_id is None or incident.kind == IncidentKind.MISUSE:
        # Misuse stays out of the bitácora, which the organ's administrators read.
        return
    if not Account.objects.filter(pk=incident.account_id, status__in=Account.OPERATED_STATUSES).exists():
        return
    add_log_entry(
        account_id=incident.account_id,
        by=by,
        kind=LogEntry.Kind.INCIDENT,
        text=_("Incidente #%(pk)s (%(kind)s): %(text)s")
        % {"pk": incident.pk, "kind": incident.get_kind_display().lower(), "text": text},
        check_access=False,
    )


def _lock(incident_id: int) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).select_related("account", "organ").get(pk=incident_id)


def _lock_for_work(incident_id: int, by: User) -> Incident:
    """Lock the incident, refuse who may not work on it, and refuse a closed one."""
    incident = _lock(incident_id)
    if not access.can_work_on(by, incident):
        raise PermissionDenied(_("Solo quien atiende este incidente puede registrar su avance."))
    if incident.is_closed:
        raise InvalidTransition(
            _("El incidente #%(pk)s está cerrado y ya no se modifica; agregue una nota para corregir algo.")
            % {"pk": incident.pk}
        )
    return incident


def _progress(incident: Incident, now: datetime) -> None:
    """Some progress: the stale reminder waits another interval (or stops once resolved)."""
    following = (
        now + stale_interval()
        if incident.kind == IncidentKind.HACK and incident.status in Incident.UNRESOLVED_STATUSES
        else None
    )
    Incident.objects.filter(pk=incident.pk).update(next_reminder_at=following, updated_at=now)
    incident.next_reminder_at = following


def ensure_allowed(incident: Incident, by: User, action: str):
    """Refuse unless ``by`` may take ``action`` now; return the step. Who first, then the
    status, both read from ``Incident.TRANSITIONS`` like the buttons."""
    actor = Incident.actor_for(action)
    if not access.is_actor(by, actor, incident):
        raise PermissionDenied(
            _("Solo %(actor)s puede %(action)s.") % {"actor": Actor(actor).label, "action": Action(action).label}
        )
    step = incident.step(action)
    if step is None:
        if incident.is_closed:
            raise InvalidTransition(
                _("El incidente #%(pk)s está cerrado y ya no se modifica; agregue una nota para corregir algo.")
                % {"pk": incident.pk}
            )
        raise InvalidTransition(
            _("El incidente está «%(status)s»: no se puede %(action)s ahora.")
            % {"status": incident.get_status_display().lower(), "action": Action(action).label}
        )
    return step


def _move(incident: Incident, to_status: str, by: User, note: str = "", **fields) -> IncidentEvent:
    """Claim the move with a conditional UPDATE on the status we read, then record it."""
    from_status = incident.status
    now = timezone.now()
    claimed = Incident.objects.filter(pk=incident.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if claimed != 1:
        raise InvalidTransition(_("Otra persona actuó sobre este incidente al mismo tiempo. Recargue la página."))
    incident.status = to_status
    for field, value in fields.items():
        setattr(incident, field, value)
    return _event(
        incident, IncidentEvent.Kind.TRANSITION, by, note, at=now, from_status=from_status, to_status=to_status
    )


# --- Reporting ------------------------------------------------------------------------------


def _reported_recipients(incident: Incident) -> list[User]:
    """A hack: the organ's titular, CNCS and UNICOM. Misuse: only CNCS and the titular,
    never the administrators concerned. The rest: CNCS and the titular."""
    head = [incident.organ.head] if incident.organ and incident.organ.head_id else []
    recipients = [*head, *accounts_access.cncs_users()]
    if incident.kind == IncidentKind.HACK:
        recipients += list(accounts_access.unicom_users())
    return recipients


def report_incident(
    *,
    by: User,
    kind: str,
    detected_at: datetime,
    description: str,
    account_id: int | None = None,
    organ_id: int | None = None,
    fake_handle: str = "",
    network_id: int | None = None,
    attachments: Iterable[UploadedFile] = (),
) -> Reported:
    """Report an incident. A hack makes the account ``compromised`` and tells the organ's
    titular, CNCS and UNICOM at once, in the same transaction."""
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": _("Elija el tipo de incidente.")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describa lo que se observó.")})
    now = timezone.now()
    if detected_at > now + timedelta(minutes=5):
        raise ValidationError({"detected_at": _("La detección no puede estar en el futuro.")})
    checked = check_attachments(list(attachments))
    written: list[str] = []
    try:
        with transaction.atomic():
            account = None
            organ = None
            if account_id is not None:
                # Locked: two reports of the same hack queue here, and the second finds the first.
                account = Account.objects.select_for_update(of=("self",)).select_related("organ").get(pk=account_id)
                if not access.can_report_on(by, account, kind):
                    if kind == IncidentKind.MISUSE:
                        raise PermissionDenied(
                            _("El uso indebido lo reportan la persona titular del órgano o Comunicación Social.")
                        )
                    raise PermissionDenied(
                        _(
                            "Solo los administradores designados y la persona titular del órgano reportan "
                            "incidentes de esta cuenta."
                        )
                    )
                organ = account.organ
            elif kind != IncidentKind.IMPERSONATION:
                raise ValidationError({"account": _("Indique la cuenta institucional afectada.")})
            else:
                if not access.can_report_impersonation(by, organ_id):
                    raise PermissionDenied(
                        _("Solo Comunicación Social o las personas del órgano reportan una suplantación.")
                    )
                organ = Organ.objects.select_related("head").get(pk=organ_id) if organ_id else None
                if not fake_handle.strip():
                    raise ValidationError({"fake_handle": _("Indique la cuenta falsa: su usuario o su dirección.")})
            if kind == IncidentKind.HACK:
                existing = (
                    Incident.objects.select_for_update()
                    .filter(account=account, kind=IncidentKind.HACK, status__in=Incident.UNRESOLVED_STATUSES)
                    .first()
                )
                if existing is not None:
                    _event(existing, IncidentEvent.Kind.ALREADY_OPEN, by, description)
                    return Reported(existing, created=False)
            incident = Incident(
                account=account,
                organ=organ,
                kind=kind,
                detected_at=detected_at,
                reported_at=now,
                reported_by=by,
                description=description,
                fake_handle=fake_handle.strip(),
                network_id=network_id,
                next_reminder_at=now + stale_interval() if kind == IncidentKind.HACK else None,
            )
            incident.full_clean()
            incident.save()
            _event(incident, IncidentEvent.Kind.REPORTED, by, description, at=now, to_status=incident.status)
            for upload, mime in checked:
                attachment = IncidentAttachment(
                    incident=incident,
                    original_name=upload.name[:255],
                    content_type=mime,
                    size=upload.size,
                    uploaded_by=by,
                    uploaded_at=now,
                )
                attachment.file.save(upload.name, upload, save=False)
                written.append(attachment.file.name)
                attachment.save()
            if kind == IncidentKind.HACK and account.status in HACKABLE_STATUSES:
                change_account_status(
                    account_id=account.pk,
                    to_status=Account.Status.COMPROMISED,
                    by=by,
                    comment=_("Incidente #%(pk)s: hackeo reportado.") % {"pk": incident.pk},
                )
            _log(incident, by, _("reportado. %(text)s") % {"text": description})
            params = {
                "pk": incident.pk,
                "kind": incident.get_kind_display(),
                "subject": account or incident.fake_handle,
                "organ": organ or _("sin órgano"),
                "by": by,
                "detected": local(detected_at),
                "text": description,
            }
            notifications = notify(
                _reported_recipients(incident),
                kind=REPORTED_KIND if kind == IncidentKind.HACK else OTHER_REPORTED_KIND,
                title=_("Incidente #%(pk)s: %(kind)s — %(subject)s") % params,
                body=_(
                    "%(by)s reportó un incidente (%(kind)s) de %(organ)s: %(subject)s. Detectado el %(detected)s "
                    "(hora del centro de México).\n\n%(text)s"
                )
                % params,
                url=_url(incident),
            )
            incident.report_notifications.add(*notifications)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return Reported(incident, created=True)


# --- Transitions ----------------------------------------------------------------------------


def contain_incident(*, incident_id: int, by: User, note: str = "") -> Incident:
    with transaction.atomic():
        incident = _lock(incident_id)
        step = ensure_allowed(incident, by, Action.CONTAIN)
        now = timezone.now()
        _move(incident, step.to_status, by, note, contained_at=now, contained_by=by)
        _progress(incident, now)
        _log(incident, by, _("contenido. %(note)s") % {"note": note})
    return incident


def pending_steps(incident: Incident) -> list[str]:
    """The hack checklist's steps not yet settled (done or not applicable)."""
    if incident.kind != IncidentKind.HACK:
        return []
    settled = set(incident.steps.values_list("kind", flat=True))
    return [kind for kind in HACK_CHECKLIST if kind not in settled]


def resolve_incident(*, incident_id: int, by: User, note: str = "") -> Incident:
    """Resolved: a hacked account goes back to active through the accounts service."""
    with transaction.atomic():
        incident = _lock(incident_id)
        step = ensure_allowed(incident, by, Action.RESOLVE)
        pending = pending_steps(incident)
        if pending:
            raise InvalidTransition(
                _("Antes de resolver, registre estos pasos (hechos o no aplicables): %(steps)s.")
                % {"steps": ", ".join(str(StepKind(kind).label).lower() for kind in pending)}
            )
        now = timezone.now()
        _move(incident, step.to_status, by, note, resolved_at=now, resolved_by=by)
        _progress(incident, now)
        if incident.kind == IncidentKind.HACK and incident.account.status == Account.Status.COMPROMISED:
            change_account_status(
                account_id=incident.account_id,
                to_status=status_before_compromise(incident.account_id),
                by=by,
                comment=_("Incidente #%(pk)s resuelto.") % {"pk": incident.pk},
            )
        _log(incident, by, _("resuelto. %(note)s") % {"note": note})
    return incident


def close_incident(*, incident_id: int, by: User, summary: str, lessons: str = "") -> Incident:
    summary, lessons = (summary or "").strip(), (lessons or "").strip()
    with transaction.atomic():
        incident = _lock(incident_id)
        step = ensure_allowed(incident, by, Action.CLOSE)
        if not summary:
            raise ValidationError({"summary": _("Para cerrar el incidente escriba su resumen.")})
        now = timezone.now()
        _move(incident, step.to_status, by, summary, closed_at=now, closed_by=by, summary=summary, lessons=lessons)
        _progress(incident, now)
        _log(incident, by, _("cerrado. Resumen: %(summary)s") % {"summary": summary})
    return incident


# --- Working on an open incident ------------------------------------------------------------


def record_step(
    *, incident_id: int, by: User, kind: str, not_applicable: bool = False, reason: str = ""
) -> IncidentStep:
    """Tick one step of a hack's recovery checklist, once. Rotating the password is
    recorded as a rotation attestation through the accounts service, never a password."""
    reason = (reason or "").strip()
    if kind not in StepKind.values:
        raise ValidationError({"kind": _("Elija un paso de la lista.")})
    if not_applicable and not reason:
        raise ValidationError({"reason": _("Explique por qué el paso no aplica.")})
    with transaction.atomic():
        incident = _lock_for_work(incident_id, by)
        if incident.kind != IncidentKind.HACK:
            raise ValidationError(_("La lista de recuperación es solo para los hackeos."))
        done = {s.kind: s for s in incident.steps.all()}
        if kind in done:
            previous = done[kind]
            raise ValidationError(
                _("El paso «%(step)s» ya lo registró %(person)s el %(when)s.")
                % {"step": StepKind(kind).label, "person": previous.by, "when": local(previous.at)}
            )
        required = STEP_REQUIRES.get(kind)
        if required and not not_applicable and required not in done:
            raise ValidationError(
                _("Primero registre el paso «%(required)s».") % {"required": StepKind(required).label}
            )
        now = timezone.now()
        rotation = None
        if kind == StepKind.ROTATE_PASSWORD and not not_applicable:
            rotation = record_password_rotation(
                account_id=incident.account_id, by=by, rotated_at=now, meets_policy=True
            )
        step = IncidentStep(
            incident=incident,
            kind=kind,
            outcome=IncidentStep.Outcome.NOT_APPLICABLE if not_applicable else IncidentStep.Outcome.DONE,
            reason=reason,
            by=by,
            at=now,
            password_rotation=rotation,
        )
        step.full_clean()
        step.save()
        label = f"{StepKind(kind).label}: {step.get_outcome_display().lower()}"
        _event(incident, IncidentEvent.Kind.STEP, by, f"{label}. {reason}".strip(), at=now)
        _progress(incident, now)
        _log(incident, by, f"{label}. {reason}".strip())
    return step


def set_statement(*, incident_id: int, by: User, text: str = "", template_id: int | None = None) -> Incident:
    """Write the institutional statement; a template's text is copied in, then edited freely."""
    if template_id is not None:
        text = StatementTemplate.objects.get(pk=template_id).text
    text = (text or "").strip()
    if not text:
        raise ValidationError({"statement_text": _("Escriba el comunicado.")})
    with transaction.atomic():
        incident = _lock_for_work(incident_id, by)
        now = timezone.now()
        Incident.objects.filter(pk=incident.pk).update(statement_text=text, updated_at=now)
        incident.statement_text = text
        _event(incident, IncidentEvent.Kind.STATEMENT, by, text, at=now)
        _progress(incident, now)
        _log(incident, by, _("comunicado registrado: «%(text)s»") % {"text": text})
    return incident


def record_platform_action(*, incident_id: int, by: User, platform_action: str) -> Incident:
    """Hate or violence speech: reported to the platform, or hidden under its rules. Never a block."""
    if platform_action not in PlatformAction.values:
        raise ValidationError({"platform_action": NO_BLOCKING_POLICY})
    with transaction.atomic():
        incident = _lock_for_work(incident_id, by)
        if incident.kind != IncidentKind.HATE:
            raise ValidationError(_("La medida ante la plataforma solo se registra en discursos de odio."))
        now = timezone.now()
        Incident.objects.filter(pk=incident.pk).update(
            platform_action=platform_action, platform_action_at=now, updated_at=now
        )
        incident.platform_action, incident.platform_action_at = platform_action, now
        label = incident.get_platform_action_display()
        _event(incident, IncidentEvent.Kind.PLATFORM_ACTION, by, label, at=now)
        _progress(incident, now)
        _log(incident, by, label)
    return incident


def record_correction(
    *, incident_id: int, by: User, correction_text: str, correction_url: str = "", corrected_at: datetime | None = None
) -> Incident:
    """Erroneous content (§6.iv): the correction, its link and its time."""
    correction_text = (correction_text or "").strip()
    if not correction_text:
        raise ValidationError({"correction_text": _("Escriba la corrección publicada.")})
    corrected_at = corrected_at or timezone.now()
    with transaction.atomic():
        incident = _lock_for_work(incident_id, by)
        if incident.kind != IncidentKind.ERRONEOUS:
            raise ValidationError(_("La corrección se registra solo en incidentes de contenido erróneo."))
        incident.correction_text, incident.correction_url, incident.corrected_at = (
            correction_text,
            correction_url,
            corrected_at,
        )
        incident.full_clean(exclude=["account", "organ", "network", "reported_by"])
        Incident.objects.filter(pk=incident.pk).update(
            correction_text=correction_text, correction_url=correction_url, corrected_at=corrected_at
        )
        _event(incident, IncidentEvent.Kind.CORRECTION, by, f"{correction_text} {correction_url}".strip())
        _progress(incident, timezone.now())
        _log(incident, by, _("corrección publicada: %(text)s") % {"text": correction_text}, link=correction_url)
    return incident


def add_note(*, incident_id: int, by: User, note: str) -> IncidentEvent:
    """A note on the timeline; on a closed incident the only way to correct something."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Escriba la nota.")})
    with transaction.atomic():
        incident = _lock(incident_id)
        if not access.can_work_on(by, incident):
            raise PermissionDenied(_("Solo quien atiende este incidente puede agregar notas."))
        return _event(incident, IncidentEvent.Kind.NOTE, by, note)


# --- The stale-incident sweep ---------------------------------------------------------------


def send_stale_reminders(now: datetime | None = None) -> int:
    """Re-notify CNCS and UNICOM, once per interval, of every unresolved hack with no progress.

    Each incident is claimed by a conditional UPDATE that moves its ``next_reminder_at`` one
    interval on: a second run, or a second worker, finds nothing due. Returns how many.
    """
    now = now or timezone.now()
    sent = 0
    due = Incident.objects.filter(
        kind=IncidentKind.HACK, status__in=Incident.UNRESOLVED_STATUSES, next_reminder_at__lte=now
    )
    for pk, due_at in due.order_by("next_reminder_at").values_list("pk", "next_reminder_at")[:500]:
        with transaction.atomic():
            claimed = Incident.objects.filter(
                pk=pk, status__in=Incident.UNRESOLVED_STATUSES, next_reminder_at=due_at
            ).update(next_reminder_at=now + stale_interval())
            if claimed != 1:
                continue
            incident = Incident.objects.select_related("account", "organ").get(pk=pk)
            hours = settings.INCIDENT_STALE_HOURS
            _event(incident, IncidentEvent.Kind.REMINDER, None, _("Sin avance en %(hours)s horas.") % {"hours": hours})
            params = {
                "pk": incident.pk,
                "account": incident.account,
                "status": incident.get_status_display().lower(),
                "hours": hours,
                "reported": local(incident.reported_at),
            }
            notify(
                [*accounts_access.cncs_users(), *accounts_access.unicom_users()],
                kind=STALE_KIND,
                title=_("Hackeo sin avance: incidente #%(pk)s — %(account)s") % params,
                body=_(
                    "El incidente #%(pk)s de la cuenta %(account)s, reportado el %(reported)s, sigue %(status)s "
                    "y no registra avance en las últimas %(hours)s horas."
                )
                % params,
                url=_url(incident),
            )
            sent += 1
    if sent:
        logger.info("Stale incident reminders sent: %d", sent)
    return sent


# --- Public reports -------------------------------------------------------------------------


def new_receipt() -> str:
    """A receipt number the person can quote; unguessable, so it reveals nothing."""
    return f"RC-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def accept_public_report(*, report_id: int, by: User, organ_id: int | None = None) -> Incident:
    """CNCS accepts a public report as an impersonation incident."""
    if not access.can_triage_public_reports(by):
        raise PermissionDenied(_("Solo Comunicación Social atiende los reportes ciudadanos."))
    with transaction.atomic():
        report = PublicReport.objects.select_for_update().get(pk=report_id)
        if report.status != PublicReport.Status.NEW:
            raise InvalidTransition(_("Este reporte ya fue atendido el %(when)s.") % {"when": local(report.triaged_at)})
        reported = report_incident(
            by=by,
            kind=IncidentKind.IMPERSONATION,
            detected_at=report.created_at,
            description=_("Reporte ciudadano %(receipt)s: la cuenta %(handle)s dice ser «%(claims)s».")
            % {"receipt": report.receipt, "handle": report.handle_or_url, "claims": report.claims_to_be},
            organ_id=organ_id,
            fake_handle=report.handle_or_url,
            network_id=report.network_id,
        )
        now = timezone.now()
        claimed = PublicReport.objects.filter(pk=report.pk, status=PublicReport.Status.NEW).update(
            status=PublicReport.Status.ACCEPTED, triaged_by=by, triaged_at=now, incident=reported.incident
        )
        if claimed != 1:
            raise InvalidTransition(_("Otra persona atendió este reporte al mismo tiempo."))
    return reported.incident


def dismiss_public_report(*, report_id: int, by: User, reason: str) -> PublicReport:
    if not access.can_triage_public_reports(by):
        raise PermissionDenied(_("Solo Comunicación Social atiende los reportes ciudadanos."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"dismiss_reason": _("Explique por qué se descarta el reporte.")})
    with transaction.atomic():
        report = PublicReport.objects.select_for_update().get(pk=report_id)
        if report.status != PublicReport.Status.NEW:
            raise InvalidTransition(_("Este reporte ya fue atendido el %(when)s.") % {"when": local(report.triaged_at)})
        now = timezone.now()
        PublicReport.objects.filter(pk=report.pk, status=PublicReport.Status.NEW).update(
            status=PublicReport.Status.DISMISSED, dismiss_reason=reason, triaged_by=by, triaged_at=now
        )
        report.refresh_from_db()
    return report
