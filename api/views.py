"""The page where each person creates, sees and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import access, services
from .forms import TokenForm


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown once, on this answer; only its digest is kept.
            created = {"token": token, "raw": raw}
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "created": created, "tokens": access.tokens_visible_to(request.user)},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = services.revoke_token(token_id=pk, by=request.user)
    messages.success(request, _("Clave «%(name)s» revocada: ya no da acceso.") % {"name": token.name})
    return redirect("api:tokens")
