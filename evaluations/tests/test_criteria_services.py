"""The evaluation procedure's services (§8.i): drafts, criteria, publication, and the rule
that a published version never changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluations import criteria
from evaluations.models import CriteriaVersion, Criterion
from evaluations.tests.factories import CriteriaVersionFactory, CriterionFactory, published_version
from notifications.models import Notification

pytestmark = pytest.mark.django_db

FIELDS = {
    "code": "frecuencia",
    "name": "Frecuencia de actualización",
    "reference": "§6.xx",
    "description": "Publica con la periodicidad de la red.",
    "scale_min": 0,
    "scale_max": 4,
    "scale_help": "0: no cumple\n4: cumple plenamente",
    "weight": 40,
    "source": Criterion.Source.ACTIVITY,
}


def add(version, by, **overrides):
    return criteria.save_criterion(version_id=version.pk, by=by, **{**FIELDS, **overrides})


@pytest.fixture
def draft(cast):
    return criteria.create_draft(by=cast.president)


@pytest.fixture
def published(cast):
    version = criteria.create_draft(by=cast.president)
    add(version, cast.president)
    add(version, cast.president, code="bitacora", name="Bitácora", weight=60, source=Criterion.Source.NONE)
    return criteria.publish_version(version_id=version.pk, by=cast.president)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


# --- Drafts ----------------------------------------------------------------------------------


def test_the_first_draft_is_number_one_and_records_who_made_it(cast):
    version = criteria.create_draft(by=cast.secretary)
    assert version.number == 1
    assert version.status == CriteriaVersion.Status.DRAFT
    assert version.created_by == cast.secretary
    assert version.published_at is None
    assert version.criteria.count() == 0


def test_a_new_draft_copies_the_latest_published_version(cast, published):
    draft = criteria.create_draft(by=cast.secretary)
    assert draft.number == published.number + 1
    assert draft.title == published.title
    copied = list(draft.criteria.order_by("position").values("code", "name", "weight", "source", "scale_help"))
    original = list(published.criteria.order_by("position").values("code", "name", "weight", "source", "scale_help"))
    assert copied == original
    # A copy, not the same rows: editing the draft leaves the published version alone.
    assert not set(draft.criteria.values_list("pk", flat=True)) & set(published.criteria.values_list("pk", flat=True))


def test_a_new_draft_copies_the_version_asked_for(cast):
    old = published_version(weights=(50, 50), number=1)
    published_version(weights=(20, 30, 50), number=2)
    draft = criteria.create_draft(by=cast.president, copy_from_id=old.pk)
    assert draft.number == 3
    assert list(draft.criteria.values_list("weight", flat=True)) == [50, 50]


def test_copying_a_version_that_does_not_exist_is_refused(cast):
    with pytest.raises(ValidationError, match="no existe"):
        criteria.create_draft(by=cast.president, copy_from_id=9999)
    assert not CriteriaVersion.objects.exists()


def test_a_second_draft_is_refused_while_one_is_open(cast, draft):
    with pytest.raises(ValidationError, match=r"Ya hay un borrador en elaboración \(versión 1\)"):
        criteria.create_draft(by=cast.secretary)
    assert CriteriaVersion.objects.count() == 1


def test_two_drafts_with_the_same_number_are_refused_by_the_database(cast, monkeypatch):
    """The race two people creating a draft at once would run: both read the same last
    number; the unique number lets one in and the other is told."""
    CriteriaVersionFactory(number=1, status="published", published_at=timezone.now())
    monkeypatch.setattr(criteria, "current_draft", lambda: None)
    criteria.create_draft(by=cast.president)
    monkeypatch.setattr(criteria.CriteriaVersion.objects, "aggregate", lambda **kw: {"n": 1})
    with pytest.raises(ValidationError, match="Otra persona creó un borrador al mismo tiempo"):
        criteria.create_draft(by=cast.secretary)
    assert CriteriaVersion.objects.count() == 2


@pytest.mark.parametrize("role", ["cncs", "titular", "admin", "unicom", "outsider", "consejero"])
def test_only_the_committee_creates_a_draft(cast, role):
    with pytest.raises(PermissionDenied, match="Solo el Comité"):
        criteria.create_draft(by=getattr(cast, role))
    assert not CriteriaVersion.objects.exists()


def test_a_superuser_is_not_the_committee(cast):
    from accounts.tests.factories import UserFactory

    root = UserFactory(username="raiz", is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        criteria.create_draft(by=root)


def test_update_draft_saves_title_and_notes(cast, draft):
    criteria.update_draft(version_id=draft.pk, by=cast.secretary, title="  Procedimiento 2027 ", notes="Acuerdo 3")
    draft.refresh_from_db()
    assert (draft.title, draft.notes) == ("Procedimiento 2027", "Acuerdo 3")


@pytest.mark.parametrize(
    "title, field",
    [("", "title"), ("x" * 201, "title"), ("Dos\nrenglones", "title"), ("Con\x00nulo", "title")],
)
def test_update_draft_refuses_a_bad_title(cast, draft, title, field):
    with pytest.raises(ValidationError) as exc:
        criteria.update_draft(version_id=draft.pk, by=cast.president, title=title, notes="")
    assert field in errors_of(exc)
    draft.refresh_from_db()
    assert draft.title != title


def test_update_draft_refuses_control_characters_in_the_notes(cast, draft):
    with pytest.raises(ValidationError) as exc:
        criteria.update_draft(version_id=draft.pk, by=cast.president, title="T", notes="a\x00b")
    assert "notes" in errors_of(exc)


# --- Criteria --------------------------------------------------------------------------------


def test_criteria_are_added_in_order(cast, draft):
    first = add(draft, cast.president)
    second = add(draft, cast.president, code="respuestas")
    assert (first.position, second.position) == (0, 1)
    assert first.version == draft


def test_a_criterion_is_edited_in_place(cast, draft):
    criterion = add(draft, cast.president)
    criteria.save_criterion(
        version_id=draft.pk, by=cast.secretary, criterion_id=criterion.pk, **{**FIELDS, "weight": 25, "name": "Otro"}
    )
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.name, criterion.position) == (25, "Otro", 0)


def test_a_code_is_unique_in_its_version(cast, draft):
    add(draft, cast.president)
    with pytest.raises(ValidationError) as exc:
        add(draft, cast.president, name="Otro")
    assert errors_of(exc)["code"] == ["Ya hay un criterio con esa clave en esta versión."]
    assert draft.criteria.count() == 1


def test_editing_a_criterion_keeps_its_own_code(cast, draft):
    criterion = add(draft, cast.president)
    criteria.save_criterion(version_id=draft.pk, by=cast.president, criterion_id=criterion.pk, **FIELDS)


def test_the_same_code_in_another_version_is_fine(cast, published):
    draft = criteria.create_draft(by=cast.president)
    assert draft.criteria.filter(code=FIELDS["code"]).exists()


@pytest.mark.parametrize("low, high", [(4, 4), (3, 1)])
def test_the_scale_maximum_must_exceed_the_minimum(cast, draft, low, high):
    with pytest.raises(ValidationError) as exc:
        add(draft, cast.president, scale_min=low, scale_max=high)
    assert errors_of(exc)["scale_max"] == ["El máximo de la escala debe ser mayor que el mínimo."]
    assert not draft.criteria.exists()


@pytest.mark.parametrize("weight", [0, 101, -5])
def test_a_weight_outside_1_to_100_is_refused(cast, draft, weight):
    with pytest.raises(ValidationError) as exc:
        add(draft, cast.president, weight=weight)
    assert "weight" in errors_of(exc)


@pytest.mark.parametrize("weight", [1, 100])
def test_weights_at_the_bounds_are_accepted(cast, draft, weight):
    assert add(draft, cast.president, weight=weight).weight == weight


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("name", "x" * 201),
        ("name", "a\nb"),
        ("code", "con espacios"),
        ("code", ""),
        ("description", ""),
        ("description", "nulo\x00"),
        ("reference", "x" * 61),
        ("source", "invented"),
        ("scale_max", 101),
    ],
)
def test_bad_fields_are_refused_with_a_field_error(cast, draft, field, value):
    with pytest.raises(ValidationError) as exc:
        add(draft, cast.president, **{field: value})
    assert field in errors_of(exc)
    assert not draft.criteria.exists()


def test_an_unknown_field_is_a_programming_error(cast, draft):
    with pytest.raises(TypeError):
        add(draft, cast.president, version_id=3)


def test_a_criterion_of_another_version_cannot_be_edited_through_this_one(cast, published):
    draft = criteria.create_draft(by=cast.president)
    other = published.criteria.first()
    with pytest.raises(ValidationError, match="no pertenece a esta versión"):
        criteria.save_criterion(version_id=draft.pk, by=cast.president, criterion_id=other.pk, **FIELDS)
    with pytest.raises(ValidationError, match="no pertenece a esta versión"):
        criteria.remove_criterion(version_id=draft.pk, criterion_id=other.pk, by=cast.president)
    with pytest.raises(ValidationError, match="no pertenece a esta versión"):
        criteria.move_criterion(version_id=draft.pk, criterion_id=other.pk, by=cast.president, direction="up")


def test_removing_a_criterion_closes_the_gap_in_the_order(cast, draft):
    a = add(draft, cast.president, code="a")
    b = add(draft, cast.president, code="b")
    c = add(draft, cast.president, code="c")
    criteria.remove_criterion(version_id=draft.pk, criterion_id=b.pk, by=cast.secretary)
    assert list(draft.criteria.order_by("position").values_list("pk", "position")) == [(a.pk, 0), (c.pk, 1)]


def test_moving_a_criterion_swaps_it_with_its_neighbour(cast, draft):
    a = add(draft, cast.president, code="a")
    b = add(draft, cast.president, code="b")
    c = add(draft, cast.president, code="c")
    criteria.move_criterion(version_id=draft.pk, criterion_id=c.pk, by=cast.president, direction="up")
    assert list(draft.criteria.order_by("position").values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    criteria.move_criterion(version_id=draft.pk, criterion_id=a.pk, by=cast.president, direction="down")
    assert list(draft.criteria.order_by("position").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]


def test_moving_past_either_end_changes_nothing(cast, draft):
    a = add(draft, cast.president, code="a")
    b = add(draft, cast.president, code="b")
    criteria.move_criterion(version_id=draft.pk, criterion_id=a.pk, by=cast.president, direction="up")
    criteria.move_criterion(version_id=draft.pk, criterion_id=b.pk, by=cast.president, direction="down")
    assert list(draft.criteria.order_by("position").values_list("pk", flat=True)) == [a.pk, b.pk]


def test_an_unknown_direction_is_refused(cast, draft):
    a = add(draft, cast.president, code="a")
    with pytest.raises(ValidationError, match="Esa dirección no existe"):
        criteria.move_criterion(version_id=draft.pk, criterion_id=a.pk, by=cast.president, direction="sideways")


@pytest.mark.parametrize("role", ["cncs", "titular", "admin", "unicom", "outsider"])
def test_only_the_committee_edits_a_draft(cast, draft, role):
    criterion = add(draft, cast.president)
    user = getattr(cast, role)
    writes = [
        lambda: criteria.update_draft(version_id=draft.pk, by=user, title="Otro", notes=""),
        lambda: add(draft, user, code="otro"),
        lambda: criteria.save_criterion(version_id=draft.pk, by=user, criterion_id=criterion.pk, **FIELDS),
        lambda: criteria.remove_criterion(version_id=draft.pk, criterion_id=criterion.pk, by=user),
        lambda: criteria.move_criterion(version_id=draft.pk, criterion_id=criterion.pk, by=user, direction="up"),
        lambda: criteria.publish_version(version_id=draft.pk, by=user),
        lambda: criteria.discard_draft(version_id=draft.pk, by=user),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    draft.refresh_from_db()
    assert draft.status == CriteriaVersion.Status.DRAFT and draft.criteria.count() == 1


def test_discarding_a_draft_deletes_it_with_its_criteria(cast, draft):
    add(draft, cast.president)
    criteria.discard_draft(version_id=draft.pk, by=cast.secretary)
    assert not CriteriaVersion.objects.exists()
    assert not Criterion.objects.exists()


def test_a_version_that_no_longer_exists_is_refused_in_spanish(cast):
    with pytest.raises(ValidationError, match="ya no existe"):
        criteria.update_draft(version_id=12345, by=cast.president, title="T", notes="")


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_records_who_and_when(cast, draft):
    add(draft, cast.president)
    with time_machine.travel("2026-06-20 18:00:00+00:00", tick=False):
        version = criteria.publish_version(version_id=draft.pk, by=cast.secretary)
    version.refresh_from_db()
    assert version.status == CriteriaVersion.Status.PUBLISHED
    assert version.published_by == cast.secretary
    assert version.published_at.isoformat() == "2026-06-20T18:00:00+00:00"


def test_publishing_notifies_cncs_and_the_committee(cast, draft):
    add(draft, cast.president)
    version = criteria.publish_version(version_id=draft.pk, by=cast.president)
    notified = set(
        Notification.objects.filter(kind=criteria.PUBLISHED_KIND).values_list("recipient__username", flat=True)
    )
    assert notified == {cast.cncs.username, cast.president.username, cast.secretary.username}
    note = Notification.objects.filter(kind=criteria.PUBLISHED_KIND).first()
    assert note.title == "Criterios de evaluación publicados: versión 1"
    assert note.url == f"/evaluaciones/criterios/{version.pk}/"


def test_a_version_without_criteria_cannot_be_published(cast, draft):
    with pytest.raises(ValidationError, match="Un procedimiento sin criterios no se puede publicar"):
        criteria.publish_version(version_id=draft.pk, by=cast.president)
    draft.refresh_from_db()
    assert draft.status == CriteriaVersion.Status.DRAFT
    assert not Notification.objects.exists()


def test_publishing_twice_tells_who_published_first(cast, published):
    with pytest.raises(ValidationError) as exc:
        criteria.publish_version(version_id=published.pk, by=cast.secretary)
    message = exc.value.messages[0]
    assert "La versión 1 de los criterios se publicó el" in message
    assert cast.president.get_full_name() in message
    assert Notification.objects.filter(kind=criteria.PUBLISHED_KIND).count() == 3


def test_the_conditional_update_refuses_a_publish_that_lost_the_race(cast, draft, monkeypatch):
    """Even past the lock (a stale read), the UPDATE on status='draft' lets one publish win."""
    add(draft, cast.president)
    stale = CriteriaVersion.objects.get(pk=draft.pk)
    CriteriaVersion.objects.filter(pk=draft.pk).update(
        status="published", published_at=timezone.now(), published_by=cast.president
    )
    monkeypatch.setattr(criteria, "_lock_draft", lambda version_id, by: stale)
    with pytest.raises(ValidationError, match="se publicó el"):
        criteria.publish_version(version_id=draft.pk, by=cast.secretary)
    draft.refresh_from_db()
    assert draft.published_by == cast.president
    assert not Notification.objects.exists()


# --- A published version never changes -------------------------------------------------------


def _writes_on(version, by):
    criterion = version.criteria.first()
    return {
        "update_draft": lambda: criteria.update_draft(version_id=version.pk, by=by, title="Cambiado", notes="x"),
        "add_criterion": lambda: add(version, by, code="nuevo"),
        "edit_criterion": lambda: criteria.save_criterion(
            version_id=version.pk, by=by, criterion_id=criterion.pk, **{**FIELDS, "weight": 1}
        ),
        "remove_criterion": lambda: criteria.remove_criterion(version_id=version.pk, criterion_id=criterion.pk, by=by),
        "move_criterion": lambda: criteria.move_criterion(
            version_id=version.pk, criterion_id=criterion.pk, by=by, direction="down"
        ),
        "publish_version": lambda: criteria.publish_version(version_id=version.pk, by=by),
        "discard_draft": lambda: criteria.discard_draft(version_id=version.pk, by=by),
    }


WRITES = ["update_draft", "add_criterion", "edit_criterion", "remove_criterion", "move_criterion", "publish_version"]


@pytest.mark.parametrize("write", [*WRITES, "discard_draft"])
def test_every_write_on_a_published_version_is_refused(cast, published, write):
    before = list(published.criteria.order_by("position").values())
    with pytest.raises(ValidationError) as exc:
        _writes_on(published, cast.secretary)[write]()
    assert "ya no cambia" in exc.value.messages[0]
    after = CriteriaVersion.objects.get(pk=published.pk)
    assert (after.title, after.notes, after.status, after.published_by) == (
        published.title,
        published.notes,
        published.status,
        published.published_by,
    )
    assert list(after.criteria.order_by("position").values()) == before


# --- The version in force --------------------------------------------------------------------


def test_no_version_is_in_force_before_the_first_publication():
    CriterionFactory()  # a draft with a criterion
    assert criteria.version_in_force() is None


def test_the_version_in_force_is_the_latest_published_at_that_moment(cast):
    with time_machine.travel("2026-01-10 12:00:00+00:00", tick=False):
        first = criteria.create_draft(by=cast.president)
        add(first, cast.president)
        criteria.publish_version(version_id=first.pk, by=cast.president)
    with time_machine.travel("2026-07-15 12:00:00+00:00", tick=False):
        second = criteria.create_draft(by=cast.president)
        criteria.publish_version(version_id=second.pk, by=cast.president)
        third = criteria.create_draft(by=cast.president)  # a draft is never in force
        add(third, cast.president, code="otro")
    moment = datetime.fromisoformat
    assert criteria.version_in_force(moment("2026-01-10 11:59:59+00:00")) is None
    assert criteria.version_in_force(moment("2026-01-10 12:00:00+00:00")) == first
    assert criteria.version_in_force(moment("2026-07-01 05:59:00+00:00")) == first
    assert criteria.version_in_force(moment("2026-07-15 12:00:00+00:00")) == second
    assert criteria.version_in_force(moment("2027-01-01 00:00:00+00:00")) == second


def test_the_version_in_force_defaults_to_now(cast, published):
    assert criteria.version_in_force() == published
    assert criteria.version_in_force(timezone.now() - timedelta(days=1)) is None
