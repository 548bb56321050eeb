"""Thin views: fetch through ``consultations.access``, write through ``services``, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contentrules.services import check_draft
from core.files import private_file_response
from core.forms import add_service_errors, recovered_initial
from core.params import int_param

from . import access, services
from .forms import AnswerForm, ConsultationForm, UserNoticeForm
from .models import Consultation

PAGE_SIZE = 25


def _page_context(request, consultations):
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return {
        "page": page,
        "querystring": query.urlencode(),
        "urgent_hours": settings.CONSULTATION_URGENT_HOURS,
        "hours": settings.CONSULTATION_HOURS,
    }


@login_required
def consultation_list(request):
    """The organ's consultations (everyone's for CNCS), newest first, with the live countdown."""
    consultations = access.consultations_visible_to(request.user).select_related(
        "account__organ", "account__network", "requested_by"
    )
    status = request.GET.get("estado", "")
    if status in Consultation.Status.values:
        consultations = consultations.filter(status=status)
    elif status:
        # As every list: an invalid filter matches nothing, and says why.
        consultations = consultations.none()
        messages.error(request, _("Ese estado de consulta no existe; elija uno de la lista."))
    context = _page_context(request, consultations)
    context.update(
        {
            "statuses": Consultation.Status.choices,
            "current_status": status,
            "can_open": access.can_open(request.user),
            "sees_queue": access.sees_all(request.user),
        }
    )
    return render(request, "consultations/consultation_list.html", context)


@login_required
def queue(request):
    """CNCS's work: open consultations, least time left first."""
    if not access.sees_all(request.user):
        raise PermissionDenied(_("La bandeja de consultas es de Comunicación Social."))
    consultations = (
        access.consultations_visible_to(request.user)
        .filter(status=Consultation.Status.OPEN)
        .select_related("account__organ", "account__organ__entidad", "account__network", "requested_by")
        .order_by("due_at", "pk")
    )
    return render(request, "consultations/queue.html", _page_context(request, consultations))


@login_required
def consultation_new(request):
    if not access.can_open(request.user):
        raise PermissionDenied(_("Solo los administradores designados de un órgano consultan a Comunicación Social."))
    accounts = access.accounts_open_to_consult(request.user)
    initial = {}
    account_id = int_param(request.GET, "cuenta")
    if account_id is not None:
        initial["account"] = account_id
    form = ConsultationForm(
        request.POST or None,
        request.FILES or None,
        accounts=accounts,
        initial=recovered_initial(request, initial),
        owner=request.user,
    )
    # "Revisar el texto" posts the form only to run the §6 checker on the draft; it never sends.
    reviewing = "revisar" in request.POST
    if request.method == "POST" and form.is_valid() and not reviewing:
        try:
            consultation = services.open_consultation(
                account_id=form.cleaned_data["account"].pk,
                by=request.user,
                kind=form.cleaned_data["kind"],
                question=form.cleaned_data["question"],
                subject_text=form.cleaned_data["subject_text"],
                source_link=form.cleaned_data["source_link"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.discard_kept_uploads()
            messages.success(
                request,
                _("Consulta enviada a Comunicación Social. Plazo de respuesta: %(due)s.")
                % {"due": services.local(consultation.due_at)},
            )
            return redirect("consultations:detail", pk=consultation.pk)
    return render(
        request,
        "consultations/consultation_form.html",
        {
            "form": form,
            "hours": settings.CONSULTATION_HOURS,
            "has_accounts": accounts.exists(),
            "review": _draft_review(form),
            "account_networks": {a.pk: a.network.code for a in accounts.select_related("network")},
        },
    )


def _draft_review(form) -> dict | None:
    """The checker's findings on a posted draft, shown beside it; they never stop the
    consultation (Comunicación Social decides)."""
    text = form["subject_text"].value() if form.is_bound else ""
    if not text:
        return None
    account = getattr(form, "cleaned_data", {}).get("account")
    return {"text": text, "findings": check_draft(text, account.network.code if account else None)}


@login_required
def consultation_detail(request, pk: int, answer_form=None, notice_form=None):
    consultation = access.get_consultation_for(request.user, pk)
    context = {
        "c": consultation,
        "events": consultation.events.select_related("actor"),
        "attachments": consultation.attachments.all(),
        "urgent_hours": settings.CONSULTATION_URGENT_HOURS,
        "hours": settings.CONSULTATION_HOURS,
    }
    # The answer or the notice typed here before the session ended, if any.
    recovered = recovered_initial(request)
    if access.can_answer(request.user, consultation):
        context["answer_form"] = answer_form or AnswerForm(consultation=consultation, initial=recovered)
    if access.can_send_user_notice(request.user, consultation):
        context["notice_form"] = notice_form or UserNoticeForm(initial=recovered)
    return render(request, "consultations/consultation_detail.html", context)


def _post_step(request, consultation, form, step, success: str, form_name: str):
    """Run a posted form's service; field errors go back on the detail page's form, any
    other refusal (a state, a permission) is flashed."""
    if form.is_valid():
        try:
            step(consultation_id=consultation.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return redirect("consultations:detail", pk=consultation.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("consultations:detail", pk=consultation.pk)
    return consultation_detail(request, consultation.pk, **{form_name: form})


@login_required
@require_POST
def consultation_answer(request, pk: int):
    consultation = access.get_consultation_for(request.user, pk)
    form = AnswerForm(request.POST, consultation=consultation)
    return _post_step(
        request,
        consultation,
        form,
        services.answer_consultation,
        _("Respuesta registrada; se notificó al órgano."),
        "answer_form",
    )


@login_required
@require_POST
def consultation_notice(request, pk: int):
    consultation = access.get_consultation_for(request.user, pk)
    return _post_step(
        request,
        consultation,
        UserNoticeForm(request.POST),
        services.send_user_notice,
        _("Aviso a la persona usuaria registrado en la bitácora de la cuenta."),
        "notice_form",
    )


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """Attachments live outside any public URL; only who sees the consultation reads them."""
    consultation = access.get_consultation_for(request.user, pk)
    attachment = get_object_or_404(consultation.attachments, pk=attachment_pk)
    return private_file_response(attachment.file, filename=attachment.original_name)
