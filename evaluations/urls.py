from django.urls import include, path

app_name = "evaluations"

# One module per part, each included here without a namespace of its own, so every name
# is "evaluations:<name>".
urlpatterns = [
    path("criterios/", include("evaluations.criteria_urls")),
    path("capacitacion/", include("evaluations.training_urls")),
    path("informes/", include("evaluations.report_urls")),
]
