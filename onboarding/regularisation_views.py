"""Regularisation pages: thin views over ``onboarding.regularisation`` (rules, figures) and
``onboarding.access`` (who sees and does what). Names ``onboarding:regularisation*``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import access as accounts_access
from accounts.models import Account, Entidad, Network, Organ
from core.forms import add_service_errors
from core.params import int_param
from evaluations import charts

from . import access, regularisation
from .models import OrganExtension, Regularisation, RegularisationSchedule
from .regularisation_forms import DeadlineForm, ExtensionForm


def _organ_for(user, pk: int) -> Organ:
    organ = access.organs_visible_to(user).select_related("entidad", "head").filter(pk=pk).first()
    if organ is None:
        raise Http404(_("No existe el órgano o no tiene acceso a él."))
    return organ


def _own_organ_with_accounts(user) -> int | None:
    """The organ (headed or administered) whose regularisation page an organ's person lands on."""
    organ_ids = accounts_access.organ_ids_of(user)
    if not organ_ids:
        return None
    with_accounts = (
        Regularisation.objects.filter(account__organ_id__in=organ_ids)
        .order_by("account__organ_id")
        .values_list("account__organ_id", flat=True)
        .first()
    )
    return with_accounts or accounts_access.headed_organ_id(user) or min(organ_ids)


def _bars(groups: list[regularisation.Counts]) -> list[charts.Bar]:
    return [
        charts.Bar(
            c.label,
            c.percent_complete,
            note=ngettext("%(done)s de %(n)s cuenta", "%(done)s de %(n)s cuentas", c.total)
            % {"done": c.complete + c.regularised, "n": c.total},
        )
        for c in groups
    ]


@login_required
def overview(request):
    """National progress: CNCS, the Comité, UNICOM. An organ's people land on their organ's page."""
    user = request.user
    if not access.sees_national_progress(user):
        organ_id = _own_organ_with_accounts(user)
        if organ_id is None:
            raise PermissionDenied(_("Solo Comunicación Social, el Comité y UNICOM ven el avance nacional."))
        return redirect("onboarding:regularisation_organ", pk=organ_id)
    entidad_id = int_param(request.GET, "entidad")
    network_id = int_param(request.GET, "red")
    figures = regularisation.national_figures(entidad_id=entidad_id, network_id=network_id)
    schedule = RegularisationSchedule.objects.select_related("set_by").first()
    today = timezone.localdate()
    extensions = list(OrganExtension.objects.select_related("organ", "granted_by").order_by("deadline", "organ__name"))
    return render(
        request,
        "onboarding/regularisation_overview.html",
        {
            "schedule": schedule,
            "days_left": (schedule.deadline - today).days if schedule else None,
            "manages": access.manages_regularisation(user),
            "figures": figures,
            "extensions": extensions,
            "entidades": Entidad.objects.order_by("code"),
            "networks": Network.objects.order_by("sort_order", "name"),
            "entidad_id": entidad_id,
            "network_id": network_id,
            "entidad_chart": charts.bar_chart(
                "grafica-entidades",
                _("Avance de la regularización por entidad (porcentaje de cuentas completas o regularizadas)"),
                _bars(figures.by_entidad),
                unit="%",
            )
            if figures.by_entidad
            else None,
            "network_chart": charts.bar_chart(
                "grafica-redes",
                _("Avance de la regularización por red social (porcentaje de cuentas completas o regularizadas)"),
                _bars(figures.by_network),
                unit="%",
            )
            if figures.by_network
            else None,
        },
    )


@login_required
def organ_page(request, pk: int):
    """One organ: its deadline and each account in regularisation with its four steps."""
    user = request.user
    organ = _organ_for(user, pk)
    today = timezone.localdate()
    deadline = regularisation.effective_deadline(organ)
    extension = OrganExtension.objects.filter(organ=organ).select_related("granted_by").first()
    rows = regularisation.progress(
        regularisation.in_progress()
        .filter(account__organ=organ)
        .order_by("account__network__sort_order", "account__name")
    )
    may_designate = accounts_access.can_designate(user, organ)
    for row in rows:
        account = row.account
        allowed = {
            regularisation.StepKey.PURPOSE: access.may_confirm_purpose(user, account),
            regularisation.StepKey.ADMINISTRATORS: may_designate,
            regularisation.StepKey.PASSWORD: accounts_access.can_operate_account(user, account),
            regularisation.StepKey.CRITERIA: access.may_accept_criteria(user, account),
        }
        row.actions = [(step, allowed[step.key] and not step.done) for step in row.steps]
    decided = (
        Regularisation.objects.filter(account__organ=organ)
        .exclude(outcome=Regularisation.Outcome.PENDING)
        .select_related("account__network")
        .order_by("-decided_at", "account__name")
    )
    passed = deadline is not None and deadline < today
    return render(
        request,
        "onboarding/regularisation_organ.html",
        {
            "organ": organ,
            "deadline": deadline,
            "national": regularisation.national_deadline(),
            "extension": extension if extension and deadline == extension.deadline else None,
            "days_left": (deadline - today).days if deadline else None,
            "passed": passed,
            "rows": rows,
            "complete": sum(1 for row in rows if row.is_complete),
            "decided": decided,
            "may_accept_all": not passed
            and any(
                not row.regularisation.criteria_accepted_at and access.may_accept_criteria(user, row.account)
                for row in rows
            ),
            "manages": access.manages_regularisation(user),
            "sees_national": access.sees_national_progress(user),
        },
    )


@login_required
def deadline_form(request):
    access.require_manage_regularisation(request.user)
    schedule = RegularisationSchedule.objects.first()
    form = DeadlineForm(request.POST or None, initial={"deadline": schedule.deadline if schedule else None})
    if request.method == "POST" and form.is_valid():
        try:
            regularisation.set_deadline(deadline=form.cleaned_data["deadline"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Fecha límite nacional: %(date)s. Se avisó a los órganos con cuentas en regularización.")
                % {"date": regularisation.long_date(form.cleaned_data["deadline"])},
            )
            return redirect("onboarding:regularisation")
    history = schedule.history.select_related("history_user").order_by("-history_date")[:20] if schedule else []
    return render(
        request, "onboarding/regularisation_deadline.html", {"form": form, "schedule": schedule, "history": history}
    )


@login_required
def extension_form(request, pk: int):
    organ = _organ_for(request.user, pk)
    access.require_manage_regularisation(request.user)
    current = regularisation.effective_deadline(organ)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            regularisation.grant_extension(organ_id=organ.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Prórroga otorgada a %(organ)s hasta el %(date)s; se avisó a su titular y administradores.")
                % {"organ": organ, "date": regularisation.long_date(form.cleaned_data["deadline"])},
            )
            return redirect("onboarding:regularisation_organ", pk=organ.pk)
    return render(
        request,
        "onboarding/regularisation_extension.html",
        {"form": form, "organ": organ, "current": current, "today": timezone.localdate()},
    )


def _account_for(request, pk: int) -> Account:
    return accounts_access.get_account_for(request.user, pk)


def _back(account_or_organ_id: int):
    return redirect("onboarding:regularisation_organ", pk=account_or_organ_id)


@login_required
@require_POST
def confirm_purpose(request, pk: int):
    account = _account_for(request, pk)
    try:
        regularisation.confirm_purpose(account_id=account.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Uso institucional de %(account)s confirmado.") % {"account": account})
    return _back(account.organ_id)


@login_required
@require_POST
def accept_criteria(request, pk: int):
    account = _account_for(request, pk)
    try:
        regularisation.accept_criteria(account_id=account.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Criterios aceptados para %(account)s.") % {"account": account})
    return _back(account.organ_id)


@login_required
@require_POST
def accept_criteria_for_organ(request, pk: int):
    organ = _organ_for(request.user, pk)
    try:
        n = regularisation.accept_criteria_for_organ(organ_id=organ.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Criterios aceptados para %(n)s cuenta de %(organ)s.",
                "Criterios aceptados para %(n)s cuentas de %(organ)s.",
                n,
            )
            % {"n": n, "organ": organ},
        )
    return _back(organ.pk)


urlpatterns = [
    path("regularizacion/", overview, name="regularisation"),
    path("regularizacion/fecha-limite/", deadline_form, name="regularisation_deadline"),
    path("regularizacion/organos/<int:pk>/", organ_page, name="regularisation_organ"),
    path("regularizacion/organos/<int:pk>/prorroga/", extension_form, name="regularisation_extension"),
    path("regularizacion/organos/<int:pk>/criterios/", accept_criteria_for_organ, name="regularisation_accept_all"),
    path(
        "regularizacion/cuentas/<int:pk>/uso-institucional/",
        confirm_purpose,
        name="regularisation_confirm_purpose",
    ),
    path("regularizacion/cuentas/<int:pk>/criterios/", accept_criteria, name="regularisation_accept_criteria"),
]
