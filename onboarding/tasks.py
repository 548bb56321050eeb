"""Beat runs these. Each is idempotent: a reminder stage is claimed by its unique row, and an
account's outcome by its status transition."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import regularisation


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_regularisation_reminders() -> int:
    """The number of organs reminded."""
    return regularisation.send_regularisation_reminders()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def close_regularisation() -> int:
    """The number of accounts made active or reclassified as personal."""
    return regularisation.close_regularisation()
