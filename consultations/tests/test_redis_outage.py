"""With Redis down, people keep working and nothing is lost; once it is back, every
notification goes out exactly once.

The first tests need no Redis: the broker is an address where nothing listens. The last
one (marked ``redis``) runs the real path: the beat task published through Redis and
executed by a worker.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

import kombu.pools
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts import rotation
from accounts import services as account_services
from accounts.models import Account, PasswordRotation
from consultations import services
from consultations.models import Consultation
from ine_redes.celery import app as celery_app
from notifications.delivery import deliver_pending_emails
from notifications.models import Notification
from notifications.tasks import deliver_pending_notifications

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


@contextmanager
def broker(url: str):
    """Publish real messages to ``url`` instead of running tasks inline."""
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "broker_transport_options": celery_app.conf.broker_transport_options,
        "task_always_eager": celery_app.conf.task_always_eager,
    }

    def reset_pools():
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        # kombu keeps its pools per connection, process-wide: a closed one would be handed back.
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reset_pools()
    celery_app.conf.update(broker_url=url, broker_transport_options={}, task_always_eager=False)
    try:
        yield
    finally:
        reset_pools()
        celery_app.conf.update(saved)


def pending() -> int:
    return Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).count()


def emailed():
    """The notifications sent one by one; CNCS takes its expiries in the daily digest instead."""
    return Notification.objects.exclude(email_status=Notification.EmailStatus.DIGEST)


def _work_while_redis_is_down(cast, capture):
    """Open a consultation, record a rotation, and let two sweeps run, all with Redis down."""
    Account.objects.filter(pk=cast.account.pk).update(password_rotation_due_on=timezone.localdate())
    started = time.monotonic()
    with broker(UNREACHABLE), capture(execute=True):
        consultation = services.open_consultation(
            account_id=cast.account.pk, by=cast.admin, kind="information", question="¿?", subject_text="¿?"
        )
        account_services.record_password_rotation(
            account_id=cast.other_account.pk, by=cast.other_admin, meets_policy=True
        )
        rotation.send_password_reminders()
        services.expire_due_consultations(now=consultation.due_at)
    assert time.monotonic() - started < 30, "a broker outage must not hang the request"
    return consultation


@pytest.mark.django_db
def test_with_redis_down_consultations_rotations_and_sweeps_still_commit(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    consultation = _work_while_redis_is_down(cast, django_capture_on_commit_callbacks)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.EXPIRED
    assert PasswordRotation.objects.filter(account=cast.other_account).exists()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"consultation.opened", "password.reminder", "consultation.expired"}
    assert pending() == emailed().count()
    assert Notification.objects.filter(email_status=Notification.EmailStatus.DIGEST).exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_once_redis_is_back_the_outbox_sweep_delivers_each_email_exactly_once(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    _work_while_redis_is_down(cast, django_capture_on_commit_callbacks)
    expected = emailed().count()
    assert deliver_pending_emails() == expected
    assert deliver_pending_emails() == 0
    assert len(mailoutbox) == expected
    sent = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert len(set(sent)) == len(sent)
    assert not emailed().exclude(email_status=Notification.EmailStatus.SENT).exists()


@pytest.mark.django_db
def test_a_claim_left_by_a_worker_that_died_while_sending_is_released_and_sent_once(cast, mailoutbox):
    consultation = services.open_consultation(
        account_id=cast.account.pk, by=cast.admin, kind="information", question="¿?", subject_text="¿?"
    )
    note = Notification.objects.get(kind="consultation.opened")
    # A worker claimed the e-mail and was killed before sending it.
    Notification.objects.filter(pk=note.pk).update(
        email_status=Notification.EmailStatus.SENDING, email_claimed_at=timezone.now()
    )
    assert deliver_pending_emails() == 0  # a fresh claim belongs to someone who may still be working
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert deliver_pending_emails() == 1
        assert deliver_pending_emails() == 0
    assert [m.subject for m in mailoutbox] == [note.title]
    assert consultation.pk


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_down_then_up_the_beat_sweep_through_a_real_worker_sends_each_email_once(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    from celery.contrib.testing.worker import start_worker

    _work_while_redis_is_down(cast, django_capture_on_commit_callbacks)
    expected = emailed().count()
    assert pending() == expected

    with broker(settings.REDIS_URL):
        celery_app.control.purge()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            for _ in range(3):  # beat ticking three times once Redis is back
                deliver_pending_notifications.delay()
            # And the normal path works again: a new event is e-mailed straight after commit.
            services.open_consultation(
                account_id=cast.account.pk, by=cast.suplente, kind="pertinence", question="¿?", subject_text="¿?"
            )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and (pending() or len(mailoutbox) < expected + 1):
                time.sleep(0.2)
            time.sleep(1)  # let the remaining sweeps run: they must find nothing to send

    assert pending() == 0
    assert len(mailoutbox) == emailed().count() == expected + 1
    sent = [(m.to[0], m.subject) for m in mailoutbox]
    assert len(set(sent)) == len(sent)
