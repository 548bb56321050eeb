"""The annual training meeting, under /evaluaciones/capacitacion/ (names ``evaluations:training_*``)."""

from django.urls import path

from . import training_views as views

urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("nueva/", views.training_new, name="training_new"),
    path("asistencia/", views.training_attend, name="training_attend"),
    path("<int:pk>/", views.training_detail, name="training_detail"),
    path("<int:pk>/reprogramar/", views.training_edit, name="training_edit"),
    path("<int:pk>/cancelar/", views.training_cancel, name="training_cancel"),
    path("<int:pk>/realizada/", views.training_held, name="training_held"),
    path("<int:pk>/invitar/", views.training_invite, name="training_invite"),
    path("<int:pk>/asistencia/", views.training_attendance, name="training_attendance"),
    path("<int:pk>/codigo/", views.training_code, name="training_code"),
    path("<int:pk>/ausentes.csv", views.training_absentees_csv, name="training_absentees_csv"),
]
