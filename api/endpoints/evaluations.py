"""Semestral evaluations (§8): the lists and one evaluation as the pages show them, the organ's
acknowledgement, the criteria and periods, and registering one's attendance at the annual
training with the meeting's code."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from accounts import access as accounts_access
from evaluations import access, criteria, services, training
from evaluations.forms import AcknowledgeForm, EvaluationFilter
from evaluations.models import Criterion, Evaluation, Period
from evaluations.training_forms import AttendanceCodeForm

from .. import records
from ..auth import AUTH
from ..errors import ApiError, form_error, responses, validation_error
from ..pagination import PageQuery, page
from ..schemas import (
    MAX_ID,
    AcknowledgeIn,
    AttendIn,
    AttendOut,
    CriteriaVersionOut,
    EvaluationDetailOut,
    EvaluationOut,
    Page,
    PeriodOut,
)
from .accounts import query_dict

router = Router(tags=["Evaluaciones"], auth=AUTH)

# Periods are PositiveSmallIntegerField years.
MAX_YEAR = 32767


def _require_seer(user) -> None:
    """As the list page: CNCS, the Comité and an organ's titular and administrators."""
    if not access.sees_evaluations(user):
        raise PermissionDenied(
            _("Las evaluaciones las ven Comunicación Social, el Comité y las personas titulares y administradoras.")
        )


def _related(qs):
    return qs.select_related("period__criteria", "account__network", "organ__entidad")


def _get(user, evaluation_id: int) -> Evaluation:
    found = access.get_evaluation_for(user, evaluation_id)
    return _related(Evaluation.objects.filter(pk=found.pk)).select_related("issued_by", "acknowledged_by").get()


# The fixed paths come before /{evaluation_id}.


@router.get(
    "/periods",
    response={200: list[PeriodOut], **responses(401, 403, 422)},
    summary="Periodos de evaluación",
    description="Los semestres abiertos, el más reciente primero, con la versión de los criterios de cada uno.",
)
def period_list(request):
    _require_seer(request.auth)
    return [records.period(p) for p in Period.objects.select_related("criteria").order_by("-year", "-half")]


@router.get(
    "/criteria",
    response={200: list[CriteriaVersionOut], **responses(401, 403, 422)},
    summary="Criterios de evaluación",
    description=(
        "Las versiones del procedimiento de evaluación (§8.i), la más reciente primero, con sus criterios. Los "
        "órganos leen las publicadas; CNCS y el Comité también el borrador en edición."
    ),
)
def criteria_list(request):
    user = request.auth
    criteria.require_read_criteria(user)
    versions = (
        criteria.versions_visible_to(user)
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk")))
        .order_by("-number")
    )
    return [records.criteria_version(v) for v in versions]


def _attend_refusal(exc: ValidationError) -> ApiError:
    """The service's refusals as the house's statuses: a wrong code is bad input (422 on
    ``code``), not being invited a 403, a cancelled or out-of-day meeting a 409, too many wrong
    codes a 429."""
    message = " ".join(exc.messages)
    code = getattr(exc, "code", None)
    if code == "wrong":
        return validation_error({"code": [message]})
    if code == "not_invited":
        return ApiError(403, "permission_denied", message)
    if code == "throttled":
        return ApiError(429, "rate_limited", message, headers={"Retry-After": str(training.CODE_FAILURE_WINDOW)})
    return ApiError(409, "state_conflict", message)


@router.post(
    "/training/attend",
    response={200: AttendOut, **responses(400, 401, 403, 409, 422, 429)},
    summary="Registrar mi asistencia a la capacitación",
    description=(
        "Con el código que Comunicación Social muestra en la reunión, el día de la reunión (desde una hora antes). "
        "Solo las personas invitadas. Código incorrecto: 422; no invitada: 403; reunión cancelada o fuera del día: "
        "409; demasiados códigos incorrectos en una hora: 429. Si ya estaba registrada, `already`: true."
    ),
)
def training_attend(request, payload: AttendIn):
    user = request.auth
    form = AttendanceCodeForm({"code": payload.code})
    if not form.is_valid():
        raise form_error(form)
    try:
        result = training.attend_with_code(by=user, code=form.cleaned_data["code"])
    except ValidationError as exc:
        raise _attend_refusal(exc) from exc
    invitation = training.invitation_of(result.meeting, user)
    return {
        "already": result.already,
        "message": _("Su asistencia ya estaba registrada.")
        if result.already
        else _("¡Listo! Su asistencia quedó registrada."),
        "meeting_id": result.meeting.pk,
        "meeting_title": result.meeting.title,
        "starts_at": result.meeting.starts_at,
        "attended_at": invitation.attended_at if invitation else None,
    }


@router.get(
    "",
    response={200: Page[EvaluationOut], **responses(401, 403, 422)},
    summary="Evaluaciones que puede ver",
    description=(
        "Las mismas que la página «Evaluaciones»: CNCS y el Comité, todas; un órgano, las de sus cuentas. Sin "
        "periodo, las de todos los periodos (el más reciente primero). La calificación de una evaluación aún no "
        "emitida solo la ven CNCS y el Comité."
    ),
)
def evaluation_list(
    request,
    pagination: PageQuery,
    period: int | None = Query(None, ge=1, le=MAX_ID, description="Id del periodo."),
    year: int | None = Query(None, ge=1, le=MAX_YEAR, description="Año del periodo."),
    half: int | None = Query(None, ge=1, le=2, description="Semestre: 1 (enero–junio) o 2 (julio–diciembre)."),
    status: str = Query("", max_length=20, description="pending, in_progress, issued o acknowledged."),
    organ: int | None = Query(None, ge=1, le=MAX_ID, description="Id del órgano."),
    entidad: int | None = Query(None, ge=1, le=MAX_ID, description="Id de la entidad."),
    network: int | None = Query(None, ge=1, le=MAX_ID, description="Id de la red social."),
    q: str = Query("", max_length=100, description="Nombre o usuario de la cuenta."),
):
    user = request.auth
    _require_seer(user)
    visible = access.evaluations_visible_to(user)
    if period is not None:
        if not Period.objects.filter(pk=period).exists():
            raise validation_error({"period": [_("No existe ese periodo de evaluación.")]})
        visible = visible.filter(period_id=period)
    if year is not None:
        visible = visible.filter(period__year=year)
    if half is not None:
        visible = visible.filter(period__half=half)
    filters = EvaluationFilter(
        query_dict({"status": status, "organ": organ, "entidad": entidad, "network": network, "q": q}),
        queryset=visible,
        organs=accounts_access.organs_visible_to(user),
    )
    if not filters.is_valid():
        raise form_error(filters.form)
    evaluations = _related(filters.qs).order_by(
        "-period__year", "-period__half", "organ__name", "account__network__sort_order", "account__name", "pk"
    )
    return page(evaluations, pagination, lambda e: records.evaluation(e, user))


@router.get(
    "/{evaluation_id}",
    response={200: EvaluationDetailOut, **responses(401, 403, 404, 422)},
    summary="Una evaluación",
    description=(
        "Con los puntajes por criterio, las emisiones (una corrección deja visible la anterior), el historial de "
        "estados y las cifras del sistema. El órgano ve puntajes, observaciones y cifras cuando se emite."
    ),
)
def evaluation_detail(request, evaluation_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    return records.evaluation_detail(_get(user, evaluation_id), user)


@router.post(
    "/{evaluation_id}/acknowledge",
    response={200: EvaluationDetailOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Acusar recibo de una evaluación",
    description=(
        "Solo la persona titular del órgano evaluado, con una respuesta opcional. `revision` es la emisión que "
        "leyó. Aún no emitida, ya recibida o corregida mientras tanto: 409 `invalid_transition`."
    ),
)
def evaluation_acknowledge(request, payload: AcknowledgeIn, evaluation_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    evaluation = access.get_evaluation_for(user, evaluation_id)
    access.require_acknowledger(user, evaluation)
    form = AcknowledgeForm({"response": payload.response, "revision": payload.revision})
    if not form.is_valid():
        raise form_error(form)
    services.acknowledge_evaluation(
        evaluation_id=evaluation.pk,
        by=user,
        response=form.cleaned_data["response"],
        revision=form.cleaned_data["revision"],
    )
    return records.evaluation_detail(_get(user, evaluation.pk), user)
