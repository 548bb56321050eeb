"""Who sees and does what with consultations, built only from ``accounts.access``.

CNCS (and the system administrators) see every consultation and work from the queue; an
organ's titular and administrators see their organ's. Only CNCS answers; only the organ's
administrators open consultations and send the notice to the user. Views, panels,
templates and services ask here; each decision has one function.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Account, User

from .models import Consultation


def sees_all(user: User) -> bool:
    """Every consultation, and the queue by time left: CNCS and the system administrators."""
    return user.is_authenticated and (user.is_superuser or access.is_cncs(user))


def sees_organ_consultations(user: User) -> bool:
    """An organ's titular and administrators follow their organ's consultations."""
    return bool(access.organ_ids_of(user))


def is_answerer(user: User) -> bool:
    """Only Comunicación Social answers; a system administrator does not speak for it."""
    return access.is_cncs(user)


def consultations_visible_to(user: User) -> QuerySet[Consultation]:
    qs = Consultation.objects.all()
    if sees_all(user):
        return qs
    return qs.filter(account__organ_id__in=access.organ_ids_of(user))


def get_consultation_for(user: User, pk: int) -> Consultation:
    consultation = (
        consultations_visible_to(user)
        .select_related("account__organ", "account__network", "requested_by", "answered_by", "user_notice_sent_by")
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404(_("No existe la consulta o no tiene acceso a ella."))
    return consultation


def accounts_open_to_consult(user: User) -> QuerySet[Account]:
    """The accounts this person may open a consultation about: those they operate."""
    return access.accounts_operated_by(user).select_related("network", "organ")


def can_open(user: User) -> bool:
    return bool(access.administered_organ_ids(user))


def can_answer(user: User, consultation: Consultation) -> bool:
    return is_answerer(user) and consultation.is_open and not consultation.is_past_due


def can_send_user_notice(user: User, consultation: Consultation) -> bool:
    return (
        consultation.status == Consultation.Status.EXPIRED
        and consultation.user_notice_sent_at is None
        and access.can_operate_account(user, consultation.account)
    )
