"""Demo data for ``make run``: the registry shows every answer the public lookup can give.

Run after the accounts, approvals and incidents demos (``load_demo`` follows
INSTALLED_APPS): the four official accounts come from the catalogue, CDMX's Instagram is
compromised by the incidents demo. This adds a consejera's publicised personal account, a
closed account of a district junta (closed four months ago), and a change of handle of
Jalisco's Facebook page waiting for CNCS. Never with DEBUG off.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account, AccountStatusChange, Network, Organ, User

from . import services
from .models import HandleChange

PURPOSE = "Difundir las actividades del órgano entre la ciudadanía."


@transaction.atomic
def load_demo() -> bool:
    """Create the registry's demo once; returns False when it was already there."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Los datos de demostración solo se crean con DEBUG activo.")
    if HandleChange.objects.exists():
        return False
    people = {u.username: u for u in User.objects.filter(username__in=["admin.jalisco", "cncs", "consejero"])}
    jalisco_fb = Account.objects.filter(organ__code="jle-14", network__code="facebook", status="active").first()
    if len(people) < 3 or jalisco_fb is None:
        return False
    cncs = people["cncs"]
    x, tiktok = Network.objects.get(code="x"), Network.objects.get(code="tiktok")
    now = timezone.now()

    if not Account.objects.filter(is_consejero_personal=True, status__in=Account.OPERATED_STATUSES).exists():
        account_services.create_account(
            organ=people["consejero"].headed_organ,
            network=x,
            name="Sofía Aguilar Montes",
            handle="SofiaAguilarM",
            url="https://x.com/SofiaAguilarM",
            purpose="Cuenta personal de la consejera, publicitada a petición suya.",
            is_consejero_personal=True,
            status=Account.Status.ACTIVE,
            activated_at=now - timedelta(days=300),
            by=cncs,
        )

    if not Account.objects.filter(status=Account.Status.CLOSED).exclude(handle="").exists():
        closed = account_services.create_account(
            organ=Organ.objects.get(code="jde-14-05"),
            network=tiktok,
            name="INE Distrito 05 Jalisco",
            handle="ine.jal05",
            url="https://www.tiktok.com/@ine.jal05",
            purpose=PURPOSE,
            status=Account.Status.ACTIVE,
            activated_at=now - timedelta(days=700),
            by=cncs,
        )
        account_services.change_account_status(
            account_id=closed.pk, to_status=Account.Status.CLOSED, by=cncs, comment="Cierre aprobado por la junta."
        )
        # Closed four months ago, so the lookup's "ya no es del INE desde el …" reads as it would.
        closed_at = now - timedelta(days=120)
        Account.objects.filter(pk=closed.pk).update(closed_at=closed_at)
        AccountStatusChange.objects.filter(account=closed, to_status=Account.Status.CLOSED).update(changed_at=closed_at)

    services.propose_handle_change(
        account_id=jalisco_fb.pk,
        by=people["admin.jalisco"],
        new_handle="INEJaliscoOficial",
        new_url="https://www.facebook.com/INEJaliscoOficial",
        reason="Facebook pidió un nombre de usuario sin puntos; la página es la misma.",
    )
    return True
