"""One JSON shape for every error the API gives, in Spanish:

    {"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}

``code`` is stable (clients branch on it); ``message`` is for people; ``fields`` names the
input each message is about (empty when the error is about the whole request).

The services refuse with Django's exceptions; here they become statuses: ``Http404`` →
404, ``PermissionDenied`` → 403, a ``ValidationError`` naming fields → 422, one that names
none (the record's current state refuses the step: already decided, closed, expired) and
every ``InvalidTransition`` → 409.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from accounts.services import InvalidTransition as AccountsInvalidTransition
from approvals.services import AlreadyResolved
from evaluations.services import InvalidTransition as EvaluationsInvalidTransition
from incidents.services import InvalidTransition as IncidentsInvalidTransition

logger = logging.getLogger(__name__)


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """An error an endpoint answers directly, with its status and stable code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        super().__init__(message)


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation declares in the OpenAPI document."""
    return dict.fromkeys(statuses, ErrorOut)


def validation_error(fields: dict[str, list[str]], message: str | None = None) -> ApiError:
    return ApiError(422, "validation_error", message or _("Revise los datos enviados."), fields)


def form_error(form, renamed: dict[str, str] | None = None) -> ApiError:
    """A Django form's errors (the same form the web page uses) as a 422; ``renamed`` maps a
    form field to the API's name for it where they differ."""
    renamed = renamed or {}
    fields = {renamed.get(name, name): [str(m) for m in messages] for name, messages in form.errors.items()}
    return validation_error(fields)


# --- Django's and the services' exceptions ----------------------------------------------------

# The code of each conflict of state the services signal with their own exception.
CONFLICT_CODES: tuple[tuple[type[Exception], str], ...] = (
    (AlreadyResolved, "already_resolved"),
    (AccountsInvalidTransition, "invalid_transition"),
    (IncidentsInvalidTransition, "invalid_transition"),
    (EvaluationsInvalidTransition, "invalid_transition"),
)


def from_validation_error(exc: ValidationError) -> tuple[int, dict[str, Any]]:
    for cls, code in CONFLICT_CODES:
        if isinstance(exc, cls):
            return 409, error_body(code, " ".join(exc.messages))
    if hasattr(exc, "error_dict"):
        fields = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        return 422, error_body("validation_error", _("Revise los datos enviados."), fields)
    # A refusal that names no field comes from the record's current state (closed, expired,
    # already answered): the same request may succeed against another state, so 409.
    return 409, error_body("state_conflict", " ".join(exc.messages))


# --- pydantic's validation (ninja) -----------------------------------------------------------

PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("Este dato es obligatorio."),
    "string_type": lambda ctx: _("Debe ser texto."),
    "string_too_short": lambda ctx: _("No puede estar vacío."),
    "string_too_long": lambda ctx: (
        _("El texto es demasiado largo; el máximo es %(max)s caracteres.") % {"max": ctx.get("max_length", "")}
    ),
    "int_type": lambda ctx: _("Debe ser un número entero."),
    "int_parsing": lambda ctx: _("Debe ser un número entero."),
    "int_from_float": lambda ctx: _("Debe ser un número entero."),
    "greater_than_equal": lambda ctx: _("Debe ser al menos %(ge)s.") % {"ge": ctx.get("ge", "")},
    "greater_than": lambda ctx: _("Debe ser mayor que %(gt)s.") % {"gt": ctx.get("gt", "")},
    "less_than_equal": lambda ctx: _("Debe ser como máximo %(le)s.") % {"le": ctx.get("le", "")},
    "less_than": lambda ctx: _("Debe ser menor que %(lt)s.") % {"lt": ctx.get("lt", "")},
    "bool_type": lambda ctx: _("Debe ser verdadero o falso."),
    "bool_parsing": lambda ctx: _("Debe ser verdadero o falso."),
    "literal_error": lambda ctx: _("Elija uno de estos valores: %(expected)s.") % {"expected": ctx.get("expected", "")},
    "enum": lambda ctx: _("Elija uno de estos valores: %(expected)s.") % {"expected": ctx.get("expected", "")},
    "datetime_type": lambda ctx: _("Debe ser una fecha y hora (ISO 8601)."),
    "datetime_parsing": lambda ctx: _("Debe ser una fecha y hora (ISO 8601)."),
    "datetime_from_date_parsing": lambda ctx: _("Debe ser una fecha y hora (ISO 8601)."),
    "dict_type": lambda ctx: _("Debe ser un objeto JSON."),
    "model_type": lambda ctx: _("Debe ser un objeto JSON."),
    "model_attributes_type": lambda ctx: _("Debe ser un objeto JSON."),
    "json_invalid": lambda ctx: _("El cuerpo no es JSON válido."),
    "extra_forbidden": lambda ctx: _("Este dato no se admite."),
}
# Where a parameter came from, as ninja names it in ``loc``.
SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_name(loc: list | tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        source, parts = parts[0], parts[1:]
        # A body (or form) schema is one parameter: its name is not the client's field.
        if source in ("body", "form") and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def from_ninja_validation(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        describe = PYDANTIC_MESSAGES.get(error.get("type", ""))
        message = describe(error.get("ctx") or {}) if describe else _("El valor no es válido.")
        fields.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return fields


# --- The handlers -----------------------------------------------------------------------------

HTTP_ERROR_CODES = {
    400: ("bad_request", lambda: _("La solicitud no es válida.")),
    401: ("not_authenticated", lambda: _("Identifíquese con una clave de API (Authorization: Bearer …) o su sesión.")),
    403: ("permission_denied", lambda: _("No tiene permiso para hacer esto.")),
    404: ("not_found", lambda: _("No existe o no tiene acceso.")),
    405: ("method_not_allowed", lambda: _("Método no permitido.")),
    409: ("state_conflict", lambda: _("El estado actual del registro no lo permite.")),
    422: ("validation_error", lambda: _("Revise los datos enviados.")),
    429: ("rate_limited", lambda: _("Demasiadas solicitudes; espere antes de intentar de nuevo.")),
}


def install(api) -> None:
    """Register the handlers on the NinjaAPI ``api``: every error in the one shape."""

    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def generic(status: int) -> dict[str, Any]:
        code, message = HTTP_ERROR_CODES.get(status, ("error", lambda: _("No se pudo atender la solicitud.")))
        return error_body(code, message())

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        response = answer(request, exc.status, error_body(exc.code, exc.message, exc.fields))
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(NinjaValidationError)
    def ninja_validation(request, exc: NinjaValidationError):
        return answer(
            request, 422, error_body("validation_error", _("Revise los datos enviados."), from_ninja_validation(exc))
        )

    @api.exception_handler(ValidationError)
    def django_validation(request, exc: ValidationError):
        status, body = from_validation_error(exc)
        return answer(request, status, body)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        # Our access helpers raise 404 with a Spanish reason ("No existe la cuenta o …").
        message = str(exc.args[0]) if exc.args and exc.args[0] else generic(404)["error"]["message"]
        return answer(request, 404, error_body("not_found", message))

    @api.exception_handler(ObjectDoesNotExist)
    def object_missing(request, exc: ObjectDoesNotExist):
        return answer(request, 404, generic(404))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        message = str(exc) or generic(403)["error"]["message"]
        return answer(request, 403, error_body("permission_denied", message))

    @api.exception_handler(BadRequest)
    def bad_request(request, exc: BadRequest):
        return answer(request, 400, error_body("bad_request", str(exc) or generic(400)["error"]["message"]))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return answer(request, 400, error_body("body_too_large", _("El cuerpo de la solicitud es demasiado grande.")))

    for cls in (SuspiciousOperation, MultiPartParserError, UnreadablePostError):

        @api.exception_handler(cls)
        def unreadable(request, exc):
            return answer(request, 400, error_body("bad_request", _("No se pudo leer el cuerpo de la solicitud.")))

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        # ninja adds Retry-After to this response.
        return answer(request, 429, generic(429))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc: AuthenticationError):
        return answer(request, 401, generic(401))

    @api.exception_handler(AuthorizationError)
    def not_authorized(request, exc: AuthorizationError):
        return answer(request, 403, generic(403))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:
            # ninja's only 400 is a body it cannot parse.
            return answer(request, 400, error_body("malformed_body", _("El cuerpo de la solicitud no es JSON válido.")))
        return answer(request, exc.status_code, generic(exc.status_code))

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return answer(request, 500, error_body("server_error", _("Ocurrió un error inesperado; ya quedó registrado.")))
