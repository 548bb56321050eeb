"""The apps of this repository, read from INSTALLED_APPS: the guard tests (architecture,
translations, fuzz) cover a new app without being edited."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = tuple(sorted(app.name for app in apps.get_app_configs() if Path(app.path).parent == ROOT))
