"""Administrator designations (§5.1, §7.iv) and the coverage of every organ with accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import selectors, services
from accounts.models import Account, Designation, PositionLevel
from accounts.tests.factories import AccountFactory, OrganFactory, UserFactory, designate
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TITULAR, SUPLENTE = Designation.Role.TITULAR, Designation.Role.SUPLENTE


def _current(organ) -> dict[str, int]:
    return dict(organ.designations.filter(ends_at__isnull=True).values_list("role", "user_id"))


def _staff(cast, level, username):
    return UserFactory(username=username, organ=cast.organ, position_level=level)


# --- One current titular and one current suplente ---------------------------------------


def test_second_current_titular_is_refused_by_the_database(cast):
    other = _staff(cast, PositionLevel.MANDO_MEDIO, "otra_titular")
    with pytest.raises(IntegrityError), transaction.atomic():
        designate(cast.organ, other, TITULAR)
    assert _current(cast.organ)[TITULAR] == cast.admin.pk


def test_second_current_suplente_is_refused_by_the_database(cast):
    other = _staff(cast, PositionLevel.OPERATIVO, "otro_suplente")
    with pytest.raises(IntegrityError), transaction.atomic():
        designate(cast.organ, other, SUPLENTE)


def test_one_person_cannot_hold_both_roles_in_the_database(cast):
    Designation.objects.filter(organ=cast.organ, role=SUPLENTE).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        designate(cast.organ, cast.admin, SUPLENTE)


def test_an_ended_designation_does_not_block_a_new_one(cast):
    new = _staff(cast, PositionLevel.MANDO_MEDIO, "nuevo")
    services.designate_administrators(organ_id=cast.organ.pk, by=cast.titular, titular=new, suplente=cast.suplente)
    services.designate_administrators(
        organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.suplente
    )
    assert Designation.objects.filter(organ=cast.organ, role=TITULAR).count() == 3
    assert Designation.objects.filter(organ=cast.organ, user=cast.admin).count() == 2
    assert _current(cast.organ) == {TITULAR: cast.admin.pk, SUPLENTE: cast.suplente.pk}


def test_designating_replaces_the_current_pair(cast):
    new_titular = _staff(cast, PositionLevel.MANDO_SUPERIOR, "nueva_titular")
    created = services.designate_administrators(
        organ_id=cast.organ.pk, by=cast.titular, titular=new_titular, suplente=cast.staff, oficio_number="INE/1/2026"
    )
    assert {(d.role, d.user_id) for d in created} == {(TITULAR, new_titular.pk), (SUPLENTE, cast.staff.pk)}
    assert _current(cast.organ) == {TITULAR: new_titular.pk, SUPLENTE: cast.staff.pk}
    assert {d.oficio_number for d in created} == {"INE/1/2026"}
    assert {d.designated_by_id for d in created} == {cast.titular.pk}


def test_the_old_designation_is_ended_not_deleted(cast):
    old = Designation.objects.get(organ=cast.organ, role=TITULAR, ends_at__isnull=True)
    new = _staff(cast, PositionLevel.MANDO_MEDIO, "nuevo")
    services.designate_administrators(organ_id=cast.organ.pk, by=cast.titular, titular=new, suplente=cast.suplente)
    old.refresh_from_db()
    assert old.ends_at is not None
    assert old.ended_by == cast.titular
    assert old.user == cast.admin
    # the suplente did not change: its designation stays as it was
    assert Designation.objects.filter(organ=cast.organ, role=SUPLENTE).count() == 1


def test_designating_the_same_pair_changes_nothing_and_notifies_nobody(cast):
    created = services.designate_administrators(
        organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.suplente
    )
    assert created == []
    assert Designation.objects.filter(organ=cast.organ, ends_at__isnull=False).count() == 0
    assert Notification.objects.count() == 0


def test_swapping_titular_and_suplente_works(cast):
    # the suplente is operativo, which a titular may not be; promote them first
    cast.suplente.position_level = PositionLevel.MANDO_MEDIO
    cast.suplente.save()
    services.designate_administrators(
        organ_id=cast.organ.pk, by=cast.titular, titular=cast.suplente, suplente=cast.admin
    )
    assert _current(cast.organ) == {TITULAR: cast.suplente.pk, SUPLENTE: cast.admin.pk}
    assert Designation.objects.filter(organ=cast.organ, ends_at__isnull=False).count() == 2


# --- Level and membership rules (§5.1) ------------------------------------------------------


@pytest.mark.parametrize(
    "role, level, allowed",
    [
        (TITULAR, PositionLevel.MANDO_SUPERIOR, True),
        (TITULAR, PositionLevel.MANDO_MEDIO, True),
        (TITULAR, PositionLevel.OPERATIVO, False),
        (TITULAR, "", False),
        (SUPLENTE, PositionLevel.MANDO_MEDIO, True),
        (SUPLENTE, PositionLevel.OPERATIVO, True),
        (SUPLENTE, PositionLevel.MANDO_SUPERIOR, False),
    ],
)
def test_level_rules(cast, role, level, allowed):
    person = _staff(cast, level, "candidata")
    wanted = {TITULAR: cast.admin, SUPLENTE: cast.suplente, role: person}
    before = _current(cast.organ)
    if allowed:
        services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.titular, titular=wanted[TITULAR], suplente=wanted[SUPLENTE]
        )
        assert _current(cast.organ)[role] == person.pk
    else:
        with pytest.raises(ValidationError) as exc:
            services.designate_administrators(
                organ_id=cast.organ.pk, by=cast.titular, titular=wanted[TITULAR], suplente=wanted[SUPLENTE]
            )
        assert "debe ser de nivel" in " ".join(exc.value.message_dict[role])
        assert _current(cast.organ) == before


def test_operativo_titular_message_names_the_allowed_levels(cast):
    with pytest.raises(ValidationError) as exc:
        services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.titular, titular=cast.staff, suplente=cast.suplente
        )
    message = exc.value.message_dict[TITULAR][0]
    assert "administrador titular debe ser de nivel mando medio, mando superior" in message
    assert "personal operativo" in message


def test_someone_from_another_organ_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.titular, titular=cast.other_admin, suplente=cast.suplente
        )
    assert "no pertenece a" in exc.value.message_dict[TITULAR][0]
    assert _current(cast.organ)[TITULAR] == cast.admin.pk


def test_an_inactive_person_is_refused(cast):
    cast.staff.is_active = False
    cast.staff.save()
    with pytest.raises(ValidationError) as exc:
        services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.staff
        )
    assert "no está activo" in exc.value.message_dict[SUPLENTE][0]


def test_same_person_for_both_roles_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.designate_administrators(
            organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.admin
        )
    assert exc.value.messages == ["La misma persona no puede ser administradora titular y suplente."]


@pytest.mark.parametrize("role", ["admin", "suplente", "cncs", "president", "other_titular", "consejero", "staff"])
def test_only_the_organs_titular_may_designate(cast, role):
    before = _current(cast.organ)
    with pytest.raises(PermissionDenied):
        services.designate_administrators(
            organ_id=cast.organ.pk, by=getattr(cast, role), titular=cast.admin, suplente=cast.staff
        )
    assert _current(cast.organ) == before
    assert Notification.objects.count() == 0


# --- Notifications (§7.iv) ----------------------------------------------------------------


def test_cncs_and_the_committee_are_notified_with_the_change(cast):
    new_titular = _staff(cast, PositionLevel.MANDO_MEDIO, "nuevo_titular")
    new_titular.first_name, new_titular.last_name, new_titular.job_title = "Rosa", "Pérez", "Jefa de Redes"
    new_titular.save()
    services.designate_administrators(
        organ_id=cast.organ.pk, by=cast.titular, titular=new_titular, suplente=cast.suplente
    )
    notified = set(
        Notification.objects.filter(kind="designation.changed").values_list("recipient__username", flat=True)
    )
    assert {"cncs", "presidente", "secretario"} <= notified
    assert {"nuevo_titular", "admin_titular"} <= notified  # the new and the outgoing administrator
    assert "unicom" not in notified and "otro_titular" not in notified
    note = Notification.objects.get(recipient=cast.cncs)
    assert note.title == f"Cambio de administradores: {cast.organ}"
    assert f"{cast.titular} designó administradores de cuentas de {cast.organ}." in note.body
    assert "Administrador titular: Rosa Pérez (Jefa de Redes), desde " in note.body
    assert f"Concluye: {cast.admin} como administrador titular" in note.body
    assert note.url == reverse("accounts:organ", args=[cast.organ.pk])


def test_each_committee_member_gets_one_notification_even_with_two_roles(cast):
    both = cast.president
    both.groups.add(*cast.secretary.groups.all())
    services.designate_administrators(organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.staff)
    assert Notification.objects.filter(recipient=both).count() == 1


# --- History ------------------------------------------------------------------------------


def test_history_records_who_made_the_change(cast):
    services.designate_administrators(organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.staff)
    ended = Designation.objects.get(organ=cast.organ, user=cast.suplente)
    created = Designation.objects.get(organ=cast.organ, user=cast.staff)
    end_record = ended.history.order_by("-history_date", "-history_id").first()
    assert end_record.history_type == "~"
    assert end_record.history_user == cast.titular
    assert end_record.ends_at is not None
    create_record = created.history.get()
    assert create_record.history_type == "+"
    assert create_record.history_user == cast.titular


def test_the_view_records_the_requesting_user_in_history(client, cast):
    client.force_login(cast.titular)
    client.post(
        reverse("accounts:designate", args=[cast.organ.pk]), {"titular": cast.admin.pk, "suplente": cast.staff.pk}
    )
    record = Designation.objects.get(organ=cast.organ, user=cast.staff).history.get()
    assert record.history_user == cast.titular


# --- The designation view ------------------------------------------------------------------


def test_titular_designates_through_the_view(client, cast, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(cast.titular)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:designate", args=[cast.organ.pk]),
            {"titular": cast.admin.pk, "suplente": cast.staff.pk, "oficio_number": "INE/JLE/7/2026"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("accounts:organ", args=[cast.organ.pk])
    assert "Designación registrada; se notificó a Comunicación Social y al Comité." in response.content.decode()
    assert _current(cast.organ) == {TITULAR: cast.admin.pk, SUPLENTE: cast.staff.pk}
    assert {m.to[0] for m in mailoutbox} >= {"cncs@ine.mx", "presidente@ine.mx", "secretario@ine.mx"}


def test_an_unchanged_designation_says_so(client, cast):
    client.force_login(cast.titular)
    response = client.post(
        reverse("accounts:designate", args=[cast.organ.pk]),
        {"titular": cast.admin.pk, "suplente": cast.suplente.pk},
        follow=True,
    )
    assert "No hubo cambios en la designación." in response.content.decode()


@pytest.mark.parametrize(
    "data, error",
    [
        (lambda c: {"titular": c.staff.pk, "suplente": c.suplente.pk}, "debe ser de nivel mando medio, mando superior"),
        (lambda c: {"titular": c.admin.pk, "suplente": c.admin.pk}, "La misma persona no puede ser administradora"),
        (lambda c: {"titular": c.other_admin.pk, "suplente": c.suplente.pk}, "Seleccione una opción válida"),
        (lambda c: {"titular": c.admin.pk}, "Este campo es obligatorio."),
    ],
    ids=["operativo_titular", "same_person", "other_organ", "missing_suplente"],
)
def test_bad_designation_shows_a_spanish_error_and_saves_nothing(client, cast, data, error):
    client.force_login(cast.titular)
    before = Designation.objects.count()
    response = client.post(reverse("accounts:designate", args=[cast.organ.pk]), data(cast))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not response.context["form"].is_valid()
    assert Designation.objects.count() == before
    assert Designation.objects.filter(ends_at__isnull=False).count() == 0
    assert Notification.objects.count() == 0


def test_designation_form_offers_only_the_organs_active_staff(client, cast):
    gone = _staff(cast, PositionLevel.MANDO_MEDIO, "ya_no_activo")
    gone.is_active = False
    gone.save()
    client.force_login(cast.titular)
    form = client.get(reverse("accounts:designate", args=[cast.organ.pk])).context["form"]
    offered = set(form.fields["titular"].queryset.values_list("username", flat=True))
    assert offered == {"titular", "admin_titular", "admin_suplente", "personal"}


# --- Coverage ------------------------------------------------------------------------------


def _gap_organs() -> dict[int, list[str]]:
    return {gap.organ.pk: gap.problems for gap in selectors.coverage_gaps()}


def test_a_complete_organ_is_not_a_gap(cast):
    assert cast.organ.pk not in _gap_organs()


def test_an_organ_without_suplente_is_a_gap(cast):
    # the other organ has an account and a titular administrator only
    assert _gap_organs()[cast.other_organ.pk] == ["Sin administrador suplente vigente."]


def test_an_organ_without_any_administrator_is_a_gap():
    organ = OrganFactory(name="Sin administración")
    AccountFactory(organ=organ)
    assert _gap_organs()[organ.pk] == ["Sin administrador titular vigente.", "Sin administrador suplente vigente."]


def test_an_administrator_who_left_the_organ_is_a_gap(cast):
    cast.admin.organ = cast.other_organ
    cast.admin.save()
    problems = _gap_organs()[cast.organ.pk]
    assert problems == [f"Administrador titular {cast.admin} ya no pertenece al órgano."]


def test_an_inactive_administrator_is_a_gap(cast):
    cast.suplente.is_active = False
    cast.suplente.save()
    assert _gap_organs()[cast.organ.pk] == [f"Administrador suplente {cast.suplente} está inactivo."]


def test_an_organ_with_only_closed_accounts_is_not_a_gap():
    organ = OrganFactory(name="Solo cuentas cerradas")
    AccountFactory(organ=organ, status=Account.Status.CLOSED)
    assert organ.pk not in _gap_organs()


def test_an_organ_without_accounts_is_not_a_gap():
    organ = OrganFactory(name="Sin cuentas")
    assert organ.pk not in _gap_organs()


def test_a_requested_account_counts_as_live(cast):
    organ = OrganFactory(name="Con solicitud")
    AccountFactory(organ=organ, status=Account.Status.REQUESTED, handle="", url="")
    gap = next(g for g in selectors.coverage_gaps() if g.organ == organ)
    assert gap.live_accounts == 1


def test_coverage_page_lists_the_gaps(client, cast):
    cast.admin.organ = cast.other_organ
    cast.admin.save()
    client.force_login(cast.cncs)
    body = client.get(reverse("accounts:coverage")).content.decode()
    assert "ya no pertenece al órgano" in body
    assert cast.other_organ.name in body
    assert "Sin administrador suplente vigente." in body


def test_coverage_page_says_when_there_is_nothing_pending(client, cast):
    designate(cast.other_organ, UserFactory(organ=cast.other_organ, position_level="operativo"), SUPLENTE)
    client.force_login(cast.president)
    body = client.get(reverse("accounts:coverage")).content.decode()
    assert "Sin pendientes: todos los órganos con cuentas tienen administración completa." in body


def test_coverage_query_count_does_not_grow_with_organs(cast, django_assert_max_num_queries):
    for _ in range(20):
        AccountFactory(organ=OrganFactory(), network=cast.network)
    with django_assert_max_num_queries(3):
        gaps = selectors.coverage_gaps()
    assert len(gaps) == 21


def test_coverage_loads_only_the_organs_with_gaps(django_assert_max_num_queries):
    def staffed_organ():
        organ = OrganFactory()
        AccountFactory(organ=organ)
        titular = designate(organ, UserFactory(organ=organ), TITULAR)
        suplente = designate(organ, UserFactory(organ=organ, position_level=PositionLevel.OPERATIVO), SUPLENTE)
        return organ, titular.user, suplente.user

    for _ in range(50):
        staffed_organ()
    inactive_organ, _, inactive = staffed_organ()
    inactive.is_active = False
    inactive.save()
    moved_organ, moved, _ = staffed_organ()
    moved.organ = inactive_organ
    moved.save()
    assert set(selectors.organs_with_coverage_gaps()) == {inactive_organ, moved_organ}
    with django_assert_max_num_queries(3):
        gaps = selectors.coverage_gaps()
    assert [(gap.organ, gap.live_accounts, gap.problems) for gap in gaps] == sorted(
        [
            (inactive_organ, 1, [f"Administrador suplente {inactive} está inactivo."]),
            (moved_organ, 1, [f"Administrador titular {moved} ya no pertenece al órgano."]),
        ],
        key=lambda gap: gap[0].name,
    )


def test_the_home_panel_counts_the_gaps_in_one_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.organs_with_coverage_gaps().count() == 1  # the other organ lacks a suplente


def test_an_administrator_moved_to_another_organ_loses_the_old_organs_accounts_at_once(client, cast):
    cast.admin.organ = cast.other_organ
    cast.admin.save()
    client.force_login(cast.admin)
    assert client.get(reverse("accounts:detail", args=[cast.account.pk])).status_code == 404
    assert client.get(reverse("accounts:log_add", args=[cast.account.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.add_log_entry(account_id=cast.account.pk, by=cast.admin, kind="publication", text="Texto")


def test_an_administrator_moved_to_another_organ_is_no_longer_notified_for_it(cast):
    from accounts import access

    cast.suplente.organ = cast.other_organ
    cast.suplente.save()
    assert set(access.organ_administrators(cast.organ)) == {cast.admin}
    assert cast.suplente not in access.organ_people(cast.organ)
    assert access.administrators_by_organ([cast.organ.pk])[cast.organ.pk] == [cast.admin]
