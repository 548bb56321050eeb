from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("bandeja/", views.queue, name="queue"),
    path("nueva/", views.consultation_new, name="new"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/responder/", views.consultation_answer, name="answer"),
    path("<int:pk>/aviso/", views.consultation_notice, name="notice"),
    path("<int:pk>/anexos/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
