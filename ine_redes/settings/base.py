"""Settings shared by every environment; every value comes from the environment.

The embedded defaults (SQLite, a filesystem broker, console e-mail) let a laptop run
the whole system with no external service. Production overrides them in production.py.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def raw_secret(name: str, default: str | None = None) -> str:
    """A secret read verbatim. django-environ treats a value starting with "$" as the
    name of another variable, and a random key may well start with "$"."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable")
    return value


SECRET_KEY = raw_secret("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    # Serves the API docs' Swagger UI from its own static files (no CDN).
    "ninja",
    "axes",
    "core",
    "notifications",
    "accounts",
    "approvals",
    "incidents",
    "evaluations",
    "consultations",
    "registry",
    "contentrules",
    "onboarding",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session after SESSION_IDLE_TIMEOUT_MINUTES idle or SESSION_ABSOLUTE_HOURS in all;
    # before ExpiredSessionFormMiddleware, which then keeps a form posted too late (core/sessions.py).
    "core.sessions.SessionLifetimeMiddleware",
    # Whatever a signed-in person receives is Cache-Control: private, no-store.
    "core.sessions.NoStoreForSignedInMiddleware",
    # With DEBUG on (make run): the Spanish error pages instead of Django's technical ones.
    "core.errors.DebugErrorPagesMiddleware",
    # After auth and messages: keeps a form posted after the session ended (core/middleware.py).
    "core.middleware.ExpiredSessionFormMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ine_redes.urls"
WSGI_APPLICATION = "ine_redes.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ine_redes.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# Parallel test runs (several engineers, one PostgreSQL) each pick their own test database.
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite waits instead of failing when the worker and the web server write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed sign-ins (the sign-in page, the admin's and the API token
# endpoint share the counter) and locks the user name, and separately the address, for
# a cool-off after SIGNIN_FAILURE_LIMIT failures, not for ever.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=10)
# A timedelta: axes reads a bare int as hours. Failures older than this no longer count.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGNIN_COOLOFF_MINUTES", default=15))
# Two separate counters: one per user name (from any address), one per address (for any name).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The pause lasts AXES_COOLOFF_TIME from the failure that reached the limit: an attempt
# during it is refused without being counted, so it does not start the pause again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Not axes' reset on success: it also clears every counter of the address, so someone with
# an account of their own could sign in after each few guesses at another person's password
# and guess for ever. A success clears that user name's counter only (core/signin.py).
AXES_RESET_ON_SUCCESS = False
# Every failure kept in the admin (AccessFailureLog, at most 1000 per user name), beside
# the successes (AccessLog).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# 429 (axes' AXES_HTTP_RESPONSE_CODE default), in Spanish, never saying whether the user exists.
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# django-ipware is not installed, so axes would count REMOTE_ADDR: behind a reverse proxy,
# the proxy's address, and ten failures by anyone would lock everyone out.
# core.signin.client_ip_address reads X-Forwarded-For instead, trusting only the entries
# written by the AXES_IPWARE_PROXY_COUNT proxies in front of gunicorn (none on a laptop).
AXES_CLIENT_IP_CALLABLE = "core.signin.client_ip_address"
AXES_USERNAME_CALLABLE = "core.signin.username_for_lockout"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Sessions (core/sessions.py): signed out after this many minutes without a request, and
# this many hours after signing in whatever happens; the cookie lasts no longer either.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
# People who have not signed in for this many days are deactivated (accounts.inactivity).
USER_INACTIVITY_DAYS = env.int("USER_INACTIVITY_DAYS", default=90)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Español (México)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents (signed oficios) are private: they are never served from a public
# URL, only through views that check who may read them.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "private"))

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP socket operation may block. Kept well below the e-mail claim's lifetime
# (notifications.delivery.STALE_CLAIM, 15 minutes; checked by notifications.E001) so a hung
# send gives up long before its claim is released and the e-mail could go out twice.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="redes.sociales@ine.mx")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The cache holds the API's per-client request counts: Redis when there is one, so every
# web process counts together; the process's memory otherwise.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The public API endpoints answer each client this many requests per minute (then 429
# with Retry-After).
API_PUBLIC_RATE = env("API_PUBLIC_RATE", default="60/min")

# --- Celery -----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Embedded broker: kombu's filesystem transport, so a laptop needs no Redis.
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    # The host is ignored by this transport, but kombu logs "No hostname was supplied" for
    # every connection made from a URL without one.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
# What a task prints (the console e-mail backend prints each e-mail) is logged as INFO, not
# as the WARNING celery gives redirected output by default.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hang a web request while Redis is down: fail fast, the outbox
# sweep delivers later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "notifications.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    "flag-abandoned-accounts": {
        "task": "accounts.tasks.flag_abandoned_accounts",
        "schedule": crontab(hour=6, minute=0),
    },
    # Daily reminder to CNCS of requests waiting too long; idempotent per request and day.
    # Before the 08:00 digest, which is where CNCS takes it by default.
    "approvals-remind-overdue-requests": {
        "task": "approvals.tasks.remind_overdue_requests",
        "schedule": crontab(hour=7, minute=30),
    },
    # Deadline sweeps: each claims its due rows with a conditional UPDATE, so overlapping
    # or repeated runs are harmless; a run missed while beat was down is caught up by the next.
    "consultations-send-reminders": {
        "task": "consultations.tasks.send_consultation_reminders",
        "schedule": 60.0,
    },
    "consultations-expire": {
        "task": "consultations.tasks.expire_consultations",
        "schedule": 60.0,
    },
    "password-rotation-reminders": {
        "task": "accounts.tasks.send_password_reminders",
        "schedule": crontab(minute=15, hour="8-20"),
    },
    # Hacks with no progress re-notify CNCS and UNICOM once per INCIDENT_STALE_HOURS;
    # each incident is claimed by moving its next_reminder_at, so a repeated run sends nothing.
    "incidents-stale-reminders": {
        "task": "incidents.tasks.send_stale_incident_reminders",
        "schedule": 300.0,
    },
    # One e-mail a day per person with the notifications they take as a digest; claimed
    # per person and day, so a repeated run sends nothing twice.
    # People with no sign-in for USER_INACTIVITY_DAYS are deactivated and told how to return;
    # each is locked and re-checked, so a repeated run changes nothing.
    "deactivate-inactive-users": {
        "task": "accounts.tasks.deactivate_inactive_users",
        "schedule": crontab(hour=3, minute=45),
    },
    "clean-kept-uploads": {
        "task": "core.tasks.clean_kept_uploads",
        "schedule": crontab(hour=3, minute=30),
    },
    # Opens the semester's evaluation period on its first day; idempotent (one period per
    # semester, one evaluation per account), so running it every day catches a missed day.
    "evaluations-open-period": {
        "task": "evaluations.tasks.open_current_period",
        "schedule": crontab(hour=0, minute=10),
    },
    # After accounts' flag-abandoned-accounts (06:00): the running semester's evaluations
    # keep the §7.viii flag even if the account later records activity and loses it.
    "evaluations-record-abandoned-flags": {
        "task": "evaluations.tasks.record_abandoned_flags",
        "schedule": crontab(hour=6, minute=15),
    },
    # Training reminders: each stage (TRAINING_REMINDER_DAYS_BEFORE) once per meeting.
    "evaluations-training-reminders": {
        "task": "evaluations.tasks.send_training_reminders",
        "schedule": crontab(minute=5),
    },
    # Regularisation (Transitorio SEGUNDO): reminders before the deadline, each stage once per
    # organ and deadline; then, the day after an organ's deadline, each imported account is
    # regularised or reclassified (a status claim, so a repeated run changes nothing).
    "onboarding-regularisation-reminders": {
        "task": "onboarding.tasks.send_regularisation_reminders",
        "schedule": crontab(hour=8, minute=20),
    },
    "onboarding-close-regularisation": {
        "task": "onboarding.tasks.close_regularisation",
        "schedule": crontab(hour=0, minute=20),
    },
    "notification-daily-digests": {
        "task": "notifications.tasks.send_notification_digests",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Domain settings --------------------------------------------------------------------
INSTITUTIONAL_EMAIL_DOMAIN = env("INSTITUTIONAL_EMAIL_DOMAIN", default="ine.mx")
NOTIFICATION_MAX_EMAIL_ATTEMPTS = env.int("NOTIFICATION_MAX_EMAIL_ATTEMPTS", default=8)
# Longest out-of-office period (holidays, non-working days) an account may announce, in
# calendar days counting both ends (accounts.services.add_out_of_office_period).
OUT_OF_OFFICE_MAX_DAYS = env.int("OUT_OF_OFFICE_MAX_DAYS", default=60)
# Days without a bitácora entry after which an active account is flagged as possibly
# abandoned (§7.viii).
ABANDONED_ACCOUNT_DAYS = env.int("ABANDONED_ACCOUNT_DAYS", default=90)
# Consultations with Comunicación Social (§6.viii, approved rule): the answer term in
# hours (elapsed hours, so a daylight-saving change neither adds nor removes one) and the
# reminders sent to CNCS, as hours left before the deadline.
CONSULTATION_HOURS = env.int("CONSULTATION_HOURS", default=48)
CONSULTATION_REMINDERS_HOURS_LEFT = env.list("CONSULTATION_REMINDERS_HOURS_LEFT", cast=int, default=[24, 4])
# The CNCS queue highlights consultations with less than this many hours left.
CONSULTATION_URGENT_HOURS = env.int("CONSULTATION_URGENT_HOURS", default=4)
# An unresolved hack with no progress for this many hours re-notifies CNCS and UNICOM.
INCIDENT_STALE_HOURS = env.int("INCIDENT_STALE_HOURS", default=4)
# Reports of suspicious accounts one client (a keyed hash of its address) may send per hour.
PUBLIC_REPORTS_PER_HOUR = env.int("PUBLIC_REPORTS_PER_HOUR", default=5)
CONSULTATION_MAX_ATTACHMENTS = env.int("CONSULTATION_MAX_ATTACHMENTS", default=5)
CONSULTATION_MAX_ATTACHMENT_MB = env.int("CONSULTATION_MAX_ATTACHMENT_MB", default=10)
# Password rotation (every two months): a reminder this many days before the due date,
# one on the due date, then one every PASSWORD_REMINDER_OVERDUE_EVERY_DAYS while overdue.
PASSWORD_REMINDER_DAYS_BEFORE = env.int("PASSWORD_REMINDER_DAYS_BEFORE", default=7)
PASSWORD_REMINDER_OVERDUE_EVERY_DAYS = env.int("PASSWORD_REMINDER_OVERDUE_EVERY_DAYS", default=7)
# Rows a sweep claims per transaction.
DEADLINE_SWEEP_BATCH_SIZE = env.int("DEADLINE_SWEEP_BATCH_SIZE", default=1000)
# Requests to CNCS (opening, closing, publicity): after this many days waiting they are
# highlighted on the dashboard and CNCS gets a daily reminder.
APPROVALS_REMINDER_AFTER_DAYS = env.int("APPROVALS_REMINDER_AFTER_DAYS", default=5)
# Uploaded signed oficios (PDF only) and graphic identity material, in bytes.
OFICIO_MAX_UPLOAD_BYTES = env.int("OFICIO_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IDENTITY_MATERIAL_MAX_UPLOAD_BYTES = env.int("IDENTITY_MATERIAL_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# Onboarding (Transitorio SEGUNDO): the largest inventory file CNCS may upload, in bytes and
# rows, and the regularisation reminders, as days before an organ's deadline.
ONBOARDING_MAX_UPLOAD_BYTES = env.int("ONBOARDING_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
ONBOARDING_MAX_ROWS = env.int("ONBOARDING_MAX_ROWS", default=20000)
# From the page, fewer: the confirmation writes every row within one web request (about 2,000
# rows in 12 s on PostgreSQL); larger files go through `manage.py import_inventory`.
ONBOARDING_WEB_MAX_ROWS = env.int("ONBOARDING_WEB_MAX_ROWS", default=3000)
REGULARISATION_REMINDER_DAYS_BEFORE = env.list("REGULARISATION_REMINDER_DAYS_BEFORE", cast=int, default=[14, 7, 1])
# Demo users are only ever created with DEBUG on.
# Evaluations (§8) and the annual training meeting.
# An issued evaluation below this weighted score (0–100) is listed in the reports.
EVALUATION_BELOW_THRESHOLD = env.int("EVALUATION_BELOW_THRESHOLD", default=60)
# Reminders of a scheduled training meeting, in days before it; each goes once.
TRAINING_REMINDER_DAYS_BEFORE = env.list("TRAINING_REMINDER_DAYS_BEFORE", cast=int, default=[7, 1])
# An administrator with no attended training in this many months is flagged.
TRAINING_VALID_MONTHS = env.int("TRAINING_VALID_MONTHS", default=12)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-ine-2026")

# A refused (403) or missing (404) page is one line in the log, not a traceback; 500s keep theirs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_traceback": {"()": "core.logging.DropClientErrorTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_without_traceback"]}},
    # On the logger too, so Django's own console handler (DEBUG) gets the short record as well.
    "loggers": {"django.request": {"filters": ["client_errors_without_traceback"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
# A form sent with an expired token: a Spanish page that says so and offers a way back.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Django's technical error pages (English, with a traceback) instead of the Spanish ones
# while DEBUG is on; for a developer chasing a bug.
TECHNICAL_ERROR_PAGES = env.bool("TECHNICAL_ERROR_PAGES", default=False)
