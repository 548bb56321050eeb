from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import notifications, rotation, services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(ids: list[int]) -> int:
    return sum(notifications.deliver_email(pk) for pk in ids)


@shared_task(acks_late=True)
def deliver_pending_notifications() -> int:
    return notifications.deliver_pending_emails()


@shared_task(acks_late=True)
def flag_abandoned_accounts() -> int:
    return services.flag_abandoned_accounts()


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=3)
def send_password_reminders() -> int:
    """Each reminder is claimed by inserting its unique row, so overlapping runs are harmless."""
    return rotation.send_password_reminders()
