"""CNCS acknowledges a closing request; it does not approve it. Every place that tells
of that step says "Acuse de recibo registrado": the flash, the timeline and the e-mail."""

from django.contrib.messages import get_messages
from django.urls import reverse

from approvals import services
from approvals.models import AccountRequest
from approvals.tests import factories

Status = AccountRequest.Status
ACK = "Acuse de recibo registrado"


def test_the_flash_after_acknowledging_a_closing_says_acuse_de_recibo(client, cast):
    req = factories.closing(cast)
    client.force_login(cast.cncs)
    response = client.post(reverse("approvals:decide", args=[req.pk]), {"decision": "approve"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"{ACK}: solicitud {req.folio}."]
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_the_flash_after_approving_an_opening_still_says_aprobada(client, cast):
    req = factories.opening(cast)
    client.force_login(cast.cncs)
    response = client.post(reverse("approvals:decide", args=[req.pk]), {"decision": "approve"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Aprobada: solicitud {req.folio}."]


def test_the_timeline_of_a_closing_names_the_acknowledgement_and_never_an_approval(client, cast):
    req = factories.acknowledged_closing(cast)
    client.force_login(cast.titular)
    response = client.get(reverse("approvals:detail", args=[req.pk]))
    labels = [(t.from_label, t.to_label) for t in response.context["transitions"]]
    assert labels[-1] == ("En revisión de Comunicación Social", ACK)
    assert "Aprobada" not in {label for pair in labels for label in pair}
    assert ACK in response.content.decode()


def test_the_timeline_of_an_opening_still_names_the_approval(cast):
    req = factories.approved_opening(cast)
    assert req.transitions.last().to_label == "Aprobada"


def test_the_acknowledgement_email_says_acuse_de_recibo(cast, mailoutbox, django_capture_on_commit_callbacks):
    req = factories.closing(cast)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(request_id=req.pk, by=cast.cncs)
    message = next(m for m in mailoutbox if m.to == [cast.suplente.email])
    assert message.subject.startswith(f"{ACK}: cierre de ")
    assert f"Comunicación Social registró el acuse de recibo de la solicitud {req.folio}" in message.body
    assert "aprobada" not in (message.subject + message.body).lower()
