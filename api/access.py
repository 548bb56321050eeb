"""Who sees which API tokens: each person only their own, also a superuser."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import ApiToken


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def get_token_for(user: User, pk: int) -> ApiToken:
    token = tokens_visible_to(user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("No existe la clave o no es suya."))
    return token
