"""Demo evaluations for ``make run``.

- The procedure: version 1, published by the Comité's presidency, and a draft version 2
  copied from it for the Comité to edit.
- The previous semester's activity of the juntas' accounts (publications and password
  changes in their bitácora, through ``accounts.services``), so the figures match the scores.
- The previous semester, opened by CNCS: its evaluations scored and issued; three
  acknowledged by their organ's titular, one of them corrected and re-issued with a reason
  (two issues show); one below ``EVALUATION_BELOW_THRESHOLD``.
- The current semester, opened by the beat task on its first day: one evaluation in progress
  (some criteria scored), the rest pending, so a walk-through can score and issue one.
- The annual training: a meeting held some months ago, with attendance for most invitees
  (absentees and untrained flags show), and the next one scheduled in the future.

Run after ``accounts.demo.load_demo`` (its users and accounts). Never with DEBUG off. Every
write goes through ``evaluations.criteria``, ``evaluations.services`` and
``evaluations.training`` (with ``now=`` where they take it), so the demo obeys the same rules
as the pages; only dates the services stamp with the present moment are moved back
afterwards (the publication of version 1, and the issues and acknowledgements of the
previous semester), as the other apps' demos do. Each part is created once: a second load
creates nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account, LogEntry, User
from notifications.models import Notification

from . import criteria, services, training
from .models import (
    CriteriaVersion,
    Criterion,
    Evaluation,
    EvaluationStatus,
    EvaluationStatusChange,
    IssuedVersion,
    Period,
    TrainingMeeting,
)

USERNAMES = ("comite.presidente", "comite.secretario", "cncs", "titular.jalisco", "titular.cdmx")

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
    _date_notifications(
        Notification.objects.filter(
            kind=criteria.PUBLISHED_KIND, url=reverse("evaluations:criteria_detail", args=[version.pk])
        ),
        moment,
    )
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


# --- Semesters ------------------------------------------------------------------------------


def _semesters(now: datetime) -> tuple[tuple[int, int], tuple[int, int]]:
    """(previous, current) semester of ``now``'s Mexico City date."""
    year, half = Period.semester_of(timezone.localdate(now))
    previous = (year, 1) if half == 2 else (year - 1, 2)
    return previous, (year, half)


def _local(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# What CNCS wrote, per criterion, for a high (4), middle (2–3) and low (0–1) score.
COMMENTS = {
    "frecuencia": (
        "Publicación diaria sostenida durante todo el semestre, acorde con la dinámica de la red.",
        "Periodicidad cumplida la mayor parte del semestre; hubo semanas sin publicar en abril y mayo.",
        "Intervalos de varias semanas sin publicaciones; la cuenta no sigue la periodicidad de la red.",
    ),
    "respuestas": (
        "Respuestas oportunas, personalizadas y corteses en la muestra revisada.",
        "Se responde a la mayoría de los mensajes, algunos con más de tres días de retraso.",
        "Muchos mensajes sin respuesta; varias respuestas genéricas.",
    ),
    "propuestas": (
        "Las propuestas recibidas se respondieron y se turnaron a las áreas competentes.",
        "Se respondieron las propuestas, pero no consta que se turnaran a las áreas.",
        "No hay constancia de que se analizaran las propuestas de las personas usuarias.",
    ),
    "contenidos": (
        "Contenidos institucionales, sin faltas; las dudas se consultaron antes de publicar.",
        "Faltas ocasionales de ortografía y uso de mayúsculas; sin consecuencias graves.",
        "Publicaciones de temas cotidianos y sin consulta previa ante dudas evidentes.",
    ),
    "bitacora": (
        "Bitácora al día, con publicaciones, respuestas y solicitudes registradas.",
        "La bitácora tiene huecos de varias semanas.",
        "Registros aislados que no reflejan la actividad de la cuenta.",
    ),
    "contrasenas": (
        "Todos los cambios bimestrales de contraseña se registraron en plazo.",
        "Un cambio de contraseña se registró con retraso.",
        "No constan los cambios bimestrales de contraseña.",
    ),
    "incidentes": (
        "Sin incidentes en el semestre.",
        "Un incidente reportado a tiempo; la recuperación tardó más de lo previsto.",
        "La intervención de la cuenta se reportó días después y la recuperación quedó incompleta.",
    ),
    "vacaciones": (
        "Se publicaron los horarios de atención en Semana Santa y en los días de asueto.",
        "Se publicó el horario en Semana Santa, no en los demás días de asueto.",
        "No se informó el horario de atención en los periodos vacacionales.",
    ),
    "capacitacion": (
        "Ambas personas administradoras asistieron a la capacitación anual.",
        "Asistió una de las dos personas administradoras.",
        "Ninguna persona administradora asistió a la capacitación.",
    ),
}


def _comment(code: str, value: int) -> str:
    high, middle, low = COMMENTS[code]
    return high if value == 4 else middle if value >= 2 else low


# Previous semester: (account handle, network) → (values in criterion order, summary, titular's
# response or None when not acknowledged). Weights 15, 15, 10, 15, 10, 10, 10, 5, 10. The
# central offices' accounts have no organ titular to acknowledge.
PREVIOUS = {
    ("INEJalisco", "x"): (
        (4, 4, 3, 4, 4, 3, 4, 3, 4),
        "Cuenta bien atendida: publicación constante, bitácora al día y respuestas oportunas.",
        "Enterados. Agradecemos el reconocimiento; reforzaremos el turno de propuestas a las áreas.",
    ),
    ("INE.Jalisco", "facebook"): (
        (3, 3, 2, 4, 3, 1, 4, 3, 4),
        "Buen apego a los criterios de contenido; conviene cuidar la periodicidad y los cambios de contraseña.",
        "El cambio de contraseña de mayo sí se hizo en plazo; consta en la bitácora del 12 de mayo. "
        "Solicitamos revisar ese criterio.",
    ),
    ("INECDMX", "x"): (
        (3, 2, 3, 3, 2, 3, 3, 2, 2),
        "Cumplimiento aceptable; la bitácora y la oportunidad de las respuestas deben mejorar.",
        "Recibido. Se instruyó a la persona suplente para llevar la bitácora al día.",
    ),
    ("ine.cdmx", "instagram"): (
        (1, 2, 1, 2, 1, 1, 1, 0, 2),
        "Calificación por debajo del umbral: la cuenta estuvo semanas sin actividad y la intervención se "
        "reportó tarde. Se recomienda un plan de mejora con Comunicación Social.",
        None,
    ),
    ("INEMexico", "x"): (
        (4, 3, 3, 4, 3, 4, 4, 4, 3),
        "Cuenta institucional con publicación diaria y contenidos revisados; mejorar el seguimiento de propuestas.",
        None,
    ),
    ("INEMexico", "facebook"): (
        (3, 3, 2, 3, 3, 4, 2, 4, 3),
        "Buen desempeño general; el incidente de suplantación de marzo tardó en resolverse.",
        None,
    ),
    ("INEtelMX", "x"): (
        (2, 2, 2, 3, 2, 2, 4, 2, 1),
        "Por debajo del umbral: publicación irregular y bitácora incompleta; la capacitación está pendiente.",
        None,
    ),
}
# Left in progress: the one evaluation of the previous semester not issued yet ("most" are).
PREVIOUS_UNFINISHED = ("INETV", "youtube")

# The correction of INE.Jalisco after the titular's response.
CORRECTED = ("INE.Jalisco", "facebook")
CORRECTION = {"contrasenas": 4}
CORRECTION_REASON = (
    "La junta acreditó el cambio de contraseña de mayo, registrado en la bitácora el 12 de mayo; se corrige el "
    "criterio «Cambio de contraseña en tiempo»."
)
ACKNOWLEDGED_AGAIN = "Enterados de la corrección. Gracias por la revisión."

# Current semester: the one in progress and the values scored so far (criterion code → value).
IN_PROGRESS = ("INEJalisco", "x")
IN_PROGRESS_VALUES = {"frecuencia": 4, "respuestas": 3, "propuestas": 3, "contenidos": 4}


def _values(evaluation: Evaluation, by_code: dict[str, int]) -> services.ScoreValues:
    return {
        score.criterion_id: (
            by_code[score.criterion.code],
            _comment(score.criterion.code, by_code[score.criterion.code]),
        )
        for score in services.scores_of(evaluation)
        if score.criterion.code in by_code
    }


def _titular_of(evaluation: Evaluation) -> User | None:
    return evaluation.organ.head if evaluation.organ.head_id and evaluation.organ.head.is_active else None


def _evaluate(evaluation: Evaluation, cncs: User, spec: tuple) -> None:
    """Score, issue and (when the spec says so) acknowledge one evaluation of the previous
    semester; the correction of ``CORRECTED`` follows the titular's response."""
    values, summary, response = spec
    codes = [score.criterion.code for score in services.scores_of(evaluation)]
    by_code = dict(zip(codes, values, strict=True))
    first = dict(list(by_code.items())[:4])
    services.save_scores(evaluation_id=evaluation.pk, by=cncs, values=_values(evaluation, first))
    services.issue_evaluation(
        evaluation_id=evaluation.pk, by=cncs, values=_values(evaluation, by_code), summary=summary
    )
    titular = _titular_of(evaluation)
    if response is None or titular is None:
        return
    services.acknowledge_evaluation(evaluation_id=evaluation.pk, by=titular, response=response)
    if (evaluation.account.handle, evaluation.account.network.code) == CORRECTED:
        services.correct_evaluation(
            evaluation_id=evaluation.pk,
            by=cncs,
            values=_values(evaluation, by_code | CORRECTION),
            summary=summary,
            reason=CORRECTION_REASON,
        )
        services.acknowledge_evaluation(evaluation_id=evaluation.pk, by=titular, response=ACKNOWLEDGED_AGAIN)


def _date_notifications(notifications, moment: datetime) -> None:
    """Notifications of a past event: dated when it happened, read and e-mailed then (so the
    outbox does not mail months-old news when the demo is loaded)."""
    notifications.update(
        created_at=moment,
        read_at=moment + timedelta(hours=1),
        email_status=Notification.EmailStatus.SENT,
        email_sent_at=moment,
        email_next_attempt_at=moment,
    )


def _office_hours(moment: datetime, step: int, now: datetime) -> datetime:
    """The same Mexico City day, at 9:00 plus ``step`` hours (when that is still in the past)."""
    snapped = _local(timezone.localdate(moment), 9) + timedelta(hours=step, minutes=7 * step)
    return snapped if snapped < now - timedelta(hours=1) else moment


def _backdate(period: Period, now: datetime) -> None:
    """The services stamp the present moment; the previous semester was evaluated in the first
    weeks of this one. Each evaluation's status changes are spread from its own starting day
    (about two days apart, a week before a correction), in office hours; the issues, the
    acknowledgement and the notifications follow them."""
    current_start = _local(Period.bounds(*_semesters(now)[1])[0], 10)
    span = max(now - timedelta(days=2) - current_start, timedelta(hours=2))
    _date_notifications(
        Notification.objects.filter(kind=services.OPENED_KIND, url__endswith=f"?periodo={period.pk}"), period.opened_at
    )
    evaluations = list(Evaluation.objects.filter(period=period).order_by("pk"))
    for index, evaluation in enumerate(evaluations):
        moment = current_start + span * (index + 1) / (len(evaluations) + 8)
        step = span / (4 * (len(evaluations) + 8))
        issues, events = [], []
        for position, change in enumerate(evaluation.status_changes.order_by("pk")):
            moment += step * (3 if change.comment and change.to_status == EvaluationStatus.ISSUED else 1)
            when = _office_hours(moment, position, now)
            EvaluationStatusChange.objects.filter(pk=change.pk).update(changed_at=when)
            if change.to_status == EvaluationStatus.ISSUED:
                issues.append(when)
            if change.to_status == EvaluationStatus.ACKNOWLEDGED:
                Evaluation.objects.filter(pk=evaluation.pk).update(acknowledged_at=when)
            if change.from_status != EvaluationStatus.PENDING:
                events.append(when)
        for revision, issued_at in enumerate(issues, start=1):
            IssuedVersion.objects.filter(evaluation=evaluation, revision=revision).update(issued_at=issued_at)
        if issues:
            Evaluation.objects.filter(pk=evaluation.pk).update(issued_at=issues[-1], updated_at=events[-1])
        _date_events(evaluation, events)


def _date_events(evaluation: Evaluation, events: list[datetime]) -> None:
    """Each notify() call of the evaluation (issue, acknowledgement, correction: one kind per
    call, in order) gets the moment of its status change."""
    rows = Notification.objects.filter(url=services.evaluation_url(evaluation)).order_by("pk")
    groups: list[list[int]] = []
    last_kind = None
    for pk, kind in rows.values_list("pk", "kind"):
        if kind != last_kind:
            groups.append([])
            last_kind = kind
        groups[-1].append(pk)
    for ids, when in zip(groups, events, strict=False):
        _date_notifications(Notification.objects.filter(pk__in=ids), when)


# The previous semester's activity of the juntas' accounts, so the figures beside each score
# tell the same story: (handle, network) → (days from the semester's start of each password
# change, days between publications, a gap without publications as (from day, to day) or None).
ACTIVITY = {
    ("INEJalisco", "x"): ((-12, 45, 102, 158), 3, None),
    ("INE.Jalisco", "facebook"): ((-12, 45, 130), 5, (60, 82)),
    ("INECDMX", "x"): ((-12, 50, 115, 160), 6, (70, 105)),
    ("ine.cdmx", "instagram"): ((-12, 88), 11, (20, 95)),
}
PUBLICATIONS = (
    "Publicación sobre la campaña de actualización de la credencial para votar.",
    "Publicación de la convocatoria para supervisores y capacitadores electorales.",
    "Publicación sobre los módulos de atención ciudadana y sus horarios.",
    "Publicación de la sesión del Consejo Local.",
)


def _past_activity(start: datetime, now: datetime) -> None:
    """Password changes and publications of the previous semester, through the accounts'
    services, by each junta's administrator."""
    authors = {u.organ_id: u for u in User.objects.filter(username__in=["admin.jalisco", "admin.cdmx"])}
    accounts = Account.objects.filter(status__in=Account.OPERATED_STATUSES).select_related("network")
    for account in accounts:
        spec = ACTIVITY.get((account.handle, account.network.code))
        author = authors.get(account.organ_id)
        if spec is None or author is None:
            continue
        rotations, every, gap = spec
        for day in rotations:
            moment = start + timedelta(days=day, hours=1)
            if account.existed_since <= moment < now:
                account_services.record_password_rotation(
                    account_id=account.pk, by=author, rotated_at=moment, meets_policy=True
                )
        for index, day in enumerate(range(2, 180, every)):
            moment = start + timedelta(days=day, hours=2)
            if (gap and gap[0] <= day < gap[1]) or moment >= now:
                continue
            account_services.add_log_entry(
                account_id=account.pk,
                by=author,
                kind=LogEntry.Kind.PUBLICATION,
                text=PUBLICATIONS[index % len(PUBLICATIONS)],
                occurred_at=moment,
            )


def _previous_period(cncs: User, now: datetime) -> bool:
    (year, half), _current = _semesters(now)
    if Period.objects.filter(year=year, half=half).exists():
        return False
    opened_at = _local(Period.bounds(year, half)[0], 9)
    if criteria.version_in_force(opened_at) is None:
        return False
    _past_activity(_local(Period.bounds(year, half)[0], 8), now)
    period, _count = services.open_period(year=year, half=half, by=cncs, now=opened_at)
    evaluations = (
        Evaluation.objects.filter(period=period)
        .exclude(account__status=Account.Status.CLOSED)
        .select_related("account__network", "organ__head")
        .order_by("pk")
    )
    for evaluation in evaluations:
        key = (evaluation.account.handle, evaluation.account.network.code)
        if key in PREVIOUS:
            _evaluate(evaluation, cncs, PREVIOUS[key])
        elif key == PREVIOUS_UNFINISHED:
            services.save_scores(
                evaluation_id=evaluation.pk,
                by=cncs,
                values=_values(evaluation, {"frecuencia": 3, "respuestas": 2, "propuestas": 2}),
                summary="Pendiente: revisar la muestra de comentarios de los videos del semestre.",
            )
    _backdate(period, now)
    return True


def _current_period(cncs: User, now: datetime) -> bool:
    _previous, (year, half) = _semesters(now)
    if Period.objects.filter(year=year, half=half).exists():
        return False
    opened_at = _local(Period.bounds(year, half)[0], 0) + timedelta(minutes=5)
    if criteria.version_in_force(opened_at) is None:
        return False
    # Opened by the beat task on the semester's first day.
    period, _count = services.open_period(year=year, half=half, now=opened_at)
    _date_notifications(
        Notification.objects.filter(kind=services.OPENED_KIND, url__endswith=f"?periodo={period.pk}"), opened_at
    )
    evaluation = Evaluation.objects.filter(
        period=period, account__handle=IN_PROGRESS[0], account__network__code=IN_PROGRESS[1]
    ).first()
    if evaluation is not None:
        services.save_scores(
            evaluation_id=evaluation.pk,
            by=cncs,
            values=_values(evaluation, IN_PROGRESS_VALUES),
            summary="Revisión en curso: faltan las cifras de bitácora, contraseñas y capacitación.",
        )
    return True


# --- Training ---------------------------------------------------------------------------------

AGENDA = (
    "1. Bienvenida y objetivos de la reunión.\n"
    "2. Criterios para la administración de las redes sociales institucionales: novedades.\n"
    "3. Bitácora de actividades y cambio bimestral de contraseñas.\n"
    "4. Atención de incidentes: qué hacer si la cuenta es intervenida.\n"
    "5. Resultados de la evaluación semestral y preguntas."
)
PLACE = "Sala de usos múltiples, oficinas centrales del INE, Viaducto Tlalpan 100, Ciudad de México"
LINK = "https://videoconferencia.ine.mx/capacitacion-redes"
# Held meeting: who did not come, and who registered with the code (the rest CNCS marked).
ABSENT = ("suplente.cdmx", "consejero")
BY_CODE = ("admin.jalisco", "titular.jalisco")


def _held_meeting(cncs: User, now: datetime) -> TrainingMeeting:
    """Some four months ago, at 10:00 in Mexico City; scheduled a month before it."""
    starts_at = _local(timezone.localdate(now) - timedelta(days=120), 10)
    meeting = training.schedule_meeting(
        by=cncs,
        title="Reunión anual de capacitación de personas administradoras",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        place=PLACE,
        link=LINK,
        agenda=AGENDA,
        now=starts_at - timedelta(days=30),
    )
    invited = dict(meeting.invitations.values_list("user__username", "user_id"))
    for position, username in enumerate(BY_CODE):
        if username in invited:
            user = User.objects.get(pk=invited[username])
            training.attend_with_code(
                by=user, code=meeting.attendance_code, now=starts_at + timedelta(minutes=5 * position - 20)
            )
    present = [pk for username, pk in invited.items() if username not in ABSENT and username not in BY_CODE]
    training.record_attendance(meeting_id=meeting.pk, by=cncs, user_ids=present, now=starts_at + timedelta(hours=1))
    _date_notifications(
        Notification.objects.filter(url=reverse("evaluations:training_detail", args=[meeting.pk])), meeting.created_at
    )
    return training.mark_held(meeting_id=meeting.pk, by=cncs, now=starts_at + timedelta(hours=3, minutes=15))


def _next_meeting(cncs: User, now: datetime) -> TrainingMeeting:
    """In three weeks, 10:00 in Mexico City, online and in person."""
    starts_at = _local(timezone.localdate(now) + timedelta(days=21), 10)
    return training.schedule_meeting(
        by=cncs,
        title="Reunión anual de capacitación y actualización",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        place=PLACE,
        link=LINK,
        agenda=AGENDA,
        now=now,
    )


def _training(cncs: User, now: datetime) -> bool:
    if TrainingMeeting.objects.exists():
        return False
    _held_meeting(cncs, now)
    _next_meeting(cncs, now)
    return True


@transaction.atomic
def load_demo() -> bool:
    """Create each demo part once; returns False when everything was already there."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Los datos de demostración de evaluaciones solo se crean con DEBUG activo.")
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    if len(users) < len(USERNAMES):
        return False
    now = timezone.now()
    created = False
    if not CriteriaVersion.objects.exists():
        published = _criteria(users["comite.presidente"])
        _draft(users["comite.secretario"], published)
        created = True
    cncs = users["cncs"]
    created |= _previous_period(cncs, now)
    created |= _current_period(cncs, now)
    created |= _training(cncs, now)
    return created
