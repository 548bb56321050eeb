"""E-mail delivery: one SMTP connection per batch, and a timeout shorter than the claim."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as project_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications import tasks
from notifications.checks import check_email_timeout
from notifications.delivery import STALE_CLAIM, deliver_pending_emails
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

COUNTING = "notifications.tests.test_delivery.CountingBackend"


class CountingBackend(BaseEmailBackend):
    """Behaves like the SMTP backend: ``send_messages`` opens a connection when none is
    open and closes the one it opened. Counts every connection actually opened."""

    opened = 0
    refuse = ""  # an address the server refuses
    unreachable = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.is_open = False

    def open(self):
        if self.is_open:
            return False
        if CountingBackend.unreachable:
            raise ConnectionRefusedError("Connection refused")
        CountingBackend.opened += 1
        self.is_open = True
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        new = self.open()
        try:
            for message in messages:
                if CountingBackend.refuse in message.to:
                    raise OSError(f"550 {CountingBackend.refuse}: mailbox unavailable")
                mail.outbox.append(message)
        finally:
            if new:
                self.close()
        return len(messages)


@pytest.fixture
def counting(settings, mailoutbox):
    settings.EMAIL_BACKEND = COUNTING
    CountingBackend.opened, CountingBackend.refuse, CountingBackend.unreachable = 0, "", False
    yield CountingBackend
    CountingBackend.refuse, CountingBackend.unreachable = "", False


def _pending_for(users):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.deliver_notification_emails, "delay", lambda ids: None)  # leave them to the sweep
        return notify(users, kind="test", title="Aviso", body="Cuerpo")


def test_a_sweep_of_many_emails_opens_one_smtp_connection(counting):
    users = UserFactory.create_batch(7)
    _pending_for(users)
    assert deliver_pending_emails() == 7
    assert counting.opened == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_the_emails_of_one_commit_go_out_over_one_connection(counting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(UserFactory.create_batch(4), kind="test", title="Aviso", body="Cuerpo")
    assert len(mail.outbox) == 4
    assert counting.opened == 1


def test_a_sweep_with_nothing_due_opens_no_connection(counting):
    assert deliver_pending_emails() == 0
    assert counting.opened == 0


def test_one_refused_address_does_not_stop_the_rest_of_the_batch(counting):
    users = UserFactory.create_batch(3)
    counting.refuse = users[1].email
    _pending_for(users)
    assert deliver_pending_emails() == 2
    statuses = dict(Notification.objects.values_list("recipient", "email_status"))
    assert statuses == {users[0].pk: "sent", users[1].pk: "pending", users[2].pk: "sent"}
    refused = Notification.objects.get(recipient=users[1])
    assert (refused.email_attempts, refused.email_claimed_at) == (1, None)
    assert "mailbox unavailable" in refused.email_last_error


def test_an_unreachable_mail_server_ends_the_batch_and_leaves_the_rest_unclaimed(counting):
    _pending_for(UserFactory.create_batch(5))
    counting.unreachable = True
    assert deliver_pending_emails() == 0
    attempts = sorted(Notification.objects.values_list("email_attempts", flat=True))
    assert attempts == [0, 0, 0, 0, 1]  # one failure recorded, the others untouched
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"pending"}
    counting.unreachable = False
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):  # past the failed one's backoff
        assert deliver_pending_emails() == 5
    assert counting.opened == 1


# --- The timeout and its check ----------------------------------------------------------------


def test_the_email_timeout_is_set_and_well_below_the_claims_lifetime():
    assert project_settings.EMAIL_TIMEOUT is not None
    assert 0 < project_settings.EMAIL_TIMEOUT < STALE_CLAIM.total_seconds() / 10
    assert check_email_timeout() == []


@pytest.mark.parametrize("timeout", [None, 0, 120, 900, 3600])
def test_the_check_refuses_a_missing_or_too_long_email_timeout(settings, timeout):
    settings.EMAIL_TIMEOUT = timeout
    [error] = check_email_timeout()
    assert error.id == "notifications.E001"


def test_the_check_is_registered_with_django():
    from django.core.checks import registry

    assert check_email_timeout in registry.registry.get_checks()
