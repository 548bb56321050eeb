"""Opening an account (§7.i–v): draft → sent → approved → mailbox → registered → active."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Account, AccountStatusChange, Designation, PositionLevel
from accounts.tests.factories import UserFactory
from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories
from notifications.models import Notification

Status = AccountRequest.Status


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_titular_saves_an_incomplete_draft_and_nobody_is_told(cast):
    req = factories.opening(cast, submit=False, oficio=False, purpose="", proposed_titular=None)

    assert req.status == Status.DRAFT
    assert req.organ == cast.organ
    assert req.requester == cast.titular
    assert [(t.from_status, t.to_status) for t in req.transitions.all()] == [("", Status.DRAFT)]
    assert not Notification.objects.exists()


def test_an_incomplete_draft_cannot_be_sent(cast):
    req = factories.opening(cast, submit=False, oficio=False, purpose="")

    with pytest.raises(ValidationError) as exc:
        services.submit_request(request_id=req.pk, by=cast.titular)

    assert set(exc.value.message_dict) == {"purpose", "oficio"}
    req.refresh_from_db()
    assert req.status == Status.DRAFT
    assert req.submitted_at is None


def test_sending_notifies_every_cncs_user_with_a_link_to_the_dashboard(cast):
    second_cncs = UserFactory(username="cncs2", groups=["Comunicación Social"])

    req = factories.opening(cast)

    assert req.status == Status.SUBMITTED
    assert req.submitted_at is not None
    for user in (cast.cncs, second_cncs):
        note = Notification.objects.get(recipient=user)
        assert note.kind == "approvals.submitted"
        assert note.url == f"/solicitudes/tablero/?ver={req.pk}"
        assert "Nueva solicitud" in note.title
    assert not Notification.objects.filter(recipient=cast.titular).exists()


def test_proposed_administrators_must_meet_the_level_rules(cast):
    operativo = UserFactory(organ=cast.organ, position_level=PositionLevel.OPERATIVO)

    with pytest.raises(ValidationError) as exc:
        factories.opening(cast, proposed_titular=operativo)

    assert "proposed_titular" in exc.value.message_dict
    assert not AccountRequest.objects.exists()


def test_proposed_administrators_must_belong_to_the_organ(cast):
    with pytest.raises(ValidationError) as exc:
        factories.opening(cast, proposed_titular=cast.other_admin)

    assert "proposed_titular" in exc.value.message_dict


def test_the_same_person_cannot_be_both_administrators(cast):
    with pytest.raises(ValidationError) as exc:
        factories.opening(cast, proposed_suplente=cast.admin)

    assert "proposed_suplente" in exc.value.message_dict


def test_a_handle_that_breaks_the_network_rules_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        factories.opening(cast, proposed_handle="nombre con espacios")

    assert "proposed_handle" in exc.value.message_dict


def test_a_handle_already_used_by_a_live_account_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        factories.opening(cast, proposed_handle="@ineprueba")

    assert "Ya existe una cuenta vigente" in exc.value.message_dict["proposed_handle"][0]


def test_approval_creates_the_account_as_requested_then_approved(cast):
    req = factories.approved_opening(cast)

    assert req.status == Status.APPROVED
    assert req.decided_by == cast.cncs
    account = req.account
    assert account.status == Account.Status.APPROVED
    assert account.organ == cast.organ
    assert account.handle == "INENueva"
    changes = list(AccountStatusChange.objects.filter(account=account).order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status, c.changed_by) for c in changes] == [
        ("", Account.Status.REQUESTED, cast.titular),
        (Account.Status.REQUESTED, Account.Status.APPROVED, cast.cncs),
    ]


def test_approval_gives_effect_to_the_designated_administrators(cast):
    new_titular = UserFactory(organ=cast.organ, position_level=PositionLevel.MANDO_SUPERIOR)

    factories.approved_opening(cast, proposed_titular=new_titular)

    current = Designation.objects.get(organ=cast.organ, role=Designation.Role.TITULAR, ends_at__isnull=True)
    assert current.user == new_titular
    assert current.designated_by == cast.titular
    assert current.oficio_number == "INE/JLE/0001/2026"


def test_approval_is_refused_when_a_proposed_administrator_no_longer_qualifies(cast):
    req = factories.opening(cast)
    type(cast.suplente).objects.filter(pk=cast.suplente.pk).update(position_level=PositionLevel.MANDO_SUPERIOR)

    with pytest.raises(ValidationError):
        services.approve_request(request_id=req.pk, by=cast.cncs)

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert not Account.objects.filter(handle="INENueva").exists()


def test_approval_notifies_the_titular_the_proposed_administrators_and_unicom(cast):
    req = factories.approved_opening(cast)

    for user in (cast.titular, cast.admin, cast.suplente):
        assert "approvals.approved" in kinds_for(user)
    unicom_note = Notification.objects.get(recipient=cast.unicom, kind="approvals.mailbox_needed")
    assert unicom_note.url == f"/solicitudes/{req.pk}/"
    assert "approvals.approved" not in kinds_for(cast.other_titular)


def test_cncs_may_attach_the_graphic_identity_material_on_approval(cast, private_media):
    req = factories.opening(cast)
    png = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")

    services.approve_request(request_id=req.pk, by=cast.cncs, identity_material=png)

    req.refresh_from_db()
    assert req.identity_material.name.startswith("identidad_grafica/")
    assert req.identity_material.name.endswith(".png")
    assert (private_media / req.identity_material.name).exists()


def test_identity_material_of_an_unknown_type_is_refused_and_nothing_changes(cast, private_media):
    req = factories.opening(cast)
    script = SimpleUploadedFile("logo.png", b"#!/bin/sh\necho hola\n", content_type="image/png")

    with pytest.raises(ValidationError) as exc:
        services.approve_request(request_id=req.pk, by=cast.cncs, identity_material=script)

    assert "identity_material" in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert not (private_media / "identidad_grafica").exists()


def test_unicom_records_the_mailbox_and_the_organ_is_told_to_register(cast):
    req = factories.approved_opening(cast)

    services.record_mailbox(request_id=req.pk, by=cast.unicom, mailbox=" Redes.Junta@INE.mx ")

    req.refresh_from_db()
    assert req.status == Status.MAILBOX_READY
    assert req.mailbox == "redes.junta@ine.mx"
    note = Notification.objects.get(recipient=cast.titular, kind="approvals.mailbox_ready")
    assert note.url == f"/solicitudes/{req.pk}/registrar-cuenta/"
    assert Notification.objects.filter(recipient=cast.admin, kind="approvals.mailbox_ready").exists()


def test_a_mailbox_outside_the_institutional_domain_is_refused(cast):
    req = factories.approved_opening(cast)

    with pytest.raises(ValidationError) as exc:
        services.record_mailbox(request_id=req.pk, by=cast.unicom, mailbox="redes@gmail.com")

    assert "mailbox" in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_registering_the_handle_activates_the_account_and_informs_the_committee(cast):
    req = factories.mailbox_ready_opening(cast)

    services.register_account(
        request_id=req.pk,
        by=cast.admin,
        handle="@INENueva",
        url="https://x.com/INENueva",
        attention_hours="Lunes a viernes de 9 a 18 h",
    )

    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    assert req.completed_at is not None
    account = req.account
    assert account.status == Account.Status.ACTIVE
    assert account.handle == "INENueva"
    assert account.registration_email == "redes.junta@ine.mx"
    assert account.activated_at is not None
    last = account.status_changes.order_by("-changed_at", "-id").first()
    assert (last.from_status, last.to_status, last.changed_by) == ("approved", "active", cast.admin)
    for member in (cast.president, cast.secretary):
        note = Notification.objects.get(recipient=member, kind="approvals.account_opened")
        # §7.iii: name, address, purposes, operation and administrators.
        for expected in (
            "INE Junta de prueba",
            "https://x.com/INENueva",
            "credencialización",
            "Lunes a viernes",
            str(cast.admin),
            str(cast.suplente),
        ):
            assert expected in note.body
        assert note.url == f"/solicitudes/{req.pk}/"


def test_a_registration_that_breaks_the_network_rules_changes_nothing(cast):
    req = factories.mailbox_ready_opening(cast)

    with pytest.raises(ValidationError) as exc:
        services.register_account(request_id=req.pk, by=cast.titular, handle="INENueva", url="https://facebook.com/x")

    assert "url" in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == Status.MAILBOX_READY
    assert req.account.status == Account.Status.APPROVED
    assert not Notification.objects.filter(kind="approvals.account_opened").exists()


def test_every_transition_of_the_opening_is_on_the_timeline(cast):
    req = factories.mailbox_ready_opening(cast)
    services.register_account(request_id=req.pk, by=cast.titular, handle="INENueva", url="https://x.com/INENueva")

    rows = [(t.from_status, t.to_status, t.by) for t in req.transitions.all()]
    assert rows == [
        ("", Status.DRAFT, cast.titular),
        (Status.DRAFT, Status.SUBMITTED, cast.titular),
        (Status.SUBMITTED, Status.APPROVED, cast.cncs),
        (Status.APPROVED, Status.MAILBOX_READY, cast.unicom),
        (Status.MAILBOX_READY, Status.COMPLETED, cast.titular),
    ]


def test_a_returned_request_is_edited_and_sent_again(cast):
    req = factories.opening(cast)
    services.return_request(request_id=req.pk, by=cast.cncs, comment="Precise el propósito.")
    req.refresh_from_db()
    assert req.status == Status.RETURNED
    note = Notification.objects.get(recipient=cast.titular, kind="approvals.returned")
    assert "Precise el propósito." in note.body
    assert note.url == f"/solicitudes/{req.pk}/editar/"

    services.update_request(
        request_id=req.pk, by=cast.titular, submit=True, **factories.opening_fields(cast, purpose="Otro propósito.")
    )

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.purpose == "Otro propósito."
    assert req.decided_by is None
    assert [t.to_status for t in req.transitions.all()][-2:] == [Status.RETURNED, Status.SUBMITTED]
    assert Notification.objects.filter(recipient=cast.cncs, kind="approvals.submitted").count() == 2


def test_a_returned_request_needs_a_comment(cast):
    req = factories.opening(cast)

    with pytest.raises(ValidationError):
        services.return_request(request_id=req.pk, by=cast.cncs, comment="  ")

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED


def test_a_rejection_needs_a_reason(cast):
    req = factories.opening(cast)

    with pytest.raises(ValidationError) as exc:
        services.reject_request(request_id=req.pk, by=cast.cncs, reason="")

    assert "comment" in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED


def test_a_rejection_tells_the_titular_why_and_creates_no_account(cast):
    req = factories.opening(cast)

    services.reject_request(request_id=req.pk, by=cast.cncs, reason="Use las cuentas de Comunicación Social (§7.i).")

    req.refresh_from_db()
    assert req.status == Status.REJECTED
    assert req.decision_comment.startswith("Use las cuentas")
    assert req.account is None
    assert not Account.objects.filter(handle="INENueva").exists()
    note = Notification.objects.get(recipient=cast.titular, kind="approvals.rejected")
    assert "§7.i" in note.body


def test_replacing_the_oficio_of_a_draft_removes_the_old_file(cast, private_media, django_capture_on_commit_callbacks):
    req = factories.opening(cast, submit=False)
    old_name = req.oficio.name

    with django_capture_on_commit_callbacks(execute=True):
        services.update_request(
            request_id=req.pk, by=cast.titular, oficio=factories.pdf_upload(text="v2"), **factories.opening_fields(cast)
        )

    req.refresh_from_db()
    assert req.oficio.name != old_name
    assert (private_media / req.oficio.name).exists()
    assert not (private_media / old_name).exists()


def test_the_titular_withdraws_a_sent_request_and_cncs_is_told(cast):
    req = factories.opening(cast)

    services.withdraw_request(request_id=req.pk, by=cast.titular)

    req.refresh_from_db()
    assert req.status == Status.WITHDRAWN
    assert Notification.objects.filter(recipient=cast.cncs, kind="approvals.withdrawn").exists()


def test_the_email_is_in_spanish_and_links_to_the_page_to_act_on(
    cast, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://redes.ine.mx"

    with django_capture_on_commit_callbacks(execute=True):
        req = factories.opening(cast)

    message = next(m for m in mailoutbox if m.to == [cast.cncs.email])
    assert message.subject.startswith("Nueva solicitud: Apertura de cuenta")
    assert f"https://redes.ine.mx/solicitudes/tablero/?ver={req.pk}" in message.body
    assert "Revise el oficio y resuelva la solicitud desde el tablero." in message.body
