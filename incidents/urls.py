from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("reportar/", views.incident_report, name="report"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/resumen/", views.incident_summary, name="summary"),
    path("<int:pk>/estado/<slug:action>/", views.incident_transition, name="transition"),
    path("<int:pk>/paso/", views.incident_step, name="step"),
    path("<int:pk>/comunicado/", views.incident_statement, name="statement"),
    path("<int:pk>/medida/", views.incident_platform_action, name="platform_action"),
    path("<int:pk>/correccion/", views.incident_correction, name="correction"),
    path("<int:pk>/nota/", views.incident_note, name="note"),
    path("<int:pk>/anexos/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
