"""Settings: production passes Django's deployment checks and fails loudly without its
secrets; the interface is Mexican Spanish in Mexico City time; demo data only with DEBUG."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.core.management.utils import get_random_secret_key
from django.http import HttpRequest

from accounts import access
from accounts.catalogue import load_catalogue
from accounts.demo import DEMO_USERS, load_demo
from accounts.models import Account, Designation, LogEntry, Organ, PasswordRotation, User

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ine_redes.settings.production",
    "ALLOWED_HOSTS": "redes.ine.mx",
    "DATABASE_URL": "postgres://ine:secreto@db.interno:5432/ine_redes",
    "REDIS_URL": "redis://redis.interno:6379/0",
    "EMAIL_URL": "smtp+tls://avisos:secreto@smtp.ine.mx:587",
    "SITE_URL": "https://redes.ine.mx",
}


def _run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run the venv's python in a clean environment: only what the test passes counts."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(**overrides: str | None) -> dict[str, str]:
    env = {**PRODUCTION_ENV, "SECRET_KEY": get_random_secret_key(), **overrides}
    return {k: v for k, v in env.items() if v is not None}


def test_production_passes_the_deployment_checks():
    env = _production()
    assert len(env["SECRET_KEY"]) >= 50
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_a_weak_secret_key_fails_the_deployment_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **_production(SECRET_KEY="corta"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"]
)
def test_production_without_a_required_variable_fails_loudly(missing):
    result = _run(["manage.py", "check"], **_production(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, "
        "s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = _run(["-c", code], **_production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "django.db.backends.postgresql",
        "redis://redis.interno:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "es-mx",
        "America/Mexico_City",
    ]


def test_the_interface_is_mexican_spanish_in_mexico_city_time():
    assert settings.LANGUAGE_CODE == "es-mx"
    assert settings.TIME_ZONE == "America/Mexico_City"
    assert settings.USE_I18N and settings.USE_TZ
    assert settings.INSTITUTIONAL_EMAIL_DOMAIN == "ine.mx"


@pytest.mark.django_db
def test_pages_are_served_in_spanish(client):
    response = client.get("/verificar/")
    assert response["Content-Language"] == "es-mx"
    assert '<html lang="es-MX">' in response.content.decode()


def test_celery_is_configured_from_django_settings():
    from ine_redes.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_serializer == "json"
    assert app.conf.timezone == "America/Mexico_City"
    assert "deliver-pending-notifications" in app.conf.beat_schedule


# --- Demo data ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    load_catalogue()
    with pytest.raises(ImproperlyConfigured):
        load_demo()
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.fixture
def demo(settings, db):
    settings.DEBUG = True
    load_catalogue()
    assert load_demo() is True
    return {u.username: u for u in User.objects.all()}


def test_load_demo_creates_one_user_per_role(demo):
    assert set(demo) == {u[0] for u in DEMO_USERS} | {"admin"}
    roles = {name: {str(label) for label in access.role_labels(user)} for name, user in demo.items()}
    assert roles["titular.jalisco"] == {"Titular del órgano responsable"}
    assert roles["admin.jalisco"] == {"Administración de cuentas (titular)"}
    assert roles["suplente.jalisco"] == {"Administración de cuentas (suplente)"}
    assert roles["cncs"] == {"Comunicación Social"}
    assert roles["unicom"] == {"UNICOM"}
    assert roles["comite.presidente"] == {"Presidencia del Comité de Gestión y Publicación Electrónica"}
    assert roles["comite.secretario"] == {"Secretaría Técnica del Comité de Gestión y Publicación Electrónica"}
    assert roles["consejero"] == {"Consejería electoral"}
    assert roles["admin"] == {"Administración del sistema"}
    assert all(u.email.endswith("@ine.mx") for u in demo.values())


def test_demo_organs_have_complete_administration_and_accounts(demo):
    for code in ("jle-14", "jle-09"):
        organ = Organ.objects.get(code=code)
        assert organ.head is not None
        assert Designation.objects.filter(organ=organ, ends_at__isnull=True).count() == 2
        accounts = Account.objects.filter(organ=organ)
        assert accounts.count() == 2
        assert set(accounts.values_list("status", flat=True)) == {Account.Status.ACTIVE}
    assert LogEntry.objects.filter(account__organ__code="jle-14").exclude(kind="password_rotated").count() == 6
    assert PasswordRotation.objects.count() == 4


def test_demo_users_log_in_with_the_demo_password(demo, client, settings):
    # django-axes checks every sign-in against its lockout and needs the request for it,
    # which Client.login() does not pass on its own.
    assert client.login(request=HttpRequest(), username="cncs", password=settings.DEMO_PASSWORD)
    assert client.get("/cuentas/").status_code == 200


def test_load_demo_is_idempotent(demo):
    # The other apps' demos (consultations, incidents…) build on these users once; from then
    # on nothing is added.
    call_command("load_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Account.objects.count(), LogEntry.objects.count(), AuthGroup.objects.count())
    assert load_demo() is False
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "ya existían" in out.getvalue()
    assert (User.objects.count(), Account.objects.count(), LogEntry.objects.count(), AuthGroup.objects.count()) == (
        counts
    )


def test_a_secret_key_starting_with_a_dollar_sign_is_read_verbatim():
    # django-environ would read "$…" as the name of another variable and fail.
    result = _run(
        ["manage.py", "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        **_production(SECRET_KEY="$" + get_random_secret_key()),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("$")
