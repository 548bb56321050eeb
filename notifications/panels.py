from django.urls import reverse
from django.utils.translation import gettext as _

from core.panels import NavLink, Panel

from .selectors import unread_count


def recent_notifications_panel(request) -> Panel:
    return Panel(
        template="notifications/_home_panel.html",
        order=900,
        context={"notifications": request.user.notifications.all()[:5]},
    )


def inbox_link(request) -> NavLink:
    return NavLink(
        label=_("Notificaciones"), url=reverse("notifications:inbox"), order=900, badge=unread_count(request.user)
    )
