"""The demo procedure: version 1 published by the Comité's presidency, draft version 2."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import load_demo as load_accounts_demo
from evaluations import criteria
from evaluations.demo import TITLE, load_demo
from evaluations.models import CriteriaVersion, Criterion, Period

pytestmark = pytest.mark.django_db

Source = Criterion.Source


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_catalogue", verbosity=0)
    load_accounts_demo()
    assert load_demo() is True


def test_version_1_is_published_by_the_committee_presidency(demo):
    version = CriteriaVersion.objects.get(number=1)
    assert version.title == TITLE
    assert version.is_published
    assert version.published_by.username == "comite.presidente"
    assert version.created_by.username == "comite.presidente"


def test_version_1_has_the_first_set_of_criteria_with_weights_adding_to_100(demo):
    version = CriteriaVersion.objects.get(number=1)
    items = list(version.criteria.order_by("position"))
    assert sum(c.weight for c in items) == 100
    sources = {c.code: c.source for c in items}
    assert sources == {
        "frecuencia": Source.ACTIVITY,
        "respuestas": Source.NONE,
        "propuestas": Source.NONE,
        "contenidos": Source.CONSULTATIONS,
        "bitacora": Source.ACTIVITY,
        "contrasenas": Source.ROTATIONS,
        "incidentes": Source.INCIDENTS,
        "vacaciones": Source.OUT_OF_OFFICE,
        "capacitacion": Source.TRAINING,
    }
    assert [c.position for c in items] == list(range(len(items)))
    for c in items:
        assert (c.scale_min, c.scale_max) == (0, 4)
        assert c.description and c.reference
        lines = c.scale_help.splitlines()
        assert len(lines) == 5 and lines[0].startswith("0: No cumple.") and lines[4].startswith("4: Cumple plenamente.")


def test_version_1_is_in_force_for_the_previous_semester(demo):
    """So that a past period can be opened and scored in the demo."""
    year, half = Period.semester_of(timezone.localdate())
    year, half = (year, 1) if half == 2 else (year - 1, 2)
    start = Period.bounds(year, half)[0]
    moment = timezone.make_aware(datetime.combine(start, time(0)))
    assert criteria.version_in_force(moment) == CriteriaVersion.objects.get(number=1)
    assert criteria.version_in_force() == CriteriaVersion.objects.get(number=1)


def test_version_2_is_a_draft_copied_from_version_1(demo):
    first = CriteriaVersion.objects.get(number=1)
    draft = CriteriaVersion.objects.get(number=2)
    assert draft.status == CriteriaVersion.Status.DRAFT
    assert draft.created_by.username == "comite.secretario"
    fields = ("code", "name", "reference", "description", "scale_help", "weight", "source", "position")
    assert list(draft.criteria.order_by("position").values(*fields)) == list(
        first.criteria.order_by("position").values(*fields)
    )


def test_loading_twice_creates_nothing_more(demo):
    counts = (CriteriaVersion.objects.count(), Criterion.objects.count())
    assert load_demo() is False
    assert (CriteriaVersion.objects.count(), Criterion.objects.count()) == counts == (2, 18)


def test_without_the_accounts_demo_nothing_is_created(settings):
    settings.DEBUG = True
    assert load_demo() is False
    assert not CriteriaVersion.objects.exists()


def test_never_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        load_demo()
