from django.urls import path

from . import report_views

# Included by evaluations/urls.py under "informes/" with no namespace of its own.
urlpatterns = [
    path("", report_views.reports_summary, name="reports"),
    path("organos/", report_views.report_organs, name="report_organs"),
    path("exportar/<str:format>/", report_views.report_export, name="report_export"),
]
