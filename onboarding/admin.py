"""The admin reads the imports, their rows and the regularisation records; every write goes
through ``onboarding.services`` and ``onboarding.regularisation`` (their pages), so nothing
here adds, edits or deletes. The records with history show it, never revert it."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import (
    Import,
    ImportRow,
    OrganExtension,
    Regularisation,
    RegularisationReminder,
    RegularisationSchedule,
)


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """History is read here, never reverted: a revert would save an old version past the services."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(_("El historial solo se consulta; los cambios se hacen en sus páginas."))
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Import)
class ImportAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name", "kind", "status", "uploaded_by", "uploaded_at", "decided_by", "decided_at",
        "rows_total", "created_count", "updated_count", "unchanged_count", "rejected_count",
    ]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "checksum"]
    list_select_related = ["uploaded_by", "decided_by"]
    date_hierarchy = "uploaded_at"


@admin.register(ImportRow)
class ImportRowAdmin(ReadOnlyAdmin):
    list_display = ["import_run", "number", "action", "account", "person"]
    list_filter = ["action", "import_run__kind"]
    list_select_related = ["import_run", "account__network", "person"]
    search_fields = ["import_run__file_name"]


@admin.register(RegularisationSchedule)
class RegularisationScheduleAdmin(ReadOnlyHistoryAdmin):
    list_display = ["deadline", "set_by", "set_at"]
    list_select_related = ["set_by"]


@admin.register(OrganExtension)
class OrganExtensionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["organ", "deadline", "granted_by", "granted_at"]
    list_select_related = ["organ", "granted_by"]
    search_fields = ["organ__name", "organ__code"]


@admin.register(Regularisation)
class RegularisationAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "account", "started_at", "purpose_confirmed_at", "purpose_confirmed_by", "criteria_accepted_at",
        "criteria_accepted_by", "outcome", "decided_at",
    ]  # fmt: skip
    list_filter = ["outcome"]
    search_fields = ["account__handle", "account__name", "account__organ__name"]
    list_select_related = ["account__network", "account__organ", "purpose_confirmed_by", "criteria_accepted_by"]
    raw_id_fields = ["account", "source_row", "purpose_confirmed_by", "criteria_accepted_by"]


@admin.register(RegularisationReminder)
class RegularisationReminderAdmin(ReadOnlyAdmin):
    list_display = ["organ", "deadline", "days_before", "sent_at"]
    list_select_related = ["organ"]
