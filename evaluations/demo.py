"""Demo evaluation procedure for ``make run``: version 1, published by the Comité's
presidency, and a draft version 2 copied from it for the Comité to edit.

Run after ``accounts.demo.load_demo`` (its users). Never with DEBUG off. Everything goes
through ``evaluations.criteria``, so the demo obeys the same rules as the pages; only the
publication date is moved back afterwards, so that version 1 is already in force for the
previous semester and a past period can be opened and scored with it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import criteria
from .models import CriteriaVersion, Criterion, Period

TITLE = "Procedimiento de evaluación semestral de las cuentas institucionales"

# What 0–4 means on every criterion, said in the criterion's own terms below.
LEVELS = ("No cumple", "Cumple en forma mínima", "Cumple parcialmente", "Cumple en lo sustancial", "Cumple plenamente")


def _scale(*meanings: str) -> str:
    return "\n".join(
        f"{value}: {level}. {meaning}" for value, (level, meaning) in enumerate(zip(LEVELS, meanings, strict=True))
    )


Source = Criterion.Source

# (code, name, reference, description, scale meanings 0–4, weight, source); weights add to 100.
CRITERIA = [
    (
        "frecuencia",
        "Frecuencia de actualización",
        "§6.xx",
        "Los contenidos se actualizan de acuerdo con la dinámica de la red social: periodicidad diaria o "
        "semanal según la red. Se revisan las publicaciones registradas en la bitácora durante el semestre, "
        "el mayor intervalo entre ellas y los días sin actividad, frente a la periodicidad de la red.",
        (
            "La cuenta pasó más de un mes sin publicar, o no hay registro de publicaciones.",
            "Publicó de manera esporádica, con intervalos de varias semanas.",
            "Cumplió la periodicidad en algunos meses del semestre y no en otros.",
            "Cumplió la periodicidad casi todo el semestre, con interrupciones breves y justificadas.",
            "Publicó con la periodicidad de la red durante todo el semestre.",
        ),
        15,
        Source.ACTIVITY,
    ),
    (
        "respuestas",
        "Oportunidad y cortesía de las respuestas",
        "§6.xvi–xix",
        "Las respuestas a los comentarios y mensajes de las personas usuarias son claras, concretas y "
        "personalizadas, se dan con la mayor celeridad, certeza y objetividad, y nunca con insultos, "
        "descalificaciones ni faltas de cortesía o de respeto. Se revisa una muestra de las conversaciones "
        "del semestre y las respuestas registradas en la bitácora.",
        (
            "No se responde a las personas usuarias, o alguna respuesta faltó al respeto.",
            "Se responde a pocos mensajes y con mucho retraso.",
            "Se responde a la mayoría, pero con retrasos o respuestas genéricas.",
            "Se responde a casi todos con oportunidad, claridad y cortesía.",
            "Todas las respuestas son oportunas, personalizadas y corteses.",
        ),
        15,
        Source.NONE,
    ),
    (
        "propuestas",
        "Atención a las propuestas y sugerencias de las personas usuarias",
        "§8.ii",
        "El órgano analiza y da respuesta a las propuestas y sugerencias que recibe por la cuenta, e informa "
        "a las áreas competentes de los temas relevantes (§5.2 f), pues el objeto de las redes sociales es "
        "la interacción.",
        (
            "Las propuestas recibidas no se analizaron ni se respondieron.",
            "Se respondieron pocas propuestas, sin análisis ni seguimiento.",
            "Se respondió a la mayoría, sin turnarlas a las áreas competentes.",
            "Se analizaron y respondieron casi todas y se turnaron las relevantes.",
            "Todas se analizaron, respondieron y, cuando procedía, se turnaron con seguimiento.",
        ),
        10,
        Source.NONE,
    ),
    (
        "contenidos",
        "Apego a los criterios de contenido",
        "§6.i–v, xiii, xxi–xxiv",
        "Se publican solo actividades institucionales e información pública; sin comentarios a título "
        "personal, datos personales ni información reservada; sin asuntos cotidianos ni spam; con buena "
        "ortografía y mayúsculas solo para resaltar. Ante una duda se consultó a Comunicación Social antes "
        "de publicar (§6.viii) y se atendió su respuesta.",
        (
            "Hubo publicaciones ajenas a la función institucional o con datos personales o reservados.",
            "Faltas frecuentes a los criterios de contenido, sin consultar ante las dudas.",
            "Faltas ocasionales (ortografía, mayúsculas, temas cotidianos) sin consecuencias graves.",
            "Apego general, con faltas menores aisladas; las dudas se consultaron.",
            "Apego pleno a los criterios; toda duda se consultó antes de publicar y se atendió la respuesta.",
        ),
        15,
        Source.CONSULTATIONS,
    ),
    (
        "bitacora",
        "Bitácora de actividades completa",
        "§8.iii",
        "Las personas administradoras llevan la bitácora de las actividades de la cuenta: publicaciones, "
        "respuestas, solicitudes de información, incidentes y cambios, registrados al día.",
        (
            "No hay bitácora en el semestre.",
            "La bitácora tiene registros aislados que no reflejan la actividad de la cuenta.",
            "La bitácora registra parte de la actividad, con huecos de semanas.",
            "La bitácora registra casi toda la actividad, con huecos breves.",
            "La bitácora registra toda la actividad del semestre, al día.",
        ),
        10,
        Source.ACTIVITY,
    ),
    (
        "contrasenas",
        "Cambio de contraseña en tiempo",
        "§5.2 g); cambio bimestral",
        "La contraseña de la cuenta se cambia cada dos meses, con una contraseña segura, y se registra el "
        "cambio; tras un incidente o un cambio de administradores se cambia de inmediato.",
        (
            "No se registró ningún cambio de contraseña en el semestre.",
            "Un solo cambio en el semestre, fuera de plazo.",
            "Cambios con retrasos de más de un mes.",
            "Todos los cambios se hicieron, alguno con un retraso breve.",
            "Todos los cambios se hicieron en plazo.",
        ),
        10,
        Source.ROTATIONS,
    ),
    (
        "incidentes",
        "Incidentes y su atención",
        "§6.xxvi",
        "Si la cuenta fue operada por personas no autorizadas o intervenida, se avisó de inmediato a la "
        "persona titular del área, a Comunicación Social y a UNICOM, y se siguieron los pasos de "
        "recuperación. Sin incidentes en el semestre se califica con el máximo.",
        (
            "Hubo un incidente que no se reportó, o se reportó días después.",
            "Se reportó tarde y la recuperación quedó incompleta.",
            "Se reportó a tiempo, pero la recuperación tardó o quedó incompleta.",
            "Se reportó y atendió a tiempo, con algún paso pendiente.",
            "Sin incidentes, o cada incidente se reportó de inmediato y se atendió por completo.",
        ),
        10,
        Source.INCIDENTS,
    ),
    (
        "vacaciones",
        "Horarios de atención publicados en periodos vacacionales",
        "§5.1",
        "En los periodos vacacionales y días de asueto o no laborables el órgano informó al público los "
        "horarios de atención de la cuenta y previó quién la monitorearía.",
        (
            "No se informó el horario en ningún periodo vacacional.",
            "Se informó en pocos periodos y sin prever el monitoreo.",
            "Se informó en algunos periodos.",
            "Se informó en casi todos los periodos, con el monitoreo previsto.",
            "Se informó en todos los periodos, con el monitoreo previsto.",
        ),
        5,
        Source.OUT_OF_OFFICE,
    ),
    (
        "capacitacion",
        "Personas administradoras capacitadas",
        "Reunión anual de capacitación",
        "Las personas administradoras (titular y suplente) asistieron a la reunión anual de capacitación y "
        "actualización que organiza Comunicación Social en los últimos doce meses.",
        (
            "Ninguna persona administradora asistió a la capacitación.",
            "Asistió solo la persona suplente, sin justificar la ausencia de la titular.",
            "Asistió una de las dos personas administradoras.",
            "Asistió la persona titular; la ausencia de la suplente está justificada.",
            "Ambas personas administradoras asistieron.",
        ),
        10,
        Source.TRAINING,
    ),
]


def _published_moment() -> datetime:
    """Fifteen days before the previous semester began, at noon in Mexico City."""
    year, half = Period.semester_of(timezone.localdate())
    year, half = (year, 1) if half == 2 else (year - 1, 2)
    start = Period.bounds(year, half)[0] - timedelta(days=15)
    return timezone.make_aware(datetime.combine(start, time(12)))


def _criteria(president: User) -> CriteriaVersion:
    """Version 1: drafted, filled and published by the Comité's presidency."""
    version = criteria.create_draft(by=president)
    criteria.update_draft(
        version_id=version.pk,
        by=president,
        title=TITLE,
        notes="Primera versión del procedimiento (§8.i), aprobada por el Comité de Gestión y Publicación "
        "Electrónica; la aplica la Coordinación Nacional de Comunicación Social cada semestre.",
    )
    for code, name, reference, description, meanings, weight, source in CRITERIA:
        criteria.save_criterion(
            version_id=version.pk,
            by=president,
            code=code,
            name=name,
            reference=reference,
            description=description,
            scale_min=0,
            scale_max=4,
            scale_help=_scale(*meanings),
            weight=weight,
            source=source,
        )
    version = criteria.publish_version(version_id=version.pk, by=president)
    moment = _published_moment()
    CriteriaVersion.objects.filter(pk=version.pk).update(created_at=moment - timedelta(days=7), published_at=moment)
    version.refresh_from_db()
    return version


def _draft(secretary: User, published: CriteriaVersion) -> CriteriaVersion:
    """Version 2: a draft copied from version 1, for the Comité to edit in the demo."""
    draft = criteria.create_draft(by=secretary, copy_from_id=published.pk)
    criteria.update_draft(
        version_id=draft.pk,
        by=secretary,
        title=TITLE,
        notes="Borrador para la próxima sesión del Comité: revisar los pesos de frecuencia y respuestas.",
    )
    return draft


@transaction.atomic
def load_demo() -> bool:
    """Create the demo procedure once; returns False when it was already there."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Los criterios de demostración solo se crean con DEBUG activo.")
    if CriteriaVersion.objects.exists():
        return False
    users = {u.username: u for u in User.objects.filter(username__in=["comite.presidente", "comite.secretario"])}
    if len(users) < 2:
        return False
    published = _criteria(users["comite.presidente"])
    _draft(users["comite.secretario"], published)
    return True
