"""Thin views: fetch through ``access``, write through ``services``, render."""

from __future__ import annotations

import csv
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formats import local_datetime
from core.forms import add_service_errors, recovered_initial
from core.params import int_param
from core.spreadsheet import spreadsheet_safe as _spreadsheet_safe

from . import access, rotation, selectors, services
from .forms import (
    AccountDetailsForm,
    AccountFilter,
    DesignationForm,
    LogEntryForm,
    OutOfOfficeForm,
    PasswordRotationForm,
)
from .models import Account, Designation, LogEntry

PAGE_SIZE = 25


@login_required
def account_list(request):
    user = request.user
    accounts = access.accounts_visible_to(user).select_related("organ", "organ__entidad", "network")
    account_filter = AccountFilter(request.GET or None, queryset=accounts, organs=access.organs_visible_to(user))
    accounts = account_filter.qs
    if request.GET.get("formato") == "csv":
        return _accounts_csv(accounts)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "accounts/account_list.html",
        {"filter": account_filter, "page": page, "querystring": query.urlencode()},
    )


def _accounts_csv(accounts):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cuentas-institucionales-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Órgano"),
            _("Entidad"),
            _("Red social"),
            _("Nombre"),
            _("Usuario"),
            _("Dirección"),
            _("Estado"),
            _("Verificación"),
            _("Oficial"),
            _("Último cambio de contraseña"),
            _("Próximo cambio de contraseña"),
            _("Última actividad"),
        ]
    )
    fmt = lambda dt: timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""  # noqa: E731
    for a in accounts.iterator(chunk_size=500):
        writer.writerow(
            [
                _spreadsheet_safe(str(cell))
                for cell in (
                    a.organ.name,
                    a.organ.entidad.name if a.organ.entidad else "",
                    a.network.name,
                    a.name,
                    a.display_handle,
                    a.url,
                    a.get_status_display(),
                    a.get_verification_status_display(),
                    _("Sí") if a.is_official else _("No"),
                    fmt(a.last_password_rotation_at),
                    a.password_rotation_due_on or "",
                    fmt(a.last_activity_at),
                )
            ]
        )
    return response


@login_required
def account_detail(request, pk: int):
    account = access.get_account_for(request.user, pk)
    can_operate = access.can_operate_account(request.user, account)
    entries = Paginator(
        account.log_entries.select_related("author", "corrects").prefetch_related("corrections"), PAGE_SIZE
    ).get_page(request.GET.get("pagina"))
    context = {
        "account": account,
        "can_operate": can_operate,
        "can_edit": bool(access.editable_account_fields(request.user, account)),
        "designations": selectors.current_designations(account.organ),
        "entries": entries,
        "periods": selectors.recent_out_of_office_periods(account),
        "status_changes": account.status_changes.select_related("changed_by")[:50],
        "history": _history_rows(account),
        "rotations": account.password_rotations.select_related("rotated_by")[:10],
    }
    if account.status in Account.OPERATED_STATUSES:
        today = timezone.localdate()
        context["rotation_state"] = rotation.rotation_state(account.password_rotation_due_on, today)
        context["rotation_countdown"] = rotation.countdown(account.password_rotation_due_on, today)
    if can_operate:
        # One form's text, if the session ended while it was open here; the others ignore it.
        recovered = recovered_initial(request)
        context["log_form"] = LogEntryForm(initial={"kind": LogEntry.Kind.PUBLICATION, **recovered})
        context["period_form"] = OutOfOfficeForm(monitors=access.organ_administrators(account.organ), initial=recovered)
        context["rotation_form"] = PasswordRotationForm(initial=recovered)
    return render(request, "accounts/account_detail.html", context)


def _readable(field, value) -> str:
    """A stored value as a person reads it: the label of a choice, Sí/No, a local date."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:  # rare in an account's history (a change of organ or network)
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _history_rows(account: Account, limit: int = 30) -> list[dict]:
    """Each historical version with what changed against the one before it."""
    records = list(account.history.select_related("history_user")[: limit + 1])
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            for change in delta.changes:
                field = Account._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _readable(field, change.old),
                        "new": _readable(field, change.new),
                    }
                )
        rows.append({"record": newer, "changes": changes, "created": older is None})
    return rows[:limit]


def _operated_account(request, pk: int) -> Account:
    """404 for an account the user cannot see; for one they see but do not operate, the
    refusal the services give (the form is not shown, the POST would be refused)."""
    account = access.get_account_for(request.user, pk)
    access.require_operator(request.user, account)
    return account


@login_required
def log_entry_add(request, pk: int):
    account = _operated_account(request, pk)
    corrects = None
    if request.method == "POST":
        form = LogEntryForm(request.POST)
        if form.is_valid():
            try:
                services.add_log_entry(
                    account_id=account.pk,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    link=form.cleaned_data["link"],
                    occurred_at=form.cleaned_data["occurred_at"],
                    corrects_id=form.cleaned_data["corrects"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Entrada registrada en la bitácora."))
                return redirect("accounts:detail", pk=account.pk)
    else:
        corrects_id = int_param(request.GET, "corrige")
        if corrects_id is not None:
            corrects = get_object_or_404(LogEntry, pk=corrects_id, account=account)
        form = LogEntryForm(
            initial=recovered_initial(
                request,
                {"kind": corrects.kind if corrects else LogEntry.Kind.PUBLICATION, "corrects": corrects_id},
            )
        )
    return render(request, "accounts/log_entry_form.html", {"account": account, "form": form, "corrects": corrects})


@login_required
def out_of_office_add(request, pk: int):
    account = _operated_account(request, pk)
    monitors = access.organ_administrators(account.organ)
    form = OutOfOfficeForm(request.POST or None, monitors=monitors, initial=recovered_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_out_of_office_period(account_id=account.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Periodo vacacional o inhábil registrado."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/out_of_office_form.html", {"account": account, "form": form})


@login_required
def password_rotation_add(request, pk: int):
    account = _operated_account(request, pk)
    form = PasswordRotationForm(request.POST or None, initial=recovered_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_password_rotation(
                account_id=account.pk,
                by=request.user,
                rotated_at=form.cleaned_data["rotated_at"],
                meets_policy=form.cleaned_data["meets_policy"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cambio de contraseña registrado. El sistema no guarda contraseñas."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/password_rotation_form.html", {"account": account, "form": form})


@login_required
def account_edit(request, pk: int):
    account = access.get_account_for(request.user, pk)
    editable = access.require_editable_account_fields(request.user, account)
    form = AccountDetailsForm(
        request.POST or None,
        instance=Account.objects.get(pk=account.pk),
        editable=editable,
        initial=recovered_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_account_details(
                account_id=account.pk, by=request.user, **{f: form.cleaned_data[f] for f in form.fields}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Datos de la cuenta actualizados."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_edit.html", {"account": account, "form": form})


@login_required
def organ_detail(request, pk: int):
    organ = access.get_organ_for(request.user, pk)
    return render(
        request,
        "accounts/organ_detail.html",
        {
            "organ": organ,
            "designations": selectors.current_designations(organ),
            "past_designations": organ.designations.filter(ends_at__isnull=False).select_related("user")[:30],
            "accounts": access.accounts_visible_to(request.user).filter(organ=organ).select_related("network"),
            "can_designate": access.can_designate(request.user, organ),
        },
    )


@login_required
def designate(request, pk: int):
    organ = access.get_organ_for(request.user, pk)
    access.require_designate(request.user, organ)
    current = {d.role: d.user for d in selectors.current_designations(organ)}
    form = DesignationForm(
        request.POST or None,
        staff=selectors.organ_staff_for_designation(organ),
        initial=recovered_initial(
            request,
            {"titular": current.get(Designation.Role.TITULAR), "suplente": current.get(Designation.Role.SUPLENTE)},
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.designate_administrators(organ_id=organ.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Designación registrada; se notificó a Comunicación Social y al Comité."))
            else:
                messages.info(request, _("No hubo cambios en la designación."))
            return redirect("accounts:organ", pk=organ.pk)
    return render(request, "accounts/designate.html", {"organ": organ, "form": form, "current": current})


@login_required
def coverage(request):
    if not access.can_see_coverage(request.user):
        raise PermissionDenied(_("Solo Comunicación Social y el Comité consultan la cobertura."))
    return render(request, "accounts/coverage.html", {"gaps": selectors.coverage_gaps()})
