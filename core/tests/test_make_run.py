"""`make run` on another port: the server listens on PORT, the links in e-mails follow it,
the worker logs e-mails as INFO, and kombu has nothing to warn about."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SHOW_LOCAL_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ine_redes.settings.local'; django.setup(); "
    "from django.conf import settings; print(settings.SITE_URL)"
)
# A broker connection built from the local settings, as the worker and beat build it.
CONNECT_TO_EMBEDDED_BROKER = (
    "import logging, os; logging.basicConfig(); os.environ['DJANGO_SETTINGS_MODULE'] = 'ine_redes.settings.local'; "
    "from ine_redes.celery import app; c = app.connection_for_write(); c.info(); print(c.as_uri())"
)


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run in a clean environment (no .env variables of this shell): only what the test passes counts."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(args, cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def test_the_links_in_emails_follow_port_on_a_laptop():
    assert _run([sys.executable, "-c", SHOW_LOCAL_SETTINGS], PORT="8114").stdout.strip() == "http://127.0.0.1:8114"


def test_the_links_in_emails_default_to_port_8000():
    assert _run([sys.executable, "-c", SHOW_LOCAL_SETTINGS]).stdout.strip() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_port():
    result = _run([sys.executable, "-c", SHOW_LOCAL_SETTINGS], PORT="8114", SITE_URL="https://redes.ine.mx")
    assert result.stdout.strip() == "https://redes.ine.mx"


def _procfile_command(name: str) -> str:
    lines = (settings.BASE_DIR / "Procfile.dev").read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith(f"{name}:"))


def test_the_web_server_listens_on_port_8000_by_default_or_on_port():
    web = _procfile_command("web")
    assert _run(["sh", "-c", f"echo {web}"], PORT="8114").stdout.split()[-1] == "127.0.0.1:8114"
    assert _run(["sh", "-c", f"echo {web}"]).stdout.split()[-1] == "127.0.0.1:8000"


def test_make_run_tells_every_process_the_web_servers_address():
    # honcho gives the worker its own PORT (web's + 100), so make run passes SITE_URL down.
    commands = _run(["make", "-n", "run", "PORT=8114"]).stdout
    assert 'SITE_URL="${SITE_URL:-http://127.0.0.1:8114}"' in commands
    assert "honcho -f Procfile.dev start --port 8114" in commands


def test_the_embedded_broker_connects_without_kombus_hostname_warning():
    result = _run([sys.executable, "-c", CONNECT_TO_EMBEDDED_BROKER])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("filesystem://")
    assert "No hostname was supplied" not in result.stderr


def test_the_worker_logs_what_a_task_prints_as_info_not_warning():
    from ine_redes.celery import app

    assert app.conf.worker_redirect_stdouts_level == "INFO"
