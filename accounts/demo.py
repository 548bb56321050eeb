"""A demo data set: one user per role around two juntas, for ``make run``.

Never runs with DEBUG off: demo users with a known password must not reach production.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from . import services
from .access import Group
from .models import Account, LogEntry, Network, Organ, PositionLevel, User

# (username, first, last, organ code, level, job title, groups, heads organ)
DEMO_USERS = [
    (
        "titular.jalisco",
        "Laura",
        "Medina Ruiz",
        "jle-14",
        PositionLevel.MANDO_SUPERIOR,
        "Vocal Ejecutiva de la Junta Local en Jalisco",
        [],
        True,
    ),
    (
        "admin.jalisco",
        "Ricardo",
        "Navarro Solís",
        "jle-14",
        PositionLevel.MANDO_MEDIO,
        "Jefe de Oficina de Comunicación",
        [],
        False,
    ),
    ("suplente.jalisco", "Ana", "Torres Gil", "jle-14", PositionLevel.OPERATIVO, "Técnica de Comunicación", [], False),
    (
        "titular.cdmx",
        "Jorge",
        "Salas Ortega",
        "jle-09",
        PositionLevel.MANDO_SUPERIOR,
        "Vocal Ejecutivo de la Junta Local en la Ciudad de México",
        [],
        True,
    ),
    ("admin.cdmx", "Paola", "Reyes Lara", "jle-09", PositionLevel.MANDO_MEDIO, "Enlace de Comunicación", [], False),
    ("suplente.cdmx", "Luis", "Herrera Cano", "jle-09", PositionLevel.OPERATIVO, "Analista", [], False),
    (
        "cncs",
        "Mariana",
        "Castro León",
        "cncs",
        PositionLevel.MANDO_MEDIO,
        "Subdirectora de Redes Sociales",
        [Group.CNCS],
        False,
    ),
    (
        "unicom",
        "Tomás",
        "Vega Ibarra",
        "unicom",
        PositionLevel.MANDO_MEDIO,
        "Jefe de Departamento de Correo Institucional",
        [Group.UNICOM],
        False,
    ),
    (
        "comite.presidente",
        "Elena",
        "Ramos Fuentes",
        "se",
        PositionLevel.MANDO_SUPERIOR,
        "Presidenta del Comité de Gestión y Publicación Electrónica",
        [Group.COMMITTEE_PRESIDENT],
        False,
    ),
    (
        "comite.secretario",
        "Héctor",
        "Mora Pineda",
        "utp",
        PositionLevel.MANDO_SUPERIOR,
        "Secretario Técnico del Comité de Gestión y Publicación Electrónica",
        [Group.COMMITTEE_SECRETARY],
        False,
    ),
    (
        "consejero",
        "Sofía",
        "Aguilar Montes",
        "consejeria-01",
        PositionLevel.MANDO_SUPERIOR,
        "Consejera Electoral",
        [],
        True,
    ),
]


def demo_users() -> list[tuple[str, str]]:
    """(username, role description) for printing and the README."""
    return [(u[0], u[5]) for u in DEMO_USERS] + [("admin", "Superusuario (administración del sistema)")]


@transaction.atomic
def load_demo() -> bool:
    """Create the demo set once; returns False when it was already there."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Los usuarios de demostración solo se crean con DEBUG activo.")
    if User.objects.filter(username="titular.jalisco").exists():
        return False
    password = settings.DEMO_PASSWORD
    users = {}
    for username, first, last, organ_code, level, title, groups, heads in DEMO_USERS:
        organ = Organ.objects.get(code=organ_code)
        user = User.objects.create_user(
            username=username,
            email=f"{username}@ine.mx",
            password=password,
            first_name=first,
            last_name=last,
            organ=organ,
            position_level=level,
            job_title=title,
        )
        user.groups.set(AuthGroup.objects.filter(name__in=groups))
        if heads:
            Organ.objects.filter(pk=organ.pk).update(head=user)
        users[username] = user
    User.objects.create_superuser(
        username="admin", email="admin@ine.mx", password=password, first_name="Administración", last_name="del sistema"
    )

    x, facebook, instagram = (Network.objects.get(code=c) for c in ("x", "facebook", "instagram"))
    now = timezone.now()
    for place in ("jalisco", "cdmx"):
        titular = users[f"titular.{place}"]
        services.designate_administrators(
            organ_id=titular.organ_id,
            by=titular,
            titular=users[f"admin.{place}"],
            suplente=users[f"suplente.{place}"],
            oficio_number=f"INE/JLE/{place.upper()}/0001/2026",
        )
    jalisco = Organ.objects.get(code="jle-14")
    cdmx = Organ.objects.get(code="jle-09")
    specs = [
        (jalisco, x, "INE Jalisco", "INEJalisco", "https://x.com/INEJalisco", now - timedelta(days=50)),
        (
            jalisco,
            facebook,
            "INE Jalisco",
            "INE.Jalisco",
            "https://www.facebook.com/INE.Jalisco",
            now - timedelta(days=70),
        ),
        (cdmx, x, "INE Ciudad de México", "INECDMX", "https://x.com/INECDMX", now - timedelta(days=20)),
        (cdmx, instagram, "INE CDMX", "ine.cdmx", "https://www.instagram.com/ine.cdmx", now - timedelta(days=5)),
    ]
    for organ, network, name, handle, url, rotated in specs:
        account = services.create_account(
            organ=organ,
            network=network,
            name=name,
            handle=handle,
            url=url,
            purpose="Difundir las actividades de la junta, la credencialización y la capacitación electoral.",
            registration_email=f"redes.{organ.code}@ine.mx",
            attention_hours="Lunes a viernes de 9:00 a 18:00 h",
            status=Account.Status.ACTIVE,
            activated_at=now - timedelta(days=400),
            by=None,
        )
        author = users["admin.jalisco" if organ == jalisco else "admin.cdmx"]
        services.record_password_rotation(account_id=account.pk, by=author, rotated_at=rotated, meets_policy=True)
        for days, kind, text in [
            (3, LogEntry.Kind.PUBLICATION, "Publicación sobre la campaña de actualización de la credencial."),
            (2, LogEntry.Kind.REPLY, "Respuesta a una persona usuaria sobre el horario del módulo."),
            (1, LogEntry.Kind.INFO_REQUEST, "Se atendió una solicitud sobre ubicación de módulos."),
        ]:
            services.add_log_entry(
                account_id=account.pk, by=author, kind=kind, text=text, occurred_at=now - timedelta(days=days)
            )
    return True
