from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("verificar/", views.lookup_page, name="lookup"),
    path("verificar/directorio/", views.directory, name="directory"),
    path("verificar/datos.csv", views.open_data_csv, name="open_data_csv"),
    path("verificar/datos.json", views.open_data_json, name="open_data_json"),
    path("cuentas/<int:pk>/cambio-de-usuario/", views.propose, name="propose"),
    path("registro/cambios/", views.changes, name="changes"),
    path("registro/cambios/<int:pk>/confirmar/", views.confirm, name="confirm"),
    path("registro/cambios/<int:pk>/rechazar/", views.reject, name="reject"),
    path("registro/cambios/<int:pk>/retirar/", views.withdraw, name="withdraw"),
]
