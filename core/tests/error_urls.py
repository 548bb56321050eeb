"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _

from ine_redes.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def bad_request(request):
    raise BadRequest(_("El parámetro «ver» debe ser un número entero."))


def suspicious(request):
    raise SuspiciousOperation("Attempted access to '/etc/passwd' denied.")


def forbidden(request):
    raise PermissionDenied(_("Solo los administradores designados de un órgano consultan a Comunicación Social."))


def not_found(request):
    raise Http404(_("No existe la solicitud o no tiene acceso a ella."))


def crash(request):
    raise RuntimeError("boom")


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("prueba/400/", bad_request),
    path("prueba/400-sospechosa/", suspicious),
    path("prueba/403/", forbidden),
    path("prueba/404/", not_found),
    path("prueba/500/", crash),
    path("prueba/500-bd/", database_down),
    *urlpatterns,
]
