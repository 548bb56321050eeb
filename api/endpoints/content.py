"""The §6 draft checker (contentrules), for other systems: the same form and the same
function as the "Revisar un texto" page."""

from __future__ import annotations

from ninja import Router

from contentrules.forms import ReviewForm
from contentrules.services import check_draft

from ..auth import AUTH
from ..errors import form_error, responses
from ..schemas import ContentCheckIn, ContentCheckOut

# This endpoint's fields → the page form's.
FORM_FIELDS = {"text": "texto", "network": "red"}

router = Router(tags=["Contenido"], auth=AUTH)


@router.post(
    "/check",
    response={200: ContentCheckOut, **responses(400, 401, 403, 422)},
    summary="Revisar un borrador contra los criterios (§6)",
    description=(
        "Devuelve lo que los criterios dicen del texto: cada hallazgo con su criterio (§6.iii, …), su gravedad "
        "(`blocks` impide publicar, `consult` consulte a Comunicación Social, `advice` sugerencia), el tramo del "
        "texto al que apunta (`start`, `end`, en caracteres) y la explicación. Con `network`, también la longitud "
        "máxima de esa red. No guarda nada."
    ),
)
def check(request, payload: ContentCheckIn):
    form = ReviewForm({FORM_FIELDS["text"]: payload.text, FORM_FIELDS["network"]: payload.network})
    if not form.is_valid():
        raise form_error(form, {form_field: field for field, form_field in FORM_FIELDS.items()})
    findings = check_draft(form.cleaned_data["texto"], form.cleaned_data["red"] or None)
    return {"count": len(findings), "findings": [finding.as_dict() for finding in findings]}
