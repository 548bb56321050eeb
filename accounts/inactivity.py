"""People who stopped using the system: deactivated after USER_INACTIVITY_DAYS without a
sign-in (the daily beat task ``accounts.tasks.deactivate_inactive_users``), and told by
e-mail how to return.

The deactivation is the ordinary one, ``services.update_staff_assignment(is_active=False)``,
made by the system (no person): the person's current designations and organ headship end
with the organ's history and the reason, and CNCS, the Comité and the organ's titular are
notified, as when CNCS deactivates someone. Each person is locked and re-checked (still
active, still without a sign-in) in that same transaction, so two runs at once, or a run
repeated, deactivate and write to nobody twice.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .models import User

logger = logging.getLogger(__name__)


def _is_demo_user(user) -> bool:
    """With DEBUG on (``make run``), the demo data stays however old the database is: the
    demo users, who share the demo password, and people with no password at all (an
    inventory imported on a laptop; they could never sign in to count as active)."""
    return settings.DEBUG and (not user.has_usable_password() or user.check_password(settings.DEMO_PASSWORD))


def inactive_users(now=None):
    """Active people whose last sign-in (or, never signed in, their creation) is older than
    USER_INACTIVITY_DAYS. Superusers are never among them: they are few, named, and the
    way back in for everyone else."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.USER_INACTIVITY_DAYS)
    stale = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    return User.objects.filter(stale, is_active=True, is_superuser=False)


def history_reason(user, now) -> str:
    days = (now - (user.last_login or user.date_joined)).days
    return ngettext(
        "Desactivada por inactividad: %(days)s día sin entrar",
        "Desactivada por inactividad: %(days)s días sin entrar",
        days,
    ) % {"days": days}


def deactivate_inactive_users(now=None) -> int:
    """Deactivate each inactive person and tell them how to return; returns how many."""
    now = now or timezone.now()
    done = 0
    for pk in list(inactive_users(now).order_by("pk").values_list("pk", flat=True)):
        user = _deactivate(pk, now)
        if user is None:
            continue
        done += 1
        last = user.last_login or user.date_joined
        logger.warning(
            "User %s (%s) deactivated by the system at %s: no sign-in since %s (USER_INACTIVITY_DAYS=%s)",
            user.pk,
            user.get_username(),
            now.isoformat(),
            last.isoformat(),
            settings.USER_INACTIVITY_DAYS,
        )
        _tell_how_to_return(user)  # after the commit: a slow mailbox holds no lock
    return done


def _deactivate(pk: int, now) -> User | None:
    """The person, deactivated, or None when someone else got there first, they signed in
    meanwhile, or they are a demo user (DEBUG only)."""
    try:
        with transaction.atomic():
            # The lock waits for a run already deactivating them; the re-check then sees it.
            user = inactive_users(now).select_for_update().filter(pk=pk).first()
            if user is None or _is_demo_user(user):
                return None
            services.update_staff_assignment(
                user_id=user.pk,
                by=None,
                organ=user.organ,
                position_level=user.position_level,
                is_active=False,
                check_access=False,
                history_reason=history_reason(user, now),
            )
    except ValidationError:  # nothing changed for this person; the others go on
        logger.exception("Could not deactivate inactive user %s", pk)
        return None
    return user


def _tell_how_to_return(user) -> None:
    if not user.email:
        return
    days = settings.USER_INACTIVITY_DAYS
    subject = _("Su acceso al sistema de redes sociales del INE fue desactivado")
    body = ngettext(
        "Hola, %(name)s:\n\n"
        "Su usuario «%(username)s» no entró al sistema de redes sociales institucionales en %(days)s día, "
        "así que fue desactivado por seguridad.\n\n"
        "Para volver a usarlo, pida a Comunicación Social (CNCS) que lo reactive; no necesita un usuario nuevo.\n\n"
        "%(site)s\n",
        "Hola, %(name)s:\n\n"
        "Su usuario «%(username)s» no entró al sistema de redes sociales institucionales en %(days)s días, "
        "así que fue desactivado por seguridad.\n\n"
        "Para volver a usarlo, pida a Comunicación Social (CNCS) que lo reactive; no necesita un usuario nuevo.\n\n"
        "%(site)s\n",
        days,
    ) % {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "days": days,
        "site": settings.SITE_URL,
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError):  # the deactivation stands; the failure is logged
        logger.exception("Could not tell user %s that they were deactivated", user.pk)
