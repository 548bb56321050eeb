"""The admin reads every record of evaluations and training; every write goes through
``evaluations.services``, ``evaluations.criteria`` and ``evaluations.training`` (their pages),
so nothing here edits or deletes: a published version, an issued evaluation and an
attendance are evidence."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    CriteriaVersion,
    Criterion,
    Evaluation,
    EvaluationStatusChange,
    IssuedVersion,
    Period,
    Score,
    TrainingInvitation,
    TrainingMeeting,
    TrainingReminder,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["position", "code", "name", "reference", "scale_min", "scale_max", "weight", "source"]
    readonly_fields = fields


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "created_by", "created_at", "published_by", "published_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["created_by", "published_by"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "code", "position", "weight", "scale_min", "scale_max", "source"]
    list_filter = ["version", "source"]
    search_fields = ["name", "code", "description"]
    list_select_related = ["version"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_on", "ends_on", "criteria", "opened_at", "opened_by"]
    list_select_related = ["criteria", "opened_by"]


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields
    show_change_link = False


class IssuedVersionInline(ReadOnlyInline):
    model = IssuedVersion
    fields = ["revision", "issued_at", "issued_by", "score", "reason"]
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = EvaluationStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["account", "organ", "period", "status", "score", "revision", "was_flagged_abandoned", "issued_at"]
    list_filter = ["status", "period", "was_flagged_abandoned"]
    search_fields = ["account__handle", "account__name", "organ__name"]
    list_select_related = ["account__network", "organ", "period"]
    inlines = [ScoreInline, IssuedVersionInline, StatusChangeInline]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "criterion", "value"]
    list_select_related = ["evaluation__account__network", "evaluation__period", "criterion"]


@admin.register(IssuedVersion)
class IssuedVersionAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "revision", "issued_at", "issued_by", "score"]
    list_select_related = ["evaluation__account__network", "evaluation__period", "issued_by"]
    date_hierarchy = "issued_at"


@admin.register(EvaluationStatusChange)
class EvaluationStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["evaluation__account__network", "evaluation__period", "changed_by"]
    date_hierarchy = "changed_at"


class InvitationInline(ReadOnlyInline):
    model = TrainingInvitation
    fields = ["user", "organ", "role", "invited_at", "attended_at", "attendance_recorded"]
    readonly_fields = fields


@admin.register(TrainingMeeting)
class TrainingMeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "starts_at", "place", "status", "created_by"]
    list_filter = ["status"]
    search_fields = ["title", "place", "agenda"]
    list_select_related = ["created_by"]
    exclude = ["attendance_code"]
    inlines = [InvitationInline]


@admin.register(TrainingInvitation)
class TrainingInvitationAdmin(ReadOnlyAdmin):
    list_display = ["user", "organ", "role", "meeting", "attended_at", "attendance_recorded"]
    list_filter = ["role", "attendance_recorded", "meeting"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organ__name"]
    list_select_related = ["user", "organ", "meeting"]


@admin.register(TrainingReminder)
class TrainingReminderAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "days_before", "sent_at", "recipients"]
    list_select_related = ["meeting"]
