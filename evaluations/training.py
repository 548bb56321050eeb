"""Every write and read of the annual training meeting.

Contract used elsewhere: ``flagged_user_ids(user_ids, now=None) -> set[int]`` — of these
people, those with no attended training in the last ``TRAINING_VALID_MONTHS`` (or designated
after the last meeting held and not trained since); ``send_training_reminders(now=None) -> int``.

CNCS schedules a meeting and every current administrator and organ titular is invited (one
invitation per person, with the organ and role they were invited for). Each reminder stage
(``TRAINING_REMINDER_DAYS_BEFORE``) is claimed by inserting its unique ``TrainingReminder``
row, so it goes once whoever runs the sweep. Attendance is recorded by CNCS, or by the
person with the code shown at the meeting, on the meeting's day. Every write is one
transaction that locks the meeting, re-checks its state and writes its notifications.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from accounts import access as accounts_access
from accounts.models import Designation, Entidad, Organ, User
from core.formats import local_datetime
from notifications.services import Message, notify_many

from . import access
from .models import TrainingInvitation, TrainingMeeting, TrainingReminder

logger = logging.getLogger(__name__)

Status = TrainingMeeting.Status
Role = TrainingInvitation.Role

# The code opens this long before the start, so people can register as they arrive.
CODE_OPENS_BEFORE = timedelta(hours=1)
# Wrong codes a person may type in an hour before the form refuses to check more.
CODE_MAX_FAILURES = 10
CODE_FAILURE_WINDOW = 60 * 60
BULK_BATCH_SIZE = 2000
# How far ahead a meeting may be scheduled, and how long it may last.
MAX_AHEAD = relativedelta(years=2)
MAX_LENGTH = timedelta(days=3)
ATTENDANCE_FIELDS = ["attended_at", "attendance_recorded", "attendance_recorded_by"]

NOT_CNCS = gettext_lazy("Solo Comunicación Social organiza la capacitación anual.")


# --- Who sees what -------------------------------------------------------------------------


def may_manage(user: User) -> bool:
    """Schedules, reschedules, cancels, records attendance, marks as held: CNCS."""
    return access.evaluates(user)


def sees_everything(user: User) -> bool:
    """CNCS, the Comité and the system's administration see every meeting and its attendance."""
    return access.sees_all(user)


def meetings_visible_to(user: User) -> QuerySet[TrainingMeeting]:
    """Every list of meetings starts here: all for CNCS and the Comité, else those one is invited to."""
    qs = TrainingMeeting.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if sees_everything(user):
        return qs
    return qs.filter(Exists(TrainingInvitation.objects.filter(meeting=OuterRef("pk"), user=user)))


def get_meeting_for(user: User, pk: int) -> TrainingMeeting:
    """The meeting, or 404 for anyone who may not see it (no leak of its existence)."""
    meeting = meetings_visible_to(user).select_related("created_by", "cancelled_by", "held_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("No existe la reunión o no tiene acceso a ella."))
    return meeting


def require_manager(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(NOT_CNCS)


# --- Dates ---------------------------------------------------------------------------------


# A moment as people read it in notifications: 24/11/2026 10:00 (Mexico City time).
local_text = local_datetime


def _end_of_local_day(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(local.date(), time.max))


def code_window(meeting: TrainingMeeting) -> tuple[datetime, datetime]:
    """When the attendance code is accepted: from an hour before the start to the end of the
    (Mexico City) day the meeting ends."""
    return meeting.starts_at - CODE_OPENS_BEFORE, _end_of_local_day(meeting.ends_at or meeting.starts_at)


def code_is_open(meeting: TrainingMeeting, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    opens, closes = code_window(meeting)
    return meeting.status != Status.CANCELLED and opens <= now <= closes


def stage_due_at(meeting: TrainingMeeting, days_before: int) -> datetime:
    """A reminder stage is due the same Mexico City clock time, ``days_before`` calendar days earlier."""
    local = timezone.localtime(meeting.starts_at)
    return timezone.make_aware(local.replace(tzinfo=None) - timedelta(days=days_before))


def reminder_stages() -> list[int]:
    """Days before the meeting, the earliest reminder first."""
    return sorted({d for d in settings.TRAINING_REMINDER_DAYS_BEFORE if d > 0}, reverse=True)


# --- Who is invited ------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    user: User
    organ_id: int
    role: str


def _current_designations() -> QuerySet[Designation]:
    """Current administrators: a current designation whose person is still active and on the
    organ's staff (as ``accounts.access.administered_organ_ids`` counts it), of an active organ."""
    return Designation.objects.filter(
        ends_at__isnull=True, user__is_active=True, user__organ_id=F("organ_id"), organ__is_active=True
    )


def _current_heads() -> QuerySet[Organ]:
    """Active organs with an active titular."""
    return Organ.objects.filter(is_active=True, head__is_active=True)


def people_to_invite() -> dict[int, Invitee]:
    """Every current administrator and every active organ's titular. One per person: someone
    who is both is invited as administrator. Two queries, whatever the number of organs."""
    people: dict[int, Invitee] = {}
    for d in _current_designations().select_related("user").order_by("organ_id", "-role", "pk"):
        people.setdefault(d.user_id, Invitee(d.user, d.organ_id, Role.ADMINISTRATOR))
    for organ in _current_heads().select_related("head").order_by("pk"):
        people.setdefault(organ.head_id, Invitee(organ.head, organ.pk, Role.HEAD))
    return people


def still_to_invite() -> Q:
    """The people ``people_to_invite`` lists, as a condition on a queryset of people (in the
    same query): whoever has left every administrator and titular role is no longer reminded."""
    return Q(Exists(_current_designations().filter(user=OuterRef("pk")))) | Q(
        Exists(_current_heads().filter(head=OuterRef("pk")))
    )


def _invite(meeting: TrainingMeeting, people: Iterable[Invitee], now: datetime) -> list[Invitee]:
    """Invitations for these people (the caller holds the meeting's lock), and their notice."""
    people = sorted(people, key=lambda p: p.user.pk)
    if not people:
        return []
    TrainingInvitation.objects.bulk_create(
        [
            TrainingInvitation(meeting=meeting, user=p.user, organ_id=p.organ_id, role=p.role, invited_at=now)
            for p in people
        ],
        batch_size=BULK_BATCH_SIZE,
    )
    notify_many(
        [
            Message(
                recipients=[p.user for p in people],
                kind="evaluations.training_invited",
                title=_("Invitación a la capacitación anual: %(title)s") % {"title": meeting.title},
                body=_meeting_text(meeting),
                url=reverse("evaluations:training_detail", args=[meeting.pk]),
            )
        ]
    )
    return people


def _meeting_text(meeting: TrainingMeeting) -> str:
    lines = [
        _("Fecha y hora: %(when)s (hora del centro de México).") % {"when": local_text(meeting.starts_at)},
    ]
    if meeting.ends_at:
        lines.append(_("Termina: %(when)s.") % {"when": local_text(meeting.ends_at)})
    if meeting.place:
        lines.append(_("Lugar: %(place)s.") % {"place": meeting.place})
    if meeting.link:
        lines.append(_("Enlace: %(link)s") % {"link": meeting.link})
    lines.append("")
    lines.append(_("Orden del día:"))
    lines.append(meeting.agenda)
    return "\n".join(lines)


# --- Scheduling ------------------------------------------------------------------------------


def _check_meeting(meeting: TrainingMeeting, now: datetime, *, new_date: bool = True) -> None:
    """The rules of a meeting's fields, as field errors in Spanish. A date already set may
    have passed (a typo in the agenda is fixed on the meeting's day); a new one may not. The
    dates are bounded (``MAX_AHEAD``, ``MAX_LENGTH``): a date such as 31/12/9999 cannot be
    stored everywhere nor have its day's end computed."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not (meeting.title or "").strip():
        errors["title"].append(_("Escriba el título de la reunión."))
    if not (meeting.agenda or "").strip():
        errors["agenda"].append(_("Escriba el orden del día."))
    starts_at, ends_at = meeting.starts_at, meeting.ends_at
    if starts_at is None:
        errors["starts_at"].append(_("Indique la fecha y hora de la reunión."))
    elif new_date and starts_at <= now:
        errors["starts_at"].append(_("La fecha y hora de la reunión debe ser futura."))
    elif starts_at > now + MAX_AHEAD:
        errors["starts_at"].append(_("La reunión se programa a lo sumo con dos años de anticipación."))
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"].append(_("La reunión debe terminar después de empezar."))
    elif ends_at is not None and ends_at > starts_at + MAX_LENGTH:
        errors["ends_at"].append(_("La reunión dura a lo sumo tres días."))
    if not (meeting.place or "").strip() and not (meeting.link or "").strip():
        errors["place"].append(_("Indique el lugar o el enlace de la reunión en línea."))
    if errors:
        raise ValidationError(dict(errors))
    # The models' own validators: lengths, control characters, the address's form.
    meeting.full_clean(exclude=["created_by"], validate_constraints=False)


def _claim_passed_stages(meeting: TrainingMeeting, now: datetime) -> None:
    """Stages already due when the meeting is scheduled (or moved) are covered by that notice:
    claim them unsent, so the sweep does not repeat the invitation at once."""
    TrainingReminder.objects.bulk_create(
        [
            TrainingReminder(meeting=meeting, days_before=days, sent_at=now, recipients=0)
            for days in reminder_stages()
            if stage_due_at(meeting, days) <= now
        ],
        ignore_conflicts=True,
    )


def schedule_meeting(
    *,
    by: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    link: str = "",
    agenda: str,
    now: datetime | None = None,
) -> TrainingMeeting:
    """CNCS schedules the annual meeting; every current administrator and titular is invited."""
    require_manager(by)
    now = now or timezone.now()
    meeting = TrainingMeeting(
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        link=(link or "").strip(),
        agenda=(agenda or "").strip(),
        created_by=by,
        created_at=now,
    )
    _check_meeting(meeting, now)
    meeting._history_user = by
    with transaction.atomic():
        meeting.save()
        _claim_passed_stages(meeting, now)
        invited = _invite(meeting, people_to_invite().values(), now)
    logger.info("Training meeting %s scheduled by %s; %d invited", meeting.pk, by.pk, len(invited))
    return meeting


def _locked(meeting_id: int) -> TrainingMeeting:
    meeting = TrainingMeeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationError(_("La reunión ya no existe."))
    return meeting


def _require_scheduled(meeting: TrainingMeeting) -> None:
    if meeting.status != Status.SCHEDULED:
        raise ValidationError(
            _("La reunión está «%(status)s»; ya no se puede cambiar.") % {"status": meeting.get_status_display()},
            code="state",
        )


def invite_new_people(*, meeting_id: int, by: User, now: datetime | None = None) -> int:
    """Invite whoever became an administrator or titular since the meeting was scheduled.
    Returns how many were invited."""
    require_manager(by)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting_id)
        _require_scheduled(meeting)
        invited = _invite_missing(meeting, now)
    logger.info("Training meeting %s: %d new people invited by %s", meeting_id, invited, by.pk)
    return invited


def _invite_missing(meeting: TrainingMeeting, now: datetime) -> int:
    already = set(meeting.invitations.values_list("user_id", flat=True))
    return len(_invite(meeting, [p for pk, p in people_to_invite().items() if pk not in already], now))


MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "link", "agenda")


def date_lock_reason(meeting: TrainingMeeting, now: datetime | None = None) -> str | None:
    """Why the meeting's date may no longer change, or None. Once it has started, or anyone's
    attendance is recorded, the date stays: the attendance belongs to that date (the training
    flag counts from it). The place, link, agenda and title may still be corrected."""
    now = now or timezone.now()
    if meeting.invitations.filter(attended_at__isnull=False).exists():
        return _(
            "Ya hay asistencias registradas en esta reunión: márquela como realizada y programe otra "
            "en lugar de cambiar su fecha."
        )
    if meeting.starts_at <= now:
        return _(
            "La reunión ya empezó (%(when)s): márquela como realizada o cancélela y programe otra "
            "en lugar de cambiar su fecha."
        ) % {"when": local_text(meeting.starts_at)}
    return None


def _refuse_moving_a_started_meeting(meeting: TrainingMeeting, changed: list[str], now: datetime) -> None:
    moved = [name for name in ("starts_at", "ends_at") if name in changed]
    if moved and (reason := date_lock_reason(meeting, now)):
        raise ValidationError({moved[0]: ValidationError(reason, code="started")})


@dataclass
class Rescheduled:
    meeting: TrainingMeeting
    changed: list[str]
    newly_invited: int = 0


def reschedule_meeting(
    *,
    meeting_id: int,
    by: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    link: str = "",
    agenda: str,
    now: datetime | None = None,
) -> Rescheduled:
    """Change a scheduled meeting's date, place or agenda; everyone invited is told, and
    whoever became an administrator since is invited."""
    require_manager(by)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting_id)
        _require_scheduled(meeting)
        new = {
            "title": (title or "").strip(),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": (place or "").strip(),
            "link": (link or "").strip(),
            "agenda": (agenda or "").strip(),
        }
        changed = [name for name in MEETING_FIELDS if getattr(meeting, name) != new[name]]
        if not changed:
            return Rescheduled(meeting, [])
        _refuse_moving_a_started_meeting(meeting, changed, now)
        for name in changed:
            setattr(meeting, name, new[name])
        _check_meeting(meeting, now, new_date="starts_at" in changed)
        meeting._history_user = by
        meeting.save(update_fields=changed)
        if "starts_at" in changed:
            # The stages count from the new date.
            meeting.reminders.all().delete()
            _claim_passed_stages(meeting, now)
        recipients = list(User.objects.filter(training_invitations__meeting=meeting, is_active=True).order_by("pk"))
        notify_many(
            [
                Message(
                    recipients=recipients,
                    kind="evaluations.training_changed",
                    title=_("Cambió la capacitación anual: %(title)s") % {"title": meeting.title},
                    body=_("Comunicación Social actualizó los datos de la reunión.") + "\n\n" + _meeting_text(meeting),
                    url=reverse("evaluations:training_detail", args=[meeting.pk]),
                )
            ]
        )
        newly_invited = _invite_missing(meeting, now)
    logger.info("Training meeting %s changed by %s: %s", meeting.pk, by.pk, ", ".join(changed))
    return Rescheduled(meeting, changed, newly_invited)


def cancel_meeting(*, meeting_id: int, by: User, reason: str = "", now: datetime | None = None) -> TrainingMeeting:
    """Cancel a scheduled meeting nobody has attended yet; everyone invited is told."""
    require_manager(by)
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        meeting = _locked(meeting_id)
        _require_scheduled(meeting)
        if meeting.invitations.filter(attended_at__isnull=False).exists():
            raise ValidationError(
                _("Ya hay asistencias registradas en esta reunión: márquela como realizada en lugar de cancelarla."),
                code="attended",
            )
        # The row is locked and re-checked above: a plain save, so the history keeps who.
        meeting.status, meeting.cancelled_at, meeting.cancelled_by, meeting.cancel_reason = (
            Status.CANCELLED,
            now,
            by,
            reason,
        )
        meeting._history_user = by
        meeting.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        body = _("Comunicación Social canceló la reunión del %(when)s.") % {"when": local_text(meeting.starts_at)}
        if reason:
            body += "\n\n" + _("Motivo: %(reason)s") % {"reason": reason}
        notify_many(
            [
                Message(
                    recipients=list(
                        User.objects.filter(training_invitations__meeting=meeting, is_active=True).order_by("pk")
                    ),
                    kind="evaluations.training_changed",
                    title=_("Se canceló la capacitación anual: %(title)s") % {"title": meeting.title},
                    body=body,
                    url=reverse("evaluations:training_detail", args=[meeting.pk]),
                )
            ]
        )
    logger.info("Training meeting %s cancelled by %s", meeting.pk, by.pk)
    return meeting


def mark_held(*, meeting_id: int, by: User, now: datetime | None = None) -> TrainingMeeting:
    """The meeting took place: its absentees are listed, and it becomes the "last meeting" the
    training flag counts from."""
    require_manager(by)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting_id)
        _require_scheduled(meeting)
        if meeting.starts_at > now:
            raise ValidationError(
                _("La reunión aún no empieza (%(when)s); márquela como realizada después.")
                % {"when": local_text(meeting.starts_at)},
                code="not_started",
            )
        meeting.status, meeting.held_at, meeting.held_by = Status.HELD, now, by
        meeting._history_user = by
        meeting.save(update_fields=["status", "held_at", "held_by"])
    logger.info("Training meeting %s marked as held by %s", meeting.pk, by.pk)
    return meeting


# --- Reminders -------------------------------------------------------------------------------


def send_training_reminders(now: datetime | None = None) -> int:
    """Send each due reminder stage of each scheduled meeting, once. Returns the people reminded.

    A stage is claimed by inserting its unique row; whoever fails to insert it (another
    worker, an earlier run) sends nothing. A stage missed while the sweep was down is sent
    late, as long as the meeting has not started; when several stages are due at once only
    the one nearest the meeting is sent and the earlier ones are claimed unsent."""
    now = now or timezone.now()
    stages = reminder_stages()
    if not stages:
        return 0
    meetings = TrainingMeeting.objects.filter(
        status=Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + timedelta(days=max(stages) + 1)
    ).order_by("starts_at", "pk")
    reminded = 0
    for meeting in meetings:
        due = [days for days in stages if stage_due_at(meeting, days) <= now]
        if not due:
            continue
        claimed = set(meeting.reminders.values_list("days_before", flat=True))
        pending = sorted(set(due) - claimed)
        if not pending:
            continue
        send = pending[0] if pending[0] < min(claimed, default=pending[0] + 1) else None
        reminded += _send_stage(meeting.pk, pending, send, now)
    return reminded


def _send_stage(meeting_id: int, pending: list[int], send: int | None, now: datetime) -> int:
    with transaction.atomic():
        meeting = TrainingMeeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None or meeting.status != Status.SCHEDULED or meeting.starts_at <= now:
            return 0
        mine = []
        for days in pending:  # ascending, so two workers claim in the same order
            if stage_due_at(meeting, days) > now:
                continue  # moved since it was read
            try:
                with transaction.atomic():
                    mine.append(
                        TrainingReminder.objects.create(meeting=meeting, days_before=days, sent_at=now, recipients=0)
                    )
            except IntegrityError:
                continue  # someone else claimed it
        reminder = next((r for r in mine if r.days_before == send), None)
        if reminder is None:
            return 0
        # Only those still in a role the meeting is for: a designation ended or a person moved
        # to another organ since the invitation is not reminded.
        recipients = list(
            User.objects.filter(
                training_invitations__meeting=meeting,
                training_invitations__attended_at__isnull=True,
                is_active=True,
            )
            .filter(still_to_invite())
            .order_by("pk")
        )
        if not recipients:
            return 0
        reminder.recipients = len(recipients)
        reminder.save(update_fields=["recipients"])
        if send == 1:
            title = _("Mañana: capacitación anual «%(title)s»") % {"title": meeting.title}
        else:
            title = _("En %(days)s días: capacitación anual «%(title)s»") % {"days": send, "title": meeting.title}
        notify_many(
            [
                Message(
                    recipients=recipients,
                    kind="evaluations.training_reminder",
                    title=title,
                    body=_meeting_text(meeting),
                    url=reverse("evaluations:training_detail", args=[meeting.pk]),
                )
            ]
        )
    logger.info("Training meeting %s: reminder %d days before sent to %d", meeting_id, send, len(recipients))
    return len(recipients)


# --- Attendance ------------------------------------------------------------------------------


def record_attendance(
    *,
    meeting_id: int,
    by: User,
    user_ids: Iterable[int],
    unmark_user_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> tuple[int, int]:
    """CNCS marks these invitees as present (and un-marks ``unmark_user_ids``). Returns how
    many were marked and un-marked; people already in that state are left as they were.
    Every change is kept in the invitations' history with who made it and when (one UPDATE
    and one INSERT, whatever the number of people)."""
    require_manager(by)
    now = now or timezone.now()
    user_ids, unmark_user_ids = set(user_ids), set(unmark_user_ids)
    if user_ids & unmark_user_ids:
        raise ValidationError(_("Una misma persona no puede marcarse presente y ausente a la vez."))
    with transaction.atomic():
        meeting = _locked(meeting_id)
        if meeting.status == Status.CANCELLED:
            raise ValidationError(_("La reunión fue cancelada; no se registra asistencia."), code="state")
        if now < meeting.starts_at - CODE_OPENS_BEFORE:
            raise ValidationError(
                _("La asistencia se registra a partir de una hora antes del inicio (%(when)s).")
                % {"when": local_text(meeting.starts_at)},
                code="not_started",
            )
        everyone = user_ids | unmark_user_ids
        rows = list(meeting.invitations.filter(user_id__in=everyone)) if everyone else []
        if everyone - {i.user_id for i in rows}:
            raise ValidationError(
                _("Solo se registra la asistencia de las personas invitadas a esta reunión."), code="not_invited"
            )
        to_mark = [i for i in rows if i.user_id in user_ids and i.attended_at is None]
        to_unmark = [i for i in rows if i.user_id in unmark_user_ids and i.attended_at is not None]
        for invitation in to_mark:
            invitation.attended_at, invitation.attendance_recorded = now, TrainingInvitation.Recorded.BY_CNCS
            invitation.attendance_recorded_by = by
        for invitation in to_unmark:
            invitation.attended_at, invitation.attendance_recorded, invitation.attendance_recorded_by = None, "", None
        _save_attendance(to_mark + to_unmark, by, now)
        marked, unmarked = len(to_mark), len(to_unmark)
    logger.info("Training meeting %s: %d marked, %d unmarked by %s", meeting_id, marked, unmarked, by.pk)
    return marked, unmarked


def _save_attendance(invitations: list[TrainingInvitation], by: User, now: datetime) -> None:
    """Write these invitations' attendance and its history (who, when, the new state); the
    caller holds the meeting's lock, so what was read is what is replaced."""
    if invitations:
        bulk_update_with_history(
            invitations,
            TrainingInvitation,
            ATTENDANCE_FIELDS,
            batch_size=BULK_BATCH_SIZE,
            default_user=by,
            default_date=now,
        )


@dataclass
class CodeAttendance:
    meeting: TrainingMeeting
    already: bool


def _failures_key(user: User) -> str:
    return f"evaluations:training-code-failures:{user.pk}"


def code_failures(user: User) -> int:
    return cache.get(_failures_key(user), 0)


def _count_failure(user: User) -> None:
    key = _failures_key(user)
    if not cache.add(key, 1, timeout=CODE_FAILURE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=CODE_FAILURE_WINDOW)


def normalise_code(code: str) -> str:
    """As shown on the screen, whatever the case, spaces or dashes people type."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def attend_with_code(*, by: User, code: str, now: datetime | None = None) -> CodeAttendance:
    """The person registers their own attendance with the code shown at the meeting.

    Accepted only from an invitee, on the meeting's day (from an hour before the start to the
    end of the day it ends); a wrong code changes nothing, and after ``CODE_MAX_FAILURES``
    wrong codes in an hour the form stops checking codes for that person."""
    now = now or timezone.now()
    if not by.is_authenticated:
        raise PermissionDenied(_("Inicie sesión para registrar su asistencia."))
    if code_failures(by) >= CODE_MAX_FAILURES:
        raise ValidationError(
            _(
                "Escribió un código incorrecto demasiadas veces. Espere una hora o pida a Comunicación Social "
                "que registre su asistencia."
            ),
            code="throttled",
        )
    code = normalise_code(code)
    meetings = list(TrainingMeeting.objects.filter(attendance_code=code).order_by("-starts_at")) if code else []
    if not meetings:
        _count_failure(by)
        raise ValidationError(
            _("El código no es correcto. Revíselo en la pantalla de la reunión y escríbalo de nuevo."), code="wrong"
        )
    invited = dict(TrainingInvitation.objects.filter(meeting__in=meetings, user=by).values_list("meeting_id", "pk"))
    meetings = [m for m in meetings if m.pk in invited]
    if not meetings:
        raise ValidationError(
            _(
                "Usted no figura entre las personas invitadas a esa reunión; "
                "pida a Comunicación Social que registre su asistencia."
            ),
            code="not_invited",
        )
    open_now = [m for m in meetings if code_is_open(m, now)]
    if not open_now:
        meeting = meetings[0]
        if meeting.status == Status.CANCELLED:
            message = _("Esa reunión fue cancelada; no se registra asistencia.")
        elif now < code_window(meeting)[0]:
            message = _("El registro de asistencia abre una hora antes del inicio (%(when)s).") % {
                "when": local_text(meeting.starts_at)
            }
        else:
            message = _(
                "El código de esa reunión ya venció: solo se acepta el día de la reunión. "
                "Pida a Comunicación Social que registre su asistencia."
            )
        raise ValidationError(message, code="closed")
    meeting = open_now[0]
    with transaction.atomic():
        # The meeting's lock orders this against a cancellation (which refuses a meeting with
        # attendance): either the cancellation comes first and is seen here, or it sees this.
        if _locked(meeting.pk).status == Status.CANCELLED:
            raise ValidationError(_("Esa reunión fue cancelada; no se registra asistencia."), code="closed")
        invitation = TrainingInvitation.objects.get(pk=invited[meeting.pk])
        updated = invitation.attended_at is None
        if updated:
            invitation.attended_at, invitation.attendance_recorded = now, TrainingInvitation.Recorded.BY_CODE
            invitation.attendance_recorded_by = by
            _save_attendance([invitation], by, now)
    if updated:
        logger.info("Training meeting %s: attendance of %s recorded with the code", meeting.pk, by.pk)
    return CodeAttendance(meeting, already=not updated)


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class OrganGroup:
    organ: Organ
    invitations: list[TrainingInvitation] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for i in self.invitations if i.attended_at)


@dataclass
class EntidadGroup:
    entidad: Entidad | None
    organs: list[OrganGroup] = field(default_factory=list)

    @property
    def entidad_id(self) -> int | None:
        return self.entidad.pk if self.entidad else None

    @property
    def total(self) -> int:
        return sum(len(g.invitations) for g in self.organs)

    @property
    def attended(self) -> int:
        return sum(g.attended for g in self.organs)


def _grouped(invitations: QuerySet[TrainingInvitation]) -> list[EntidadGroup]:
    """Invitations by entidad (those without one, such as the central offices, first) and organ.
    One query."""
    rows = invitations.select_related("user", "organ__entidad", "attendance_recorded_by").order_by(
        F("organ__entidad__code").asc(nulls_first=True), "organ__name", "organ_id", "role", "user__last_name", "pk"
    )
    groups: list[EntidadGroup] = []
    for invitation in rows:
        organ = invitation.organ
        if not groups or groups[-1].entidad_id != organ.entidad_id:
            groups.append(EntidadGroup(organ.entidad))
        entidad = groups[-1]
        if not entidad.organs or entidad.organs[-1].organ.pk != organ.pk:
            entidad.organs.append(OrganGroup(organ))
        entidad.organs[-1].invitations.append(invitation)
    return groups


def invitees_by_entidad(meeting: TrainingMeeting) -> list[EntidadGroup]:
    return _grouped(meeting.invitations.all())


def absentees_by_entidad(meeting: TrainingMeeting) -> list[EntidadGroup]:
    """The invitees without attendance, per entidad and organ, with counts."""
    return _grouped(meeting.invitations.filter(attended_at__isnull=True))


def note_withdrawals(meeting: TrainingMeeting, groups: list[EntidadGroup]) -> None:
    """For CNCS: each invitation in the groups that has no attendance now but had it withdrawn
    gets ``withdrawn``, the history row of the last withdrawal (who and when). One query."""
    rows = (
        TrainingInvitation.history.filter(meeting_id=meeting.pk, history_type="~", attended_at__isnull=True)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last = {row.id: row for row in rows}
    for entidad in groups:
        for organ in entidad.organs:
            for invitation in organ.invitations:
                invitation.withdrawn = None if invitation.attended_at else last.get(invitation.pk)


def invitation_of(meeting: TrainingMeeting, user: User) -> TrainingInvitation | None:
    if not user.is_authenticated:
        return None
    return meeting.invitations.filter(user=user).select_related("organ", "attendance_recorded_by").first()


def attendance_counts(meeting: TrainingMeeting, groups: list[EntidadGroup] | None = None) -> dict[str, int]:
    """How many were invited, attended and did not: from the groups already read for the page
    when given (no query), else one query."""
    if groups is not None:
        total, attended = sum(g.total for g in groups), sum(g.attended for g in groups)
    else:
        total = attended = 0
        for attended_at in meeting.invitations.values_list("attended_at", flat=True):
            total += 1
            attended += attended_at is not None
    return {"total": total, "attended": attended, "absent": total - attended}


# --- The training flag -----------------------------------------------------------------------


def valid_since(now: datetime) -> datetime:
    return now - relativedelta(months=settings.TRAINING_VALID_MONTHS)


def untrained_condition(now: datetime, *, user_path: str = "") -> Q:
    """The training flag as a condition on a queryset of people (``user_path=""``) or of rows
    that point at a person (``user_path="user__"`` for designations):

    - no attendance at a meeting (not cancelled) that started in the last
      ``TRAINING_VALID_MONTHS`` months; or
    - a current administrator designation that started after the last meeting held, with no
      attendance at that meeting or a later one ("a designation made after the meeting is
      flagged until the next one"; someone who attended the last meeting in another role is
      trained)."""
    person = OuterRef(user_path.removesuffix("__") + "_id") if user_path else OuterRef("pk")
    counted = TrainingInvitation.objects.filter(
        user=person, attended_at__isnull=False, meeting__starts_at__lte=now
    ).exclude(meeting__status=Status.CANCELLED)
    last_held = Subquery(
        TrainingMeeting.objects.filter(status=Status.HELD, starts_at__lte=now)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    trained_recently = Exists(counted.filter(meeting__starts_at__gte=valid_since(now)))
    attended_last_or_later = Exists(counted.filter(meeting__starts_at__gte=last_held))
    designated_after_last = Exists(
        Designation.objects.filter(
            user=person,
            organ_id=OuterRef(user_path + "organ_id"),
            ends_at__isnull=True,
            starts_at__gt=last_held,
        )
    )
    return ~Q(trained_recently) | (Q(designated_after_last) & ~Q(attended_last_or_later))


def flagged_user_ids(user_ids: Iterable[int], now: datetime | None = None) -> set[int]:
    """Of these people, those to flag as untrained (``untrained_condition``). One query,
    whatever the number of ids."""
    ids = {int(pk) for pk in user_ids if pk is not None}
    if not ids:
        return set()
    now = now or timezone.now()
    return set(User.objects.filter(pk__in=ids).filter(untrained_condition(now)).values_list("pk", flat=True))


def with_untrained_flag(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    """People, or designations, annotated with ``untrained`` — the flag in the same query as
    the list, so a page that already lists them pays no extra query."""
    now = now or timezone.now()
    user_path = "" if queryset.model is User else "user__"
    return queryset.annotate(
        untrained=ExpressionWrapper(untrained_condition(now, user_path=user_path), output_field=BooleanField())
    )


def flagged_administrators(now: datetime | None = None) -> list[Designation]:
    """Every current administrator flagged as untrained, by entidad and organ, with the
    designation (person, organ, role). One query."""
    designations = Designation.objects.filter(
        ends_at__isnull=True, user__is_active=True, user__organ_id=F("organ_id")
    ).filter(untrained_condition(now or timezone.now(), user_path="user__"))
    return list(
        designations.select_related("user", "organ__entidad").order_by(
            F("organ__entidad__code").asc(nulls_first=True), "organ__name", "organ_id", "-role"
        )
    )


# --- Home panel ------------------------------------------------------------------------------


def panel_context(user: User, now: datetime | None = None) -> dict | None:
    """For the home panel (wired by ``evaluations.panels``): the next meeting one is invited to
    (CNCS: the next scheduled one), one's invitation, whether the code can be typed now, and
    whether one is flagged. None when there is nothing to show."""
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    upcoming = (
        meetings_visible_to(user)
        .filter(status__in=[Status.SCHEDULED, Status.HELD], starts_at__gte=now - timedelta(days=1))
        .order_by("starts_at", "pk")
        .first()
    )
    if upcoming is not None and not code_is_open(upcoming, now) and upcoming.starts_at < now:
        upcoming = None
    invitation = invitation_of(upcoming, user) if upcoming else None
    # Only administrators carry the flag on their own home page.
    flagged = bool(accounts_access.administered_organ_ids(user)) and bool(flagged_user_ids([user.pk], now=now))
    if upcoming is None and not flagged and not may_manage(user):
        return None
    return {
        "meeting": upcoming,
        "invitation": invitation,
        "code_open": bool(upcoming and invitation and code_is_open(upcoming, now)),
        "flagged": flagged,
        "manages": may_manage(user),
    }
