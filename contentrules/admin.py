"""The lists in the admin too (for the system's administrators; CNCS uses /contenido/listas/),
with their history; the electoral processes' dates are kept here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ElectoralProcess, Term


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ("text", "kind", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    search_fields = ("text",)


@admin.register(ElectoralProcess)
class ElectoralProcessAdmin(SimpleHistoryAdmin):
    list_display = ("name", "starts_on", "ends_on")
