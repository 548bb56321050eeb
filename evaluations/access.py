"""Who sees and does what with evaluations, criteria and training, built only from
``accounts.access``.

Seeing: CNCS, the Comité and the system administrators see every evaluation, period, report
and meeting; an organ's titular and its administrators see the organ's evaluations.
Doing: CNCS opens periods, scores, issues and corrects, and schedules the training; the
organ's titular acknowledges; only the Comité edits and publishes the criteria.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import access as accounts_access
from accounts.models import User

from .models import Evaluation


def sees_all(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or accounts_access.is_cncs(user) or accounts_access.is_committee(user)
    )


def evaluates(user: User) -> bool:
    """Opens periods, scores, issues, corrects; schedules and runs the training: CNCS."""
    return user.is_authenticated and accounts_access.is_cncs(user)


def publishes_criteria(user: User) -> bool:
    """Edits the drafts of the procedure and publishes them (§8.i): the Comité."""
    return user.is_authenticated and accounts_access.is_committee(user)


def organ_ids_seen_by(user: User) -> frozenset[int]:
    """The organs whose evaluations the user sees as titular or administrator."""
    if not user.is_authenticated:
        return frozenset()
    return accounts_access.organ_ids_of(user)


def evaluations_visible_to(user: User) -> QuerySet[Evaluation]:
    """Every list, count, panel and report of evaluations starts here."""
    qs = Evaluation.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if sees_all(user):
        return qs
    return qs.filter(organ_id__in=organ_ids_seen_by(user))


def get_evaluation_for(user: User, pk: int) -> Evaluation:
    """The evaluation, or 404 for anyone who may not see it (no leak of its existence)."""
    evaluation = (
        evaluations_visible_to(user)
        .select_related("period__criteria", "account__network", "account__organ__entidad", "organ")
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise Http404(_("No existe la evaluación o no tiene acceso a ella."))
    return evaluation


def may_acknowledge(user: User, evaluation: Evaluation) -> bool:
    """The titular of the evaluated organ acknowledges (an organ never acknowledges another's)."""
    return user.is_authenticated and accounts_access.headed_organ_id(user) == evaluation.organ_id


def sees_evaluations(user: User) -> bool:
    """Has any evaluation to see: CNCS, the Comité, a superuser, or an organ's titular or administrator."""
    return sees_all(user) or bool(organ_ids_seen_by(user))


def sees_drafts(user: User) -> bool:
    """Sees the scores of an evaluation before it is issued. The organ sees its evaluation once
    issued: a draft is Comunicación Social's work in progress."""
    return sees_all(user)


def require_evaluator(user: User) -> None:
    if not evaluates(user):
        raise PermissionDenied(
            _("Solo Comunicación Social abre periodos y califica, emite y corrige las evaluaciones.")
        )


def require_acknowledger(user: User, evaluation: Evaluation) -> None:
    if not may_acknowledge(user, evaluation):
        raise PermissionDenied(_("Solo la persona titular del órgano evaluado acusa recibo de su evaluación."))


# --- Reports ------------------------------------------------------------------------------


def sees_reports(user: User) -> bool:
    """The national reports and their exports: CNCS, the Comité and the system administrators."""
    return sees_all(user)


def organ_report_scope(user: User) -> int | None | bool:
    """Which organ reports the user sees: True for every organ, the id of the one organ the
    user heads, or None for none. An administrator who is not the titular sees the organ's
    evaluations one by one, not the organ report."""
    if sees_reports(user):
        return True
    return accounts_access.headed_organ_id(user)
