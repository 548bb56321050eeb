from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import DigestRun, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_status", "email_attempts"]
    list_filter = ["email_status", "kind"]
    search_fields = ["title", "recipient__username", "recipient__email"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["delivery", "kind"]
    search_fields = ["user__username", "user__email"]


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "claimed_at", "sent_at", "items"]
    list_filter = ["day"]
    search_fields = ["user__username", "user__email"]
