from . import import_views, regularisation_views

app_name = "onboarding"

urlpatterns = [
    *import_views.urlpatterns,
    *regularisation_views.urlpatterns,
]
