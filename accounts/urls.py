from django.urls import path

from . import rotation_views, views

app_name = "accounts"

urlpatterns = [
    path("cuentas/", views.account_list, name="list"),
    path("cuentas/<int:pk>/", views.account_detail, name="detail"),
    path("cuentas/<int:pk>/editar/", views.account_edit, name="edit"),
    path("cuentas/<int:pk>/bitacora/nueva/", views.log_entry_add, name="log_add"),
    path("cuentas/<int:pk>/periodos/nuevo/", views.out_of_office_add, name="period_add"),
    path("cuentas/<int:pk>/contrasena/", views.password_rotation_add, name="rotation_add"),
    path("organos/<int:pk>/", views.organ_detail, name="organ"),
    path("organos/<int:pk>/administradores/", views.designate, name="designate"),
    path("cobertura/", views.coverage, name="coverage"),
    path("contrasenas/", rotation_views.rotation_status, name="rotation_status"),
]
