from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import InboxFilterForm, PreferencesForm
from .kinds import label_for
from .models import INBOX_ORDER, Notification

PAGE_SIZE = 25


@login_required
def inbox(request):
    """Unread first, then newest; filtered by kind and read state."""
    received = list(request.user.notifications.order_by().values_list("kind", flat=True).distinct())
    form = InboxFilterForm(request.GET, received_kinds=received)
    items = request.user.notifications.order_by(*INBOX_ORDER)
    if not form.is_valid():
        items = items.none()  # as every list here: an invalid filter matches nothing, and says why
    else:
        if form.cleaned_data["tipo"]:
            items = items.filter(kind=form.cleaned_data["tipo"])
        if form.cleaned_data["filtro"] == "no-leidas":
            items = items.filter(read_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    querystring = request.GET.copy()
    querystring.pop("pagina", None)
    # Labels looked up once per kind, not once per row.
    labels = {code: label_for(code) for code in received}
    for n in page:
        n.kind_label = labels.get(n.kind, n.kind)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "form": form, "querystring": querystring.urlencode() if form.is_valid() else ""},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, pk: int):
    """POST marks the notification read and follows its link. GET only shows it: a link
    prefetched or opened by a mail scanner must not mark anything read."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if request.method == "GET":
        return render(
            request,
            "notifications/detail.html",
            {"notification": notification, "kind_label": label_for(notification.kind)},
        )
    services.mark_read(request.user, [notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(
        request,
        ngettext("%(count)s notificación marcada como leída.", "%(count)s notificaciones marcadas como leídas.", count)
        % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, current=services.deliveries_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, _("Sus preferencias de notificación se guardaron."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
