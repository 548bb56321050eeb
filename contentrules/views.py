"""Thin views: the checker through ``services.check_draft``, the lists through
``services.update_list``, who may do what through ``access``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import access, services
from .forms import ListForm, ReviewForm
from .models import Term


def _review(form: ReviewForm) -> dict | None:
    if not form.is_valid():
        return None
    text = form.cleaned_data["texto"]
    return {"text": text, "findings": services.check_draft(text, form.cleaned_data["red"] or None)}


@login_required
def review(request):
    """Paste a draft, see what §6 says about it; the same results live as one types (JS)."""
    form = ReviewForm(request.POST or None)
    result = _review(form) if request.method == "POST" else None
    return render(
        request,
        "contentrules/review.html",
        {"form": form, "review": result, "can_edit_lists": access.can_edit_lists(request.user)},
    )


@login_required
@require_POST
def review_json(request):
    """For the page's script: the results as the same HTML the page renders, and the findings."""
    form = ReviewForm(request.POST)
    result = _review(form)
    if result is None:
        return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
    context = {"review": result, "in_consultation": bool(request.POST.get("consulta"))}
    html = render_to_string("contentrules/includes/findings.html", context, request=request)
    return JsonResponse({"findings": [f.as_dict() for f in result["findings"]], "html": html})


@login_required
def lists(request):
    if not access.can_edit_lists(request.user):
        raise PermissionDenied(_("Las listas de palabras las mantiene Comunicación Social."))
    counts = services.list_counts()
    rows = [(kind, label, counts.get(kind, 0)) for kind, label in Term.Kind.choices]
    return render(request, "contentrules/lists.html", {"rows": rows, "process": services.current_process()})


@login_required
def list_edit(request, kind: str):
    if not access.can_edit_lists(request.user):
        raise PermissionDenied(_("Las listas de palabras las mantiene Comunicación Social."))
    if kind not in Term.Kind.values:
        raise Http404(_("Esa lista no existe."))
    if request.method == "POST":
        form = ListForm(request.POST)
        if form.is_valid():
            try:
                change = services.update_list(kind, form.cleaned_data["terms"], by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Lista guardada: %(added)s agregadas, %(removed)s retiradas.")
                    % {"added": len(change.added), "removed": len(change.removed)},
                )
                return redirect("contentrules:list_edit", kind=kind)
    else:
        form = ListForm(initial={"terms": "\n".join(services.active_terms(kind))})
    return render(
        request,
        "contentrules/list_edit.html",
        {"form": form, "kind": kind, "label": Term.Kind(kind).label, "history": services.list_history(kind)},
    )
