"""Incidents: the lists and reporting one (a hack makes the account compromised and tells
the organ's titular, CNCS and UNICOM at once)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from accounts import access as accounts_access
from incidents import access
from incidents.forms import IncidentFilter, ReportForm

from .. import records
from ..auth import AUTH
from ..errors import form_error, responses
from ..pagination import PageQuery, page
from ..schemas import MAX_ID, IncidentIn, IncidentOut, IncidentReported, Page
from .accounts import query_dict

router = Router(tags=["Incidentes"], auth=AUTH)


def _related(qs):
    return qs.select_related("account__network", "organ", "organ__entidad", "network", "reported_by")


@router.get(
    "",
    response={200: Page[IncidentOut], **responses(401, 403, 422)},
    summary="Incidentes que puede ver",
    description=(
        "Los mismos que la página «Incidentes», abiertos primero: el uso indebido solo lo ven CNCS y la persona "
        "titular del órgano."
    ),
)
def incident_list(
    request,
    pagination: PageQuery,
    kind: str = Query("", max_length=20),
    status: str = Query("", max_length=20),
    organ: int | None = Query(None, ge=1, le=MAX_ID),
    entidad: int | None = Query(None, ge=1, le=MAX_ID),
    network: int | None = Query(None, ge=1, le=MAX_ID),
):
    user = request.auth
    filters = IncidentFilter(
        query_dict({"kind": kind, "status": status, "organ": organ, "entidad": entidad, "network": network}),
        queryset=access.incidents_visible_to(user),
        organs=accounts_access.organs_visible_to(user),
    )
    if not filters.is_valid():
        raise form_error(filters.form)
    return page(_related(filters.qs.open_first()), pagination, lambda i: records.incident(i, user))


@router.get("/{incident_id}", response={200: IncidentOut, **responses(401, 403, 404, 422)}, summary="Un incidente")
def incident_detail(request, incident_id: int = Path(..., ge=1, le=MAX_ID)):
    return records.incident(access.get_incident_for(request.auth, incident_id), request.auth)


@router.post(
    "",
    response={201: IncidentReported, 200: IncidentReported, **responses(400, 401, 403, 404, 409, 422)},
    summary="Reportar un incidente",
    description=(
        "Las personas del órgano (o CNCS) sobre una cuenta que opera el órgano; una suplantación nombra la cuenta "
        "falsa en `fake_handle` en lugar de `account`. Si la cuenta ya tiene un hackeo abierto, responde 200 con ese "
        "incidente (`created`: false). Las capturas se agregan desde la página del incidente."
    ),
)
def incident_report(request, payload: IncidentIn):
    user = request.auth
    if not access.may_report(user):
        raise PermissionDenied(_("Solo las personas de un órgano o Comunicación Social reportan incidentes."))
    kind = payload.kind
    form = ReportForm(
        query_dict(
            {
                "account": payload.account,
                "detected_at": payload.detected_at.isoformat(),
                "description": payload.description,
                "fake_handle": payload.fake_handle,
                "network": payload.network,
            }
        ),
        accounts=access.accounts_reportable_by(user),
        kind=kind,
    )
    if not form.is_valid():
        raise form_error(form)
    reported = form.report(user)
    body = {
        "created": reported.created,
        "message": reported.message,
        "incident": records.incident(access.get_incident_for(user, reported.incident.pk), user),
    }
    return Status(201 if reported.created else 200, body)
