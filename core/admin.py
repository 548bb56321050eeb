"""Admin building blocks shared by every app (core registers no model of its own)."""

from django.contrib import admin
from django.db import models

# Addresses typed without a scheme are read as https:// (Django 6's default, no warning).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit records are read, never edited or deleted, even by a superuser."""

    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
