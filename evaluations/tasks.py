"""Beat runs these. Each is idempotent: opening claims the semester with a unique period and
one evaluation per account; each training reminder stage is claimed by a unique row."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services, training


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def open_current_period() -> int:
    """The number of evaluations created (0 when the semester's period is already open)."""
    return services.open_current_period()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_training_reminders() -> int:
    """The number of people reminded."""
    return training.send_training_reminders()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def record_abandoned_flags() -> int:
    """The evaluations of the running semester that took the §7.viii flag."""
    return services.record_abandoned_flags()
