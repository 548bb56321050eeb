"""Import pages: the list of imports, the upload, the preview (then the result), confirm and
discard, the rejected rows and the template files.

Comunicación Social only (``access.require_import``). The views read the file's kind and
the filter and hand everything else to ``onboarding.services`` and ``onboarding.importing``:
a refusal comes back as the service's own Spanish message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import access, importing, services
from .import_forms import RowFilter, UploadForm
from .models import Import, ImportRow

LIST_PAGE_SIZE = 25
ROWS_PAGE_SIZE = 100
# How the kinds and formats are written in the download addresses.
KIND_SLUGS = {"cuentas": Import.Kind.ACCOUNTS, "personal": Import.Kind.STAFF}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
FORMATS = ("xlsx", "csv")
# The cells shown beside each row of the preview (the rest is under «Ver la fila completa»).
KEY_COLUMNS = {
    Import.Kind.ACCOUNTS: ("organ", "network", "handle", "name"),
    Import.Kind.STAFF: ("first_name", "last_name", "email", "organ"),
}


# --- The list ---------------------------------------------------------------------------------


@login_required
def import_list(request):
    """Every import, newest first."""
    access.require_import(request.user)
    imports = Import.objects.select_related("uploaded_by", "decided_by").order_by("-uploaded_at", "-pk")
    page = Paginator(imports, LIST_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "onboarding/import_list.html", {"page": page, "querystring": ""})


# --- Upload -----------------------------------------------------------------------------------


def _templates() -> list[dict]:
    """Each kind with its columns and the addresses of its template files."""
    return [
        {
            "kind": kind,
            "label": label,
            "columns": importing.columns_for(kind),
            "files": [
                (fmt.upper(), reverse("onboarding:template", kwargs={"kind": SLUG_OF_KIND[kind], "fmt": fmt}))
                for fmt in FORMATS
            ],
        }
        for kind, label in Import.Kind.choices
    ]


@login_required
def import_new(request):
    """The upload form; a refused file comes back with the service's message."""
    access.require_import(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = services.preview_import(
                    kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"], by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.info(
                    request,
                    _("Revise la vista previa: nada se escribe hasta que confirme la importación."),
                )
                return redirect("onboarding:import_detail", pk=run.pk)
    else:
        form = UploadForm()
    return render(request, "onboarding/import_new.html", {"form": form, "templates": _templates()})


# --- Preview and result -----------------------------------------------------------------------


def _get_import(user, pk: int) -> Import:
    access.require_import(user)
    return get_object_or_404(Import.objects.select_related("uploaded_by", "decided_by"), pk=pk)


def _row_view(row: ImportRow, columns: list, key_columns: list) -> dict:
    """What the preview shows of one row: its action with the changed fields, its key cells,
    every cell and every problem."""
    action = row.get_action_display()
    also: list[str] = []
    if row.action == ImportRow.Action.UPDATE and row.changes:
        action = _("%(action)s: %(fields)s") % {"action": action, "fields": ", ".join(row.changes)}
    elif row.changes:
        also = row.changes  # a new account that also registers its administrators
    data = row.data or {}
    return {
        "row": row,
        "action": action,
        "also": also,
        "key_cells": [(c.header, data.get(c.key, "")) for c in key_columns],
        "cells": [(c.header, data.get(c.key, "")) for c in columns if data.get(c.key, "") not in ("", None)],
    }


@login_required
def import_detail(request, pk: int):
    """The preview of a file (what confirming would do, row by row), or once decided, what
    was done."""
    run = _get_import(request.user, pk)
    columns = importing.columns_for(run.kind)
    key_columns = [c for c in columns if c.key in KEY_COLUMNS[run.kind]]
    rows = run.rows.order_by("number")
    filters = RowFilter(request.GET or None, queryset=rows)
    page = Paginator(filters.qs, ROWS_PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    by_action = dict(run.rows.values_list("action").annotate(n=Count("pk")).order_by())
    valid = not filters.is_bound or filters.is_valid()
    chosen = filters.form.cleaned_data.get("accion") if filters.is_bound and valid else ""
    tabs = [("", _("Todas"), run.rows_total, valid and not chosen)] + [
        (action, label, by_action.get(action, 0), chosen == action) for action, label in ImportRow.Action.choices
    ]
    return render(
        request,
        "onboarding/import_detail.html",
        {
            "run": run,
            "filter": filters,
            "tabs": tabs,
            "page": page,
            "rows": [_row_view(row, columns, key_columns) for row in page],
            "key_headers": [c.header for c in key_columns],
            "querystring": query.urlencode(),
            "writes": run.created_count + run.updated_count,
            "formats": FORMATS,
        },
    )


def _show_refusal(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def import_confirm(request, pk: int):
    run = _get_import(request.user, pk)
    try:
        run = services.confirm_import(import_id=run.pk, by=request.user)
    except ValidationError as exc:
        _show_refusal(request, exc)
    else:
        messages.success(
            request,
            _(
                "Importación confirmada: %(created)s creadas, %(updated)s actualizadas, %(unchanged)s sin cambios "
                "y %(rejected)s filas con errores que no se escribieron."
            )
            % {
                "created": run.created_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
                "rejected": run.rejected_count,
            },
        )
    return redirect("onboarding:import_detail", pk=run.pk)


@login_required
@require_POST
def import_discard(request, pk: int):
    run = _get_import(request.user, pk)
    try:
        services.discard_import(import_id=run.pk, by=request.user)
    except ValidationError as exc:
        _show_refusal(request, exc)
    else:
        messages.success(request, _("Se descartó la importación; no se escribió nada."))
    return redirect("onboarding:import_detail", pk=run.pk)


# --- Downloads ----------------------------------------------------------------------------------


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404(_("Ese formato no existe; las descargas son XLSX o CSV."))
    return fmt


@login_required
def rejected_rows(request, pk: int, fmt: str):
    """The rows with errors, with an «Errores» column, ready to fix and upload again."""
    run = _get_import(request.user, pk)
    fmt = _format(fmt)
    if not run.rejected_count:
        raise Http404(_("Esta importación no tiene filas con errores."))
    return _attachment(*importing.rejected_rows_file(run, fmt))


@login_required
def template_file(request, kind: str, fmt: str):
    """The expected columns and one example row."""
    access.require_import(request.user)
    if kind not in KIND_SLUGS:
        raise Http404(_("Ese tipo de inventario no existe; los tipos son cuentas y personal."))
    return _attachment(*importing.template_file(KIND_SLUGS[kind], _format(fmt)))


urlpatterns = [
    path("importaciones/", import_list, name="imports"),
    path("importaciones/nueva/", import_new, name="import_new"),
    path("importaciones/<int:pk>/", import_detail, name="import_detail"),
    path("importaciones/<int:pk>/confirmar/", import_confirm, name="import_confirm"),
    path("importaciones/<int:pk>/descartar/", import_discard, name="import_discard"),
    path("importaciones/<int:pk>/rechazadas.<slug:fmt>", rejected_rows, name="rejected_rows"),
    path("plantilla/<slug:kind>.<slug:fmt>", template_file, name="template"),
]
