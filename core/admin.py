"""Admin building blocks shared by every app (core registers no model of its own, only
django-axes' records in Spanish and with our permissions)."""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Addresses typed without a scheme are read as https:// (Django 6's default, no warning).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit records are read, never edited or deleted, even by a superuser."""

    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- django-axes: the sign-in lockout's records --------------------------------------------
# Seen by superusers and by whoever is given axes' view permissions (Comunicación Social);
# Django's permissions decide, as for every model. The failure and success logs are audit
# records, read only; a failure counter may be deleted, which lifts that lockout at once
# (as `manage.py axes_reset_username <usuario>` does).


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    list_display = [
        "attempt_time", "username", "ip_address", "failures_since_start", "state", "path_info", "user_agent",
    ]  # fmt: skip
    list_filter = ["attempt_time", "path_info"]
    # axes' "Clean up expired attempts" answers in English; Django's "delete" does the job.
    actions = []

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Estado"))
    def state(self, obj: AccessAttempt) -> str:
        """The counter alone: a name or an address is paused when its counters together
        reach the limit, which a row cannot tell."""
        ends = obj.attempt_time + get_cool_off()
        if ends <= timezone.now():
            return gettext("vencido")
        if obj.failures_since_start >= axes_settings.AXES_FAILURE_LIMIT:
            until = timezone.localtime(ends)
            return gettext("en pausa hasta las %(time)s") % {"time": until.strftime("%H:%M")}
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return ngettext("le queda %(n)s intento", "le quedan %(n)s intentos", left) % {"n": left}


class AccessLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    pass


for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
