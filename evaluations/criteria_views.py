"""Pages of the evaluation procedure (§8.i). Thin: fetch through ``criteria.get_version_for``,
write through the ``criteria`` services, render. Who may do what is decided there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.params import int_param

from . import access, criteria
from .criteria_forms import CriterionForm, MoveForm, VersionForm
from .models import CriteriaVersion, Criterion, Period


def _detail(version: CriteriaVersion) -> HttpResponseRedirect:
    return redirect("evaluations:criteria_detail", pk=version.pk)


def _refused(request, version: CriteriaVersion, exc: ValidationError) -> HttpResponseRedirect:
    messages.error(request, " ".join(exc.messages))
    return _detail(version)


def _draft_for_editing(request, pk: int) -> CriteriaVersion | HttpResponseRedirect:
    """The draft the Comité edits; a published version sends back to its page with the reason."""
    version = criteria.get_version_for(request.user, pk)
    criteria.require_publishes_criteria(request.user)
    if version.is_published:
        return _refused(request, version, criteria.published_refusal(version))
    return version


@login_required
def criteria_list(request):
    user = request.user
    criteria.require_read_criteria(user)
    versions = (
        criteria.versions_visible_to(user)
        .select_related("published_by", "created_by")
        .annotate(criteria_count=Count("criteria"))
        .prefetch_related(Prefetch("periods", queryset=Period.objects.order_by("year", "half")))
    )
    may_edit = access.publishes_criteria(user)
    return render(
        request,
        "evaluations/criteria_list.html",
        {
            "versions": versions,
            "in_force": criteria.version_in_force(),
            "may_edit": may_edit,
            "draft": criteria.current_draft() if may_edit else None,
        },
    )


@login_required
@require_POST
def criteria_create(request):
    criteria.require_read_criteria(request.user)
    criteria.require_publishes_criteria(request.user)
    source = int_param(request.POST, "desde")
    try:
        version = criteria.create_draft(by=request.user, copy_from_id=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluations:criteria_list")
    messages.success(request, _("Se creó el borrador de la versión %(number)s.") % {"number": version.number})
    return _detail(version)


@login_required
def criteria_detail(request, pk: int):
    user = request.user
    version = criteria.get_version_for(user, pk)
    items = list(version.criteria.order_by("position", "id"))
    for item in items:
        item.scale_lines = [line for line in item.scale_help.splitlines() if line.strip()]
    total = sum(c.weight for c in items)
    may_edit = access.publishes_criteria(user) and not version.is_published
    return render(
        request,
        "evaluations/criteria_detail.html",
        {
            "version": version,
            "items": items,
            "weight_total": total,
            "periods": version.periods.order_by("year", "half"),
            "in_force": criteria.version_in_force(),
            "may_edit": may_edit,
            "may_copy": access.publishes_criteria(user) and version.is_published and criteria.current_draft() is None,
        },
    )


@login_required
def criteria_edit(request, pk: int):
    version = _draft_for_editing(request, pk)
    if isinstance(version, HttpResponseRedirect):
        return version
    form = VersionForm(request.POST or None, initial={"title": version.title, "notes": version.notes})
    if request.method == "POST" and form.is_valid():
        try:
            criteria.update_draft(version_id=version.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _refused(request, version, exc)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Datos de la versión guardados."))
            return _detail(version)
    return render(request, "evaluations/criteria_version_form.html", {"version": version, "form": form})


def _criterion_page(request, version: CriteriaVersion, criterion: Criterion | None):
    if criterion is None:
        form = CriterionForm(request.POST or None, initial={"scale_help": _default_scale_help()})
    elif request.method == "POST":
        form = CriterionForm(request.POST)
    else:
        form = CriterionForm.for_criterion(criterion)
    if request.method == "POST" and form.is_valid():
        try:
            criteria.save_criterion(
                version_id=version.pk,
                by=request.user,
                criterion_id=criterion.pk if criterion else None,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _refused(request, version, exc)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Criterio guardado."))
            return _detail(version)
    return render(
        request,
        "evaluations/criteria_criterion_form.html",
        {"version": version, "criterion": criterion, "form": form},
    )


def _default_scale_help() -> str:
    return "\n".join(
        [
            _("0: no cumple"),
            _("1: cumple en forma mínima"),
            _("2: cumple parcialmente"),
            _("3: cumple en lo sustancial"),
            _("4: cumple plenamente"),
        ]
    )


@login_required
def criterion_add(request, pk: int):
    version = _draft_for_editing(request, pk)
    if isinstance(version, HttpResponseRedirect):
        return version
    return _criterion_page(request, version, None)


@login_required
def criterion_edit(request, pk: int, criterion_pk: int):
    version = _draft_for_editing(request, pk)
    if isinstance(version, HttpResponseRedirect):
        return version
    criterion = version.criteria.filter(pk=criterion_pk).first()
    if criterion is None:
        messages.error(request, _("Ese criterio no pertenece a esta versión."))
        return _detail(version)
    return _criterion_page(request, version, criterion)


@login_required
@require_POST
def criterion_remove(request, pk: int, criterion_pk: int):
    version = criteria.get_version_for(request.user, pk)
    try:
        criteria.remove_criterion(version_id=version.pk, criterion_id=criterion_pk, by=request.user)
    except ValidationError as exc:
        return _refused(request, version, exc)
    messages.success(request, _("Criterio quitado del borrador."))
    return _detail(version)


@login_required
@require_POST
def criterion_move(request, pk: int, criterion_pk: int):
    version = criteria.get_version_for(request.user, pk)
    form = MoveForm(request.POST)
    direction = form.cleaned_data["direction"] if form.is_valid() else ""
    try:
        criteria.move_criterion(version_id=version.pk, criterion_id=criterion_pk, by=request.user, direction=direction)
    except ValidationError as exc:
        return _refused(request, version, exc)
    return redirect(reverse("evaluations:criteria_detail", args=[version.pk]) + f"#criterio-{criterion_pk}")


def _confirm(request, pk: int, template: str, action, done: str):
    """A confirmation page (GET) and the action it confirms (POST)."""
    version = _draft_for_editing(request, pk)
    if isinstance(version, HttpResponseRedirect):
        return version
    if request.method == "POST":
        try:
            result = action(version)
        except ValidationError as exc:
            return _refused(request, version, exc)
        messages.success(request, done % {"number": version.number})
        return result
    items = list(version.criteria.order_by("position", "id"))
    return render(
        request,
        template,
        {"version": version, "items": items, "weight_total": sum(c.weight for c in items)},
    )


@login_required
def criteria_publish(request, pk: int):
    return _confirm(
        request,
        pk,
        "evaluations/criteria_publish.html",
        lambda v: _detail(criteria.publish_version(version_id=v.pk, by=request.user)),
        _("Se publicó la versión %(number)s de los criterios; se aplica a los periodos que se abran desde hoy."),
    )


@login_required
def criteria_discard(request, pk: int):
    def discard(version):
        criteria.discard_draft(version_id=version.pk, by=request.user)
        return redirect("evaluations:criteria_list")

    return _confirm(request, pk, "evaluations/criteria_discard.html", discard, _("Se descartó el borrador %(number)s."))
