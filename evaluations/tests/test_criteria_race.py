"""Two Comité members acting on the same draft at once, on PostgreSQL with real connections.

Each thread has its own connection. ``notify`` is slowed down while the first publish holds
the row lock, so the second arrives while the first transaction is still open.
"""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.concurrency import run_together
from evaluations import criteria
from evaluations.models import CriteriaVersion, Criterion
from notifications.models import Notification
from notifications.services import notify as real_notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def slow_notify(*args, **kwargs):
    time.sleep(0.3)
    return real_notify(*args, **kwargs)


@pytest.fixture
def draft(cast, monkeypatch):
    monkeypatch.setattr(criteria, "notify", slow_notify)
    version = criteria.create_draft(by=cast.president)
    criteria.save_criterion(
        version_id=version.pk,
        by=cast.president,
        code="frecuencia",
        name="Frecuencia",
        description="Publica con la periodicidad de la red.",
        weight=100,
    )
    return version


def test_two_publishes_at_once_publish_once(cast, draft):
    results = run_together(
        lambda: criteria.publish_version(version_id=draft.pk, by=cast.president),
        lambda: criteria.publish_version(version_id=draft.pk, by=cast.secretary),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, ValidationError)
    draft.refresh_from_db()
    assert draft.status == CriteriaVersion.Status.PUBLISHED
    assert draft.published_by.get_full_name() in loser.messages[0]
    # One publication, one round of notifications (CNCS, presidency, secretariat).
    assert Notification.objects.filter(kind=criteria.PUBLISHED_KIND).count() == 3


def test_an_edit_racing_a_publish_never_lands_on_the_published_version(cast, draft):
    results = run_together(
        lambda: criteria.publish_version(version_id=draft.pk, by=cast.president),
        lambda: (
            time.sleep(0.1),
            criteria.save_criterion(
                version_id=draft.pk,
                by=cast.secretary,
                code="tarde",
                name="Llega tarde",
                description="Escrito mientras se publicaba.",
                weight=10,
            ),
        ),
    )
    published, edit = results
    assert published[0] == "ok", results
    assert edit[0] == "error" and "ya no cambia" in edit[1].messages[0], results
    assert list(Criterion.objects.filter(version=draft).values_list("code", flat=True)) == ["frecuencia"]


def test_two_drafts_created_at_once_make_one(cast):
    results = run_together(
        lambda: criteria.create_draft(by=cast.president),
        lambda: criteria.create_draft(by=cast.secretary),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, ValidationError)
    assert CriteriaVersion.objects.count() == 1
