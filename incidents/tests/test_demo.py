"""The demo data: one open and one closed incident of each kind, one new public report."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Account
from incidents import access
from incidents.models import Incident, PublicReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_the_demo_has_one_open_and_one_closed_incident_of_each_kind(demo):
    for kind in Incident.Kind.values:
        incidents = Incident.objects.filter(kind=kind)
        assert incidents.filter(status=Incident.Status.CLOSED).count() == 1, kind
        assert incidents.exclude(status=Incident.Status.CLOSED).count() == 1, kind


def test_the_demo_has_a_new_public_report(demo):
    assert PublicReport.objects.filter(status=PublicReport.Status.NEW).count() == 1


def test_the_demo_open_hack_leaves_jalisco_active_for_a_new_report(demo):
    assert not Account.objects.filter(organ__code="jle-14", status=Account.Status.COMPROMISED).exists()
    assert Account.objects.filter(organ__code="jle-09", status=Account.Status.COMPROMISED).count() == 1


def test_the_demo_administrator_does_not_see_the_misuse_incidents(demo):
    from accounts.models import User

    admin = User.objects.get(username="admin.jalisco")
    titular = User.objects.get(username="titular.jalisco")
    assert not access.incidents_visible_to(admin).filter(kind=Incident.Kind.MISUSE).exists()
    assert access.incidents_visible_to(titular).filter(kind=Incident.Kind.MISUSE).count() == 2


def test_loading_the_demo_twice_creates_nothing_more(demo, settings):
    count = Incident.objects.count()
    call_command("load_demo", verbosity=0)
    assert Incident.objects.count() == count
