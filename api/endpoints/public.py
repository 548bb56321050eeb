"""No login: is this account really the INE's, and the directory. Only ``public_record``
fields ever leave here — never administrators, e-mails or bitácoras."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from accounts.models import Network, Organ
from registry import lookup

from ..errors import responses, validation_error
from ..pagination import PageQuery, page
from ..schemas import Page, PublicAccount, VerifyOut
from ..throttling import PublicRateThrottle

router = Router(tags=["Público"], auth=None, throttle=[PublicRateThrottle()])


def _checked_network(code: str) -> str:
    codes = list(Network.objects.values_list("code", flat=True))
    if code and code not in codes:
        # Compared here, not in a query: a code with a NUL would make PostgreSQL refuse it.
        codes = ", ".join(codes)
        raise validation_error(
            {
                "network": [
                    _("No existe la red social «%(code)s»; use una de: %(codes)s.") % {"code": code, "codes": codes}
                ]
            }
        )
    return code


@router.get(
    "/verify",
    response={200: VerifyOut, **responses(400, 422, 429)},
    summary="¿Es del INE esta cuenta?",
    description=(
        "Busca un nombre de usuario (@INEMexico) o cualquier dirección de perfil (https://x.com/INEMexico). "
        "`status`: official, personal, compromised, closed, reclassified, pending_verification o unregistered; "
        "`account`: la cuenta más relevante (solo datos públicos) o null."
    ),
)
def verify(
    request,
    q: str = Query(..., min_length=1, max_length=300, description="Nombre de usuario o dirección del perfil."),
    network: str = Query("", max_length=30, description="Clave de la red social (x, facebook, …) para acotar."),
):
    if not q.strip():
        raise validation_error({"q": [_("Escriba el nombre de usuario o la dirección de la cuenta.")]})
    verdict = lookup.verify(q, _checked_network(network) or None)
    top = verdict.matches[0] if verdict.matches else None
    return {
        "status": verdict.status,
        "label": verdict.label,
        "account": lookup.public_record(top.account, top.status) if top else None,
        "matches": [
            {
                "status": m.status,
                "account": lookup.public_record(m.account, m.status),
                "closed_on": m.closed_on,
                "pending_handle": m.pending_handle,
            }
            for m in verdict.matches
        ],
        "similar_to": [lookup.public_record(a) for a in verdict.similar_to],
        "renamed_to": [lookup.public_record(change.account) for change in verdict.renamed],
        "query": verdict.query,
    }


@router.get(
    "/accounts",
    response={200: Page[PublicAccount], **responses(400, 422, 429)},
    summary="Directorio de cuentas institucionales",
    description="Las cuentas que el Instituto opera hoy; primero las cuatro oficiales nacionales.",
)
def directory(
    request,
    pagination: PageQuery,
    network: str = Query("", max_length=30, description="Clave de la red social."),
    entidad: int | None = Query(None, ge=1, le=32, description="Clave de la entidad federativa (1 a 32)."),
    organ_kind: str = Query("", max_length=30, description="Tipo de órgano: " + ", ".join(Organ.Kind.values)),
    q: str = Query("", max_length=300, description="Texto a buscar en usuario, nombre, órgano o entidad."),
):
    if organ_kind and organ_kind not in Organ.Kind.values:
        raise validation_error(
            {
                "organ_kind": [
                    _("Elija uno de estos valores: %(expected)s.") % {"expected": ", ".join(Organ.Kind.values)}
                ]
            }
        )
    accounts = lookup.directory(network=_checked_network(network), entidad=entidad, organ_kind=organ_kind, q=q)
    return page(accounts, pagination, lookup.public_record)
