from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("marcar-leidas/", views.inbox_mark_all_read, name="read_all"),
    path("preferencias/", views.preferences, name="preferences"),
]
