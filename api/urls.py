"""The JSON API under /api/v1/ (``api.api``) and the pages where people manage their tokens."""

from django.urls import path

from . import views
from .api import api

app_name = "api"

urlpatterns = [
    path("api/v1/", api.urls),
    path("claves-api/", views.token_list, name="tokens"),
    path("claves-api/<int:pk>/revocar/", views.token_revoke, name="token_revoke"),
]
