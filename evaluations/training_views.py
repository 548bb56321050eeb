"""Thin views of the annual training meeting: fetch through ``training.get_meeting_for``,
write through the ``training`` functions, render."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, recovered_initial
from core.spreadsheet import spreadsheet_safe

from . import training
from .models import TrainingInvitation, TrainingMeeting
from .training_forms import AttendanceCodeForm, AttendanceForm, CancelForm, MeetingForm

Status = TrainingMeeting.Status


@login_required
def training_list(request):
    """The next meetings first (the soonest on top), then the past and cancelled ones."""
    user = request.user
    now = timezone.now()
    meetings = training.meetings_visible_to(user).annotate(
        mine=Exists(TrainingInvitation.objects.filter(meeting=OuterRef("pk"), user=user)),
        mine_attended=Exists(
            TrainingInvitation.objects.filter(meeting=OuterRef("pk"), user=user, attended_at__isnull=False)
        ),
        invited=Count("invitations", distinct=True),
        attended=Count("invitations", filter=Q(invitations__attended_at__isnull=False), distinct=True),
    )
    soon = Q(status=Status.SCHEDULED, starts_at__gte=now - timedelta(days=1))
    upcoming = list(meetings.filter(soon).order_by("starts_at", "pk"))
    past = list(meetings.exclude(soon).order_by("-starts_at", "-pk"))
    return render(
        request,
        "evaluations/training_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "manages": training.may_manage(user),
            "sees_everything": training.sees_everything(user),
            # The button for the code, for whoever is invited to a meeting whose code is open
            # (or, before the day, to any meeting: the page says when it opens).
            "may_attend": any(m.mine and m.status != Status.CANCELLED for m in upcoming + past[:3]),
        },
    )


def _detail_context(request, meeting: TrainingMeeting, forms: dict) -> dict:
    user = request.user
    now = timezone.now()
    manages = training.may_manage(user)
    context = {
        "meeting": meeting,
        "invitation": training.invitation_of(meeting, user),
        "manages": manages,
        "sees_everything": training.sees_everything(user),
        "code_open": training.code_is_open(meeting, now),
        "code_window": training.code_window(meeting),
        "scheduled": meeting.status == Status.SCHEDULED,
        "attend_form": forms.get("attend") or AttendanceCodeForm(),
    }
    if context["sees_everything"]:
        context["groups"] = training.invitees_by_entidad(meeting)
        context["counts"] = training.attendance_counts(meeting, context["groups"])
        if meeting.status == Status.HELD:
            context["absentees"] = training.absentees_by_entidad(meeting)
    if manages and "groups" in context:
        training.note_withdrawals(meeting, context["groups"])
        context["may_record"] = meeting.status != Status.CANCELLED and now >= training.code_window(meeting)[0]
        context["may_mark_held"] = meeting.status == Status.SCHEDULED and meeting.starts_at <= now
        context["cancel_form"] = forms.get("cancel") or CancelForm()
    return context


@login_required
def training_detail(request, pk: int):
    meeting = training.get_meeting_for(request.user, pk)
    return render(request, "evaluations/training_detail.html", _detail_context(request, meeting, {}))


@login_required
def training_new(request):
    training.require_manager(request.user)
    form = MeetingForm(request.POST or None, initial=recovered_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = training.schedule_meeting(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            invited = meeting.invitations.count()
            messages.success(
                request,
                ngettext(
                    "Reunión programada; se invitó a %(n)s persona.",
                    "Reunión programada; se invitó a %(n)s personas.",
                    invited,
                )
                % {"n": invited},
            )
            return redirect("evaluations:training_detail", pk=meeting.pk)
    return render(request, "evaluations/training_form.html", {"form": form, "meeting": None})


def _managed(request, pk: int) -> TrainingMeeting:
    """404 for a meeting one may not see; 403 for one seen but not organised by them."""
    meeting = training.get_meeting_for(request.user, pk)
    training.require_manager(request.user)
    return meeting


@login_required
def training_edit(request, pk: int):
    meeting = _managed(request, pk)
    if meeting.status != Status.SCHEDULED:
        messages.error(request, _("Solo se reprograma una reunión programada."))
        return redirect("evaluations:training_detail", pk=pk)
    form = MeetingForm(request.POST or None, initial=recovered_initial(request, MeetingForm.initial_from(meeting)))
    date_locked = training.date_lock_reason(meeting)
    # A page drawn with the dates locked posts none (disabled fields are not sent): keep the
    # meeting's. One drawn before they were locked posts them, and the service refuses a change.
    if date_locked and (request.method != "POST" or "starts_at" not in request.POST):
        form.lock_dates(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            result = training.reschedule_meeting(meeting_id=meeting.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not result.changed:
                messages.info(request, _("No hubo cambios en la reunión."))
            else:
                text = _("Reunión actualizada; se avisó a las personas invitadas.")
                if result.newly_invited:
                    text += " " + ngettext(
                        "Se invitó además a %(n)s persona designada después.",
                        "Se invitó además a %(n)s personas designadas después.",
                        result.newly_invited,
                    ) % {"n": result.newly_invited}
                messages.success(request, text)
            return redirect("evaluations:training_detail", pk=pk)
    return render(
        request, "evaluations/training_form.html", {"form": form, "meeting": meeting, "date_locked": date_locked}
    )


def _refused(request, pk: int, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))
    return redirect("evaluations:training_detail", pk=pk)


@login_required
@require_POST
def training_cancel(request, pk: int):
    meeting = _managed(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return render(request, "evaluations/training_detail.html", _detail_context(request, meeting, {"cancel": form}))
    try:
        training.cancel_meeting(meeting_id=meeting.pk, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _refused(request, pk, exc)
    messages.success(request, _("Reunión cancelada; se avisó a las personas invitadas."))
    return redirect("evaluations:training_detail", pk=pk)


@login_required
@require_POST
def training_held(request, pk: int):
    meeting = _managed(request, pk)
    try:
        training.mark_held(meeting_id=meeting.pk, by=request.user)
    except ValidationError as exc:
        return _refused(request, pk, exc)
    messages.success(request, _("Reunión marcada como realizada."))
    return redirect("evaluations:training_detail", pk=pk)


@login_required
@require_POST
def training_invite(request, pk: int):
    meeting = _managed(request, pk)
    try:
        invited = training.invite_new_people(meeting_id=meeting.pk, by=request.user)
    except ValidationError as exc:
        return _refused(request, pk, exc)
    if invited:
        messages.success(
            request,
            ngettext("Se invitó a %(n)s persona más.", "Se invitó a %(n)s personas más.", invited) % {"n": invited},
        )
    else:
        messages.info(request, _("Todas las personas administradoras y titulares vigentes ya estaban invitadas."))
    return redirect("evaluations:training_detail", pk=pk)


@login_required
@require_POST
def training_attendance(request, pk: int):
    meeting = _managed(request, pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("evaluations:training_detail", pk=pk)
    present, absent = form.changes()
    try:
        marked, unmarked = training.record_attendance(
            meeting_id=meeting.pk, by=request.user, user_ids=present, unmark_user_ids=absent
        )
    except ValidationError as exc:
        return _refused(request, pk, exc)
    messages.success(
        request,
        _("Asistencia guardada: %(marked)s registradas, %(unmarked)s retiradas.")
        % {"marked": marked, "unmarked": unmarked},
    )
    return redirect(reverse("evaluations:training_detail", args=[pk]) + "#asistencia")


@login_required
def training_code(request, pk: int):
    """The attendance code, large, to project in the room: CNCS only."""
    meeting = _managed(request, pk)
    return render(
        request,
        "evaluations/training_code.html",
        {"meeting": meeting, "code_window": training.code_window(meeting)},
    )


@login_required
def training_absentees_csv(request, pk: int):
    meeting = training.get_meeting_for(request.user, pk)
    if not training.sees_everything(request.user):
        raise PermissionDenied(_("Solo Comunicación Social y el Comité consultan la lista de ausentes."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="capacitacion-{stamp}-ausentes.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents correctly
    writer = csv.writer(response)
    writer.writerow([_("Entidad"), _("Órgano"), _("Persona"), _("Correo"), _("Cargo"), _("Invitada como")])
    for group in training.absentees_by_entidad(meeting):
        entidad = group.entidad.name if group.entidad else _("Sin entidad (oficinas centrales)")
        for organ_group in group.organs:
            for invitation in organ_group.invitations:
                person = invitation.user
                writer.writerow(
                    [
                        spreadsheet_safe(str(cell))
                        for cell in (
                            entidad,
                            organ_group.organ.name,
                            person.get_full_name() or person.username,
                            person.email,
                            person.job_title,
                            invitation.get_role_display(),
                        )
                    ]
                )
    return response


@login_required
def training_attend(request):
    """ "Registrar mi asistencia": the person types the code shown in the room (phone-first)."""
    form = AttendanceCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = training.attend_with_code(by=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.already:
                messages.info(request, _("Su asistencia ya estaba registrada."))
            else:
                messages.success(request, _("¡Listo! Su asistencia quedó registrada."))
            return redirect("evaluations:training_detail", pk=result.meeting.pk)
    return render(request, "evaluations/training_attend.html", {"form": form})
