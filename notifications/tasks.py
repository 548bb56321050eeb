from celery import shared_task

from . import delivery, digest


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(ids: list[int]) -> int:
    return delivery.deliver_emails(ids)


@shared_task(acks_late=True)
def deliver_pending_notifications() -> int:
    return delivery.deliver_pending_emails()


# A failed digest releases its claim; a retry sends only what is left. The waits (15, then
# 30 minutes) stay below the broker's one-hour visibility timeout.
@shared_task(
    acks_late=True,
    autoretry_for=(digest.DigestsFailed,),
    retry_backoff=900,
    retry_backoff_max=1800,
    retry_jitter=False,
    max_retries=3,
)
def send_notification_digests() -> int:
    return digest.send_daily_digests()
