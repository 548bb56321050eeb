from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Notification

PAGE_SIZE = 25


@login_required
def inbox(request):
    items = request.user.notifications.all()
    if request.GET.get("filtro") == "no-leidas":
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request, "notifications/inbox.html", {"page": page, "only_unread": request.GET.get("filtro") == "no-leidas"}
    )


@login_required
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, [notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(request, _("%(count)s notificaciones marcadas como leídas.") % {"count": count})
    return redirect("notifications:inbox")
