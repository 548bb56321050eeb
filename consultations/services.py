"""Every write to consultations: one function per transition, and the two deadline sweeps.

Each transition is one transaction that locks the consultation, re-checks its state,
claims the change with a conditional UPDATE, writes its timeline event and its
notifications. The sweeps claim a batch of due rows with one conditional UPDATE and do all
of the batch's work in that same transaction, so a sweep run twice, by two workers at
once, or killed half-way and run again never notifies twice and never loses a deadline.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from accounts.access import administrators_by_organ
from accounts.models import Account, LogEntry, User
from accounts.services import add_log_entry
from core.formats import local_datetime
from notifications.services import Message, notify, notify_many

from .access import is_answerer
from .models import Consultation, ConsultationAttachment, ConsultationEvent

logger = logging.getLogger(__name__)

# Rows per INSERT in the sweeps: large enough for few round trips, small enough for one statement.
BULK_BATCH_SIZE = 2000

ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "video/mp4": "MP4",
}


# --- Deadlines ----------------------------------------------------------------------------


def deadline_for(submitted_at: datetime) -> datetime:
    """``CONSULTATION_HOURS`` elapsed hours after submission.

    Aware datetimes are UTC instants, so the term is exactly 48 real hours even across a
    daylight-saving change; the local clock time of the deadline may then differ by one.
    """
    return submitted_at + timedelta(hours=settings.CONSULTATION_HOURS)


def reminder_thresholds() -> list[int]:
    """Hours left at which CNCS is reminded, largest first."""
    return sorted({h for h in settings.CONSULTATION_REMINDERS_HOURS_LEFT if h > 0}, reverse=True)


def first_reminder_after(due_at: datetime, moment: datetime) -> tuple[int, datetime] | None:
    """The next threshold still ahead of ``moment``: (hours left, when), or None."""
    for hours in reminder_thresholds():
        when = due_at - timedelta(hours=hours)
        if when > moment:
            return hours, when
    return None


def reminder_reached(due_at: datetime, now: datetime) -> int | None:
    """The most urgent threshold already reached, or None. A sweep that ran late sends
    only this one: a "24 hours left" reminder is wrong when four are left."""
    reached = [h for h in reminder_thresholds() if due_at - timedelta(hours=h) <= now]
    return min(reached) if reached else None


def format_time_left(delta: timedelta, template: str | None = None) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return (template or _("%(hours)s h %(minutes)02d min")) % {"hours": hours, "minutes": minutes}


local = local_datetime


def user_notice_text() -> str:
    """The ready answer for the user when CNCS did not answer in time (approved rule)."""
    return _(
        "Gracias por su mensaje. Puede obtener la información que solicita a través de INETEL, el servicio de "
        "orientación ciudadana del Instituto Nacional Electoral, al 800 433 2000 (llamada sin costo) o en la cuenta "
        "@INEtelMX, o bien presentar una solicitud de acceso a la información en la Plataforma Nacional de "
        "Transparencia: https://www.plataformadetransparencia.org.mx"
    )


# --- Transitions --------------------------------------------------------------------------


def check_attachments(files: list[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(files) > settings.CONSULTATION_MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("Puede anexar hasta %(n)s archivos.") % {"n": settings.CONSULTATION_MAX_ATTACHMENTS},
            }
        )
    limit = settings.CONSULTATION_MAX_ATTACHMENT_MB * 1024 * 1024
    checked, errors = [], []
    for upload in files:
        if upload.size > limit:
            errors.append(
                _("«%(name)s» pesa más de %(mb)s MB.")
                % {"name": upload.name, "mb": settings.CONSULTATION_MAX_ATTACHMENT_MB}
            )
            continue
        # The type is read from the content, never trusted from the name or the browser.
        upload.seek(0)
        kind = filetype.guess(upload.read(8192))
        upload.seek(0)
        if kind is None or kind.mime not in ALLOWED_ATTACHMENT_TYPES:
            errors.append(
                _("«%(name)s» no es de un tipo permitido (%(types)s).")
                % {"name": upload.name, "types": ", ".join(ALLOWED_ATTACHMENT_TYPES.values())}
            )
            continue
        checked.append((upload, kind.mime))
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def open_consultation(
    *,
    account_id: int,
    by: User,
    kind: str,
    question: str,
    subject_text: str,
    source_link: str = "",
    attachments: Iterable[UploadedFile] = (),
) -> Consultation:
    """An administrator asks CNCS; the 48-hour term starts now."""
    if kind not in Consultation.Kind.values:
        raise ValidationError({"kind": _("Elija el tipo de consulta.")})
    checked = check_attachments(list(attachments))
    written: list[str] = []
    try:
        with transaction.atomic():
            # Locked, so that a closure either waits for this consultation or is seen by it.
            account = (
                Account.objects.select_for_update(of=("self",)).select_related("organ", "network").get(pk=account_id)
            )
            if not account.is_live:
                raise ValidationError(
                    _("La cuenta %(account)s está cerrada: ya no admite consultas.") % {"account": account}
                )
            if not access.can_operate_account(by, account):
                raise PermissionDenied(_("Solo los administradores designados del órgano consultan sobre esta cuenta."))
            now = timezone.now()
            due_at = deadline_for(now)
            first = first_reminder_after(due_at, now)
            consultation = Consultation(
                account=account,
                kind=kind,
                question=question.strip(),
                subject_text=subject_text.strip(),
                source_link=source_link,
                requested_by=by,
                submitted_at=now,
                due_at=due_at,
                next_reminder_at=first[1] if first else None,
            )
            consultation.full_clean()
            consultation.save()
            ConsultationEvent.objects.create(
                consultation=consultation, kind=ConsultationEvent.Kind.SUBMITTED, at=now, actor=by
            )
            for upload, mime in checked:
                attachment = ConsultationAttachment(
                    consultation=consultation,
                    original_name=upload.name[:255],
                    content_type=mime,
                    size=upload.size,
                    uploaded_by=by,
                    uploaded_at=now,
                )
                attachment.file.save(upload.name, upload, save=False)
                written.append(attachment.file.name)
                attachment.save()
            notify(
                access.cncs_users(),
                kind="consultation.opened",
                title=_("Nueva consulta #%(pk)s: %(organ)s") % {"pk": consultation.pk, "organ": account.organ},
                body=_(
                    "%(by)s consulta sobre la cuenta %(account)s (%(kind)s). Responda antes del %(due)s "
                    "(hora del centro de México).\n\n%(question)s"
                )
                % {
                    "by": by,
                    "account": account,
                    "kind": consultation.get_kind_display().lower(),
                    "due": local(due_at),
                    "question": consultation.question,
                },
                url=reverse("consultations:detail", args=[consultation.pk]),
            )
    except BaseException:
        # The rows go with the rollback; the files already written must go too.
        _discard(written)
        raise
    return consultation


def _discard(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _organ_side(consultation: Consultation | Claimed, admins: list[User]) -> list[User]:
    """Who hears about a consultation on the organ's side: whoever asked, and the organ's
    current administrators, who may have to act on it in their absence."""
    return [consultation.requested_by, *admins]


def answer_consultation(*, consultation_id: int, by: User, answer: str, answer_text: str = "") -> Consultation:
    """CNCS answers. Refused once the term is over, even before the sweep marks it expired."""
    if not is_answerer(by):
        raise PermissionDenied(_("Solo Comunicación Social responde las consultas."))
    answer_text = (answer_text or "").strip()
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update()
            .select_related("account__organ", "account__network", "requested_by")
            .get(pk=consultation_id)
        )
        now = timezone.now()
        if consultation.status == Consultation.Status.ANSWERED:
            raise ValidationError(_("Esta consulta ya fue respondida."))
        if consultation.status == Consultation.Status.EXPIRED or now >= consultation.due_at:
            raise ValidationError(
                _("El plazo para responder venció el %(due)s; la consulta ya no admite respuesta.")
                % {"due": local(consultation.due_at)}
            )
        if answer not in Consultation.ANSWERS_BY_KIND[consultation.kind]:
            raise ValidationError({"answer": _("Esa respuesta no corresponde a este tipo de consulta.")})
        if answer in Consultation.ANSWERS_NEEDING_TEXT and not answer_text:
            message = (
                _("Escriba el texto con los cambios.")
                if answer == Consultation.Answer.PUBLISH_WITH_CHANGES
                else _("Escriba la información proporcionada.")
            )
            raise ValidationError({"answer_text": message})
        claimed = Consultation.objects.filter(
            pk=consultation.pk, status=Consultation.Status.OPEN, due_at__gt=now
        ).update(
            status=Consultation.Status.ANSWERED,
            answer=answer,
            answer_text=answer_text,
            answered_by=by,
            answered_at=now,
            next_reminder_at=None,
        )
        if claimed != 1:
            raise ValidationError(_("La consulta cambió mientras la respondía; vuelva a cargarla."))
        consultation.refresh_from_db()
        ConsultationEvent.objects.create(
            consultation=consultation,
            kind=ConsultationEvent.Kind.ANSWERED,
            at=now,
            actor=by,
            note=consultation.get_answer_display(),
        )
        notify(
            _organ_side(consultation, list(access.organ_administrators(consultation.account.organ))),
            kind="consultation.answered",
            title=_("Respuesta a su consulta #%(pk)s: %(answer)s")
            % {"pk": consultation.pk, "answer": consultation.get_answer_display()},
            body=_("Comunicación Social respondió la consulta sobre la cuenta %(account)s: %(answer)s.%(text)s")
            % {
                "account": consultation.account,
                "answer": consultation.get_answer_display(),
                "text": f"\n\n{answer_text}" if answer_text else "",
            },
            url=reverse("consultations:detail", args=[consultation.pk]),
        )
    return consultation


def send_user_notice(*, consultation_id: int, by: User, text: str, link: str = "") -> LogEntry:
    """The administrator sends the user the INETEL / PNT text; it goes into the bitácora."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Escriba el texto que envió a la persona usuaria.")})
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().select_related("account").get(pk=consultation_id)
        access.require_operator(by, consultation.account)
        if consultation.status != Consultation.Status.EXPIRED:
            raise ValidationError(_("El aviso solo se envía cuando la consulta venció sin respuesta."))
        now = timezone.now()
        claimed = Consultation.objects.filter(
            pk=consultation.pk, status=Consultation.Status.EXPIRED, user_notice_sent_at__isnull=True
        ).update(user_notice_sent_at=now, user_notice_sent_by=by)
        if claimed != 1:
            raise ValidationError(_("El aviso a la persona usuaria ya se había registrado."))
        ConsultationEvent.objects.create(
            consultation=consultation, kind=ConsultationEvent.Kind.USER_NOTIFIED, at=now, actor=by, note=text
        )
        entry = add_log_entry(
            account_id=consultation.account_id,
            by=by,
            kind=(
                LogEntry.Kind.INFO_REQUEST
                if consultation.kind == Consultation.Kind.INFORMATION
                else LogEntry.Kind.REPLY
            ),
            text=_(
                "Consulta #%(pk)s a Comunicación Social vencida sin respuesta el %(due)s. "
                "Se indicó a la persona usuaria cómo obtener la información por INETEL o la Plataforma "
                "Nacional de Transparencia: «%(text)s»"
            )
            % {"pk": consultation.pk, "due": local(consultation.due_at), "text": text},
            link=link,
            occurred_at=now,
        )
    return entry


# --- Sweeps -------------------------------------------------------------------------------


@dataclass
class Claimed:
    """A claimed row, read as a tuple: a batch of a thousand needs no model graph per row."""

    pk: int
    due_at: datetime
    kind: str
    account: Account
    requested_by: User


def _claim(candidates, order_by: str, batch_size: int, **changes) -> tuple[int, list[Claimed]]:
    """Claim up to ``batch_size`` rows of ``candidates`` for this transaction.

    The SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL) lets a second worker take other rows
    instead of waiting; the conditional UPDATE is what guarantees each row is claimed once,
    on any database; the token reads back exactly the rows this UPDATE changed. Returns
    (rows seen, rows claimed).
    """
    ids = list(
        candidates.select_for_update(skip_locked=True).order_by(order_by).values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0, []
    token = uuid.uuid4()
    claimed = candidates.filter(pk__in=ids).update(claim_token=token, **changes)
    if not claimed:
        return len(ids), []
    rows = list(
        Consultation.objects.filter(pk__in=ids, claim_token=token)
        .order_by("due_at", "pk")
        .values_list("pk", "due_at", "kind", "account_id", "requested_by_id")
    )
    accounts = Account.objects.select_related("organ", "network").in_bulk({r[3] for r in rows})
    people = User.objects.in_bulk({r[4] for r in rows})
    return len(ids), [Claimed(pk, due_at, kind, accounts[a], people[u]) for pk, due_at, kind, a, u in rows]


def _sweep(batch, now: datetime | None, batch_size: int | None) -> int:
    now = now or timezone.now()
    batch_size = batch_size or settings.DEADLINE_SWEEP_BATCH_SIZE
    total = 0
    while True:
        seen, done = batch(now, batch_size)
        total += done
        if seen < batch_size:
            return total


def expire_due_consultations(now: datetime | None = None, batch_size: int | None = None) -> int:
    """The expiry sweep: every open consultation past its term expires, once. Returns how many."""
    return _sweep(_expire_batch, now, batch_size)


def _expire_batch(now: datetime, batch_size: int) -> tuple[int, int]:
    with transaction.atomic():
        due = Consultation.objects.filter(status=Consultation.Status.OPEN, due_at__lte=now)
        seen, rows = _claim(
            due, "due_at", batch_size, status=Consultation.Status.EXPIRED, expired_at=now, next_reminder_at=None
        )
        if not rows:
            return seen, 0
        ConsultationEvent.objects.bulk_create(
            [ConsultationEvent(consultation_id=c.pk, kind=ConsultationEvent.Kind.EXPIRED, at=c.due_at) for c in rows],
            batch_size=BULK_BATCH_SIZE,
        )
        admins = administrators_by_organ({c.account.organ_id for c in rows})
        cncs = list(access.cncs_users())
        # Translated once per batch; formatted per row.
        title_text = _("Consulta #%(pk)s vencida sin respuesta: %(organ)s")
        organ_text = _(
            "Comunicación Social no respondió en %(hours)s horas la consulta #%(pk)s sobre la cuenta "
            "%(account)s; el plazo venció el %(due)s. En la consulta encontrará el texto para indicar a "
            "la persona usuaria que puede obtener la información por INETEL o la Plataforma Nacional de "
            "Transparencia; al registrarlo como enviado queda en la bitácora."
        )
        cncs_text = _(
            "El plazo de %(hours)s horas para responder la consulta #%(pk)s de %(organ)s sobre la cuenta "
            "%(account)s venció el %(due)s sin respuesta."
        )
        messages = []
        for c in rows:
            params = {
                "pk": c.pk,
                "account": c.account,
                "organ": c.account.organ,
                "due": local(c.due_at),
                "hours": settings.CONSULTATION_HOURS,
            }
            url, title = reverse("consultations:detail", args=[c.pk]), title_text % params
            organ_side = _organ_side(c, admins.get(c.account.organ_id, []))
            messages.append(Message(organ_side, "consultation.expired", title, organ_text % params, url))
            messages.append(Message(cncs, "consultation.expired", title, cncs_text % params, url))
        notify_many(messages)
    logger.info("Consultations expired: %d", len(rows))
    return seen, len(rows)


def send_due_reminders(now: datetime | None = None, batch_size: int | None = None) -> int:
    """The reminder sweep: CNCS hears once per threshold per open consultation. Returns how many."""
    return _sweep(_remind_batch, now, batch_size)


def _remind_batch(now: datetime, batch_size: int) -> tuple[int, int]:
    with transaction.atomic():
        due = Consultation.objects.filter(status=Consultation.Status.OPEN, next_reminder_at__lte=now, due_at__gt=now)
        seen, rows = _claim(due, "next_reminder_at", batch_size, next_reminder_at=None)
        if not rows:
            return seen, 0
        # Schedule each row's next threshold: one UPDATE per threshold, not per row.
        by_next: dict[int, list[int]] = defaultdict(list)
        for c in rows:
            following = first_reminder_after(c.due_at, now)
            if following:
                by_next[following[0]].append(c.pk)
        for hours, ids in by_next.items():
            Consultation.objects.filter(pk__in=ids).update(next_reminder_at=F("due_at") - timedelta(hours=hours))
        # A threshold already reminded (the configuration changed) is not reminded again.
        already = set(
            ConsultationEvent.objects.filter(
                consultation_id__in=[c.pk for c in rows], kind=ConsultationEvent.Kind.REMINDER
            ).values_list("consultation_id", "hours_left")
        )
        events, messages = [], []
        cncs = list(access.cncs_users())
        # Translated once per batch; formatted per row.
        left_text = _("%(hours)s h %(minutes)02d min")
        body_text = _(
            "La consulta #%(pk)s de %(organ)s sobre la cuenta %(account)s (%(kind)s) vence el %(due)s; quedan %(left)s."
        )
        kinds = {value: str(label).lower() for value, label in Consultation.Kind.choices}
        titles = {
            hours: ngettext(
                "Queda %(hours)s hora para responder la consulta #%(pk)s",
                "Quedan %(hours)s horas para responder la consulta #%(pk)s",
                hours,
            )
            for hours in reminder_thresholds()
        }
        for c in rows:
            hours = reminder_reached(c.due_at, now)
            if hours is None or (c.pk, hours) in already:
                continue
            left = format_time_left(c.due_at - now, left_text)
            events.append(
                ConsultationEvent(
                    consultation_id=c.pk, kind=ConsultationEvent.Kind.REMINDER, at=now, hours_left=hours, note=left
                )
            )
            params = {
                "pk": c.pk,
                "account": c.account,
                "organ": c.account.organ,
                "kind": kinds[c.kind],
                "due": local(c.due_at),
                "left": left,
                "hours": hours,
            }
            messages.append(
                Message(
                    cncs,
                    "consultation.reminder",
                    titles[hours] % params,
                    body_text % params,
                    reverse("consultations:detail", args=[c.pk]),
                )
            )
        ConsultationEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
        notify_many(messages)
    logger.info("Consultation reminders sent: %d", len(events))
    return seen, len(events)
