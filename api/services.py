"""Every write to an API token: create, use, revoke."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import access
from .models import ApiToken

# What every token starts with, so a leaked one is recognisable (secret scanners, logs).
TOKEN_MARK = "ine_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the full token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Ponga un nombre a la clave para reconocerla después.")]})
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:PREFIX_LENGTH], digest=digest_of(raw))
    token.full_clean()
    token.save()
    return token, raw


def user_for_token(raw: str) -> User | None:
    """The active person a live token belongs to, recording its use; None for anything else."""
    if not raw or not raw.startswith(TOKEN_MARK) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def revoke_token(*, token_id: int, by: User) -> ApiToken:
    """Revoke one of ``by``'s own tokens; revoking a revoked one changes nothing."""
    token = access.get_token_for(by, token_id)
    # Claimed with a conditional UPDATE: of two revocations at once, the first time stays.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
