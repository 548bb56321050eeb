"""Consultations with Comunicación Social: the lists, opening one, answering it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from consultations import access, services
from consultations.forms import AnswerForm, ConsultationForm
from consultations.models import Consultation

from .. import records
from ..auth import AUTH
from ..errors import form_error, responses, validation_error
from ..pagination import PageQuery, page
from ..schemas import MAX_ID, AnswerIn, ConsultationIn, ConsultationOut, Page

router = Router(tags=["Consultas"], auth=AUTH)


def _related(qs):
    return qs.select_related(
        "account__organ", "account__organ__entidad", "account__network", "requested_by", "answered_by"
    )


@router.get(
    "",
    response={200: Page[ConsultationOut], **responses(401, 403, 422)},
    summary="Consultas que puede ver",
    description="Las mismas que la página «Consultas»: CNCS todas; un órgano, las de sus cuentas.",
)
def consultation_list(
    request,
    pagination: PageQuery,
    status: str = Query("", max_length=20, description="open, answered o expired."),
):
    user = request.auth
    consultations = _related(access.consultations_visible_to(user))
    if status and status not in Consultation.Status.values:
        raise validation_error({"status": [_("Ese estado de consulta no existe; elija uno de la lista.")]})
    if status:
        consultations = consultations.filter(status=status)
    return page(consultations, pagination, lambda c: records.consultation(c, user))


@router.get(
    "/{consultation_id}", response={200: ConsultationOut, **responses(401, 403, 404, 422)}, summary="Una consulta"
)
def consultation_detail(request, consultation_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    return records.consultation(_get(user, consultation_id), user)


def _get(user, consultation_id: int) -> Consultation:
    found = access.get_consultation_for(user, consultation_id)
    return _related(Consultation.objects.filter(pk=found.pk)).get()


@router.post(
    "",
    response={201: ConsultationOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Consultar a Comunicación Social",
    description=(
        "Los administradores designados, sobre una cuenta que operan. `kind`: pertinence o information. Corre el "
        "plazo de respuesta desde ahora. Los anexos se agregan desde la página de la consulta."
    ),
)
def consultation_open(request, payload: ConsultationIn):
    user = request.auth
    if not access.can_open(user):
        raise PermissionDenied(_("Solo los administradores designados de un órgano consultan a Comunicación Social."))
    form = ConsultationForm(payload.dict(), accounts=access.accounts_open_to_consult(user))
    if not form.is_valid():
        raise form_error(form)
    consultation = services.open_consultation(
        account_id=form.cleaned_data["account"].pk,
        by=user,
        kind=form.cleaned_data["kind"],
        question=form.cleaned_data["question"],
        subject_text=form.cleaned_data["subject_text"],
        source_link=form.cleaned_data["source_link"],
        attachments=form.cleaned_data["attachments"],
    )
    return Status(201, records.consultation(_get(user, consultation.pk), user))


@router.post(
    "/{consultation_id}/answer",
    response={200: ConsultationOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Responder una consulta (Comunicación Social)",
    description=(
        "`answer`: uno de `allowed_answers` de la consulta; `answer_text` obligatorio al publicar con cambios o al "
        "proporcionar información. Ya respondida o vencida: 409 `state_conflict`."
    ),
)
def consultation_answer(request, payload: AnswerIn, consultation_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    consultation = access.get_consultation_for(user, consultation_id)
    form = AnswerForm(payload.dict(), consultation=consultation)
    if not form.is_valid():
        raise form_error(form)
    services.answer_consultation(consultation_id=consultation.pk, by=user, **form.cleaned_data)
    return records.consultation(_get(user, consultation.pk), user)
