from django.contrib.auth.models import AbstractBaseUser

from .models import Notification


def unread_count(user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
