from django.urls import path

from . import public

app_name = "public_reports"

urlpatterns = [
    path("", public.public_report, name="new"),
]
