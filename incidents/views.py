"""Thin views: fetch through ``incidents.access``, write through ``services``, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access as accounts_access
from core.files import private_file_response
from core.forms import add_service_errors, recovered_initial
from core.params import int_param

from . import access, selectors, services
from .forms import (
    CloseForm,
    CorrectionForm,
    IncidentFilter,
    NoteForm,
    PlatformActionForm,
    ReportForm,
    StatementForm,
    StepForm,
    TransitionForm,
)
from .models import HACK_CHECKLIST, Incident, StepKind

PAGE_SIZE = 25


@login_required
def incident_list(request):
    """Open incidents first; CNCS, UNICOM and the Comité see every organ's (misuse only CNCS)."""
    user = request.user
    visible = access.incidents_visible_to(user)
    filters = IncidentFilter(request.GET or None, queryset=visible, organs=accounts_access.organs_visible_to(user))
    incidents = filters.qs.open_first().select_related("account__network", "organ", "network", "reported_by")
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "filter": filters,
        "page": page,
        "querystring": query.urlencode(),
        "may_report": access.may_report(user),
    }
    if access.sees_all(user):
        context["medians"] = selectors.median_times(filters.qs)
    return render(request, "incidents/incident_list.html", context)


@login_required
def incident_report(request):
    if not access.may_report(request.user):
        raise PermissionDenied(_("Solo las personas de un órgano o Comunicación Social reportan incidentes."))
    kind = request.GET.get("tipo") or Incident.Kind.HACK
    if kind not in Incident.Kind.values:
        kind = Incident.Kind.HACK
    accounts = access.accounts_reportable_by(request.user)
    initial = {}
    account_id = int_param(request.GET, "cuenta")
    if account_id is not None:
        initial["account"] = account_id
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        accounts=accounts,
        kind=kind,
        initial=recovered_initial(request, initial),
        owner=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            reported = form.report(request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            form.discard_kept_uploads()
            (messages.success if reported.created else messages.warning)(request, reported.message)
            return redirect("incidents:detail", pk=reported.incident.pk)
    return render(
        request,
        "incidents/incident_report.html",
        {"form": form, "kind": kind, "kinds": Incident.Kind.choices, "kind_label": Incident.Kind(kind).label},
    )


def _detail_context(request, incident: Incident, forms: dict) -> dict:
    user = request.user
    steps = {s.kind: s for s in incident.steps.select_related("by")}
    editable = access.can_edit(user, incident)
    checklist = []
    if incident.kind == Incident.Kind.HACK:
        for kind in HACK_CHECKLIST:
            step = steps.get(kind)
            form = None
            if editable and step is None:
                form = forms.get(("step", kind)) or StepForm(initial={"kind": kind}, auto_id=f"id_{kind}_%s")
            checklist.append({"kind": kind, "label": StepKind(kind).label, "step": step, "form": form})
    actions = access.available_actions(user, incident)
    context = {
        "i": incident,
        "checklist": checklist,
        "events": incident.events.all(),
        "attachments": incident.attachments.all(),
        "metrics": incident.metrics(),
        "pending": [StepKind(kind).label for kind in services.pending_steps(incident)],
        "editable": editable,
        "can_note": access.can_work_on(user, incident),
        "actions": actions,
    }
    if editable:
        context["statement_form"] = forms.get("statement") or StatementForm(
            initial={"statement_text": incident.statement_text}
        )
        if incident.kind == Incident.Kind.HATE:
            context["platform_form"] = forms.get("platform") or PlatformActionForm(
                initial={"platform_action": incident.platform_action}
            )
        if incident.kind == Incident.Kind.ERRONEOUS:
            context["correction_form"] = forms.get("correction") or CorrectionForm(
                initial={
                    "correction_text": incident.correction_text,
                    "correction_url": incident.correction_url,
                    "corrected_at": incident.corrected_at,
                }
            )
    if context["can_note"]:
        context["note_form"] = forms.get("note") or NoteForm()
    if "contain" in actions or "resolve" in actions:
        context["transition_form"] = forms.get("transition") or TransitionForm()
    if "close" in actions:
        context["close_form"] = forms.get("close") or CloseForm(initial=recovered_initial(request))
    return context


@login_required
def incident_detail(request, pk: int, forms: dict | None = None):
    incident = access.get_incident_for(request.user, pk)
    return render(request, "incidents/incident_detail.html", _detail_context(request, incident, forms or {}))


def _post(request, pk: int, form, call, success: str, form_key):
    """Run a posted form's service; field errors go back on the detail page's form, any
    other refusal (a state, a permission) is flashed."""
    incident = access.get_incident_for(request.user, pk)
    if form.is_valid():
        try:
            call(incident, form.cleaned_data)
        except PermissionDenied as exc:
            # The view already checked who may work on the incident; this is a step's own
            # rule (only the organ's administrators attest a password change): say it there.
            messages.error(request, str(exc))
            return redirect("incidents:detail", pk=pk)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return redirect("incidents:detail", pk=pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("incidents:detail", pk=pk)
    return render(request, "incidents/incident_detail.html", _detail_context(request, incident, {form_key: form}))


def _require_visible_actor(request, pk: int) -> Incident:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_work_on(request.user, incident):
        raise PermissionDenied(_("Solo quien atiende este incidente puede registrar su avance."))
    return incident


@login_required
@require_POST
def incident_transition(request, pk: int, action: str):
    incident = access.get_incident_for(request.user, pk)
    if action not in Incident.Action.values:
        raise PermissionDenied(_("Esa acción no existe."))
    try:
        services.ensure_allowed(incident, request.user, action)
    except services.InvalidTransition as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("incidents:detail", pk=pk)
    if action == Incident.Action.CLOSE:
        return _post(
            request,
            pk,
            CloseForm(request.POST),
            lambda i, d: services.close_incident(incident_id=i.pk, by=request.user, **d),
            _("Incidente cerrado."),
            "close",
        )
    service = services.contain_incident if action == Incident.Action.CONTAIN else services.resolve_incident
    return _post(
        request,
        pk,
        TransitionForm(request.POST),
        lambda i, d: service(incident_id=i.pk, by=request.user, note=d["note"]),
        _("Estado del incidente actualizado."),
        "transition",
    )


@login_required
@require_POST
def incident_step(request, pk: int):
    _require_visible_actor(request, pk)
    kind = request.POST.get("kind", "")
    # Each step of the checklist is its own small form; ids are per step so they never repeat.
    form = StepForm(request.POST, auto_id=f"id_{kind}_%s" if kind in StepKind.values else "id_%s")
    return _post(
        request,
        pk,
        form,
        lambda i, d: services.record_step(incident_id=i.pk, by=request.user, **d),
        _("Paso registrado."),
        ("step", kind),
    )


@login_required
@require_POST
def incident_statement(request, pk: int):
    _require_visible_actor(request, pk)
    return _post(
        request,
        pk,
        StatementForm(request.POST),
        lambda i, d: services.set_statement(
            incident_id=i.pk,
            by=request.user,
            text=d["statement_text"],
            template_id=d["template"].pk if d["template"] else None,
        ),
        _("Comunicado registrado."),
        "statement",
    )


@login_required
@require_POST
def incident_platform_action(request, pk: int):
    _require_visible_actor(request, pk)
    return _post(
        request,
        pk,
        PlatformActionForm(request.POST),
        lambda i, d: services.record_platform_action(incident_id=i.pk, by=request.user, **d),
        _("Medida ante la plataforma registrada."),
        "platform",
    )


@login_required
@require_POST
def incident_correction(request, pk: int):
    _require_visible_actor(request, pk)
    return _post(
        request,
        pk,
        CorrectionForm(request.POST),
        lambda i, d: services.record_correction(incident_id=i.pk, by=request.user, **d),
        _("Corrección registrada."),
        "correction",
    )


@login_required
@require_POST
def incident_note(request, pk: int):
    _require_visible_actor(request, pk)
    return _post(
        request,
        pk,
        NoteForm(request.POST),
        lambda i, d: services.add_note(incident_id=i.pk, by=request.user, **d),
        _("Nota agregada."),
        "note",
    )


@login_required
def incident_summary(request, pk: int):
    """The printable after-action summary: what happened, the times, what changed, lessons."""
    incident = access.get_incident_for(request.user, pk)
    return render(
        request,
        "incidents/incident_summary.html",
        {
            "i": incident,
            "steps": incident.steps.select_related("by"),
            "events": incident.events.all(),
            "metrics": incident.metrics(),
        },
    )


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """Screenshots live outside any public URL; only who sees the incident reads them."""
    incident = access.get_incident_for(request.user, pk)
    attachment = get_object_or_404(incident.attachments, pk=attachment_pk)
    return private_file_response(attachment.file, filename=attachment.original_name)
