import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ine_redes.settings.local")

app = Celery("ine_redes")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
