"""Who may see and do what. Every view, task and selector asks here; nowhere else decides.

Roles held across organs (CNCS, UNICOM, the Comité) are Django groups. Roles held in an
organ are facts in the data: the organ's titular is ``Organ.head``; its administrators
are its current ``Designation`` rows; a consejero is the head of a consejero's office.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Account, Designation, Organ, User


class Group:
    """The names of the cross-organ groups (created by a data migration)."""

    CNCS = "Comunicación Social"
    UNICOM = "UNICOM"
    COMMITTEE_PRESIDENT = "Comité — Presidencia"
    COMMITTEE_SECRETARY = "Comité — Secretaría Técnica"

    ALL = (CNCS, UNICOM, COMMITTEE_PRESIDENT, COMMITTEE_SECRETARY)
    COMMITTEE = (COMMITTEE_PRESIDENT, COMMITTEE_SECRETARY)


ROLE_LABELS = {
    "superuser": _("Administración del sistema"),
    Group.CNCS: _("Comunicación Social"),
    Group.UNICOM: _("UNICOM"),
    Group.COMMITTEE_PRESIDENT: _("Presidencia del Comité de Gestión y Publicación Electrónica"),
    Group.COMMITTEE_SECRETARY: _("Secretaría Técnica del Comité de Gestión y Publicación Electrónica"),
    "organ_head": _("Titular del órgano responsable"),
    "consejero": _("Consejería electoral"),
    Designation.Role.TITULAR: _("Administración de cuentas (titular)"),
    Designation.Role.SUPLENTE: _("Administración de cuentas (suplente)"),
}


def _group_names(user: User) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ine_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._ine_group_names = cached
    return cached


def is_cncs(user: User) -> bool:
    return Group.CNCS in _group_names(user)


def is_unicom(user: User) -> bool:
    return Group.UNICOM in _group_names(user)


def is_committee(user: User) -> bool:
    return bool(_group_names(user) & set(Group.COMMITTEE))


def headed_organ_id(user: User) -> int | None:
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_ine_headed_organ"):
        user._ine_headed_organ = Organ.objects.filter(head=user).values_list("pk", "kind").first()
    return user._ine_headed_organ[0] if user._ine_headed_organ else None


def is_consejero(user: User) -> bool:
    headed_organ_id(user)
    return bool(getattr(user, "_ine_headed_organ", None)) and user._ine_headed_organ[1] == Organ.Kind.CONSEJERO


def administered_organ_ids(user: User) -> frozenset[int]:
    """Organs where the user is a current administrator (titular or suplente)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ine_administered", None)
    if cached is None:
        # A designation counts only while its person still belongs to the organ (§5.1):
        # moving someone to another organ takes the old organ's accounts away at once.
        cached = frozenset(
            Designation.objects.filter(user=user, ends_at__isnull=True, organ_id=user.organ_id).values_list(
                "organ_id", flat=True
            )
        )
        user._ine_administered = cached
    return cached


def organ_ids_of(user: User) -> frozenset[int]:
    """Organs whose accounts the user reaches as titular or administrator (§5.1)."""
    head = headed_organ_id(user)
    return administered_organ_ids(user) | ({head} if head else set())


def sees_all_accounts(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or is_cncs(user) or is_unicom(user) or is_committee(user))


def role_labels(user: User) -> list[str]:
    labels = []
    if user.is_superuser:
        labels.append(ROLE_LABELS["superuser"])
    labels += [ROLE_LABELS[name] for name in Group.ALL if name in _group_names(user)]
    if headed_organ_id(user):
        labels.append(ROLE_LABELS["consejero"] if is_consejero(user) else ROLE_LABELS["organ_head"])
    for role in Designation.objects.filter(user=user, ends_at__isnull=True).values_list("role", flat=True):
        labels.append(ROLE_LABELS[role])
    return labels


# --- Scoped querysets: every list starts here ------------------------------------------


def accounts_visible_to(user: User) -> QuerySet[Account]:
    qs = Account.objects.all()
    if sees_all_accounts(user):
        return qs
    return qs.filter(organ_id__in=organ_ids_of(user))


def organs_visible_to(user: User) -> QuerySet[Organ]:
    if sees_all_accounts(user):
        return Organ.objects.all()
    return Organ.objects.filter(pk__in=organ_ids_of(user))


def get_account_for(user: User, pk: int) -> Account:
    """The account, or 404 for anyone who may not see it (no leak of its existence)."""
    account = accounts_visible_to(user).select_related("organ", "organ__entidad", "network").filter(pk=pk).first()
    if account is None:
        raise Http404(_("No existe la cuenta o no tiene acceso a ella."))
    return account


def get_organ_for(user: User, pk: int) -> Organ:
    organ = organs_visible_to(user).select_related("entidad", "head").filter(pk=pk).first()
    if organ is None:
        raise Http404(_("No existe el órgano o no tiene acceso a él."))
    return organ


# --- Actions ----------------------------------------------------------------------------


def can_operate_account(user: User, account: Account) -> bool:
    """Bitácora entries, out-of-office periods, password rotations, consultations, the
    account's public details: the organ's administrators, on an account that exists."""
    return account.is_operated and account.organ_id in administered_organ_ids(user)


# The ``require_*`` forms raise with the reason, so a service and the view that shows its
# form refuse in the same words.


def require_operator(user: User, account: Account) -> None:
    if not can_operate_account(user, account):
        raise PermissionDenied(_("Solo los administradores designados del órgano operan esta cuenta."))


def accounts_operated_by(user: User) -> QuerySet[Account]:
    """``can_operate_account`` as a queryset: every account this person may operate."""
    return Account.objects.filter(status__in=Account.OPERATED_STATUSES, organ_id__in=administered_organ_ids(user))


# An account's identity (handle, address, registration mailbox) was approved by CNCS and
# provisioned by UNICOM, and the public lookup trusts it: only CNCS changes it. The
# organ's administrators keep the operational details current.
OPERATOR_EDITABLE_FIELDS = ("name", "attention_hours", "verification_status")
CNCS_EDITABLE_FIELDS = ("name", "handle", "url", "registration_email", "attention_hours", "verification_status")


def editable_account_fields(user: User, account: Account) -> tuple[str, ...]:
    if account.is_live and (user.is_superuser or is_cncs(user)):
        return CNCS_EDITABLE_FIELDS
    if can_operate_account(user, account):
        return OPERATOR_EDITABLE_FIELDS
    return ()


def require_editable_account_fields(user: User, account: Account) -> tuple[str, ...]:
    fields = editable_account_fields(user, account)
    if not fields:
        raise PermissionDenied(_("No puede editar los datos de esta cuenta."))
    return fields


def can_designate(user: User, organ: Organ) -> bool:
    """Only the organ's titular changes its administrators (§7.iv)."""
    return user.is_authenticated and (user.is_superuser or organ.head_id == user.pk)


def require_designate(user: User, organ: Organ) -> None:
    if not can_designate(user, organ):
        raise PermissionDenied(_("Solo la persona titular del órgano puede designar a sus administradores."))


def can_change_organ_head(user: User) -> bool:
    """Who heads an organ is institutional data kept by the system's administration."""
    return user.is_authenticated and user.is_superuser


def require_change_organ_head(user: User) -> None:
    if not can_change_organ_head(user):
        raise PermissionDenied(_("Solo la administración del sistema registra a la persona titular de un órgano."))


def can_change_staff_assignment(user: User) -> bool:
    """A person's organ, level and active status are institutional data kept by the system's
    administration, like who heads an organ."""
    return can_change_organ_head(user)


def require_change_staff_assignment(user: User) -> None:
    if not can_change_staff_assignment(user):
        raise PermissionDenied(
            _("Solo la administración del sistema cambia la adscripción, el nivel o la vigencia de una persona.")
        )


def can_see_coverage(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or is_cncs(user) or is_committee(user))


def users_in_groups(*names: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name__in=names).distinct()


def cncs_users() -> QuerySet[User]:
    return users_in_groups(Group.CNCS)


def unicom_users() -> QuerySet[User]:
    return users_in_groups(Group.UNICOM)


def committee_users() -> QuerySet[User]:
    return users_in_groups(*Group.COMMITTEE)


def organ_administrators(organ: Organ) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, organ=organ, designations__organ=organ, designations__ends_at__isnull=True
    ).distinct()


def organ_people(organ: Organ) -> QuerySet[User]:
    """The organ's titular and its current administrators."""
    return User.objects.filter(
        Q(headed_organ=organ) | Q(organ=organ, designations__organ=organ, designations__ends_at__isnull=True),
        is_active=True,
    ).distinct()


# --- Batch forms for sweeps: the same rules as above, a fixed number of queries ---------


def administrators_by_organ(organ_ids: Iterable[int]) -> dict[int, list[User]]:
    """``access.organ_administrators(organ)`` for many organs, in one query."""
    result: dict[int, list[User]] = defaultdict(list)
    designations = (
        Designation.objects.filter(
            organ_id__in=set(organ_ids), ends_at__isnull=True, user__is_active=True, user__organ_id=F("organ_id")
        )
        .select_related("user")
        .order_by("organ_id", "role")
    )
    for designation in designations:
        result[designation.organ_id].append(designation.user)
    return result


def people_by_organ(organ_ids: Iterable[int]) -> dict[int, list[User]]:
    """``access.organ_people(organ)`` (its titular and administrators) for many organs, in two queries."""
    organ_ids = set(organ_ids)
    result = administrators_by_organ(organ_ids)
    heads = Organ.objects.filter(pk__in=organ_ids, head__is_active=True).select_related("head")
    for organ in heads:
        if all(user.pk != organ.head_id for user in result[organ.pk]):
            result[organ.pk].insert(0, organ.head)
    return result
