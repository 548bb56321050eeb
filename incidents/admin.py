"""The admin reads incidents; the one thing it records, a hate-speech platform measure,
goes through ``incidents.services`` (and its form refuses a block with the policy's words).
Statement templates are edited here freely."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from core.admin import HTTPS_URL_FIELDS, ReadOnlyAdmin

from . import services
from .forms import PlatformActionField
from .models import Incident, IncidentEvent, IncidentStep, PublicReport, StatementTemplate


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepInline(ReadOnlyInline):
    model = IncidentStep
    fields = ["kind", "outcome", "reason", "by", "at"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = IncidentEvent
    fields = ["kind", "at", "actor_name", "from_status", "to_status", "note"]
    readonly_fields = fields


class IncidentAdminForm(forms.ModelForm):
    platform_action = PlatformActionField(
        required=False, label=Incident._meta.get_field("platform_action").verbose_name
    )

    class Meta:
        model = Incident
        fields = ["platform_action"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    form = IncidentAdminForm
    list_display = ["pk", "kind", "status", "account", "organ", "reported_at", "reported_by"]
    list_filter = ["status", "kind"]
    search_fields = ["description", "account__handle", "fake_handle", "organ__name"]
    date_hierarchy = "reported_at"
    list_select_related = ["account__network", "organ", "reported_by"]
    inlines = [StepInline, EventInline]
    readonly_fields = [
        "account",
        "organ",
        "kind",
        "status",
        "detected_at",
        "reported_at",
        "reported_by",
        "description",
        "contained_at",
        "contained_by",
        "resolved_at",
        "resolved_by",
        "closed_at",
        "closed_by",
        "summary",
        "lessons",
        "statement_text",
        "fake_handle",
        "network",
        "correction_text",
        "correction_url",
        "corrected_at",
    ]

    def has_change_permission(self, request, obj=None):
        # Only the platform measure of an open hate-speech incident, and through the service.
        return request.user.is_superuser and (obj is None or (obj.kind == Incident.Kind.HATE and not obj.is_closed))

    def save_model(self, request, obj, form, change):
        if "platform_action" in form.changed_data and obj.platform_action:
            services.record_platform_action(
                incident_id=obj.pk, by=request.user, platform_action=form.cleaned_data["platform_action"]
            )


@admin.register(StatementTemplate)
class StatementTemplateAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["title", "code", "order"]
    search_fields = ["title", "text"]


@admin.register(PublicReport)
class PublicReportAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "handle_or_url", "claims_to_be", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["receipt", "handle_or_url", "claims_to_be"]
    exclude = ["client_hash"]
