from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.password_reset import PasswordResetForm, SetPasswordForm
from core.sessions import SignOutView
from incidents import public_urls

admin.site.site_header = _("Redes sociales institucionales del INE")
admin.site.site_title = _("Administración — Redes INE")
admin.site.index_title = _("Administración del sistema")

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("entrar/", auth_views.LoginView.as_view(), name="login"),
    path("salir/", SignOutView.as_view(), name="logout"),
    # «¿Olvidó su contraseña?»: also how people imported from an inventory set their first one.
    path(
        "entrar/recuperar/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path("entrar/recuperar/enviado/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "entrar/recuperar/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=SetPasswordForm, success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("entrar/recuperar/listo/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("solicitudes/", include("approvals.urls")),
    path("consultas/", include("consultations.urls")),
    path("incidentes/reportes-ciudadanos/", include((public_urls.triage_patterns, "public_report_triage"))),
    path("incidentes/", include("incidents.urls")),
    path("verificar/reportar/", include((public_urls.public_patterns, "public_reports"))),
    path("notificaciones/", include("notifications.urls")),
    path("contenido/", include("contentrules.urls")),
    path("evaluaciones/", include("evaluations.urls")),
    path("incorporacion/", include("onboarding.urls")),
    path("", include("api.urls")),
    path("", include("registry.urls")),
    path("", include("core.urls")),
    path("", include("accounts.urls")),
]
