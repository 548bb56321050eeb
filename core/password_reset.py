"""Setting a password through the institutional mailbox («¿Olvidó su contraseña?»).

Django's password reset, in Spanish, with two changes. People imported from an inventory
have no usable password yet (``onboarding.services.create_staff_member``): the reset is how
they set their first one, so they are not left out as Django leaves out an unusable
password. And an address receives at most ``PASSWORD_RESET_PER_HOUR`` messages an hour, so
the form cannot be used to flood a mailbox (a courtesy: with the cache, Redis, down the
message goes anyway and a warning is logged). The page says the same whether or not the
address belongs to someone, so it tells nobody who has an account.
"""

from __future__ import annotations

import hashlib
import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PASSWORD_RESET_PER_HOUR = 3
_HOUR = 60 * 60


def _sent_key(email: str) -> str:
    return "password-reset:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Correo institucional"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        """Every active person with that address, with or without a usable password."""
        user_model = get_user_model()
        field = user_model.get_email_field_name()
        people = user_model._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
        return (p for p in people if auth_forms._unicode_ci_compare(email, getattr(p, field)))

    def save(self, *args, **kwargs):
        if _count_sent(self.cleaned_data["email"]) > PASSWORD_RESET_PER_HOUR:
            return  # the page still says a message was sent: nothing is revealed
        super().save(*args, **kwargs)


def _count_sent(email: str) -> int:
    """This message's number in the address's hour. The count is a courtesy to the mailbox:
    with the cache (Redis) down it is not kept, and the message goes anyway (0)."""
    key = _sent_key(email)
    try:
        cache.add(key, 0, _HOUR)
        try:
            return cache.incr(key)
        except ValueError:  # the hour ended between add and incr
            cache.set(key, 1, _HOUR)
            return 1
    except (RedisError, OSError):  # Redis stopped, or unreachable
        logger.warning("Password reset: the cache is unavailable; the message goes without the hourly limit")
        return 0


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's, with the labels in the words of the sign-in page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nueva contraseña")
        self.fields["new_password2"].label = _("Confirme la nueva contraseña")
