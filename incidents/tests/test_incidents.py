"""Reporting incidents of each kind, the hack's recovery protocol, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, AccountStatusChange, LogEntry, PasswordRotation
from incidents import services
from incidents.models import NO_BLOCKING_POLICY, Incident, IncidentEvent, IncidentStep, StatementTemplate
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

Kind = Incident.Kind
Step = IncidentStep.Kind
POLICY = str(NO_BLOCKING_POLICY)


def settle_checklist(incident, by, skip=()):
    for kind in Step.values:
        if kind in skip:
            continue
        services.record_step(incident_id=incident.pk, by=by, kind=kind)


def resolved_hack(cast, hack):
    services.contain_incident(incident_id=hack.pk, by=cast.admin)
    settle_checklist(hack, cast.admin)
    return services.resolve_incident(incident_id=hack.pk, by=cast.admin)


# --- The hack report ------------------------------------------------------------------


def test_a_hack_report_makes_the_account_compromised_in_the_same_transaction(cast, hack):
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.COMPROMISED
    change = AccountStatusChange.objects.get(account=cast.account, to_status=Account.Status.COMPROMISED)
    assert change.changed_by == cast.admin
    assert hack.status == Incident.Status.REPORTED
    assert hack.organ == cast.organ


def test_a_hack_report_notifies_the_titular_cncs_and_unicom_and_nobody_else(cast, hack):
    rows = Notification.objects.filter(kind=services.REPORTED_KIND)
    recipients = set(rows.values_list("recipient__username", flat=True))
    assert recipients == {"titular", "cncs", "unicom"}
    assert set(hack.report_notifications.values_list("pk", flat=True)) == set(
        Notification.objects.filter(kind=services.REPORTED_KIND).values_list("pk", flat=True)
    )


def test_the_hack_e_mail_is_immediate_even_for_someone_who_chose_the_digest_for_everything(cast, report):
    from notifications.kinds import registered_kinds

    for kind in registered_kinds():
        NotificationPreference.objects.create(user=cast.cncs, kind=kind.code, delivery="digest")
    report()
    row = Notification.objects.get(kind=services.REPORTED_KIND, recipient=cast.cncs)
    assert row.email_status == Notification.EmailStatus.PENDING


def test_a_failed_hack_report_leaves_neither_the_incident_nor_the_status_nor_a_notification(cast, report):
    with pytest.raises(ValidationError):
        report(description="   ")
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE
    assert not Incident.objects.exists() and not Notification.objects.exists()


def test_the_report_lands_in_the_accounts_bitacora(cast, hack):
    entry = LogEntry.objects.get(account=cast.account, kind=LogEntry.Kind.INCIDENT)
    assert f"#{hack.pk}" in entry.text


def test_the_organs_titular_may_report_too(cast, report):
    assert report(by=cast.titular).created


def test_reporting_on_another_organs_account_is_refused(cast, report):
    with pytest.raises(PermissionDenied):
        report(by=cast.other_admin)
    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["cncs", "unicom", "president", "staff", "outsider"])
def test_people_who_are_not_the_organs_may_not_report_a_hack_on_its_account(cast, report, who):
    with pytest.raises(PermissionDenied):
        report(by=getattr(cast, who))


def test_a_second_hack_report_returns_the_open_incident_and_says_so(cast, report):
    first = report()
    second = report(by=cast.suplente, description="Tampoco puedo entrar.")
    assert first.created and not second.created
    assert second.incident.pk == first.incident.pk
    assert "ya tenía un reporte de hackeo abierto" in second.message
    assert Incident.objects.count() == 1
    assert IncidentEvent.objects.filter(kind=IncidentEvent.Kind.ALREADY_OPEN).count() == 1


def test_the_database_refuses_a_second_open_hack_on_the_same_account(cast, hack):
    duplicate = Incident(
        account=cast.account,
        organ=cast.organ,
        kind=Kind.HACK,
        detected_at=timezone.now(),
        reported_at=timezone.now(),
        reported_by=cast.admin,
        description="Otra vez",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_new_hack_may_be_reported_once_the_previous_one_is_resolved(cast, hack, report):
    resolved_hack(cast, hack)
    assert report().created


def test_a_detection_in_the_future_is_refused(report):
    with pytest.raises(ValidationError):
        report(detected_at=timezone.now() + timedelta(hours=2))


# --- The checklist and the transitions ------------------------------------------------


def test_the_full_hack_protocol_returns_the_account_to_active_and_records_every_step(cast, hack):
    services.contain_incident(incident_id=hack.pk, by=cast.admin)
    services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.REGAIN_ACCESS)
    services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.ROTATE_PASSWORD)
    services.record_step(incident_id=hack.pk, by=cast.suplente, kind=Step.REVIEW_CONTENT)
    services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.STATEMENT)
    services.record_step(
        incident_id=hack.pk, by=cast.titular, kind=Step.REPORT_PLATFORM, not_applicable=True, reason="Se recuperó sola."
    )
    services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.REVIEW_ACCESS)
    services.resolve_incident(incident_id=hack.pk, by=cast.admin)
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE
    services.close_incident(incident_id=hack.pk, by=cast.cncs, summary="Recuperada en dos horas.", lessons="2FA")
    hack.refresh_from_db()
    assert hack.status == Incident.Status.CLOSED and hack.closed_by == cast.cncs
    transitions = list(hack.events.filter(kind=IncidentEvent.Kind.TRANSITION).values_list("from_status", "to_status"))
    assert transitions == [("reported", "contained"), ("contained", "resolved"), ("resolved", "closed")]
    # Report, contained, six steps, resolved, closed: ten entries in the bitácora.
    assert LogEntry.objects.filter(account=cast.account, kind=LogEntry.Kind.INCIDENT).count() == 10


def test_rotating_the_password_is_recorded_as_an_attestation_through_the_accounts_service(cast, hack):
    services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.REGAIN_ACCESS)
    step = services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.ROTATE_PASSWORD)
    rotation = PasswordRotation.objects.get(account=cast.account)
    assert step.password_rotation == rotation and rotation.meets_policy
    assert LogEntry.objects.filter(account=cast.account, kind=LogEntry.Kind.PASSWORD_ROTATED).exists()


def test_rotating_the_password_before_regaining_access_is_refused(cast, hack):
    with pytest.raises(ValidationError, match="Primero registre"):
        services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.ROTATE_PASSWORD)


def test_a_step_cannot_be_ticked_twice(cast, hack):
    services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.REGAIN_ACCESS)
    with pytest.raises(ValidationError, match="ya lo registró"):
        services.record_step(incident_id=hack.pk, by=cast.suplente, kind=Step.REGAIN_ACCESS)
    assert IncidentStep.objects.count() == 1


def test_not_applicable_needs_a_reason(cast, hack):
    with pytest.raises(ValidationError):
        services.record_step(incident_id=hack.pk, by=cast.admin, kind=Step.REPORT_PLATFORM, not_applicable=True)


def test_resolved_cannot_come_before_contained(cast, hack):
    settle_checklist(hack, cast.admin)
    with pytest.raises(services.InvalidTransition):
        services.resolve_incident(incident_id=hack.pk, by=cast.admin)
    hack.refresh_from_db()
    assert hack.status == Incident.Status.REPORTED


def test_a_hack_is_not_resolved_with_steps_pending(cast, hack):
    services.contain_incident(incident_id=hack.pk, by=cast.admin)
    with pytest.raises(services.InvalidTransition, match="revisar quién tiene acceso"):
        services.resolve_incident(incident_id=hack.pk, by=cast.admin)


def test_containing_twice_is_refused(cast, hack):
    services.contain_incident(incident_id=hack.pk, by=cast.admin)
    with pytest.raises(services.InvalidTransition):
        services.contain_incident(incident_id=hack.pk, by=cast.suplente)


def test_closing_without_a_summary_is_refused(cast, hack):
    resolved_hack(cast, hack)
    with pytest.raises(ValidationError):
        services.close_incident(incident_id=hack.pk, by=cast.cncs, summary="  ")
    hack.refresh_from_db()
    assert hack.status == Incident.Status.RESOLVED


def test_an_administrator_may_not_close_an_incident(cast, hack):
    resolved_hack(cast, hack)
    with pytest.raises(PermissionDenied):
        services.close_incident(incident_id=hack.pk, by=cast.admin, summary="Listo")


def test_the_comite_reads_but_does_not_act(cast, hack):
    with pytest.raises(PermissionDenied):
        services.contain_incident(incident_id=hack.pk, by=cast.president)


def test_a_closed_incident_cannot_be_edited_but_takes_a_note(cast, hack):
    resolved_hack(cast, hack)
    services.close_incident(incident_id=hack.pk, by=cast.titular, summary="Recuperada.")
    with pytest.raises(services.InvalidTransition, match="está cerrado"):
        services.set_statement(incident_id=hack.pk, by=cast.admin, text="Otro comunicado")
    with pytest.raises(services.InvalidTransition, match="está cerrado"):
        services.close_incident(incident_id=hack.pk, by=cast.cncs, summary="Otro")
    note = services.add_note(incident_id=hack.pk, by=cast.admin, note="La hora de detección fue 10:05.")
    assert note.kind == IncidentEvent.Kind.NOTE


def test_using_a_statement_template_copies_its_text_into_the_incident(cast, hack):
    template = StatementTemplate.objects.get(code="cuenta-comprometida")
    services.set_statement(incident_id=hack.pk, by=cast.admin, template_id=template.pk)
    hack.refresh_from_db()
    assert hack.statement_text == template.text
    template.text = "Cambiado después"
    template.save()
    hack.refresh_from_db()
    assert hack.statement_text != "Cambiado después"


def test_the_four_statement_templates_exist_in_spanish():
    assert set(StatementTemplate.objects.values_list("code", flat=True)) == {
        "cuenta-comprometida",
        "administradores-sin-acceso",
        "credenciales-filtradas",
        "contenido-no-autorizado",
    }


# --- The other kinds --------------------------------------------------------------------


def test_impersonation_needs_no_account_and_records_the_fake_handle_and_network(cast, report):
    incident = report(
        kind=Kind.IMPERSONATION,
        account_id=None,
        organ_id=cast.organ.pk,
        fake_handle="@INEPrueba_",
        network_id=cast.network.pk,
    ).incident
    assert incident.account is None and incident.fake_handle == "@INEPrueba_" and incident.network == cast.network
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE


def test_cncs_may_report_an_impersonation_without_an_organ(cast, report):
    incident = report(by=cast.cncs, kind=Kind.IMPERSONATION, account_id=None, fake_handle="https://x.com/INE_falso")
    assert incident.incident.organ is None


def test_impersonation_without_the_fake_account_is_refused(cast, report):
    with pytest.raises(ValidationError):
        report(kind=Kind.IMPERSONATION, account_id=None, organ_id=cast.organ.pk)


def test_erroneous_content_records_the_correction_its_link_and_time(cast, report):
    incident = report(kind=Kind.ERRONEOUS, description="Publicamos el horario equivocado.").incident
    when = timezone.now() - timedelta(minutes=5)
    services.record_correction(
        incident_id=incident.pk,
        by=cast.admin,
        correction_text="El horario correcto es de 8 a 15 h.",
        correction_url="https://x.com/INEPrueba/status/1",
        corrected_at=when,
    )
    incident.refresh_from_db()
    assert incident.correction_url.endswith("/1") and incident.corrected_at == when
    cast.account.refresh_from_db()
    assert cast.account.status == Account.Status.ACTIVE


def test_hate_speech_is_reported_or_hidden(cast, report):
    incident = report(kind=Kind.HATE, description="Comentario que llama a la violencia.").incident
    services.record_platform_action(incident_id=incident.pk, by=cast.admin, platform_action="hidden")
    incident.refresh_from_db()
    assert incident.platform_action == Incident.PlatformAction.HIDDEN


@pytest.mark.parametrize("value", ["block", "blocked", "expel", "bloquear"])
def test_recording_a_block_is_refused_with_the_policys_words(cast, report, value):
    incident = report(kind=Kind.HATE, description="Comentario de odio.").incident
    with pytest.raises(ValidationError) as refused:
        services.record_platform_action(incident_id=incident.pk, by=cast.admin, platform_action=value)
    assert POLICY in refused.value.messages
    incident.refresh_from_db()
    assert incident.platform_action == ""


def test_the_database_refuses_a_block_too(cast, report):
    incident = report(kind=Kind.HATE, description="Comentario de odio.").incident
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(platform_action="block")


def test_staff_misuse_notifies_only_cncs_and_the_titular(cast, report):
    report(by=cast.titular, kind=Kind.MISUSE, description="Se usó la cuenta para fines personales.")
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"titular", "cncs"}
    assert not LogEntry.objects.filter(kind=LogEntry.Kind.INCIDENT).exists()


def test_an_administrator_may_not_report_staff_misuse(cast, report):
    with pytest.raises(PermissionDenied):
        report(kind=Kind.MISUSE)


# --- Metrics ----------------------------------------------------------------------------


def test_the_metrics_read_the_real_send_time_of_the_first_e_mail(cast, report):
    detected = timezone.now() - timedelta(minutes=40)
    hack = report(detected_at=detected).incident
    sent = hack.reported_at + timedelta(minutes=3)
    Notification.objects.filter(recipient=cast.cncs).update(email_sent_at=sent)
    Notification.objects.filter(recipient=cast.unicom).update(email_sent_at=sent + timedelta(minutes=5))
    services.contain_incident(incident_id=hack.pk, by=cast.admin)
    settle_checklist(hack, cast.admin)
    services.resolve_incident(incident_id=hack.pk, by=cast.admin)
    hack = Incident.objects.with_first_email().get(pk=hack.pk)
    metrics = hack.metrics()
    assert metrics["detection_to_report"] == hack.reported_at - detected
    assert metrics["report_to_first_email"] == timedelta(minutes=3)
    assert metrics["report_to_contained"] == hack.contained_at - hack.reported_at
    assert metrics["report_to_resolved"] == hack.resolved_at - hack.reported_at


def test_an_e_mail_not_yet_sent_gives_no_first_e_mail_time(hack):
    assert Incident.objects.with_first_email().get(pk=hack.pk).metrics()["report_to_first_email"] is None
