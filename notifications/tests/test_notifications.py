"""The notification outbox: rows in the caller's transaction, e-mail after commit, retries,
the sweep, the inbox, and a broker that may be down (or, with Redis, really there)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import kombu.pools
import pytest
import redis
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Designation
from accounts.tests.factories import UserFactory
from ine_redes.celery import app as celery_app
from notifications import services, tasks
from notifications.delivery import deliver_email, deliver_pending_emails
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

PENDING, SENDING, SENT, FAILED, DIGEST = (s.value for s in Notification.EmailStatus)


def _notify(*users, title="Aviso de prueba", url="/cuentas/1/"):
    return notify(users, kind="test", title=title, body="Cuerpo del aviso.", url=url)


@pytest.fixture
def smtp_down(settings):
    """A real SMTP backend pointed at a closed port: every send fails at once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def _smtp_back_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# --- Rows inside the caller's transaction ---------------------------------------------------


def test_one_row_per_distinct_active_recipient(cast):
    cast.staff.is_active = False
    cast.staff.save()
    rows = notify(
        [cast.cncs, cast.admin, cast.cncs, None, cast.staff, cast.admin],
        kind="test",
        title="Aviso",
        body="Cuerpo",
    )
    assert len(rows) == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["admin_titular", "cncs"]
    assert set(Notification.objects.values_list("email_status", flat=True)) == {PENDING}


def test_nobody_to_tell_writes_nothing_and_schedules_nothing(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify([], kind="test", title="Aviso", body="Cuerpo") == []
    assert callbacks == []
    assert Notification.objects.count() == 0


def test_a_long_title_is_cut_to_fit(cast):
    [row] = notify([cast.admin], kind="test", title="A" * 300, body="Cuerpo")
    row.refresh_from_db()
    assert row.title == "A" * 200


def test_rows_and_email_roll_back_with_the_callers_transaction(cast, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _notify(cast.admin, cast.cncs)
            assert Notification.objects.count() == 2
            raise RuntimeError("the event failed")
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mailoutbox == []


def test_a_designation_rolled_back_by_its_caller_leaves_no_notification(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    from accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.designate_administrators(
                organ_id=cast.organ.pk, by=cast.titular, titular=cast.admin, suplente=cast.staff
            )
            assert Notification.objects.count() > 0
            raise RuntimeError("a later step of the same request failed")
    assert Notification.objects.count() == 0
    assert mailoutbox == []
    assert Designation.objects.get(organ=cast.organ, role="suplente", ends_at__isnull=True).user == cast.suplente


def test_email_goes_out_only_after_commit(cast, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _notify(cast.admin, title="Cambio de administradores", url="/organos/1/")
        assert mailoutbox == []  # still inside the transaction
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Cambio de administradores"
    assert message.to == [cast.admin.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Cuerpo del aviso." in message.body
    assert f"Consulte el detalle en: {settings.SITE_URL}/organos/1/" in message.body
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts, row.email_last_error) == (SENT, 1, "")
    assert row.email_sent_at is not None


# --- Failures, retries and the sweep -------------------------------------------------------


def test_a_failing_smtp_server_leaves_the_row_pending_with_backoff(cast, smtp_down, django_capture_on_commit_callbacks):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _notify(cast.admin)
    row.refresh_from_db()
    assert row.email_status == PENDING
    assert row.email_attempts == 1
    assert row.email_last_error  # the transport's own words, kept for whoever looks
    assert row.email_claimed_at is None
    assert before + timedelta(minutes=2) <= row.email_next_attempt_at <= timezone.now() + timedelta(minutes=2)


def test_the_sweep_sends_a_failed_email_later_exactly_once(cast, smtp_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _notify(cast.admin)
    _smtp_back_up(smtp_down)
    assert deliver_pending_emails() == 0  # not due yet: backing off
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert deliver_pending_emails() == 1
        assert deliver_pending_emails() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts, row.email_last_error) == (SENT, 2, "")


def test_the_backoff_grows_with_each_failure(cast, smtp_down):
    [row] = _notify(cast.admin)
    now = timezone.now()
    for attempt, minutes in [(1, 2), (2, 4), (3, 8)]:
        with time_machine.travel(now, tick=False):
            deliver_pending_emails()
        row.refresh_from_db()
        assert row.email_attempts == attempt
        assert row.email_next_attempt_at == now + timedelta(minutes=minutes)
        now = row.email_next_attempt_at


def test_after_the_maximum_attempts_the_email_is_failed(cast, smtp_down):
    smtp_down.NOTIFICATION_MAX_EMAIL_ATTEMPTS = 3
    [row] = _notify(cast.admin)
    moment = timezone.now()
    for _ in range(3):
        with time_machine.travel(moment, tick=False):
            deliver_pending_emails()
        moment += timedelta(hours=1)
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (FAILED, 3)
    _smtp_back_up(smtp_down)
    with time_machine.travel(moment + timedelta(days=1)):
        assert deliver_pending_emails() == 0
    row.refresh_from_db()
    assert row.email_status == FAILED
    assert mail.outbox == []


def test_a_stale_sending_claim_is_released_by_the_sweep(cast, mailoutbox):
    [row] = _notify(cast.admin)
    Notification.objects.filter(pk=row.pk).update(
        email_status=SENDING, email_claimed_at=timezone.now() - timedelta(minutes=20)
    )
    assert deliver_pending_emails() == 1
    row.refresh_from_db()
    assert row.email_status == SENT
    assert len(mailoutbox) == 1


def test_a_fresh_sending_claim_is_left_to_its_worker(cast, mailoutbox):
    [row] = _notify(cast.admin)
    Notification.objects.filter(pk=row.pk).update(
        email_status=SENDING, email_claimed_at=timezone.now() - timedelta(minutes=1)
    )
    assert deliver_pending_emails() == 0
    row.refresh_from_db()
    assert row.email_status == SENDING
    assert mailoutbox == []


def test_two_deliveries_of_the_same_id_send_once(cast, mailoutbox):
    [row] = _notify(cast.admin)
    assert deliver_email(row.pk) is True
    assert deliver_email(row.pk) is False
    assert tasks.deliver_notification_emails.delay([row.pk, row.pk]).get() == 0
    assert len(mailoutbox) == 1


def test_a_notification_not_yet_due_is_not_sent(cast, mailoutbox):
    [row] = _notify(cast.admin)
    Notification.objects.filter(pk=row.pk).update(email_next_attempt_at=timezone.now() + timedelta(hours=1))
    assert deliver_email(row.pk) is False
    assert mailoutbox == []


def test_the_beat_task_runs_the_sweep(cast, mailoutbox):
    _notify(cast.admin, cast.cncs)
    assert tasks.deliver_pending_notifications.delay().get() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["admin_titular@ine.mx", "cncs@ine.mx"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_id_at_once_send_once(mailoutbox):
    with mock.patch.object(tasks.deliver_notification_emails, "delay"):  # nothing sent on commit
        [row] = _notify(UserFactory())
    assert mailoutbox == []
    barrier = threading.Barrier(4)
    results = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            results.append(deliver_email(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False, False, False, True]
    assert len(mailoutbox) == 1


# --- The inbox --------------------------------------------------------------------------------


def test_the_inbox_shows_only_the_users_notifications(client, cast):
    _notify(cast.admin, title="Para la administración")
    _notify(cast.cncs, title="Para Comunicación Social")
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox"))
    assert [n.title for n in response.context["page"]] == ["Para la administración"]
    assert "Para Comunicación Social" not in response.content.decode()


def test_the_unread_count_is_in_the_navigation(client, cast):
    _notify(cast.admin, title="Uno")
    _notify(cast.admin, title="Dos")
    _notify(cast.cncs, title="Ajena")
    client.force_login(cast.admin)
    body = client.get(reverse("accounts:list")).content.decode()
    assert '<span class="badge" title="sin leer">2</span>' in body


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, cast):
    [first] = _notify(cast.admin, title="Uno", url=reverse("accounts:detail", args=[cast.account.pk]))
    _notify(cast.admin, title="Dos")
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[cast.account.pk])
    first.refresh_from_db()
    assert first.read_at is not None
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert '<span class="badge" title="sin leer">1</span>' in body


def test_a_notification_without_link_opens_the_inbox(client, cast):
    [row] = _notify(cast.admin, url="")
    client.force_login(cast.admin)
    assert client.post(reverse("notifications:open", args=[row.pk])).url == reverse("notifications:inbox")


def test_the_unread_filter(client, cast):
    [read] = _notify(cast.admin, title="Leída")
    _notify(cast.admin, title="Pendiente")
    services.mark_read(cast.admin, [read.pk])
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:inbox") + "?filtro=no-leidas")
    assert [n.title for n in response.context["page"]] == ["Pendiente"]


def test_mark_all_read_marks_only_the_users_own(client, cast):
    _notify(cast.admin, title="Uno")
    _notify(cast.admin, title="Dos")
    [other] = _notify(cast.cncs, title="Ajena")
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 notificaciones marcadas como leídas." in response.content.decode()
    assert 'class="badge"' not in response.content.decode()
    assert Notification.objects.filter(recipient=cast.admin, read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


# --- A broker that is down -------------------------------------------------------------------


def test_a_broker_that_is_down_does_not_break_the_users_action(
    client, cast, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    client.force_login(cast.titular)
    down = OperationalError("Error 111 connecting to redis:6379. Connection refused.")
    with (
        mock.patch.object(tasks.deliver_notification_emails, "delay", side_effect=down) as delay,
        django_capture_on_commit_callbacks(execute=True),
        caplog.at_level(logging.WARNING, logger="notifications.services"),
    ):
        response = client.post(
            reverse("accounts:designate", args=[cast.organ.pk]),
            {"titular": cast.admin.pk, "suplente": cast.staff.pk},
        )
    assert delay.called
    assert response.status_code == 302
    assert Designation.objects.get(organ=cast.organ, role="suplente", ends_at__isnull=True).user == cast.staff
    rows = Notification.objects.filter(kind="designation.changed")
    assert rows.count() >= 3
    assert set(rows.values_list("email_status", flat=True)) == {PENDING}
    assert mailoutbox == []
    assert "Broker unavailable" in caplog.text

    # the sweep delivers them later, each exactly once
    assert deliver_pending_emails() == rows.count()
    assert deliver_pending_emails() == 0
    assert len(mailoutbox) == rows.count()
    assert set(rows.values_list("email_status", flat=True)) == {SENT}


def _reset_broker_connections() -> None:
    """Forget pooled connections and the queues/routes Celery cached from the old settings."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    kombu.pools.reset()  # kombu keeps producer pools per connection, process-wide
    celery_app._pool = None
    vars(celery_app).pop("amqp", None)


@contextmanager
def real_broker(url: str, **conf):
    """Point the project's Celery app at a real broker for one test, then restore it."""
    names = ["broker_url", "task_always_eager", *conf]
    saved = {name: celery_app.conf[name] for name in names}
    _reset_broker_connections()
    celery_app.conf.update(broker_url=url, task_always_eager=False, **conf)
    try:
        yield celery_app
    finally:
        celery_app.conf.update(saved)
        _reset_broker_connections()


def test_an_unreachable_redis_fails_fast_and_leaves_the_row_pending(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    with real_broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            [row] = _notify(cast.admin)
        elapsed = time.monotonic() - started
    assert elapsed < 10  # a web request must never hang on the broker
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (PENDING, 0)
    assert mailoutbox == []
    assert deliver_pending_emails() == 1
    assert len(mailoutbox) == 1


# --- The real Redis broker ----------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_email_is_delivered_through_the_real_redis_broker(mailoutbox):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    user = UserFactory(username="por_redis")
    # A queue of its own, so no other worker on this Redis takes the task and no
    # leftover task from elsewhere reaches this worker.
    queue = f"pruebas-{uuid.uuid4().hex}"

    def close_worker_connection(**kwargs):
        connection.close()  # runs in the worker thread: its own DB connection

    task_postrun.connect(close_worker_connection, weak=False)
    try:
        with (
            real_broker(settings.REDIS_URL, task_default_queue=queue) as app,
            start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10),
        ):
            [row] = _notify(user, title="Entregado por Redis")  # autocommit: on_commit runs now
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                row.refresh_from_db()
                if row.email_status == SENT:
                    break
                time.sleep(0.05)
    finally:
        task_postrun.disconnect(close_worker_connection)
        redis.Redis.from_url(settings.REDIS_URL).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
    assert row.email_status == SENT, row.email_last_error
    assert row.email_attempts == 1
    assert [(m.subject, m.to) for m in mailoutbox] == [("Entregado por Redis", ["por_redis@ine.mx"])]


def test_email_is_not_sent_to_a_recipient_deactivated_after_the_event(cast, mailoutbox):
    from notifications.delivery import deliver_email
    from notifications.services import notify

    [n] = notify([cast.admin], kind="test", title="Aviso", body="Cuerpo")
    cast.admin.is_active = False
    cast.admin.save(update_fields=["is_active"])
    assert deliver_email(n.pk) is False
    n.refresh_from_db()
    assert n.email_status == Notification.EmailStatus.FAILED
    assert mailoutbox == []


@pytest.mark.parametrize("url", ["https://malo.example/", "//malo.example/x", "javascript:alert(1)"])
def test_a_notification_link_must_be_a_path_of_this_site(cast, url):
    from notifications.services import notify

    with pytest.raises(ValueError):
        notify([cast.admin], kind="test", title="Aviso", body="Cuerpo", url=url)
    assert not Notification.objects.filter(recipient=cast.admin, kind="test").exists()


def test_opening_a_notification_with_an_outside_link_stays_on_the_site(client, cast):
    n = Notification.objects.create(recipient=cast.admin, kind="test", title="Aviso", body="x", url="//malo.example/")
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
