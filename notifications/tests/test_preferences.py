"""Per-kind delivery: immediate e-mail or the daily digest, resolved per batch, and the page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import Group
from accounts.tests.factories import UserFactory
from notifications import kinds, services
from notifications.delivery import deliver_pending_emails
from notifications.models import Notification, NotificationPreference
from notifications.services import Message, notify, notify_many

pytestmark = pytest.mark.django_db

IMMEDIATE, DIGEST = NotificationPreference.Delivery.IMMEDIATE, NotificationPreference.Delivery.DIGEST


def _status(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).values_list("email_status", flat=True).get()


def _tell(users, kind):
    notify(users, kind=kind, title="Aviso", body="Cuerpo", url="/consultas/1/")


@pytest.fixture
def urgent_kind():
    """A mandatory kind, as incidents will register for hack reports."""
    with mock.patch.dict(kinds._registry):
        kinds.register_kind("prueba.hackeo", "Cuenta vulnerada (prueba)", mandatory=True)
        yield "prueba.hackeo"


# --- Resolving the delivery -------------------------------------------------------------------


def test_cncs_gets_consultation_expiries_in_the_digest_and_others_immediately(cast):
    _tell([cast.cncs, cast.admin], "consultation.expired")
    assert _status(cast.cncs, "consultation.expired") == "digest"
    assert _status(cast.admin, "consultation.expired") == "pending"


def test_cncs_gets_other_kinds_immediately(cast):
    _tell([cast.cncs], "consultation.opened")
    assert _status(cast.cncs, "consultation.opened") == "pending"


def test_a_person_who_chose_the_digest_gets_it(cast):
    NotificationPreference.objects.create(user=cast.admin, kind="designation.changed", delivery=DIGEST)
    _tell([cast.admin, cast.suplente], "designation.changed")
    assert _status(cast.admin, "designation.changed") == "digest"
    assert _status(cast.suplente, "designation.changed") == "pending"


def test_cncs_may_choose_immediate_expiries(cast):
    NotificationPreference.objects.create(user=cast.cncs, kind="consultation.expired", delivery=IMMEDIATE)
    _tell([cast.cncs], "consultation.expired")
    assert _status(cast.cncs, "consultation.expired") == "pending"


def test_a_mandatory_kind_is_always_immediate(cast, urgent_kind):
    NotificationPreference.objects.create(user=cast.admin, kind=urgent_kind, delivery=DIGEST)  # e.g. left from before
    _tell([cast.admin], urgent_kind)
    assert _status(cast.admin, urgent_kind) == "pending"


def test_an_unregistered_kind_is_delivered_immediately(cast):
    NotificationPreference.objects.create(user=cast.cncs, kind="sin.registrar", delivery=DIGEST)
    _tell([cast.cncs], "sin.registrar")
    assert _status(cast.cncs, "sin.registrar") == "pending"


def test_held_notifications_are_not_handed_to_the_worker_nor_taken_by_the_sweep(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    with mock.patch.object(services, "enqueue_email_delivery") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            _tell([cast.cncs, cast.admin], "consultation.expired")
    [ids] = enqueue.call_args.args
    assert ids == list(Notification.objects.filter(recipient=cast.admin).values_list("pk", flat=True))
    assert deliver_pending_emails() == 1
    assert [m.to for m in mailoutbox] == [[cast.admin.email]]
    assert _status(cast.cncs, "consultation.expired") == "digest"


def test_notify_many_resolves_deliveries_in_two_queries_whatever_the_batch(cast):
    def lookups_for(people: int) -> list[str]:
        users = UserFactory.create_batch(people, groups=[Group.CNCS])
        for user in users[::2]:
            NotificationPreference.objects.create(user=user, kind="consultation.expired", delivery=IMMEDIATE)
        messages = [
            Message(users, "consultation.expired", "Vencida", "Cuerpo", "/consultas/1/"),
            Message(users, "approvals.reminder", "Recordatorio", "Cuerpo", "/solicitudes/"),
            Message(users, "consultation.opened", "Nueva", "Cuerpo", "/consultas/1/"),
        ]
        with CaptureQueriesContext(connection) as ctx:
            notify_many(messages)
        held = Notification.objects.filter(recipient__in=users, email_status="digest")
        assert held.count() == people + people // 2  # every reminder, the expiries of those who did not choose
        # Besides the INSERTs (bulk_create splits them by size only): one query for the
        # preferences, one for the group memberships.
        return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]

    few, many = lookups_for(2), lookups_for(30)
    assert len(few) == len(many) == 2
    assert "notifications_notificationpreference" in many[0]
    assert "groups" in many[1]


def test_a_batch_of_only_unswitchable_kinds_asks_nothing_about_preferences(cast, urgent_kind):
    with CaptureQueriesContext(connection) as ctx:
        notify_many([Message([cast.admin, cast.cncs], urgent_kind, "Urgente", "Cuerpo")])
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]


# --- The page ---------------------------------------------------------------------------------


def _choices(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_the_page_shows_every_kind_grouped_with_the_role_defaults(client, cast):
    client.force_login(cast.cncs)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    choices = _choices(response)
    assert choices["consultation.expired"] == DIGEST
    assert choices["consultation.opened"] == IMMEDIATE
    assert set(response.context["form"].sections) == {
        "Cuentas institucionales",
        "Solicitudes de cuentas",
        "Consultas a Comunicación Social",
        "Incidentes",
        "Registro público de cuentas",
        "Evaluaciones y capacitación",
        "Incorporación de cuentas existentes",
    }
    body = response.content.decode()
    assert "Consulta vencida sin respuesta" in body
    assert 'type="radio"' in body


def test_everyone_else_sees_immediate_by_default(client, cast):
    client.force_login(cast.admin)
    assert set(_choices(client.get(reverse("notifications:preferences"))).values()) == {IMMEDIATE}


def test_saving_a_choice_changes_how_the_next_notification_is_delivered(client, cast):
    client.force_login(cast.admin)
    data = {code: IMMEDIATE for code in _choices(client.get(reverse("notifications:preferences")))}
    data["designation.changed"] = DIGEST
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "Sus preferencias de notificación se guardaron." in response.content.decode()
    assert _choices(response)["designation.changed"] == DIGEST
    _tell([cast.admin], "designation.changed")
    assert _status(cast.admin, "designation.changed") == "digest"


def test_only_choices_that_differ_from_the_role_default_are_stored(client, cast):
    client.force_login(cast.cncs)
    data = _choices(client.get(reverse("notifications:preferences")))
    data["consultation.expired"] = IMMEDIATE
    data["consultation.opened"] = DIGEST
    client.post(reverse("notifications:preferences"), data)
    stored = dict(NotificationPreference.objects.filter(user=cast.cncs).values_list("kind", "delivery"))
    assert stored == {"consultation.expired": IMMEDIATE, "consultation.opened": DIGEST}
    # Back to the defaults: nothing stored any more.
    client.post(
        reverse("notifications:preferences"),
        _choices(client.get(reverse("notifications:preferences")))
        | {
            "consultation.expired": DIGEST,
            "consultation.opened": IMMEDIATE,
        },
    )
    assert not NotificationPreference.objects.filter(user=cast.cncs).exists()


def test_a_mandatory_kind_is_shown_disabled_with_its_reason_and_cannot_be_changed(client, cast, urgent_kind):
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:preferences"))
    field = response.context["form"][urgent_kind]
    assert field.field.disabled
    assert "Este aviso siempre se envía de inmediato" in response.content.decode()
    assert "disabled" in str(field)
    data = _choices(response) | {urgent_kind: DIGEST}
    client.post(reverse("notifications:preferences"), data)
    assert not NotificationPreference.objects.filter(user=cast.admin, kind=urgent_kind).exists()
    _tell([cast.admin], urgent_kind)
    assert _status(cast.admin, urgent_kind) == "pending"


def test_an_invalid_choice_is_a_spanish_error_and_saves_nothing(client, cast):
    client.force_login(cast.admin)
    data = _choices(client.get(reverse("notifications:preferences"))) | {"designation.changed": "semanal"}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert "Seleccione una opción válida." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_inbox_links_to_the_preferences(client, cast):
    client.force_login(cast.admin)
    assert reverse("notifications:preferences") in client.get(reverse("notifications:inbox")).content.decode()


def test_the_preferences_need_a_login(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_cncs_takes_the_organs_acknowledgements_of_evaluations_in_the_digest(client, cast):
    client.force_login(cast.cncs)
    choices = _choices(client.get(reverse("notifications:preferences")))
    assert choices["evaluations.acknowledged"] == DIGEST
    assert choices["evaluations.issued"] == IMMEDIATE
