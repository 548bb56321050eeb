from celery import shared_task

from . import kept_uploads


@shared_task(acks_late=True)
def clean_kept_uploads() -> int:
    """Copies of attachments kept for a form nobody came back to are removed after a day."""
    return kept_uploads.sweep_stale()
