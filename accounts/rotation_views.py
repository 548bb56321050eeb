"""The password-rotation status page: every visible live account, ok / due soon / overdue."""

from __future__ import annotations

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access, rotation
from .forms import OrganScopedFilter
from .models import Account

PAGE_SIZE = 50


class RotationFilter(OrganScopedFilter):
    state = django_filters.ChoiceFilter(
        label=_("Situación"),
        choices=rotation.RotationState.choices,
        field_name="rotation_state",
        empty_label=_("Todas"),
    )

    class Meta:
        model = Account
        fields = ["state", "q", "organ", "entidad", "network"]


@login_required
def rotation_status(request):
    user = request.user
    today = timezone.localdate()
    accounts = rotation.with_rotation_state(
        access.accounts_visible_to(user).filter(status__in=Account.OPERATED_STATUSES), today
    )
    account_filter = RotationFilter(request.GET or None, queryset=accounts, organs=access.organs_visible_to(user))
    filtered = account_filter.qs.select_related("organ", "organ__entidad", "network").order_by(
        F("password_rotation_due_on").asc(nulls_first=True), "organ__name", "name"
    )
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("pagina"))
    labels = dict(rotation.RotationState.choices)
    for account in page:
        account.rotation_label = labels[account.rotation_state]
        account.countdown = rotation.countdown(account.password_rotation_due_on, today)
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
            "schedule": rotation.schedule_text(),
        },
    )
