"""The national catalogue: organs, networks, role groups and the four official accounts.

Loaded by ``manage.py load_catalogue`` (which ``make run`` calls). Idempotent: rows are
matched by their stable code and updated in place, so running it again changes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction

from .access import Group
from .models import OFFICIAL_ACCOUNTS, Account, Entidad, Network, Organ

DISTRICTS_CSV = Path(__file__).resolve().parent / "data" / "distritos_federales_2023.csv"

# (code, name, acronym) of the central units that may hold accounts.
CENTRAL_UNITS = [
    ("se", "Secretaría Ejecutiva", "SE"),
    ("cncs", "Coordinación Nacional de Comunicación Social", "CNCS"),
    ("cai", "Coordinación de Asuntos Internacionales", "CAI"),
    ("ds", "Dirección del Secretariado", "DS"),
    ("dj", "Dirección Jurídica", "DJ"),
    ("derfe", "Dirección Ejecutiva del Registro Federal de Electores", "DERFE"),
    ("deppp", "Dirección Ejecutiva de Prerrogativas y Partidos Políticos", "DEPPP"),
    ("deoe", "Dirección Ejecutiva de Organización Electoral", "DEOE"),
    ("despen", "Dirección Ejecutiva del Servicio Profesional Electoral Nacional", "DESPEN"),
    ("deceyec", "Dirección Ejecutiva de Capacitación Electoral y Educación Cívica", "DECEYEC"),
    ("dea", "Dirección Ejecutiva de Administración", "DEA"),
    ("unicom", "Unidad Técnica de Servicios de Informática", "UNICOM"),
    ("utf", "Unidad Técnica de Fiscalización", "UTF"),
    ("utce", "Unidad Técnica de lo Contencioso Electoral", "UTCE"),
    ("utigynd", "Unidad Técnica de Igualdad de Género y No Discriminación", "UTIGyND"),
    ("utvopl", "Unidad Técnica de Vinculación con los Organismos Públicos Locales", "UTVOPL"),
    ("uttypdp", "Unidad Técnica de Transparencia y Protección de Datos Personales", "UTTyPDP"),
    ("utp", "Unidad Técnica de Planeación", "UTP"),
    ("oic", "Órgano Interno de Control", "OIC"),
]

# The Consejo General has a Consejera or Consejero Presidente and ten consejerías.
CONSEJERO_OFFICES = [("presidencia-cg", "Presidencia del Consejo General", "PCG")] + [
    (f"consejeria-{n:02d}", f"Oficina de la Consejería Electoral {n:02d}", f"CE{n:02d}") for n in range(1, 11)
]

# (code, name, prefix, handle regex, what the regex means, URL hosts, order)
NETWORKS = [
    ("x", "X (Twitter)", "@", r"[A-Za-z0-9_]{1,15}", "de 1 a 15 letras, números o guion bajo", "x.com,twitter.com", 10),
    (
        "facebook",
        "Facebook",
        "",
        r"[A-Za-z0-9.]{5,50}",
        "de 5 a 50 letras, números o puntos",
        "facebook.com,fb.com",
        20,
    ),
    (
        "youtube",
        "YouTube",
        "@",
        r"[A-Za-z0-9._-]{3,30}",
        "de 3 a 30 letras, números, puntos o guiones",
        "youtube.com",
        30,
    ),
    (
        "instagram",
        "Instagram",
        "@",
        r"[A-Za-z0-9._]{1,30}",
        "de 1 a 30 letras, números, puntos o guion bajo",
        "instagram.com",
        40,
    ),
    (
        "tiktok",
        "TikTok",
        "@",
        r"[A-Za-z0-9._]{2,24}",
        "de 2 a 24 letras, números, puntos o guion bajo",
        "tiktok.com",
        50,
    ),
    (
        "threads",
        "Threads",
        "@",
        r"[A-Za-z0-9._]{1,30}",
        "de 1 a 30 letras, números, puntos o guion bajo",
        "threads.net,threads.com",
        60,
    ),
    (
        "whatsapp",
        "Canal de WhatsApp",
        "",
        r"[0-9A-Za-z]{20,40}",
        "el identificador del canal (20 a 40 letras y números, al final de su enlace)",
        "whatsapp.com",
        70,
    ),
    ("linkedin", "LinkedIn", "", r"[A-Za-z0-9-]{3,100}", "de 3 a 100 letras, números o guiones", "linkedin.com", 80),
]

# Characters in the text of one post, for the content checker (contentrules). A WhatsApp
# channel's update has no published limit.
MAX_POST_LENGTH = {
    "x": 280,
    "facebook": 63206,
    "youtube": 5000,
    "instagram": 2200,
    "tiktok": 4000,
    "threads": 500,
    "linkedin": 3000,
}


# §6.xx: the expected update cadence of each network, in days (daily unless listed).
WEEKLY_NETWORKS = {"youtube", "linkedin", "whatsapp"}


def read_districts() -> list[tuple[int, str, int]]:
    with DISTRICTS_CSV.open(encoding="utf-8") as fh:
        return [(int(r["clave_entidad"]), r["entidad"], int(r["distritos_federales"])) for r in csv.DictReader(fh)]


def _upsert_organ(code: str, **fields) -> Organ:
    """Create or update by code; an unchanged organ is not saved (no empty history rows)."""
    organ = Organ.objects.filter(code=code).first()
    if organ is None:
        return Organ.objects.create(code=code, **fields)
    changed = [name for name, value in fields.items() if getattr(organ, name) != value]
    if changed:
        for name in changed:
            setattr(organ, name, fields[name])
        organ.save(update_fields=changed)
    return organ


@transaction.atomic
def load_catalogue() -> dict[str, int]:
    for name in Group.ALL:
        AuthGroup.objects.get_or_create(name=name)

    for code, name, prefix, pattern, help_text, hosts, order in NETWORKS:
        Network.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "handle_prefix": prefix,
                "handle_pattern": pattern,
                "handle_help": help_text,
                "url_hosts": hosts,
                "sort_order": order,
                "max_post_length": MAX_POST_LENGTH.get(code),
                "update_cadence_days": (Network.Cadence.WEEKLY if code in WEEKLY_NETWORKS else Network.Cadence.DAILY),
            },
        )

    for code, name, acronym in CENTRAL_UNITS:
        _upsert_organ(code, name=name, acronym=acronym, kind=Organ.Kind.CENTRAL)
    for code, name, acronym in CONSEJERO_OFFICES:
        _upsert_organ(code, name=name, acronym=acronym, kind=Organ.Kind.CONSEJERO)

    for entidad_code, entidad_name, districts in read_districts():
        entidad, _ = Entidad.objects.update_or_create(code=entidad_code, defaults={"name": entidad_name})
        local = _upsert_organ(
            f"jle-{entidad_code:02d}",
            name=f"Junta Local Ejecutiva en {entidad_name}",
            acronym=f"JLE-{entidad_code:02d}",
            kind=Organ.Kind.JUNTA_LOCAL,
            entidad=entidad,
        )
        for number in range(1, districts + 1):
            _upsert_organ(
                f"jde-{entidad_code:02d}-{number:02d}",
                name=f"Junta Distrital Ejecutiva {number:02d} en {entidad_name}",
                acronym=f"JDE-{entidad_code:02d}-{number:02d}",
                kind=Organ.Kind.JUNTA_DISTRITAL,
                entidad=entidad,
                district_number=number,
                parent=local,
            )

    from .services import create_account

    for organ_code, network_code, name, handle, url, purpose in OFFICIAL_ACCOUNTS:
        network = Network.objects.get(code=network_code)
        if not Account.objects.filter(network=network, handle__iexact=handle, is_official=True).exists():
            create_account(
                organ=Organ.objects.get(code=organ_code),
                network=network,
                name=name,
                handle=handle,
                url=url,
                purpose=purpose,
                status=Account.Status.ACTIVE,
                is_official=True,
                verification_status=Account.Verification.VERIFIED,
                by=None,
            )

    return {
        "organs": Organ.objects.count(),
        "juntas_locales": Organ.objects.filter(kind=Organ.Kind.JUNTA_LOCAL).count(),
        "juntas_distritales": Organ.objects.filter(kind=Organ.Kind.JUNTA_DISTRITAL).count(),
        "networks": Network.objects.count(),
        "official_accounts": Account.objects.filter(is_official=True).count(),
    }
