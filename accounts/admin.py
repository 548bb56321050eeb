"""The admin writes through the same services as the web pages, or not at all.

A field whose change is a transition (an account's identity, an organ's titular, a person's
organ, level and active status, a new out-of-office period) is saved by calling its service,
so the same rules are enforced and the same history and notifications are written; every
other field a service owns is read-only. A service's refusal is shown on the form, in
Spanish, with what the person typed.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HTTPS_URL_FIELDS, ReadOnlyAdmin

from . import access, services
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


class ServiceRefused(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors  # by form field, NON_FIELD_ERRORS for the rest


def _refused_form(form_class, errors: dict[str, list[str]]):
    """``form_class`` that is invalid with the service's ``errors``."""

    class RefusedForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            for field, field_errors in errors.items():
                self.add_error(field if field in self.fields else None, field_errors)
            return cleaned_data

    return RefusedForm


class ThroughServicesAdmin(admin.ModelAdmin):
    """``save_model`` calls a service; a refusal undoes the whole save, and the form is shown
    again as the person filled it, with the service's words beside the fields they concern."""

    def call_service(self, service, **kwargs):
        try:
            return service(**kwargs)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            raise ServiceRefused(errors) from exc
        except PermissionDenied as exc:
            raise ServiceRefused({NON_FIELD_ERRORS: [str(exc)]}) from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            # The exception leaves the admin's transaction, so nothing of the save remains.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The same request again, its form now invalid with the refusal (get_form): the
            # admin renders it as any invalid form, with what was typed, and saves nothing.
            request.service_refusal = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        return _refused_form(form, refusal) if refusal else form


class HistoryAdmin(SimpleHistoryAdmin):
    """History is read here, never reverted: a revert would save an old version past the services."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(_("El historial solo se consulta; los cambios se hacen en el formulario."))
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(ThroughServicesAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "organ", "position_level", "is_active"]
    list_filter = ["is_active", "is_staff", "position_level", "groups", "organ__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "organ__name"]
    autocomplete_fields = ["organ"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Adscripción"), {"fields": ("organ", "position_level", "job_title")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Adscripción"), {"fields": ("email", "first_name", "last_name", "organ", "position_level", "job_title")}),
    )

    # Where a person works, at what level and whether they are active decide their
    # designations and headship: services.update_staff_assignment keeps those true.
    STAFF_ASSIGNMENT = ("organ", "position_level", "is_active")

    @admin.display(description=_("nombre completo"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    def has_delete_permission(self, request, obj=None):
        # A person leaves by being deactivated (the service ends their roles); deleting them
        # would drop an organ's titular with no history (Organ.head is SET_NULL).
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)  # a new person holds no role yet
            return
        if set(form.changed_data) & set(self.STAFF_ASSIGNMENT):
            self.call_service(
                services.update_staff_assignment,
                user_id=obj.pk,
                by=request.user,
                **{name: form.cleaned_data[name] for name in self.STAFF_ASSIGNMENT},
            )
        columns = {f.name for f in User._meta.concrete_fields}
        others = [name for name in form.changed_data if name in columns and name not in self.STAFF_ASSIGNMENT]
        if others:
            obj.save(update_fields=others)


@admin.register(Entidad)
class EntidadAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]


@admin.register(Organ)
class OrganAdmin(ThroughServicesAdmin, HistoryAdmin):
    list_display = ["code", "name", "kind", "entidad", "district_number", "head", "is_active"]
    list_filter = ["kind", "is_active", "entidad"]
    search_fields = ["code", "name", "acronym"]
    autocomplete_fields = ["head", "parent"]

    def get_readonly_fields(self, request, obj=None):
        # A new organ gets its titular afterwards, through services.set_organ_head.
        return ["head"] if obj is None else []

    def save_model(self, request, obj, form, change):
        head_changed = change and "head" in form.changed_data
        if head_changed:
            wanted = obj.head
            obj.head_id = form.initial["head"]  # the stored titular; only the service changes it
        if not change or set(form.changed_data) - {"head"}:
            super().save_model(request, obj, form, change)
        if head_changed:
            self.call_service(services.set_organ_head, organ_id=obj.pk, head=wanted, by=request.user)
            obj.refresh_from_db()


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "handle_prefix", "url_hosts", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # What the public lookup trusts a handle and an address by: changing them for an
        # existing network is a change to the code and catalogue (load_catalogue), not an edit.
        return ["code", "handle_prefix", "handle_pattern", "url_hosts"] if obj is not None else []


class StatusChangeInline(admin.TabularInline):
    model = AccountStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ThroughServicesAdmin, HistoryAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "handle_shown", "network", "organ", "status", "verification_status", "is_official"]
    list_filter = ["status", "network", "verification_status", "is_official", "organ__kind", "organ__entidad"]
    search_fields = ["name", "handle", "url", "organ__name"]
    inlines = [StatusChangeInline]

    @admin.display(description=_("usuario"), ordering="handle")
    def handle_shown(self, obj: Account) -> str:
        return obj.display_handle

    # An account is born from an approved opening request and ends through a closure
    # (approvals), its status moves through services.change_account_status: never here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # The fields this person may change through services.update_account_details (access
        # decides); the rest is read-only.
        editable = access.editable_account_fields(request.user, obj) if obj is not None else ()
        return [f.name for f in Account._meta.concrete_fields if f.name not in editable and not f.primary_key]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.fields}
        self.call_service(services.update_account_details, account_id=obj.pk, by=request.user, **fields)
        obj.refresh_from_db()


@admin.register(AccountStatusChange)
class AccountStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["account", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["account__name", "account__handle", "comment"]


@admin.register(Designation)
class DesignationAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ["organ", "role", "user", "starts_at", "ends_at", "designated_by"]
    list_filter = ["role", "organ__kind", ("ends_at", admin.EmptyFieldListFilter)]
    search_fields = ["organ__name", "user__username", "user__first_name", "user__last_name"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "kind", "author", "occurred_at", "created_at", "corrects"]
    list_filter = ["kind", "account__network"]
    search_fields = ["text", "account__name", "account__handle", "author__username"]


@admin.register(OutOfOfficePeriod)
class OutOfOfficePeriodAdmin(ThroughServicesAdmin):
    """Periods are added through services.add_out_of_office_period (by the organ's
    administrators, like the account page), and are a record afterwards."""

    list_display = ["account", "starts_on", "ends_on", "reason", "monitor", "created_by"]
    list_filter = ["starts_on"]
    ordering = OutOfOfficePeriod.DATE_ORDER
    search_fields = ["account__name", "reason"]
    autocomplete_fields = ["account", "monitor"]
    fields = ["account", "starts_on", "ends_on", "reason", "attention_hours", "monitor", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("starts_on", "ends_on", "reason", "attention_hours")}
        period = self.call_service(
            services.add_out_of_office_period,
            account_id=obj.account_id,
            by=request.user,
            monitor=obj.monitor,
            **data,
        )
        obj.pk, obj.created_by, obj.created_at = period.pk, period.created_by, period.created_at
        obj._state.adding = False


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
