"""Beat runs this every few minutes. The sweep claims each incident before notifying, so a
run that overlaps another, repeats one or follows a crash is harmless."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_stale_incident_reminders() -> int:
    return services.send_stale_reminders()
