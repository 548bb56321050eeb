from celery import shared_task

from . import services


@shared_task(acks_late=True)
def remind_overdue_requests() -> int:
    """Daily: remind CNCS of requests waiting too long (idempotent per request and day)."""
    return services.send_overdue_reminders()
