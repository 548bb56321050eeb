"""Thin views of the evaluation workflow: fetch through ``evaluations.access``, write through
``services``, render. A service's refusal is shown on the page with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access as accounts_access
from core.forms import add_service_errors, recovered_initial
from core.params import int_param

from . import access, figures, services
from .forms import AcknowledgeForm, CorrectForm, EvaluationFilter, OpenPeriodForm, ScoreForm
from .models import Evaluation, EvaluationStatus, Period

PAGE_SIZE = 25


def _require_seer(user) -> None:
    if not access.sees_evaluations(user):
        raise PermissionDenied(
            _("Las evaluaciones las ven Comunicación Social, el Comité y las personas titulares y administradoras.")
        )


# --- The list --------------------------------------------------------------------------------


def _sections(user) -> list[tuple[str, str]]:
    """The evaluation app's other pages, for those who may open them."""
    sections = [
        (_("Criterios de evaluación"), reverse("evaluations:criteria_list")),
        (_("Capacitación anual"), reverse("evaluations:training_list")),
    ]
    if access.sees_reports(user):
        sections.append((_("Informes"), reverse("evaluations:reports")))
    elif access.organ_report_scope(user):
        sections.append((_("Informe del órgano"), reverse("evaluations:report_organs")))
    return sections


def _list_context(request, open_form: OpenPeriodForm | None = None) -> dict:
    user = request.user
    periods = list(Period.objects.select_related("criteria").order_by("-year", "-half"))
    chosen_id = int_param(request.GET, "periodo")
    if chosen_id is None:
        period = periods[0] if periods else None
    else:
        period = next((p for p in periods if p.pk == chosen_id), None)
        if period is None:
            raise Http404(_("No existe ese periodo de evaluación."))
    context = {
        "periods": periods,
        "period": period,
        "sees_drafts": access.sees_drafts(user),
        "sections": _sections(user),
    }
    if access.evaluates(user):
        context["open_form"] = open_form or OpenPeriodForm()
    if period is None:
        return context
    visible = access.evaluations_visible_to(user).filter(period=period)
    filters = EvaluationFilter(
        request.GET or None,
        queryset=visible,
        organs=accounts_access.organs_visible_to(user),
        one_organ=not access.sees_all(user) and len(access.organ_ids_seen_by(user)) <= 1,
    )
    evaluations = filters.qs.select_related("account__network", "organ__entidad").order_by(
        "organ__name", "account__network__sort_order", "account__name", "pk"
    )
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).order_by())
    context.update(
        {
            "filter": filters,
            "page": page,
            "querystring": query.urlencode(),
            "status_counts": [(status, label, counts.get(status, 0)) for status, label in EvaluationStatus.choices],
        }
    )
    return context


@login_required
def evaluation_list(request):
    """The periods, newest first, and the chosen period's evaluations the user may see."""
    _require_seer(request.user)
    return render(request, "evaluations/evaluation_list.html", _list_context(request))


@login_required
@require_POST
def period_open(request):
    access.require_evaluator(request.user)
    form = OpenPeriodForm(request.POST)
    if form.is_valid():
        year, half = form.cleaned_data["semester"]
        try:
            period, created = services.open_period(year=year, half=half, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Se abrió el periodo «%(period)s» con %(count)s evaluaciones pendientes.")
                    % {"period": period, "count": created},
                )
            else:
                messages.info(request, _("El periodo «%(period)s» ya estaba abierto.") % {"period": period})
            return redirect(reverse("evaluations:list") + f"?periodo={period.pk}")
    return render(request, "evaluations/evaluation_list.html", _list_context(request, open_form=form))


# --- One evaluation --------------------------------------------------------------------------


def _issued_versions(evaluation: Evaluation) -> list[dict]:
    return [
        {"version": version, "figures": figures.from_json(version.figures)}
        for version in evaluation.issued_versions.select_related("issued_by").order_by("-revision")
    ]


def _detail_context(request, evaluation: Evaluation, forms: dict) -> dict:
    user = request.user
    sees_drafts = access.sees_drafts(user)
    versions = _issued_versions(evaluation) if evaluation.is_issued else []
    shows_scores = evaluation.is_issued or sees_drafts
    scores = services.scores_of(evaluation) if shows_scores else []
    scoring = access.evaluates(user) and evaluation.is_editable
    context = {
        "e": evaluation,
        "account": evaluation.account,
        "shows_scores": shows_scores,
        "scoring": scoring,
        "abandoned": evaluation.carries_abandoned_flag(evaluation.account.flagged_abandoned_at, timezone.localdate()),
        "closed_refusal": services.closed_account_refusal(evaluation) if evaluation.is_editable else None,
        "versions": versions,
        "history": evaluation.status_changes.select_related("changed_by"),
    }
    if not shows_scores:
        return context
    # While editable the figures are today's; once issued, those the organ received.
    groups = (
        figures.for_evaluation(evaluation) if evaluation.is_editable else (versions[0]["figures"] if versions else [])
    )
    by_source = {group.source: group for group in groups}
    context["groups"] = groups
    form = None
    if scoring and not context["closed_refusal"]:
        form = forms.get("score") or ScoreForm(
            scores=scores, initial=recovered_initial(request, {"summary": evaluation.summary})
        )
    elif access.evaluates(user) and evaluation.is_issued:
        context["correct_form"] = forms.get("correct") or CorrectForm(
            scores=scores, initial=recovered_initial(request, {"summary": evaluation.summary})
        )
    if forms.get("score"):
        form = forms["score"]  # refused after someone else issued it: what was typed stays on the page
    context["score_form"] = form
    context["rows"] = [
        {
            "score": score,
            "criterion": score.criterion,
            "group": by_source.get(score.criterion.source),
            "value": form[services.value_field(score.criterion.pk)] if form else None,
            "comment": form[services.comment_field(score.criterion.pk)] if form else None,
        }
        for score in scores
    ]
    context["forms_with_errors"] = [f for f in forms.values() if f.is_bound and f.errors]
    if evaluation.status == EvaluationStatus.ISSUED and access.may_acknowledge(user, evaluation):
        context["acknowledge_form"] = forms.get("acknowledge") or AcknowledgeForm(
            initial=recovered_initial(request, {"revision": evaluation.revision})
        )
    return context


@login_required
def evaluation_detail(request, pk: int):
    evaluation = access.get_evaluation_for(request.user, pk)
    return render(request, "evaluations/evaluation_detail.html", _detail_context(request, evaluation, {}))


def _run(request, evaluation: Evaluation, form, form_key: str, call, success: str):
    """Run the service when the form is valid; a refusal goes back on the page with the form."""
    if form.is_valid():
        try:
            call()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                # A state or a rule of the whole evaluation (already issued, unscored criteria):
                # said at the top of the page, the form below still holding what was typed.
                messages.error(request, _("No se guardó nada: %(reason)s") % {"reason": " ".join(exc.messages)})
        else:
            messages.success(request, success)
            return redirect("evaluations:detail", pk=evaluation.pk)
    evaluation = access.get_evaluation_for(request.user, evaluation.pk)  # as it stands now
    return render(request, "evaluations/evaluation_detail.html", _detail_context(request, evaluation, {form_key: form}))


@login_required
@require_POST
def evaluation_score(request, pk: int):
    """ "Guardar" saves the scores; "Emitir" saves them and issues, in one transaction."""
    evaluation = access.get_evaluation_for(request.user, pk)
    access.require_evaluator(request.user)
    form = ScoreForm(request.POST, scores=services.scores_of(evaluation))
    issuing = request.POST.get("accion") == "emitir"

    def call():
        service = services.issue_evaluation if issuing else services.save_scores
        service(evaluation_id=pk, by=request.user, values=form.values(), summary=form.cleaned_data["summary"])

    success = _("Evaluación emitida; se avisó al órgano.") if issuing else _("Calificación guardada.")
    return _run(request, evaluation, form, "score", call, success)


@login_required
@require_POST
def evaluation_correct(request, pk: int):
    evaluation = access.get_evaluation_for(request.user, pk)
    access.require_evaluator(request.user)
    form = CorrectForm(request.POST, scores=services.scores_of(evaluation))

    def call():
        services.correct_evaluation(
            evaluation_id=pk,
            by=request.user,
            values=form.values(),
            summary=form.cleaned_data["summary"],
            reason=form.cleaned_data["reason"],
        )

    return _run(request, evaluation, form, "correct", call, _("Evaluación corregida y emitida de nuevo."))


@login_required
@require_POST
def evaluation_acknowledge(request, pk: int):
    evaluation = access.get_evaluation_for(request.user, pk)
    access.require_acknowledger(request.user, evaluation)
    form = AcknowledgeForm(request.POST)

    def call():
        services.acknowledge_evaluation(
            evaluation_id=pk,
            by=request.user,
            response=form.cleaned_data["response"],
            revision=form.cleaned_data["revision"],
        )

    return _run(request, evaluation, form, "acknowledge", call, _("Se registró el acuse de recibo."))
