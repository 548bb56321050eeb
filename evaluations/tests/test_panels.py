"""The home page's training panel, as each person meets it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import training

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast):
    return training.schedule_meeting(
        by=cast.cncs,
        title="Capacitación anual de prueba",
        starts_at=timezone.now() + timedelta(days=10),
        place="Auditorio",
        agenda="Criterios vigentes.",
    )


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("core:home")).content.decode()


@pytest.mark.parametrize("role", ["admin", "titular", "cncs"])
def test_the_next_meeting_is_on_the_home_page_of_invitees_and_cncs(client, cast, meeting, role):
    page = home(client, getattr(cast, role))

    assert "Capacitación anual de prueba" in page
    assert reverse("evaluations:training_detail", args=[meeting.pk]) in page


def test_only_cncs_gets_the_link_to_organise_it(client, cast, meeting):
    assert "Organizar la capacitación" in home(client, cast.cncs)
    assert "Organizar la capacitación" not in home(client, cast.admin)


@pytest.mark.parametrize("role", ["outsider", "staff", "unicom"])
def test_people_not_invited_see_no_training_panel(client, cast, meeting, role):
    assert "Capacitación anual de prueba" not in home(client, getattr(cast, role))
