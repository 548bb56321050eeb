"""Opening, closing and publicity requests: the lists, filing (with the signed oficio as a
multipart upload), sending a draft, and CNCS's decision."""

from __future__ import annotations

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from accounts import access as accounts_access
from accounts.models import Organ
from approvals import access, selectors, services
from approvals.forms import DecisionForm, RequestFilter, RequestForm
from approvals.models import AccountRequest

from .. import records
from ..auth import AUTH
from ..errors import form_error, responses, validation_error
from ..pagination import PageQuery, page
from ..schemas import MAX_ID, DecisionIn, Page, RequestOut
from .accounts import query_dict

router = Router(tags=["Solicitudes"], auth=AUTH)


@router.get(
    "",
    response={200: Page[RequestOut], **responses(401, 403, 422)},
    summary="Solicitudes que puede ver",
    description="Las mismas que la página «Solicitudes» (los borradores solo los ve su órgano).",
)
def request_list(
    request,
    pagination: PageQuery,
    status: str = Query("", max_length=20),
    kind: str = Query("", max_length=20, description="opening, closing o publicity."),
    organ: int | None = Query(None, ge=1, le=MAX_ID),
    entidad: int | None = Query(None, ge=1, le=MAX_ID),
    network: int | None = Query(None, ge=1, le=MAX_ID),
    vencidas: bool | None = Query(None, description="Solo las que esperan más del plazo de revisión."),
):
    user = request.auth
    visible = access.requests_visible_to(user)
    filters = RequestFilter(
        query_dict(
            {
                "status": status,
                "kind": kind,
                "organ": organ,
                "entidad": entidad,
                "network": network,
                "vencidas": vencidas,
            }
        ),
        queryset=selectors.with_related(visible).order_by("-created_at", "-pk"),
        organs=selectors.organs_with_requests(visible),
    )
    if not filters.is_valid():
        raise form_error(filters.form)
    return page(filters.qs, pagination, lambda r: records.account_request(r, user))


@router.get("/{request_id}", response={200: RequestOut, **responses(401, 403, 404, 422)}, summary="Una solicitud")
def request_detail(request, request_id: int = Path(..., ge=1, le=MAX_ID)):
    return records.account_request(access.get_request_for(request.auth, request_id), request.auth)


class RequestIn(Schema):
    kind: str = Field(..., description="opening, closing o publicity.")
    submit: bool = Field(False, description="true: se envía a Comunicación Social; false: queda en borrador.")
    oficio_number: str = ""
    network: int | None = Field(None, ge=1, le=MAX_ID, description="Apertura y publicidad: id de la red social.")
    proposed_name: str = ""
    proposed_handle: str = ""
    account_url: str = Field("", description="Publicidad: la dirección de la cuenta personal.")
    purpose: str = ""
    proposed_titular: int | None = Field(None, ge=1, le=MAX_ID, description="Apertura: id de la persona.")
    proposed_suplente: int | None = Field(None, ge=1, le=MAX_ID, description="Apertura: id de la persona.")
    account: int | None = Field(None, ge=1, le=MAX_ID, description="Cierre: id de la cuenta.")
    reason: str = Field("", description="Cierre: el motivo.")


@router.post(
    "",
    response={201: RequestOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Presentar una solicitud",
    description=(
        "La persona titular del órgano (publicidad: solo una consejería). **multipart/form-data**: los campos y el "
        "oficio firmado en PDF en `oficio` (obligatorio para enviarla; un borrador puede guardarse sin él)."
    ),
)
def request_create(request, payload: Form[RequestIn], oficio: File[UploadedFile] = None):
    user = request.auth
    kind = payload.kind if payload.kind in AccountRequest.Kind.values else ""
    if not kind:
        raise validation_error(
            {
                "kind": [
                    _("Elija uno de estos valores: %(expected)s.") % {"expected": ", ".join(AccountRequest.Kind.values)}
                ]
            }
        )
    services.ensure_may_file(user, kind)
    organ = Organ.objects.get(pk=accounts_access.headed_organ_id(user))
    data = query_dict({name: getattr(payload, name) for name in AccountRequest.FIELDS_BY_KIND[kind]})
    form = RequestForm(
        data,
        MultiValueDict({"oficio": [oficio]}) if oficio is not None else None,
        kind=kind,
        organ=organ,
        accounts=selectors.closable_accounts(organ, user),
    )
    if not form.is_valid():
        raise form_error(form)
    req = services.create_request(
        by=user, kind=kind, oficio=form.cleaned_data["oficio"], submit=payload.submit, **form.service_fields()
    )
    return Status(201, records.account_request(access.get_request_for(user, req.pk), user))


@router.post(
    "/{request_id}/submit",
    response={200: RequestOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Enviar un borrador (o una solicitud devuelta) a Comunicación Social",
)
def request_submit(request, request_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    req = access.get_request_for(user, request_id)
    services.submit_request(request_id=req.pk, by=user)
    return records.account_request(access.get_request_for(user, req.pk), user)


@router.post(
    "/{request_id}/decision",
    response={200: RequestOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Resolver una solicitud (Comunicación Social)",
    description=(
        "`decision`: approve (en un cierre, el acuse de recibo), return o reject; `comment` es obligatorio para "
        "devolver o rechazar. Una solicitud ya resuelta responde 409 `already_resolved` con quién y cuándo. El "
        "material de identidad gráfica se adjunta desde la página de la solicitud."
    ),
)
def request_decide(request, payload: DecisionIn, request_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    req = access.get_request_for(user, request_id)
    form = DecisionForm({"decision": payload.decision, "comment": payload.comment})
    if not form.is_valid():
        raise form_error(form)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    if decision == "approve":
        services.approve_request(request_id=req.pk, by=user, comment=comment)
    elif decision == "return":
        services.return_request(request_id=req.pk, by=user, comment=comment)
    else:
        services.reject_request(request_id=req.pk, by=user, reason=comment)
    return records.account_request(access.get_request_for(user, req.pk), user)
