"""A token for a script: the same user name and password as the sign-in page, counted by
the same lockout (django-axes); and the caller's own tokens, listed and revoked."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from core.formats import local_datetime

from .. import access, services
from ..auth import AUTH
from ..errors import ApiError, responses
from ..schemas import MAX_ID, TokenCreated, TokenIn, TokenOut
from ..throttling import PublicRateThrottle

router = Router(tags=["Claves de acceso"])


def _locked_out(request) -> ApiError:
    """The answer to a locked-out name or address: how long to wait, and never whether the
    person exists (the sign-in page says the same)."""
    # Answered here as JSON: the flag would make axes' middleware swap in its HTML page.
    request.axes_locked_out = False
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return ApiError(
        429,
        "locked_out",
        _(
            "Demasiados intentos fallidos. Por seguridad, el acceso quedó bloqueado durante %(minutes)s minutos; "
            "intente de nuevo después."
        )
        % {"minutes": minutes or 15},
        headers={"Retry-After": str(math.ceil(cool_off.total_seconds()))} if cool_off else None,
    )


@router.post(
    "/token",
    auth=None,
    throttle=[PublicRateThrottle()],
    response={201: TokenCreated, **responses(400, 401, 422, 429)},
    summary="Obtener una clave de acceso",
    description=(
        "Con el usuario y la contraseña del sistema. Los intentos fallidos cuentan para el mismo bloqueo que la "
        "página de entrada (429 con Retry-After). La clave se envía después como `Authorization: Bearer <clave>`."
    ),
)
def obtain_token(request, payload: TokenIn):
    if "\x00" in payload.username or "\x00" in payload.password:
        # No database stores a NUL in a name: no such person, and nothing to count.
        raise ApiError(401, "invalid_credentials", _("El usuario o la contraseña no son correctos."))
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise _locked_out(request)
    if user is None or not user.is_active:
        raise ApiError(401, "invalid_credentials", _("El usuario o la contraseña no son correctos."))
    name = payload.name.strip() or _("Clave de API del %(when)s") % {"when": local_datetime(timezone.now())}
    token, raw = services.create_token(user=user, name=name)
    return Status(201, {"token": raw, "id": token.pk, "name": token.name, "prefix": token.prefix})


@router.get(
    "/tokens",
    auth=AUTH,
    response={200: list[TokenOut], **responses(401, 403)},
    summary="Mis claves de acceso",
)
def list_tokens(request):
    return list(access.tokens_visible_to(request.auth))


@router.delete(
    "/tokens/{token_id}",
    auth=AUTH,
    response={200: TokenOut, **responses(401, 403, 404, 422)},
    summary="Revocar una de mis claves",
)
def revoke_token(request, token_id: int = Path(..., ge=1, le=MAX_ID)):
    return services.revoke_token(token_id=token_id, by=request.auth)
