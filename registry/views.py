"""The public registry (no login): the lookup, the directory, the open data; and, signed in,
the handle changes the organs propose and CNCS decides. Thin views: fetch through
``access``, write through ``services``, answer from ``lookup``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access as accounts_access
from core.forms import add_service_errors, recovered_initial

from . import access, lookup, opendata, services
from .forms import ConfirmForm, DirectoryFilter, HandleChangeForm, LookupForm, RejectForm
from .models import HandleChange

DIRECTORY_PAGE_SIZE = 50
CHANGES_PAGE_SIZE = 25


@dataclass(frozen=True)
class Badge:
    """How a registry status is shown: never by colour alone, always with an icon and words."""

    icon: str
    css: str
    label: str


BADGES = {
    lookup.Status.OFFICIAL: Badge("✔", "official", gettext_lazy("Cuenta institucional del INE")),
    lookup.Status.PERSONAL: Badge("✔", "personal", gettext_lazy("Cuenta personal publicitada de una consejería")),
    lookup.Status.COMPROMISED: Badge(
        "⚠", "compromised", gettext_lazy("Comprometida: no confíe en sus publicaciones recientes")
    ),
    lookup.Status.PENDING: Badge("◷", "pending", gettext_lazy("Pendiente de verificación")),
    lookup.Status.CLOSED: Badge("⊘", "closed", gettext_lazy("Cerrada: ya no es del INE")),
    lookup.Status.RECLASSIFIED: Badge("⊘", "closed", gettext_lazy("Ya no es una cuenta institucional del INE")),
    lookup.Status.UNREGISTERED: Badge("✘", "unregistered", gettext_lazy("No registrada")),
}


def _official_accounts():
    return lookup.directory().filter(is_official=True)


def lookup_page(request):
    """For the public, no login: is this account really the INE's?"""
    form = LookupForm(request.GET or None)
    verdict = None
    if form.is_valid():
        network = form.cleaned_data.get("network")
        verdict = lookup.verify(form.cleaned_data["q"], network.code if network else None)
    return render(
        request,
        "registry/lookup.html",
        {
            "form": form,
            "verdict": verdict,
            "matches": [
                (m, BADGES[m.status], f"{m.account.network.handle_prefix}{m.pending_handle}")
                for m in (verdict.matches if verdict else [])
            ],
            "unregistered": BADGES[lookup.Status.UNREGISTERED],
            "official_accounts": _official_accounts(),
        },
    )


def _directory_filter(request) -> DirectoryFilter:
    return DirectoryFilter(request.GET or None, queryset=lookup.directory())


def directory(request):
    directory_filter = _directory_filter(request)
    page = Paginator(directory_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("pagina"))
    accounts = list(page.object_list)
    pending = lookup.pending_handles(a.pk for a in accounts)
    for account in accounts:
        account.badge = BADGES[lookup.account_status(account, account.pk in pending)]
        account.pending_handle = pending.get(account.pk, "")
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "registry/directory.html",
        {
            "filter": directory_filter,
            "page": page,
            "officials": [a for a in accounts if a.is_official],
            "accounts": [a for a in accounts if not a.is_official],
            "querystring": query.urlencode(),
            "last_change": lookup.last_change(),
            "licence": opendata.licence(),
            "fields": opendata.FIELDS,
        },
    )


def open_data_csv(request):
    return opendata.csv_response(_directory_filter(request).qs)


def open_data_json(request):
    return opendata.json_response(_directory_filter(request).qs)


# --- Handle changes ---------------------------------------------------------------------


@login_required
def propose(request, pk: int):
    account = accounts_access.get_account_for(request.user, pk)
    access.require_propose(request.user, account)
    pending = account.handle_changes.filter(status=HandleChange.Status.PROPOSED).first()
    form = HandleChangeForm(request.POST or None, initial=recovered_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_handle_change(account_id=account.pk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Cambio enviado a Comunicación Social. Mientras lo verifica, el registro público muestra la "
                    "cuenta como «pendiente de verificación» con ambos nombres."
                ),
            )
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "registry/propose.html", {"account": account, "form": form, "pending": pending})


@login_required
def changes(request):
    user = request.user
    if not access.sees_changes(user):
        raise PermissionDenied(_("Los cambios de nombre de usuario los ven Comunicación Social y cada órgano."))
    visible = access.changes_visible_to(user).select_related("decided_by")
    ordered = visible.annotate(
        waiting=Case(
            When(status=HandleChange.Status.PROPOSED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("waiting", "-decided_at", "-proposed_at", "-id")
    page = Paginator(ordered, CHANGES_PAGE_SIZE).get_page(request.GET.get("pagina"))
    can_decide = access.can_decide(user)
    for change in page.object_list:
        change.may_withdraw = change.is_pending and access.can_withdraw(user, change)
        if change.is_pending and can_decide:
            # One pair of forms per change, each with its own ids (the page lists several).
            change.confirm_form = ConfirmForm(auto_id=f"id_confirmar_{change.pk}_%s")
            change.reject_form = RejectForm(auto_id=f"id_rechazar_{change.pk}_%s")
    return render(
        request,
        "registry/changes.html",
        {
            "page": page,
            "pending_count": visible.filter(status=HandleChange.Status.PROPOSED).count(),
            "can_decide": can_decide,
        },
    )


def _back(change: HandleChange):
    return redirect(reverse("registry:changes") + f"#cambio-{change.pk}")


def _decide(request, pk: int, form_class, service, done: str):
    change = access.get_change_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(change)
    try:
        service(change_id=change.pk, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back(change)


@login_required
@require_POST
def confirm(request, pk: int):
    return _decide(
        request,
        pk,
        ConfirmForm,
        services.confirm_handle_change,
        _("Cambio confirmado: el registro público ya muestra el nuevo nombre de usuario."),
    )


@login_required
@require_POST
def reject(request, pk: int):
    return _decide(
        request,
        pk,
        RejectForm,
        services.reject_handle_change,
        _("Cambio rechazado: se avisó al órgano y la cuenta conserva su nombre registrado."),
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    change = access.get_change_for(request.user, pk)
    try:
        services.withdraw_handle_change(change_id=change.pk, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Cambio retirado."))
    return _back(change)
