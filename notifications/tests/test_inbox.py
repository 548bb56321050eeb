"""The inbox: unread first, a filter by kind, and opening a notification by POST only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def _note(user, kind="designation.changed", title="Aviso", url="/organos/1/", minutes_ago=0):
    with time_machine.travel(timezone.now() - timedelta(minutes=minutes_ago), tick=False):
        [n] = notify([user], kind=kind, title=title, body="Cuerpo", url=url)
    return n


def _titles(response):
    return [n.title for n in response.context["page"]]


def test_unread_come_first_then_the_newest(client, cast):
    old_unread = _note(cast.admin, title="Vieja sin leer", minutes_ago=60)
    new_read = _note(cast.admin, title="Nueva leída", minutes_ago=1)
    _note(cast.admin, title="Nueva sin leer", minutes_ago=2)
    older_read = _note(cast.admin, title="Vieja leída", minutes_ago=90)
    services.mark_read(cast.admin, [new_read.pk, older_read.pk])
    assert old_unread.read_at is None
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox"))
    assert _titles(response) == ["Nueva sin leer", "Vieja sin leer", "Nueva leída", "Vieja leída"]


def test_the_kind_filter_offers_the_kinds_received_with_spanish_labels(client, cast):
    _note(cast.admin, kind="designation.changed")
    _note(cast.admin, kind="password.reminder")
    _note(cast.cncs, kind="consultation.expired")  # someone else's: not offered
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox"))
    choices = dict(response.context["form"].fields["tipo"].choices)
    assert choices == {
        "": "Todos los tipos",
        "designation.changed": "Cambio de administradores de cuentas",
        "password.reminder": "Recordatorio de cambio de contraseña",
    }
    body = response.content.decode()
    assert '<option value="password.reminder">Recordatorio de cambio de contraseña</option>' in body
    assert "Cambio de administradores de cuentas" in body  # the kind column


def test_filtering_by_kind(client, cast):
    _note(cast.admin, kind="designation.changed", title="Designación")
    _note(cast.admin, kind="password.reminder", title="Contraseña")
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox") + "?tipo=password.reminder")
    assert _titles(response) == ["Contraseña"]


def test_the_kind_and_unread_filters_combine(client, cast):
    read = _note(cast.admin, kind="password.reminder", title="Leída")
    _note(cast.admin, kind="password.reminder", title="Sin leer")
    _note(cast.admin, kind="designation.changed", title="Otra")
    services.mark_read(cast.admin, [read.pk])
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox") + "?tipo=password.reminder&filtro=no-leidas")
    assert _titles(response) == ["Sin leer"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("?tipo=no.existe", "El tipo de notificación elegido no existe en su bandeja."),
        ("?tipo=consultation.expired", "El tipo de notificación elegido no existe en su bandeja."),
        ("?filtro=todas-y-mas", "Ese filtro no existe."),
    ],
)
def test_an_invalid_filter_is_a_spanish_message_and_matches_nothing(client, cast, query, message):
    _note(cast.admin, title="Mía")
    _note(cast.cncs, kind="consultation.expired")  # a real kind, but not in this inbox
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox") + query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _titles(response) == []


def test_pages_keep_the_filter(client, cast):
    for i in range(30):
        _note(cast.admin, kind="password.reminder", title=f"Contraseña {i}")
    client.force_login(cast.admin)
    body = client.get(reverse("notifications:inbox") + "?tipo=password.reminder").content.decode()
    assert "?tipo=password.reminder&amp;pagina=2" in body


def test_the_inbox_query_count_does_not_grow_with_its_rows(client, cast, django_assert_max_num_queries):
    for kind in ("designation.changed", "password.reminder", "consultation.opened"):
        for _ in range(8):
            _note(cast.admin, kind=kind)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:inbox"))


# --- Opening a notification ---------------------------------------------------------------------


def test_a_get_on_a_notification_shows_it_without_marking_it_read(client, cast):
    n = _note(cast.admin, title="Cambio de administradores")
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cambio de administradores" in body
    assert f'<form method="post" action="{reverse("notifications:open", args=[n.pk])}"' in body
    n.refresh_from_db()
    assert n.read_at is None


def test_a_post_marks_it_read_and_follows_its_link(client, cast):
    n = _note(cast.admin, url="/organos/1/")
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert (response.status_code, response.url) == (302, "/organos/1/")
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.parametrize("role", ["admin", "suplente", "cncs", "other_admin"])
def test_posting_to_someone_elses_notification_is_404_and_marks_nothing(client, cast, role):
    n = _note(cast.titular)
    client.force_login(getattr(cast, role))
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_opening_needs_the_csrf_token(cast):
    from django.test import Client

    n = _note(cast.admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 403
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize("page", ["notifications:inbox", "core:home"])
def test_the_inbox_and_the_home_panel_open_notifications_by_a_post_form(client, cast, page):
    n = _note(cast.admin, title="Aviso del panel")
    client.force_login(cast.admin)
    body = client.get(reverse(page)).content.decode()
    action = reverse("notifications:open", args=[n.pk])
    assert f'<form method="post" action="{action}" class="inline">' in body
    assert f'<a href="{action}"' not in body
    assert '<button class="link" type="submit">Aviso del panel</button>' in body
    n.refresh_from_db()
    assert n.read_at is None


def test_other_methods_are_refused(client, cast):
    n = _note(cast.admin)
    client.force_login(cast.admin)
    assert client.delete(reverse("notifications:open", args=[n.pk])).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_marking_a_single_notification_read_says_so_in_the_singular(client, cast):
    _note(cast.admin, title="Única")
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "1 notificación marcada como leída." in response.content.decode()
