from django.urls import path

from . import views

app_name = "contentrules"

urlpatterns = [
    path("revisar/", views.review, name="review"),
    path("revisar/resultado/", views.review_json, name="review_json"),
    path("listas/", views.lists, name="lists"),
    path("listas/<slug:kind>/", views.list_edit, name="list_edit"),
]
