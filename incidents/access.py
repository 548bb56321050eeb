"""Who sees and does what with incidents, built only from ``accounts.access``.

Seeing: CNCS and the system administrators see every incident; UNICOM and the Comité see
every incident except staff misuse; an organ's titular sees the organ's incidents; its
administrators see them too, except staff misuse (§5: they may be the people concerned).
Reporting: the organ's administrators and its titular, on the organ's operated accounts;
staff misuse only by its titular or CNCS. Doing: ``Incident.TRANSITIONS`` says which step
is possible and which actor takes it; here only whether a user is that actor.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import access as accounts_access
from accounts.models import Account, User

from .models import Actor, Incident, IncidentKind, PublicReport


def sees_all(user: User) -> bool:
    """Every incident, misuse included: CNCS and the system administrators."""
    return user.is_authenticated and (user.is_superuser or accounts_access.is_cncs(user))


def sees_all_but_misuse(user: User) -> bool:
    """UNICOM (hacks are its technical work) and the Comité (read-only overview)."""
    return user.is_authenticated and (accounts_access.is_unicom(user) or accounts_access.is_committee(user))


def sees_across_organs(user: User) -> bool:
    return sees_all(user) or sees_all_but_misuse(user)


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    """Every list, count and panel of incidents starts here."""
    qs = Incident.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if sees_all(user):
        return qs
    if sees_all_but_misuse(user):
        return qs.exclude(kind=IncidentKind.MISUSE)
    scope = Q(pk__in=[])
    head = accounts_access.headed_organ_id(user)
    if head:
        scope |= Q(organ_id=head)
    administered = accounts_access.administered_organ_ids(user)
    if administered:
        scope |= Q(organ_id__in=administered) & ~Q(kind=IncidentKind.MISUSE)
    return qs.filter(scope)


def get_incident_for(user: User, pk: int) -> Incident:
    """The incident, or 404 for anyone who may not see it (no leak of its existence)."""
    incident = (
        incidents_visible_to(user)
        .with_first_email()
        .select_related(
            "account__network",
            "account__organ",
            "organ__entidad",
            "network",
            "reported_by",
            "contained_by",
            "resolved_by",
            "closed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404(_("No existe el incidente o no tiene acceso a él."))
    return incident


# --- Reporting ----------------------------------------------------------------------------


def may_report(user: User) -> bool:
    """Shows the "report an incident" link: someone who may report on some account."""
    return sees_all(user) or bool(accounts_access.organ_ids_of(user))


def can_report_on(user: User, account: Account, kind: str = IncidentKind.HACK) -> bool:
    if not account.is_operated:
        return False
    if kind == IncidentKind.MISUSE:
        return sees_all(user) or accounts_access.headed_organ_id(user) == account.organ_id
    return account.organ_id in accounts_access.organ_ids_of(user)


def accounts_reportable_by(user: User) -> QuerySet[Account]:
    """``can_report_on`` (for a hack) as a queryset: the accounts offered by the report form."""
    return Account.objects.filter(
        status__in=Account.OPERATED_STATUSES, organ_id__in=accounts_access.organ_ids_of(user)
    ).select_related("network", "organ")


def can_report_impersonation(user: User, organ_id: int | None) -> bool:
    if sees_all(user):
        return True
    return organ_id is not None and organ_id in accounts_access.organ_ids_of(user)


# --- Acting -------------------------------------------------------------------------------


def is_actor(user: User, actor: str, incident: Incident) -> bool:
    if not user.is_authenticated:
        return False
    if sees_all(user):
        return True
    head = accounts_access.headed_organ_id(user)
    is_head = incident.organ_id is not None and head == incident.organ_id
    if actor == Actor.CLOSER:
        return is_head
    if incident.kind == IncidentKind.MISUSE:
        return is_head
    if accounts_access.is_unicom(user) and incident.kind == IncidentKind.HACK:
        return True
    return is_head or (
        incident.organ_id is not None and incident.organ_id in accounts_access.administered_organ_ids(user)
    )


def can_work_on(user: User, incident: Incident) -> bool:
    """Checklist, statement, notes: whoever responds to the incident."""
    return is_actor(user, Actor.RESPONDER, incident)


def can_edit(user: User, incident: Incident) -> bool:
    return not incident.is_closed and can_work_on(user, incident)


def available_actions(user: User, incident: Incident) -> list[str]:
    """The transitions this person may take now: the buttons on the incident's page."""
    return [
        action for action, step in Incident.TRANSITIONS[incident.status].items() if is_actor(user, step.actor, incident)
    ]


def acts_on_incidents(user: User) -> bool:
    """The home panel: those who respond to incidents (not the Comité, which only reads)."""
    return sees_all(user) or accounts_access.is_unicom(user) or bool(accounts_access.organ_ids_of(user))


# --- Public reports -----------------------------------------------------------------------


def can_triage_public_reports(user: User) -> bool:
    return sees_all(user)


def public_reports_visible_to(user: User) -> QuerySet[PublicReport]:
    return PublicReport.objects.all() if can_triage_public_reports(user) else PublicReport.objects.none()
