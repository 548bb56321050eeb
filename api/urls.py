"""The JSON API under /api/v1/ (``api.api``) and the pages where people manage their tokens."""

from django.urls import path

app_name = "api"

urlpatterns: list = []
