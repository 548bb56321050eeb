from celery import shared_task

from . import delivery


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(ids: list[int]) -> int:
    return delivery.deliver_emails(ids)


@shared_task(acks_late=True)
def deliver_pending_notifications() -> int:
    return delivery.deliver_pending_emails()
