from celery import shared_task

from . import notifications, services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(ids: list[int]) -> int:
    return sum(notifications.deliver_email(pk) for pk in ids)


@shared_task(acks_late=True)
def deliver_pending_notifications() -> int:
    return notifications.deliver_pending_emails()


@shared_task(acks_late=True)
def flag_abandoned_accounts() -> int:
    return services.flag_abandoned_accounts()
