from celery import shared_task

from . import kept_uploads, sessions


@shared_task(acks_late=True)
def clean_kept_uploads() -> int:
    """Copies of attachments kept for a form nobody came back to are removed after a day."""
    return kept_uploads.sweep_stale()


@shared_task(acks_late=True)
def deactivate_inactive_users() -> int:
    """People with no sign-in for USER_INACTIVITY_DAYS are deactivated and told how to return."""
    return sessions.deactivate_inactive_users()
