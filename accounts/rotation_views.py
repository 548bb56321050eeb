"""The password-rotation status page: every visible live account, ok / due soon / overdue."""

from __future__ import annotations

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access, rotation
from .models import Account, Entidad, Network, Organ

PAGE_SIZE = 50


class RotationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Situación"), choices=rotation.RotationState.choices, field_name="rotation_state"
    )
    q = django_filters.CharFilter(label=_("Buscar"), method="search")
    organ = django_filters.ModelChoiceFilter(label=_("Órgano"), queryset=Organ.objects.none())
    entidad = django_filters.ModelChoiceFilter(
        label=_("Entidad"), queryset=Entidad.objects.all(), field_name="organ__entidad"
    )
    network = django_filters.ModelChoiceFilter(label=_("Red social"), queryset=Network.objects.all())

    class Meta:
        model = Account
        fields = ["state", "q", "organ", "entidad", "network"]

    def __init__(self, *args, organs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organ"].queryset = organs if organs is not None else Organ.objects.none()

    def search(self, queryset, name, value):
        value = value.strip().lstrip("@")
        return queryset.filter(Q(name__icontains=value) | Q(handle__icontains=value) | Q(organ__name__icontains=value))


@login_required
def rotation_status(request):
    user = request.user
    today = timezone.localdate()
    accounts = rotation.with_rotation_state(
        access.accounts_visible_to(user).filter(status__in=rotation.LIVE_STATUSES), today
    )
    account_filter = RotationFilter(request.GET or None, queryset=accounts, organs=access.organs_visible_to(user))
    filtered = account_filter.qs if account_filter.is_bound and account_filter.is_valid() else accounts
    filtered = filtered.select_related("organ", "organ__entidad", "network").order_by(
        F("password_rotation_due_on").asc(nulls_first=True), "organ__name", "name"
    )
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("pagina"))
    for account in page:
        due = account.password_rotation_due_on
        account.days_overdue = (today - due).days if due and due < today else 0
    query = request.GET.copy()
    query.pop("pagina", None)
    counts = rotation.state_counts(accounts, today)
    return render(
        request,
        "accounts/rotation_status.html",
        {
            "filter": account_filter,
            "page": page,
            "querystring": query.urlencode(),
            "counts": [(state, label, counts[state]) for state, label in rotation.RotationState.choices],
            "today": today,
            "days_before": rotation.days_before(),
        },
    )
