from django.urls import include, path

app_name = "evaluations"

urlpatterns = [
    path("capacitacion/", include("evaluations.training_urls")),
    path("informes/", include("evaluations.report_urls")),
]
