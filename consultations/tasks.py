"""Beat runs these every minute. Each is a sweep that claims its rows, so a run that
overlaps another, repeats one or follows a crash is harmless; a transient database error
is retried a few times, and the next beat tick would catch up in any case."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_consultation_reminders() -> int:
    return services.send_due_reminders()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def expire_consultations() -> int:
    return services.expire_due_consultations()
