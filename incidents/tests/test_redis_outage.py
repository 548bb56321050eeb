"""A hack reported while Redis is down: the incident, the compromised account and the
notifications all commit; once Redis is back every e-mail goes out exactly once, and the
"report → first e-mail sent" time reads the real send time."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Account
from consultations.tests.test_redis_outage import UNREACHABLE, broker
from incidents import services
from incidents.models import Incident
from ine_redes.celery import app as celery_app
from notifications.delivery import deliver_pending_emails
from notifications.models import Notification
from notifications.tasks import deliver_pending_notifications


def pending() -> int:
    return Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).count()


def _report_while_redis_is_down(cast, capture) -> Incident:
    started = time.monotonic()
    with broker(UNREACHABLE), capture(execute=True):
        incident = services.report_incident(
            by=cast.admin,
            kind=Incident.Kind.HACK,
            account_id=cast.account.pk,
            detected_at=timezone.now() - timedelta(minutes=10),
            description="No podemos entrar.",
        ).incident
    assert time.monotonic() - started < 30, "a broker outage must not hang the report"
    return incident


@pytest.mark.django_db
def test_with_redis_down_the_hack_report_still_commits_and_its_e_mails_wait(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    incident = _report_while_redis_is_down(cast, django_capture_on_commit_callbacks)
    assert Account.objects.get(pk=cast.account.pk).status == Account.Status.COMPROMISED
    assert pending() == 3 and mailoutbox == []
    assert Incident.objects.with_first_email().get(pk=incident.pk).metrics()["report_to_first_email"] is None


@pytest.mark.django_db
def test_once_redis_is_back_each_hack_e_mail_goes_out_once_and_the_metric_reads_its_send_time(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    incident = _report_while_redis_is_down(cast, django_capture_on_commit_callbacks)
    assert deliver_pending_emails() == 3
    assert deliver_pending_emails() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in (cast.titular, cast.cncs, cast.unicom))
    first = Incident.objects.with_first_email().get(pk=incident.pk).metrics()["report_to_first_email"]
    assert first is not None and first >= timedelta(0)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_down_then_up_a_real_worker_sends_each_hack_e_mail_once(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    from celery.contrib.testing.worker import start_worker

    _report_while_redis_is_down(cast, django_capture_on_commit_callbacks)
    with broker(settings.REDIS_URL):
        celery_app.control.purge()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            for _ in range(3):  # beat ticking three times once Redis is back
                deliver_pending_notifications.delay()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and (pending() or len(mailoutbox) < 3):
                time.sleep(0.2)
            time.sleep(1)
    assert pending() == 0
    sent = [(m.to[0], m.subject) for m in mailoutbox]
    assert len(sent) == len(set(sent)) == 3
