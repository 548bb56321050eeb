"""Handle changes are read in the admin; every change of state goes through ``registry.services``."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import HandleChange


@admin.register(HandleChange)
class HandleChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "account",
        "old_handle",
        "new_handle",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "account__network"]
    search_fields = ["old_handle", "new_handle", "account__name"]
    list_select_related = ["account__network", "proposed_by", "decided_by"]
    date_hierarchy = "proposed_at"
