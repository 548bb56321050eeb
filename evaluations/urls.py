from django.urls import include, path

from . import views

app_name = "evaluations"

# One module per part, each included here without a namespace of its own, so every name
# is "evaluations:<name>".
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("abrir/", views.period_open, name="open_period"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/calificar/", views.evaluation_score, name="score"),
    path("<int:pk>/corregir/", views.evaluation_correct, name="correct"),
    path("<int:pk>/acusar/", views.evaluation_acknowledge, name="acknowledge"),
    path("criterios/", include("evaluations.criteria_urls")),
    path("capacitacion/", include("evaluations.training_urls")),
    path("informes/", include("evaluations.report_urls")),
]
