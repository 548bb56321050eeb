"""Two sweeps of inactive users at once, on PostgreSQL with real connections: each person is
deactivated and told once. A slow e-mail keeps the first sweep busy while the second runs."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import inactivity
from accounts.tests.concurrency import run_together
from accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweeps_at_once_deactivate_and_write_to_each_person_once(monkeypatch):
    stale = [UserFactory(username=f"ausente{i}", last_login=timezone.now() - timedelta(days=120)) for i in range(6)]
    real_send = inactivity.send_mail

    def slow_send(*args, **kwargs):
        time.sleep(0.1)
        return real_send(*args, **kwargs)

    monkeypatch.setattr(inactivity, "send_mail", slow_send)

    results = run_together(inactivity.deactivate_inactive_users, inactivity.deactivate_inactive_users)

    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(count for _, count in results) == len(stale)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in stale)
    for user in stale:
        user.refresh_from_db()
        assert not user.is_active
