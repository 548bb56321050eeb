from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_status", "email_attempts"]
    list_filter = ["email_status", "kind"]
    search_fields = ["title", "recipient__username", "recipient__email"]
