"""Who sees which incident (misuse above all), the stale sweep, public reports, the admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from incidents import access, selectors, services
from incidents.models import NO_BLOCKING_POLICY, Incident, IncidentEvent, PublicReport
from incidents.tasks import send_stale_incident_reminders
from notifications.models import Notification

pytestmark = pytest.mark.django_db

Kind = Incident.Kind


@pytest.fixture
def misuse(cast, report):
    return report(by=cast.titular, kind=Kind.MISUSE, description="Uso personal de la cuenta.").incident


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("titular", True),
        ("cncs", True),
        ("admin", False),
        ("suplente", False),
        ("unicom", False),
        ("president", False),
        ("other_titular", False),
        ("outsider", False),
    ],
)
def test_staff_misuse_is_seen_only_by_cncs_and_the_organs_titular(cast, misuse, who, sees):
    assert access.incidents_visible_to(getattr(cast, who)).filter(pk=misuse.pk).exists() is sees


def test_misuse_never_reaches_the_administrators_lists_counts_or_notifications(cast, misuse):
    assert access.incidents_visible_to(cast.admin).count() == 0
    assert not Notification.objects.filter(recipient__in=[cast.admin, cast.suplente]).exists()


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("titular", True),
        ("admin", True),
        ("suplente", True),
        ("cncs", True),
        ("unicom", True),
        ("president", True),
        ("secretary", True),
        ("other_admin", False),
        ("other_titular", False),
        ("consejero", False),
        ("outsider", False),
    ],
)
def test_a_hack_is_seen_by_its_organ_and_across_organs_by_cncs_unicom_and_the_comite(cast, hack, who, sees):
    assert access.incidents_visible_to(getattr(cast, who)).filter(pk=hack.pk).exists() is sees


def test_an_invisible_incident_is_a_404_not_a_403(cast, misuse):
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_incident_for(cast.admin, misuse.pk)


def test_the_titular_may_close_but_the_comite_may_not(cast, hack):
    assert access.is_actor(cast.titular, Incident.Actor.CLOSER, hack)
    assert not access.is_actor(cast.president, Incident.Actor.CLOSER, hack)
    assert not access.is_actor(cast.admin, Incident.Actor.CLOSER, hack)


# --- The stale sweep ------------------------------------------------------------------


def stale_rows():
    return Notification.objects.filter(kind=services.STALE_KIND)


def test_a_hack_without_progress_re_notifies_cncs_and_unicom_once_per_interval(cast, settings, hack):
    settings.INCIDENT_STALE_HOURS = 4
    assert services.send_stale_reminders() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=4, minutes=1)):
        assert services.send_stale_reminders() == 1
        assert services.send_stale_reminders() == 0
    assert set(stale_rows().values_list("recipient__username", flat=True)) == {"cncs", "unicom"}
    with time_machine.travel(timezone.now() + timedelta(hours=8, minutes=2)):
        assert send_stale_incident_reminders.apply().result == 1
    assert stale_rows().count() == 4
    assert IncidentEvent.objects.filter(incident=hack, kind=IncidentEvent.Kind.REMINDER).count() == 2


def test_progress_postpones_the_reminder(cast, hack):
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        services.contain_incident(incident_id=hack.pk, by=cast.admin)
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert services.send_stale_reminders() == 0


def test_a_resolved_hack_is_never_reminded(cast, hack):
    from .test_incidents import resolved_hack

    resolved_hack(cast, hack)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert services.send_stale_reminders() == 0


def test_other_kinds_are_not_swept(cast, report):
    report(kind=Kind.ERRONEOUS, description="Dato equivocado.")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert services.send_stale_reminders() == 0


# --- Aggregate metrics ----------------------------------------------------------------


def test_median_times_over_several_incidents(cast, report):
    now = timezone.now()
    for minutes in (10, 20, 60):
        incident = report(kind=Kind.ERRONEOUS, detected_at=now - timedelta(minutes=minutes), description="x").incident
        Incident.objects.filter(pk=incident.pk).update(reported_at=now)
    medians = selectors.median_times(Incident.objects.all())
    assert medians["detection_to_report"] == timedelta(minutes=20)
    assert medians["report_to_contained"] is None


# --- Public reports -------------------------------------------------------------------


def public_report(**fields):
    return PublicReport.objects.create(
        handle_or_url=fields.get("handle_or_url", "@INE_Jalisco_oficial"),
        claims_to_be="Junta Local del INE en Jalisco",
        receipt=services.new_receipt(),
    )


def test_cncs_accepts_a_public_report_as_an_impersonation_incident(cast):
    report = public_report()
    incident = services.accept_public_report(report_id=report.pk, by=cast.cncs)
    report.refresh_from_db()
    assert report.status == PublicReport.Status.ACCEPTED and report.incident == incident
    assert incident.kind == Kind.IMPERSONATION and incident.fake_handle == "@INE_Jalisco_oficial"


def test_a_public_report_is_triaged_once(cast):
    report = public_report()
    services.dismiss_public_report(report_id=report.pk, by=cast.cncs, reason="Es una cuenta de parodia declarada.")
    with pytest.raises(services.InvalidTransition):
        services.accept_public_report(report_id=report.pk, by=cast.cncs)


def test_dismissing_needs_a_reason(cast):
    with pytest.raises(ValidationError):
        services.dismiss_public_report(report_id=public_report().pk, by=cast.cncs, reason=" ")


@pytest.mark.parametrize("who", ["admin", "titular", "unicom", "president"])
def test_only_cncs_triages_public_reports(cast, who):
    with pytest.raises(PermissionDenied):
        services.dismiss_public_report(report_id=public_report().pk, by=getattr(cast, who), reason="No")


def test_receipts_are_unique_and_unguessable():
    assert len({services.new_receipt() for _ in range(50)}) == 50


# --- The admin ------------------------------------------------------------------------


def admin_form_data(client, url, **fields):
    """What the admin's change form posts: its hidden inputs (the inlines' management
    forms) and the fields given."""
    html = client.get(url).content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    data.pop("csrfmiddlewaretoken", None)
    return {**data, **fields}


@pytest.fixture
def superuser(cast):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_admin_refuses_a_block_with_the_policys_words(client, cast, report, superuser):
    incident = report(kind=Kind.HATE, description="Comentario de odio.").incident
    client.force_login(superuser)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(url, admin_form_data(client, url, platform_action="block"))
    assert response.status_code == 200
    assert str(NO_BLOCKING_POLICY) in response.content.decode()
    incident.refresh_from_db()
    assert incident.platform_action == ""


def test_the_admin_records_a_platform_measure_through_the_service(client, cast, report, superuser):
    incident = report(kind=Kind.HATE, description="Comentario de odio.").incident
    client.force_login(superuser)
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    response = client.post(url, admin_form_data(client, url, platform_action="reported"))
    assert response.status_code == 302
    assert incident.events.filter(kind=IncidentEvent.Kind.PLATFORM_ACTION).exists()


def test_the_admin_does_not_edit_a_hack(client, cast, hack, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:incidents_incident_change", args=[hack.pk]), {"platform_action": "hidden"})
    assert response.status_code == 403 or b"platform_action" not in response.content
    hack.refresh_from_db()
    assert hack.platform_action == ""


def test_the_statement_templates_are_editable_in_the_admin(client, cast, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:incidents_statementtemplate_changelist")).status_code == 200
