"""Thin views: fetch through ``incidents.access``, write through ``services``, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import access, services
from .models import HACK_CHECKLIST, StepKind


@login_required
def incident_detail(request, pk: int):
    incident = access.get_incident_for(request.user, pk)
    steps = {s.kind: s for s in incident.steps.select_related("by")}
    checklist = [(StepKind(kind).label, steps.get(kind)) for kind in HACK_CHECKLIST] if incident.kind == "hack" else []
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "i": incident,
            "checklist": checklist,
            "events": incident.events.all(),
            "metrics": incident.metrics(),
            "pending": services.pending_steps(incident),
        },
    )
