"""People who have not signed in for 90 days are deactivated by a daily task and told how to
return; superusers never, and the demo users not while DEBUG is on (``make run``)."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core import tasks
from core.sessions import deactivate_inactive_users


def days_ago(days: int, hours: int = 0):
    return timezone.now() - timedelta(days=days, hours=hours)


@pytest.fixture
def people(db):
    return {
        "recent": UserFactory(username="reciente", last_login=days_ago(89)),
        "stale": UserFactory(username="ausente", last_login=days_ago(91)),
        "never_new": UserFactory(username="nueva", last_login=None, date_joined=days_ago(10)),
        "never_old": UserFactory(username="nunca", last_login=None, date_joined=days_ago(120)),
        "super": UserFactory(username="raiz", last_login=days_ago(400), is_superuser=True, is_staff=True),
        "already": UserFactory(username="inactiva", last_login=days_ago(200), is_active=False),
    }


def active(user) -> bool:
    user.refresh_from_db()
    return user.is_active


def test_the_task_is_scheduled_daily_at_03_45():
    entry = settings.CELERY_BEAT_SCHEDULE["deactivate-inactive-users"]
    assert entry["task"] == "core.tasks.deactivate_inactive_users"
    assert entry["schedule"] == crontab(hour=3, minute=45)


def test_only_people_without_a_sign_in_for_90_days_are_deactivated(people):
    assert tasks.deactivate_inactive_users.apply().result == 2

    assert not active(people["stale"])
    assert not active(people["never_old"])
    assert active(people["recent"])
    assert active(people["never_new"])


def test_a_superuser_is_never_deactivated(people):
    deactivate_inactive_users()
    assert active(people["super"])


def test_each_deactivated_person_is_told_by_e_mail_how_to_return(people):
    deactivate_inactive_users()

    assert sorted(m.to[0] for m in mail.outbox) == ["ausente@ine.mx", "nunca@ine.mx"]
    message = next(m for m in mail.outbox if m.to == ["ausente@ine.mx"])
    assert message.subject == "Su acceso al sistema de redes sociales del INE fue desactivado"
    assert "«ausente»" in message.body
    assert "90 días" in message.body
    assert "pida a Comunicación Social (CNCS) que lo reactive" in message.body


def test_a_repeated_run_deactivates_and_writes_to_nobody_twice(people):
    assert deactivate_inactive_users() == 2
    assert deactivate_inactive_users() == 0
    assert len(mail.outbox) == 2


def test_the_log_records_who_when_and_why(people, caplog):
    with caplog.at_level(logging.WARNING, logger="core.sessions"):
        deactivate_inactive_users()
    lines = [r.getMessage() for r in caplog.records if "deactivated by the system" in r.getMessage()]
    assert len(lines) == 2
    assert any(f"User {people['stale'].pk} (ausente)" in line and "no sign-in since" in line for line in lines)


def test_the_limit_is_a_setting(people, settings):
    settings.USER_INACTIVITY_DAYS = 30
    deactivate_inactive_users()
    assert not active(people["recent"])
    assert active(people["never_new"])


def test_a_person_who_signs_in_meanwhile_is_not_deactivated(people):
    """The claim re-checks the last sign-in: a run that read the person as stale just before
    they signed in leaves them alone."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=people["stale"].pk).update(last_login=timezone.now())
    deactivate_inactive_users()
    assert active(people["stale"])


def test_a_mail_failure_leaves_the_deactivation_and_logs_it(people, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("SMTP caído")

    monkeypatch.setattr("core.sessions.send_mail", broken)
    with caplog.at_level(logging.ERROR, logger="core.sessions"):
        assert deactivate_inactive_users() == 2
    assert not active(people["stale"])
    assert any("Could not tell user" in r.getMessage() for r in caplog.records)


# --- The demo users of `make run` -----------------------------------------------------------------


def demo_user(username: str, last_login):
    user = UserFactory(username=username, last_login=last_login, date_joined=days_ago(365))
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    return user


def test_demo_users_stay_while_debug_is_on(db, settings):
    settings.DEBUG = True
    demo = demo_user("titular.jalisco", None)
    real = UserFactory(username="real", last_login=days_ago(100))
    assert deactivate_inactive_users() == 1
    assert active(demo)
    assert not active(real)


def test_with_debug_off_a_demo_password_protects_nobody(db, settings):
    settings.DEBUG = False
    demo = demo_user("titular.jalisco", days_ago(100))
    assert deactivate_inactive_users() == 1
    assert not active(demo)


def test_people_without_a_password_stay_while_debug_is_on_only(db, settings):
    imported = UserFactory(username="importada", last_login=None, date_joined=days_ago(365))
    imported.set_unusable_password()
    imported.save()
    settings.DEBUG = True
    assert deactivate_inactive_users() == 0
    settings.DEBUG = False
    assert deactivate_inactive_users() == 1
    assert not active(imported)


def test_the_demo_data_set_is_untouched(db, settings):
    """``make run``'s demo set (``manage.py load_demo``: every app's demo), left a year on a
    laptop, never signed in."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    User = get_user_model()
    assert User.objects.count() > 10
    User.objects.update(date_joined=days_ago(365), last_login=None)
    assert deactivate_inactive_users() == 0
    assert not User.objects.filter(is_active=False).exists()
