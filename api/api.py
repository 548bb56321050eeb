"""The NinjaAPI mounted at /api/v1/: the OpenAPI document at openapi.json and the docs at
docs (Swagger UI served from ninja's own static files, no CDN)."""

from __future__ import annotations

import re

from ninja import NinjaAPI
from ninja.parser import Parser

from . import errors
from .endpoints import accounts, consultations, content, evaluations, incidents, public, requests, tokens

DESCRIPTION = """
API del sistema de cuentas institucionales del INE en redes sociales. Llama a las mismas
reglas que las páginas: cada lista muestra lo que la persona ve en el sitio y cada acción
pasa por el mismo servicio y la misma verificación de acceso.

**Autenticación**: `POST /api/v1/auth/token` con usuario y contraseña devuelve una clave que
se envía como `Authorization: Bearer <clave>`. Desde el navegador también sirve la sesión
(las escrituras piden el encabezado `X-CSRFToken`). Las claves se administran en
`/claves-api/`.

**Errores**: siempre `{"error": {"code", "message", "fields"}}`: 400 cuerpo ilegible, 401 sin
identificarse, 403 sin permiso, 404 no existe o no tiene acceso, 409 el estado del registro
no lo permite (`already_resolved`, `invalid_transition`, `state_conflict`), 422 datos
inválidos (`fields` dice cuáles), 429 demasiadas solicitudes o acceso bloqueado
(`Retry-After`).

**Evaluaciones**: las evaluaciones semestrales (lectura y acuse de recibo del órgano), los
criterios y periodos, y el registro de asistencia a la capacitación anual con el código de la
reunión. Calificar, emitir y corregir se hace en las páginas.
"""

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return bool(_LONE_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


class JsonParser(Parser):
    """JSON may escape half a surrogate pair ("\\ud800"): no UTF-8 text holds one, and saving it
    fails in the database, so such a body is as unreadable as one that is not JSON (400)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _has_lone_surrogate(data):
            raise ValueError("lone surrogate in the JSON body")
        return data


api = NinjaAPI(
    title="Redes sociales institucionales del INE — API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api:v1",  # inside api.urls (app_name "api")
    parser=JsonParser(),
)
errors.install(api)
api.add_router("/public", public.router)
api.add_router("/auth", tokens.router)
api.add_router("/accounts", accounts.router)
api.add_router("/requests", requests.router)
api.add_router("/consultations", consultations.router)
api.add_router("/incidents", incidents.router)
api.add_router("/content", content.router)
api.add_router("/evaluations", evaluations.router)
