"""Read-only in the admin: every change goes through ``consultations.services``."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Consultation, ConsultationAttachment, ConsultationEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = ConsultationEvent
    fields = ["kind", "at", "actor", "hours_left", "note"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = ConsultationAttachment
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "account", "kind", "status", "submitted_at", "due_at", "answer", "requested_by"]
    list_filter = ["status", "kind", "answer", "account__organ__kind"]
    search_fields = ["question", "subject_text", "account__name", "account__handle", "account__organ__name"]
    date_hierarchy = "submitted_at"
    list_select_related = ["account__network", "requested_by"]
    inlines = [AttachmentInline, EventInline]
