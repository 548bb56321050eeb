"""Demo consultations for ``make run``: one waiting, one about to expire, one answered.

Built through the services so every row, timeline event and notification is real; only
the submission time of the older ones is moved back afterwards, as if sent earlier.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, User

from . import services
from .models import Consultation


@transaction.atomic
def load_demo() -> bool:
    if not settings.DEBUG:
        raise ImproperlyConfigured("Los datos de demostración solo se crean con DEBUG activo.")
    if Consultation.objects.exists():
        return False
    admin = User.objects.filter(username="admin.jalisco").first()
    cncs = User.objects.filter(username="cncs").first()
    account = Account.objects.filter(organ__code="jle-14", network__code="x").first()
    if not (admin and cncs and account):
        return False
    waiting = services.open_consultation(
        account_id=account.pk,
        by=admin,
        kind=Consultation.Kind.PERTINENCE,
        question="¿Podemos publicar esta invitación a la feria de credencialización en Guadalajara?",
        subject_text="Este sábado te esperamos en la Plaza Liberación de 10:00 a 16:00 h para tramitar tu credencial.",
    )
    urgent = services.open_consultation(
        account_id=account.pk,
        by=admin,
        kind=Consultation.Kind.INFORMATION,
        question="Una persona usuaria pregunta cuántas credenciales se tramitaron en el distrito 07 en 2025.",
        subject_text="Buen día, ¿me pueden decir cuántas credenciales se tramitaron en el distrito 07 el año pasado?",
    )
    answered = services.open_consultation(
        account_id=account.pk,
        by=admin,
        kind=Consultation.Kind.PERTINENCE,
        question="¿Es pertinente compartir la convocatoria a capacitadores asistentes electorales?",
        subject_text="Consulta la convocatoria para supervisores y capacitadores asistentes electorales.",
    )
    services.answer_consultation(
        consultation_id=answered.pk, by=cncs, answer=Consultation.Answer.PUBLISH, answer_text=""
    )
    # Show the queue's urgency: the information request was sent 45 hours ago.
    shift = timedelta(hours=45)
    # Its "4 hours left" reminder is due now: the next sweep sends it.
    Consultation.objects.filter(pk=urgent.pk).update(
        submitted_at=urgent.submitted_at - shift, due_at=urgent.due_at - shift, next_reminder_at=timezone.now()
    )
    return bool(waiting)
