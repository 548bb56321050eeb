"""The evaluation procedure (§8.i), under /evaluaciones/criterios/ (names evaluations:criteria_*)."""

from django.urls import path

from . import criteria_views as views

urlpatterns = [
    path("", views.criteria_list, name="criteria_list"),
    path("nuevo-borrador/", views.criteria_create, name="criteria_create"),
    path("<int:pk>/", views.criteria_detail, name="criteria_detail"),
    path("<int:pk>/editar/", views.criteria_edit, name="criteria_edit"),
    path("<int:pk>/publicar/", views.criteria_publish, name="criteria_publish"),
    path("<int:pk>/descartar/", views.criteria_discard, name="criteria_discard"),
    path("<int:pk>/criterios/nuevo/", views.criterion_add, name="criterion_add"),
    path("<int:pk>/criterios/<int:criterion_pk>/", views.criterion_edit, name="criterion_edit"),
    path("<int:pk>/criterios/<int:criterion_pk>/quitar/", views.criterion_remove, name="criterion_remove"),
    path("<int:pk>/criterios/<int:criterion_pk>/mover/", views.criterion_move, name="criterion_move"),
]
