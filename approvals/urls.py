from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("tablero/", views.dashboard, name="dashboard"),
    path("nueva/", views.request_new, name="new"),
    path("nueva/<slug:kind_slug>/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/editar/", views.request_edit, name="edit"),
    path("<int:pk>/enviar/", views.request_submit, name="submit"),
    path("<int:pk>/retirar/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/resolver/", views.request_decide, name="decide"),
    path("<int:pk>/correo/", views.record_mailbox, name="mailbox"),
    path("<int:pk>/registrar-cuenta/", views.register_account, name="register"),
    path("<int:pk>/confirmar-cierre/", views.confirm_closure, name="confirm_closure"),
    path("<int:pk>/oficio/", views.oficio, name="oficio"),
    path("<int:pk>/identidad-grafica/", views.identity_material, name="identity_material"),
]
