"""Thin views: fetch through ``access``, write through ``services``, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access as accounts_access
from accounts import selectors as accounts_selectors
from accounts.models import Designation, Organ
from core.files import private_file_response
from core.forms import add_service_errors, recovered_initial
from core.middleware import kept_fields, stash_input
from core.params import int_param, next_param

from . import access, selectors, services
from .forms import (
    ConfirmClosureForm,
    DecisionForm,
    MailboxForm,
    RegisterAccountForm,
    RequestFilter,
    RequestForm,
    WithdrawForm,
)
from .models import AccountRequest

Kind = AccountRequest.Kind
Status = AccountRequest.Status
Action = AccountRequest.Action
PAGE_SIZE = 50
KIND_SLUGS = {"apertura": Kind.OPENING, "cierre": Kind.CLOSING, "publicidad": Kind.PUBLICITY}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}


def _form_errors_text(form) -> str:
    """A small form's errors as one flash message (these forms post from the detail page)."""
    return " ".join(e for errors in form.errors.values() for e in errors)


def _post_step(request, req, form, step, success: str):
    """Validate a one-step form, run its service, flash the outcome, back to the request."""
    if not form.is_valid():
        messages.error(request, _form_errors_text(form))
    else:
        try:
            step(request_id=req.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, success)
    return redirect("approvals:detail", pk=req.pk)


def _error_text(exc: ValidationError) -> str:
    """A service error as one sentence, naming the fields a dict of errors refers to."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for field, errors in exc.message_dict.items():
        try:
            label = str(AccountRequest._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # "comment", "__all__": no label to show
            label = ""
        text = " ".join(errors)
        parts.append(f"{label[:1].upper()}{label[1:]}: {text}" if label else text)
    return " ".join(parts)


def _refused(request, req: AccountRequest, action: str):
    """Before showing a form: the refusal the service would give, as a 403 or a message."""
    try:
        services.ensure_allowed(req, request.user, action)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("approvals:detail", pk=req.pk)
    return None


def _request_context(request, req: AccountRequest, *, next_url: str = "") -> dict:
    """Everything the request panel shows, and the actions this person may take on it."""
    user = request.user
    context = {
        "req": req,
        "transitions": req.transitions.select_related("by"),
        "can_edit": access.can_edit(user, req),
        "can_withdraw": access.can_withdraw(user, req),
        "can_decide": access.can_decide_request(user, req),
        "can_record_mailbox": access.can_record_mailbox_for(user, req),
        "can_register": access.can_register_account(user, req),
        "can_confirm_closure": access.can_confirm_closure(user, req),
        "next_url": next_url or request.get_full_path(),
        "progress": selectors.request_progress(req),
    }
    # A decision typed on this page before the session ended (the panel fills its comment).
    context["recovered"] = recovered_initial(request)
    if req.kind == Kind.OPENING and req.status in (Status.APPROVED, Status.MAILBOX_READY, Status.COMPLETED):
        context["designations"] = accounts_selectors.current_designations(req.organ)
    if context["can_record_mailbox"]:
        context["mailbox_form"] = MailboxForm()
    if context["can_confirm_closure"]:
        context["closure_form"] = ConfirmClosureForm()
    return context


# --- Lists ---------------------------------------------------------------------------------------


@login_required
def request_list(request):
    user = request.user
    visible = access.requests_visible_to(user)
    request_filter = RequestFilter(
        request.GET or None,
        queryset=selectors.with_related(visible).order_by("-created_at", "-pk"),
        organs=selectors.organs_with_requests(visible),
    )
    page = Paginator(request_filter.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "approvals/request_list.html",
        {
            "filter": request_filter,
            "page": page,
            "querystring": query.urlencode(),
            "kinds": access.kinds_user_may_file(user),
            "is_cncs": access.can_see_dashboard(user),
        },
    )


@login_required
def dashboard(request):
    """Comunicación Social's desk: pending first, the oldest on top; decide without leaving."""
    user = request.user
    if not access.can_see_dashboard(user):
        raise PermissionDenied(_("El tablero de solicitudes es de Comunicación Social."))
    visible = access.requests_visible_to(user)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Status.SUBMITTED
    organs = selectors.organs_with_requests(visible)
    base = selectors.with_related(visible).order_by("submitted_at", "pk")
    request_filter = RequestFilter(data, queryset=base, organs=organs)
    without_status = data.copy()
    without_status["status"] = ""
    counts_filter = RequestFilter(without_status, queryset=visible, organs=organs)
    counts = selectors.counts_by_status(counts_filter.qs)
    page = Paginator(request_filter.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))

    query = data.copy()
    for key in ("pagina", "ver"):
        query.pop(key, None)
    tab_query = query.copy()
    tab_query.pop("status", None)
    context = {
        "filter": request_filter,
        "page": page,
        "counts": counts,
        "current_status": data.get("status", ""),
        "querystring": query.urlencode(),
        "tab_querystring": tab_query.urlencode(),
        "overdue_days": settings.APPROVALS_REMINDER_AFTER_DAYS,
    }
    selected_id = int_param(request.GET, "ver")
    if selected_id is not None:
        selected = access.get_request_for(user, selected_id)
        context.update(_request_context(request, selected), selected_req=selected)
    return render(request, "approvals/dashboard.html", context)


# --- Filing and editing (the organ's titular) ----------------------------------------------------


@login_required
def request_new(request):
    services.ensure_may_file(request.user)
    kinds = access.kinds_user_may_file(request.user)
    choices = [(SLUG_OF_KIND[k], AccountRequest.Kind(k).label) for k in kinds]
    return render(request, "approvals/request_new.html", {"choices": choices})


def _form_for(request, *, kind: str, organ: Organ, instance: AccountRequest | None = None, initial=None):
    return RequestForm(
        request.POST or None,
        request.FILES or None,
        kind=kind,
        organ=organ,
        accounts=selectors.closable_accounts(organ, request.user),
        instance=instance,
        initial=recovered_initial(request, initial),
        owner=request.user,
    )


@login_required
def request_create(request, kind_slug: str):
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404(_("No existe ese tipo de solicitud."))
    services.ensure_may_file(request.user, kind)
    organ = Organ.objects.get(pk=accounts_access.headed_organ_id(request.user))
    initial = {}
    if kind == Kind.OPENING:
        current = {d.role: d.user_id for d in accounts_selectors.current_designations(organ)}
        initial = {
            "proposed_titular": current.get(Designation.Role.TITULAR),
            "proposed_suplente": current.get(Designation.Role.SUPLENTE),
        }
    account_id = int_param(request.GET, "cuenta")
    if kind == Kind.CLOSING and account_id is not None:
        initial["account"] = account_id
    form = _form_for(request, kind=kind, organ=organ, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "enviar" in request.POST
        try:
            req = services.create_request(
                by=request.user, kind=kind, oficio=form.cleaned_data["oficio"], submit=submit, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.discard_kept_uploads()
            if submit:
                messages.success(request, _("Solicitud enviada a Comunicación Social."))
            else:
                messages.success(request, _("Borrador guardado. Puede enviarlo cuando esté completo."))
            return redirect("approvals:detail", pk=req.pk)
    return render(request, "approvals/request_form.html", {"form": form, "kind": kind, "organ": organ, "req": None})


@login_required
def request_edit(request, pk: int):
    req = access.get_request_for(request.user, pk)
    refused = _refused(request, req, Action.EDIT)
    if refused:
        return refused
    form = _form_for(request, kind=req.kind, organ=req.organ, instance=req)
    if request.method == "POST" and form.is_valid():
        submit = "enviar" in request.POST
        try:
            services.update_request(
                request_id=req.pk,
                by=request.user,
                oficio=form.cleaned_data["oficio"],
                submit=submit,
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.discard_kept_uploads()
            messages.success(
                request, _("Solicitud enviada a Comunicación Social.") if submit else _("Cambios guardados.")
            )
            return redirect("approvals:detail", pk=req.pk)
    return render(
        request, "approvals/request_form.html", {"form": form, "kind": req.kind, "organ": req.organ, "req": req}
    )


@login_required
@require_POST
def request_submit(request, pk: int):
    req = access.get_request_for(request.user, pk)
    try:
        services.submit_request(request_id=req.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("No se pudo enviar: %(errors)s") % {"errors": _error_text(exc)})
        return redirect("approvals:edit" if req.is_editable else "approvals:detail", pk=req.pk)
    messages.success(request, _("Solicitud enviada a Comunicación Social."))
    return redirect("approvals:detail", pk=req.pk)


@login_required
@require_POST
def request_withdraw(request, pk: int):
    req = access.get_request_for(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():  # an over-long comment is refused with its count, never cut
        messages.error(request, _form_errors_text(form))
        return redirect("approvals:detail", pk=req.pk)
    try:
        services.withdraw_request(request_id=req.pk, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Solicitud retirada."))
    return redirect("approvals:detail", pk=req.pk)


# --- Decisions (Comunicación Social) ---------------------------------------------------------


@login_required
@require_POST
def request_decide(request, pk: int):
    req = access.get_request_for(request.user, pk)
    back = next_param(request, reverse("approvals:detail", args=[req.pk]))
    form = DecisionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors_text(form))
        _keep_decision_text(request, back)
        return redirect(back)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    try:
        if decision == "approve":
            services.approve_request(
                request_id=req.pk,
                by=request.user,
                comment=comment,
                identity_material=form.cleaned_data["identity_material"],
            )
            # "Aprobada", or for a closing "Acuse de recibo registrado" (AccountRequest.status_name).
            done = _("%(status)s: solicitud %(folio)s.")
        elif decision == "return":
            services.return_request(request_id=req.pk, by=request.user, comment=comment)
            done = _("Solicitud %(folio)s devuelta para cambios.")
        else:
            services.reject_request(request_id=req.pk, by=request.user, reason=comment)
            done = _("Solicitud %(folio)s rechazada.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        _keep_decision_text(request, back)
    else:
        messages.success(request, done % {"folio": req.folio, "status": req.status_name(Status.APPROVED)})
    return redirect(back)


def _keep_decision_text(request, page: str) -> None:
    """A refused decision goes back to the page it came from: with the comment typed."""
    stash_input(request, page, kept_fields(request.POST), request.user.pk)


# --- After approval: UNICOM's mailbox, the organ's registration and closing -----------------------


@login_required
@require_POST
def record_mailbox(request, pk: int):
    req = access.get_request_for(request.user, pk)
    return _post_step(
        request,
        req,
        MailboxForm(request.POST),
        services.record_mailbox,
        _("Correo institucional registrado; se avisó al órgano."),
    )


@login_required
def register_account(request, pk: int):
    req = access.get_request_for(request.user, pk)
    refused = _refused(request, req, Action.REGISTER_ACCOUNT)
    if refused:
        return refused
    form = RegisterAccountForm(request.POST or None, initial={"handle": req.account.handle if req.account else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.register_account(request_id=req.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cuenta registrada y activa; se informó al Comité."))
            return redirect("approvals:detail", pk=req.pk)
    return render(request, "approvals/register_form.html", {"req": req, "form": form})


@login_required
@require_POST
def confirm_closure(request, pk: int):
    req = access.get_request_for(request.user, pk)
    return _post_step(
        request,
        req,
        ConfirmClosureForm(request.POST),
        services.confirm_closure,
        _("Cuenta cerrada; se informó al Comité."),
    )


# --- Detail and documents ---------------------------------------------------------------------


@login_required
def request_detail(request, pk: int):
    req = access.get_request_for(request.user, pk)
    return render(request, "approvals/request_detail.html", _request_context(request, req))


@login_required
def oficio(request, pk: int):
    """The signed oficio, only for people who may see the request; never a public URL. A
    download, never shown inside a page of ours (core.files)."""
    req = access.get_request_for(request.user, pk)
    return private_file_response(req.oficio, filename=f"oficio-{req.folio}.pdf")


@login_required
def identity_material(request, pk: int):
    req = access.get_request_for(request.user, pk)
    extension = "." + req.identity_material.name.rsplit(".", 1)[-1] if req.identity_material else ""
    return private_file_response(req.identity_material, filename=f"identidad-grafica-{req.folio}{extension}")
