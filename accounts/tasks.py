from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import inactivity, rotation, services


@shared_task(acks_late=True)
def flag_abandoned_accounts() -> int:
    return services.flag_abandoned_accounts()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_password_reminders() -> int:
    """Each reminder is claimed by inserting its unique row, so overlapping runs are harmless."""
    return rotation.send_password_reminders()


@shared_task(acks_late=True)
def deactivate_inactive_users() -> int:
    """People with no sign-in for USER_INACTIVITY_DAYS are deactivated and told how to return."""
    return inactivity.deactivate_inactive_users()
