"""People who have not signed in for 90 days are deactivated by a daily task and told how to
return; superusers never, and the demo users not while DEBUG is on (``make run``). The
deactivation is the ordinary one (services.update_staff_assignment), by the system: an
administrator or a titular who stopped signing in no longer administers or heads their organ,
with the organ's history and the reason, and CNCS, the Comité and the titular are told."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts import tasks
from accounts.inactivity import deactivate_inactive_users
from accounts.models import Designation, User
from accounts.tests.factories import UserFactory
from notifications.models import Notification


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
    assert entry["task"] == "accounts.tasks.deactivate_inactive_users"
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
    with caplog.at_level(logging.WARNING, logger="accounts.inactivity"):
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
    User.objects.filter(pk=people["stale"].pk).update(last_login=timezone.now())
    deactivate_inactive_users()
    assert active(people["stale"])


def test_a_mail_failure_leaves_the_deactivation_and_logs_it(people, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("SMTP caído")

    monkeypatch.setattr("accounts.inactivity.send_mail", broken)
    with caplog.at_level(logging.ERROR, logger="accounts.inactivity"):
        assert deactivate_inactive_users() == 2
    assert not active(people["stale"])
    assert any("Could not tell user" in r.getMessage() for r in caplog.records)


# --- The ordinary deactivation: designations, headship, history, notifications -----------------


def _stale(*people):
    User.objects.filter(pk__in=[p.pk for p in people]).update(last_login=days_ago(100))


def test_an_inactive_administrator_no_longer_administers(cast):
    _stale(cast.admin)
    assert deactivate_inactive_users() == 1

    designation = Designation.objects.get(organ=cast.organ, user=cast.admin)
    assert designation.ends_at is not None
    assert designation.ended_by is None  # the system, not a person
    latest = designation.history.first()
    assert latest.history_user is None
    assert latest.history_change_reason == "Desactivada por inactividad: 100 días sin entrar"
    assert not Designation.objects.filter(user=cast.admin, ends_at__isnull=True).exists()
    told = set(Notification.objects.filter(kind="designation.changed").values_list("recipient__username", flat=True))
    assert told == {"cncs", "presidente", "secretario", "titular"}  # and not the deactivated person
    body = Notification.objects.get(kind="designation.changed", recipient=cast.titular).body
    assert body.startswith(f"El sistema registró que {cast.admin} ya no está activa en el sistema.")
    assert "None" not in body


def test_an_inactive_titular_no_longer_heads_the_organ(cast):
    _stale(cast.titular)
    assert deactivate_inactive_users() == 1

    cast.organ.refresh_from_db()
    assert cast.organ.head is None
    latest = cast.organ.history.first()
    assert (latest.head_id, latest.history_user) == (None, None)
    assert latest.history_change_reason == "Desactivada por inactividad: 100 días sin entrar"
    body = Notification.objects.get(kind="organ.head_changed", recipient=cast.cncs).body
    assert body.startswith(f"El sistema registró como titular de {cast.organ} a nadie (antes: {cast.titular}).")


def test_an_inactive_person_without_roles_is_deactivated_quietly(cast):
    _stale(cast.staff)
    assert deactivate_inactive_users() == 1
    assert not active(cast.staff)
    assert not Notification.objects.filter(kind__in=["designation.changed", "organ.head_changed"]).exists()
    assert [m.to for m in mail.outbox] == [[cast.staff.email]]


def test_a_refused_deactivation_leaves_the_others(people, monkeypatch, caplog):
    from django.core.exceptions import ValidationError

    from accounts import services

    real = services.update_staff_assignment

    def refuse_one(*, user_id, **kwargs):
        if user_id == people["stale"].pk:
            raise ValidationError("no")
        return real(user_id=user_id, **kwargs)

    monkeypatch.setattr(services, "update_staff_assignment", refuse_one)
    with caplog.at_level(logging.ERROR, logger="accounts.inactivity"):
        assert deactivate_inactive_users() == 1
    assert active(people["stale"])
    assert not active(people["never_old"])
    assert [m.to for m in mail.outbox] == [["nunca@ine.mx"]]
    assert any("Could not deactivate inactive user" in r.getMessage() for r in caplog.records)


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
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assert User.objects.count() > 10
    User.objects.update(date_joined=days_ago(365), last_login=None)
    assert deactivate_inactive_users() == 0
    assert not User.objects.filter(is_active=False).exists()
