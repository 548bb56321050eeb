"""Institutional accounts as the web list and page show them, and the bitácora entry."""

from __future__ import annotations

from django.http import QueryDict
from ninja import Path, Query, Router, Status

from accounts import access, services
from accounts.forms import AccountFilter, LogEntryForm

from .. import records
from ..auth import AUTH
from ..errors import form_error, responses
from ..pagination import PageQuery, page
from ..schemas import MAX_ID, AccountOut, LogEntryIn, LogEntryOut, Page

router = Router(tags=["Cuentas"], auth=AUTH)


def query_dict(values: dict) -> QueryDict:
    """Filter values as a web page's query string, leaving out those not given."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is not None and value != "":
            data[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return data


@router.get(
    "",
    response={200: Page[AccountOut], **responses(401, 403, 422)},
    summary="Cuentas que puede ver",
    description="Las mismas que la página «Cuentas»: CNCS, UNICOM y el Comité ven todas; un órgano, las suyas.",
)
def account_list(
    request,
    pagination: PageQuery,
    q: str = Query("", max_length=300),
    organ: int | None = Query(None, ge=1, le=MAX_ID, description="Id del órgano."),
    entidad: int | None = Query(None, ge=1, le=MAX_ID, description="Id de la entidad."),
    network: int | None = Query(None, ge=1, le=MAX_ID, description="Id de la red social."),
    status: str = Query("", max_length=20, description="requested, approved, active, compromised o closed."),
    abandoned: bool | None = Query(None, description="Solo las marcadas como posiblemente abandonadas."),
):
    user = request.auth
    visible = access.accounts_visible_to(user).select_related("organ", "organ__entidad", "network")
    filters = AccountFilter(
        query_dict(
            {"q": q, "organ": organ, "entidad": entidad, "network": network, "status": status, "abandoned": abandoned}
        ),
        queryset=visible,
        organs=access.organs_visible_to(user),
    )
    if not filters.is_valid():
        raise form_error(filters.form)
    return page(filters.qs, pagination, lambda a: records.account(a, user))


@router.get("/{account_id}", response={200: AccountOut, **responses(401, 403, 404, 422)}, summary="Una cuenta")
def account_detail(request, account_id: int = Path(..., ge=1, le=MAX_ID)):
    return records.account(access.get_account_for(request.auth, account_id), request.auth)


@router.post(
    "/{account_id}/log-entries",
    response={201: LogEntryOut, **responses(400, 401, 403, 404, 409, 422)},
    summary="Agregar una entrada a la bitácora",
    description=(
        "Solo los administradores designados del órgano, en una cuenta que existe en la red. `kind`: publication, "
        "reply, info_request, content_change, incident, holiday_monitoring u other (un cambio de contraseña se "
        "registra desde la página de la cuenta, con su declaración). Para corregir una entrada, `corrects` con su id."
    ),
)
def log_entry_add(request, payload: LogEntryIn, account_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    account = access.get_account_for(user, account_id)
    access.require_operator(user, account)
    form = LogEntryForm(
        {
            "kind": payload.kind,
            "text": payload.text,
            "link": payload.link,
            "occurred_at": payload.occurred_at or "",
            "corrects": payload.corrects or "",
        }
    )
    if not form.is_valid():
        raise form_error(form)
    entry = services.add_log_entry(
        account_id=account.pk,
        by=user,
        kind=form.cleaned_data["kind"],
        text=form.cleaned_data["text"],
        link=form.cleaned_data["link"],
        occurred_at=form.cleaned_data["occurred_at"],
        corrects_id=form.cleaned_data["corrects"],
    )
    return Status(201, records.log_entry(entry))
