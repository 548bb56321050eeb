"""A person's organ, level and active status (services.update_staff_assignment).

Designations and headships count only while the person is active and belongs to the
organ, so the change that takes a person out ends them — recorded and notified — and a
level that a current designation does not allow (§5.1) is refused.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access, services
from accounts.models import Designation, PositionLevel
from accounts.tests.factories import UserFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(cast):
    return UserFactory(username="raiz", organ=cast.other_organ, is_superuser=True, is_staff=True)


def _assign(person, by, **changes):
    current = {"organ": person.organ, "position_level": person.position_level, "is_active": person.is_active}
    return services.update_staff_assignment(user_id=person.pk, by=by, **{**current, **changes})


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_moving_an_organs_titular_ends_the_headship_in_the_organs_history(cast, root):
    _assign(cast.titular, root, organ=cast.other_organ)

    cast.organ.refresh_from_db()
    assert cast.organ.head is None
    latest = cast.organ.history.first()
    assert (latest.head_id, latest.history_user) == (None, root)
    assert _told("organ.head_changed") == {"cncs", "presidente", "secretario", "titular"}


def test_moving_an_administrator_ends_the_designation_with_who_and_when(cast, root):
    _assign(cast.admin, root, organ=cast.other_organ)

    designation = Designation.objects.get(organ=cast.organ, user=cast.admin)
    assert designation.ends_at is not None
    assert designation.ended_by == root
    assert designation.history.first().history_user == root
    assert _told("designation.changed") == {"cncs", "presidente", "secretario", "admin_titular", "titular"}
    body = Notification.objects.filter(kind="designation.changed", recipient=cast.titular).get().body
    assert f"ya no pertenece a {cast.organ} (ahora: {cast.other_organ})" in body
    assert "debe designar a quien la sustituya" in body


def test_deactivating_a_titular_who_also_administers_ends_both(cast, root):
    Designation.objects.filter(user=cast.admin).delete()
    Designation.objects.create(organ=cast.organ, user=cast.titular, role=Designation.Role.TITULAR)

    _assign(cast.titular, root, is_active=False)

    cast.titular.refresh_from_db()
    cast.organ.refresh_from_db()
    assert not cast.titular.is_active
    assert cast.organ.head is None
    assert Designation.objects.get(user=cast.titular).ends_at is not None
    assert {"cncs", "presidente", "secretario"} <= _told("designation.changed") & _told("organ.head_changed")
    assert "titular" not in _told("designation.changed")  # no longer active: nothing to read it with


def test_lowering_a_titular_administrator_to_operativo_is_refused_and_nothing_changes(cast, root):
    with pytest.raises(ValidationError) as refused:
        _assign(cast.admin, root, position_level=PositionLevel.OPERATIVO)

    [message] = refused.value.message_dict["position_level"]
    assert "El administrador titular debe ser de nivel" in message
    assert f"la persona titular de {cast.organ} debe designar a otra persona como administrador titular" in message
    cast.admin.refresh_from_db()
    assert cast.admin.position_level == PositionLevel.MANDO_MEDIO
    assert Designation.objects.get(user=cast.admin).ends_at is None
    assert not Notification.objects.exists()


def test_raising_a_suplente_to_mando_superior_is_refused_too(cast, root):
    with pytest.raises(ValidationError):
        _assign(cast.suplente, root, position_level=PositionLevel.MANDO_SUPERIOR)


def test_a_level_the_designation_allows_is_saved_without_ending_it(cast, root):
    _assign(cast.admin, root, position_level=PositionLevel.MANDO_SUPERIOR)

    cast.admin.refresh_from_db()
    assert cast.admin.position_level == PositionLevel.MANDO_SUPERIOR
    assert cast.organ.pk in access.administered_organ_ids(cast.admin)
    assert not Notification.objects.exists()


def test_leaving_the_organ_and_a_lower_level_at_once_is_accepted(cast, root):
    _assign(cast.admin, root, organ=cast.other_organ, position_level=PositionLevel.OPERATIVO)

    cast.admin.refresh_from_db()
    assert (cast.admin.organ, cast.admin.position_level) == (cast.other_organ, PositionLevel.OPERATIVO)
    assert Designation.objects.get(user=cast.admin).ends_at is not None


def test_the_same_assignment_again_changes_nothing(cast, root):
    before = cast.organ.history.count()

    _assign(cast.titular, root)

    assert not Notification.objects.exists()
    assert cast.organ.history.count() == before


def test_only_the_system_administration_changes_a_persons_assignment(cast):
    with pytest.raises(PermissionDenied):
        _assign(cast.admin, cast.titular, organ=cast.other_organ)

    cast.admin.refresh_from_db()
    assert cast.admin.organ == cast.organ


# --- The services read people as they are now, not as a form loaded them -------------------


def test_a_person_moved_after_the_form_was_loaded_is_not_designated(cast, root):
    from accounts.models import User

    as_the_form_saw_them = User.objects.get(pk=cast.staff.pk)
    _assign(cast.staff, root, organ=cast.other_organ)

    with pytest.raises(ValidationError):
        services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=as_the_form_saw_them
        )
    assert not Designation.objects.filter(user=cast.staff, ends_at__isnull=True).exists()


def test_a_person_deactivated_after_the_form_was_loaded_is_not_made_titular(cast, root):
    from accounts.models import User

    as_the_form_saw_them = User.objects.get(pk=cast.staff.pk)
    _assign(cast.staff, root, is_active=False)
    cast.organ.refresh_from_db()

    with pytest.raises(ValidationError):
        services.set_organ_head(organ_id=cast.organ.pk, by=root, head=as_the_form_saw_them)
    cast.organ.refresh_from_db()
    assert cast.organ.head == cast.titular
