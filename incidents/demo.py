"""Demo incidents for ``make run``: one open and one closed of each kind, and one new
public report of a suspicious account.

Built through the services so every row, step, timeline event, bitácora entry and
notification is real; the closed ones are then moved back in time as if they had
happened last month. The open hack is on the Ciudad de México's Instagram account, so
Jalisco's accounts stay active for a walk-through of a new hack report.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account, Network, User

from . import services
from .models import Incident, IncidentEvent, IncidentStep, PublicReport, StatementTemplate, StepKind

Kind = Incident.Kind


def _settle_checklist(incident: Incident, by: User) -> None:
    for kind in StepKind.values:
        if kind == StepKind.REPORT_PLATFORM:
            services.record_step(
                incident_id=incident.pk,
                by=by,
                kind=kind,
                not_applicable=True,
                reason="El acceso se recuperó con el correo institucional antes de requerir a la plataforma.",
            )
        else:
            services.record_step(incident_id=incident.pk, by=by, kind=kind)


def _close(incident: Incident, responder: User, closer: User, summary: str, lessons: str) -> None:
    services.contain_incident(incident_id=incident.pk, by=responder)
    services.resolve_incident(incident_id=incident.pk, by=responder)
    services.close_incident(incident_id=incident.pk, by=closer, summary=summary, lessons=lessons)


def _move_back(incident: Incident, days: int) -> None:
    """As if it had happened ``days`` ago: every time of the incident and its timeline."""
    shift = timedelta(days=days)
    fields = ("detected_at", "reported_at", "contained_at", "resolved_at", "closed_at", "platform_action_at")
    Incident.objects.filter(pk=incident.pk).update(
        **{f: F(f) - shift for f in fields}, next_reminder_at=None, corrected_at=F("corrected_at") - shift
    )
    IncidentEvent.objects.filter(incident=incident).update(at=F("at") - shift)
    IncidentStep.objects.filter(incident=incident).update(at=F("at") - shift)
    # The report's e-mails too, so "report → first e-mail sent" reads as it did then.
    incident.report_notifications.update(created_at=F("created_at") - shift, email_sent_at=F("email_sent_at") - shift)


@transaction.atomic
def load_demo() -> bool:
    if not settings.DEBUG:
        raise ImproperlyConfigured("Los datos de demostración solo se crean con DEBUG activo.")
    if Incident.objects.exists():
        return False
    usernames = ["admin.jalisco", "titular.jalisco", "admin.cdmx", "cncs"]
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    jalisco_x = Account.objects.filter(organ__code="jle-14", network__code="x").first()
    jalisco_fb = Account.objects.filter(organ__code="jle-14", network__code="facebook").first()
    cdmx_ig = Account.objects.filter(organ__code="jle-09", network__code="instagram").first()
    if len(people) < 4 or not (jalisco_x and jalisco_fb and cdmx_ig):
        return False
    admin, titular, admin_cdmx, cncs = (
        people["admin.jalisco"],
        people["titular.jalisco"],
        people["admin.cdmx"],
        people["cncs"],
    )
    now = timezone.now()

    def report(by: User, kind: str, description: str, account: Account | None = None, **fields) -> Incident:
        return services.report_incident(
            by=by,
            kind=kind,
            account_id=account.pk if account else None,
            detected_at=now - timedelta(minutes=25),
            description=description,
            **fields,
        ).incident

    # --- Hacks ---
    closed_hack = report(
        admin,
        Kind.HACK,
        "Aparecieron tres publicaciones con propaganda ajena al Instituto y se cambió la foto de perfil.",
        jalisco_fb,
    )
    _settle_checklist(closed_hack, admin)
    # The four templates come with the migration; a flushed test database may lack them.
    template = StatementTemplate.objects.filter(code="contenido-no-autorizado").first()
    services.set_statement(
        incident_id=closed_hack.pk,
        by=admin,
        template_id=template.pk if template else None,
        text="El Instituto Nacional Electoral informa que se retiró el contenido no autorizado de esta cuenta.",
    )
    _close(
        closed_hack,
        admin,
        cncs,
        "La cuenta se recuperó en dos horas; se retiraron las tres publicaciones y se cambió la contraseña.",
        "Activar la verificación en dos pasos en todas las cuentas de la junta.",
    )
    _move_back(closed_hack, 30)
    open_hack = report(
        admin_cdmx,
        Kind.HACK,
        "No podemos entrar a la cuenta y se publicó una historia que no hicimos.",
        cdmx_ig,
    )
    services.contain_incident(incident_id=open_hack.pk, by=admin_cdmx)
    services.record_step(incident_id=open_hack.pk, by=admin_cdmx, kind=StepKind.REGAIN_ACCESS)

    # --- Impersonation ---
    x = Network.objects.filter(code="x").first()
    closed_fake = report(
        admin,
        Kind.IMPERSONATION,
        "Una cuenta con el escudo del INE ofrece citas para la credencial a cambio de un pago.",
        organ_id=jalisco_x.organ_id,
        fake_handle="@INE_Jalisco_Citas",
        network_id=x.pk if x else None,
    )
    _close(
        closed_fake,
        admin,
        cncs,
        "La plataforma suspendió la cuenta falsa tras el reporte; se publicó un aviso a la ciudadanía.",
        "Recordar en cada campaña que los trámites de la credencial son gratuitos.",
    )
    _move_back(closed_fake, 20)
    report(
        admin,
        Kind.IMPERSONATION,
        "Un perfil se presenta como la Junta Local y responde mensajes pidiendo datos personales.",
        organ_id=jalisco_x.organ_id,
        fake_handle="https://x.com/JuntaINEJal",
        network_id=x.pk if x else None,
    )

    # --- Staff misuse (only CNCS and the titular see these) ---
    closed_misuse = report(
        titular,
        Kind.MISUSE,
        "Se publicó desde la cuenta institucional una opinión personal sobre un tema ajeno al Instituto.",
        jalisco_x,
    )
    _close(
        closed_misuse,
        titular,
        titular,
        "Se retiró la publicación y se turnó el caso para su investigación conforme al Estatuto.",
        "Reforzar en la capacitación anual que las cuentas son instrumentos de trabajo.",
    )
    _move_back(closed_misuse, 15)
    report(titular, Kind.MISUSE, "La cuenta siguió a perfiles de partidos políticos en horario laboral.", jalisco_x)

    # --- Erroneous content ---
    closed_error = report(
        admin, Kind.ERRONEOUS, "Se publicó el horario del módulo de Zapopan con un día equivocado.", jalisco_x
    )
    services.record_correction(
        incident_id=closed_error.pk,
        by=admin,
        correction_text="El módulo de Zapopan abre de lunes a sábado de 8:00 a 15:00 h.",
        correction_url="https://x.com/INEJalisco/status/1900000000000000001",
    )
    _close(
        closed_error,
        admin,
        titular,
        "Se publicó la corrección 40 minutos después y se fijó en el perfil.",
        "Revisar horarios contra el directorio de módulos antes de publicar.",
    )
    _move_back(closed_error, 10)
    report(admin, Kind.ERRONEOUS, "La infografía de requisitos omite el comprobante de domicilio.", jalisco_x)

    # --- Hate or violence speech (never a block) ---
    closed_hate = report(
        admin, Kind.HATE, "Un comentario llama a agredir al personal de un módulo de atención.", jalisco_x
    )
    services.record_platform_action(
        incident_id=closed_hate.pk, by=admin, platform_action=Incident.PlatformAction.REPORTED
    )
    _close(
        closed_hate,
        admin,
        cncs,
        "Se reportó el comentario a la plataforma, que lo retiró; se respondió de forma institucional.",
        "",
    )
    _move_back(closed_hate, 5)
    open_hate = report(admin, Kind.HATE, "Comentarios con insultos racistas en la publicación de la feria.", jalisco_x)
    services.record_platform_action(incident_id=open_hate.pk, by=admin, platform_action=Incident.PlatformAction.HIDDEN)

    # --- A public report waiting for CNCS ---
    PublicReport.objects.create(
        handle_or_url="@INEMexico_Oficial2",
        network=x,
        claims_to_be="La cuenta oficial del Instituto Nacional Electoral",
        receipt=services.new_receipt(),
    )
    return True
