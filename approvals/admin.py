"""Admin: read-only views of requests and their audit. Requests are filed and decided on
the site, where the oficio checks and the transition rules apply; nobody edits a status here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import AccountRequest, RequestTransition


class TransitionInline(admin.TabularInline):
    model = RequestTransition
    extra = 0
    can_delete = False
    fields = ["at", "by_name", "from_status", "to_status", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountRequest)
class AccountRequestAdmin(ReadOnlyAdmin):
    list_display = ["folio", "kind", "organ", "subject", "status", "requester", "submitted_at", "decided_by"]
    list_filter = ["status", "kind", "network", "organ__kind", "organ__entidad", "submitted_at"]
    search_fields = [
        "=id",
        "organ__name",
        "proposed_name",
        "proposed_handle",
        "oficio_number",
        "requester__username",
        "requester__last_name",
        "account__handle",
        "account__name",
        "mailbox",
    ]
    list_select_related = ["organ", "requester", "decided_by", "network", "account", "account__network"]
    date_hierarchy = "created_at"
    inlines = [TransitionInline]

    @admin.display(description=_("folio"), ordering="id")
    def folio(self, obj):
        return obj.folio

    @admin.display(description=_("asunto"))
    def subject(self, obj):
        return obj.subject


@admin.register(RequestTransition)
class RequestTransitionAdmin(ReadOnlyAdmin):
    list_display = ["request", "at", "by_name", "from_status", "to_status"]
    list_filter = ["to_status", "from_status", "request__kind", "at"]
    search_fields = ["=request__id", "by_name", "comment", "request__organ__name"]
    list_select_related = ["request"]
    date_hierarchy = "at"
