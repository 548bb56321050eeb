from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HTTPS_URL_FIELDS, ReadOnlyAdmin

from .models import (
    Account,
    AccountStatusChange,
    Designation,
    Entidad,
    LogEntry,
    Network,
    Organ,
    OutOfOfficePeriod,
    PasswordReminder,
    PasswordRotation,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "email", "organ", "position_level", "is_active"]
    list_filter = ["is_active", "is_staff", "position_level", "groups", "organ__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "organ__name"]
    autocomplete_fields = ["organ"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Adscripción"), {"fields": ("organ", "position_level", "job_title")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Adscripción"), {"fields": ("email", "first_name", "last_name", "organ", "position_level", "job_title")}),
    )


@admin.register(Entidad)
class EntidadAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]


@admin.register(Organ)
class OrganAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "entidad", "district_number", "head", "is_active"]
    list_filter = ["kind", "is_active", "entidad"]
    search_fields = ["code", "name", "acronym"]
    autocomplete_fields = ["head", "parent"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "handle_prefix", "url_hosts", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class StatusChangeInline(admin.TabularInline):
    model = AccountStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "display_handle", "network", "organ", "status", "verification_status", "is_official"]
    list_filter = ["status", "network", "verification_status", "is_official", "organ__kind", "organ__entidad"]
    search_fields = ["name", "handle", "url", "organ__name"]
    autocomplete_fields = ["organ"]
    # Status moves only through accounts.services (recorded with who and why).
    readonly_fields = [
        "status",
        "activated_at",
        "closed_at",
        "last_activity_at",
        "flagged_abandoned_at",
        "last_password_rotation_at",
        "password_rotation_due_on",
        "created_at",
        "updated_at",
    ]
    inlines = [StatusChangeInline]


@admin.register(AccountStatusChange)
class AccountStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["account", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["account__name", "account__handle", "comment"]


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["organ", "role", "user", "starts_at", "ends_at", "designated_by"]
    list_filter = ["role", "organ__kind", ("ends_at", admin.EmptyFieldListFilter)]
    search_fields = ["organ__name", "user__username", "user__first_name", "user__last_name"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "kind", "author", "occurred_at", "created_at", "corrects"]
    list_filter = ["kind", "account__network"]
    search_fields = ["text", "account__name", "account__handle", "author__username"]


@admin.register(OutOfOfficePeriod)
class OutOfOfficePeriodAdmin(admin.ModelAdmin):
    list_display = ["account", "starts_on", "ends_on", "reason", "monitor"]
    list_filter = ["starts_on"]
    search_fields = ["account__name", "reason"]
    autocomplete_fields = ["account", "monitor", "created_by"]


@admin.register(PasswordRotation)
class PasswordRotationAdmin(ReadOnlyAdmin):
    list_display = ["account", "rotated_by", "rotated_at"]
    list_filter = ["rotated_at"]
    search_fields = ["account__name", "account__handle"]


@admin.register(PasswordReminder)
class PasswordReminderAdmin(ReadOnlyAdmin):
    list_display = ["account", "due_on", "stage", "sent_at", "recipients"]
    list_filter = ["stage", "due_on"]
    search_fields = ["account__name", "account__handle"]
