"""Settings shared by every environment.

Everything that differs between machines is read from the environment through
django-environ, so that one code base serves the embedded SQLite default, the
PostgreSQL CI run and production.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ui",
    "accounts",
    "organizations",
    # Before coverage: its demo step writes the indicators the recount history counts.
    "political",
    "coverage",
    "ratings",
    "engagement",
    # After ratings: its demo step names brands for organisations of three stars or more.
    "brands",
    "community",
    "dashboard",
    "exports",
    "audit",
    "operations",
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost after the static files: sees every page's final response.
    "ui.middleware.PrivateResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ui.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session that gave a second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it leaves a notice when it ends a session.
    "accounts.sessions.SessionControlMiddleware",
    # Then the second factor, before anything else the user may do
    # (accounts/second_factor.py), and only then the password change.
    "accounts.second_factor.SecondFactorMiddleware",
    # After the session control: knows the user; records refusals (403).
    "audit.recording.AuditMiddleware",
    # After the session control: an expired password or one an administrator
    # set sends its user to /password/ before any page (accounts/password_expiry.py).
    "accounts.password_expiry.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xian_partybuild.urls"
WSGI_APPLICATION = "xian_partybuild.wsgi.application"

# Page parts kept until the data changes (ui/fragments.py), in each process's
# memory: their keys carry the data version read from the database on every
# request, so processes never disagree; the timeout is the safety net under a
# change made outside Django.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": env.int("DJANGO_FRAGMENTS_TIMEOUT", default=600),
        # Three parts a page (ui/fragments.py PARTS), a list page's content
        # 50-150 KB: at most about 100 pages, some 30 MB, per process.
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

# Django's form renderer, with <select> built in Python (ui/form_renderer.py).
FORM_RENDERER = "ui.form_renderer.Renderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default so that `make run` needs nothing but Python;
# DATABASE_URL (postgres://...) switches to PostgreSQL through psycopg2.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password rules (等保2.0 口令复杂度): length, three character classes, not like the
# username, not one of the last five (accounts/passwords.py keeps the history).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.passwords.UsernameInPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]

# Lock-out (accounts/lockout.py): this many failures for one name, or from one
# address, within the cool-off lock it for the cool-off.
LOCKOUT_FAILURE_LIMIT = env.int("DJANGO_LOCKOUT_FAILURE_LIMIT", default=5)
LOCKOUT_ADDRESS_LIMIT = env.int("DJANGO_LOCKOUT_ADDRESS_LIMIT", default=20)
LOCKOUT_COOLOFF_MINUTES = env.int("DJANGO_LOCKOUT_COOLOFF_MINUTES", default=30)

# Password expiry (accounts/password_expiry.py): a password older than this many
# days must be changed before anything else; 0 turns expiry off.
PASSWORD_MAX_AGE_DAYS = env.int("DJANGO_PASSWORD_MAX_AGE_DAYS", default=90)

# Second factor (accounts/second_factor.py): staff, administrators and superusers
# give a TOTP code after the password. Off here (the demo's logins are documented
# and have no authenticator); production.py turns it on.
OTP_REQUIRED_FOR_STAFF = env.bool("DJANGO_OTP_REQUIRED_FOR_STAFF", default=False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "西安社会组织党建"

# Idle timeout: a session ends after this long without a request. The browser's
# cookie and the stored session carry the same age, and accounts/sessions.py
# renews both at most once a minute (not on every request, which would add a
# write to every page) and ends a session idle for longer. It also keeps one
# live session per account.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30) * 60

# A form sent without its token is answered in the app's layout, with the
# user's navigation (Django's own view renders without the request).
CSRF_FAILURE_VIEW = "ui.views.csrf_failure"

# The users read Chinese; English is one click away. Dates and numbers follow
# the active locale.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Grouped figures in the Chinese UI (Django's zh_Hans has no thousands separator).
FORMAT_MODULE_PATH = ["xian_partybuild.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files (large exports); never served as static
# files: a view checks who asks before handing one over.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The default table inside a box that scrolls sideways, so a wide table never widens a phone's page.
DJANGO_TABLES2_TEMPLATE = "ui/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "data-table"}

# Celery: without a broker the tasks run in-process (eager), which is what
# the embedded default needs; CELERY_BROKER_URL (redis:// or amqp://) makes
# them run on real workers.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_RETRY_DELAY = 60
# Two deployments (or a test's worker) sharing one Redis keep their messages apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# With the broker down, "recount now" and the export and import buttons say so
# within seconds (a failed job and a message) instead of hanging on retries.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A message taken by a worker that died is redelivered after the visibility
# timeout (Redis; RabbitMQ redelivers when the connection drops). It must
# outlast the longest hard time limit (the export job's, 35 minutes), or a
# long export still running would be handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 40 * 60}
# A running recount stamps its heartbeat this often; one silent for
# RECOUNT_DEAD_AFTER_SECONDS died with its worker: it is marked failed and its
# half-year recounted (coverage.tasks.recount_reap, every two minutes).
RECOUNT_HEARTBEAT_SECONDS = env.float("RECOUNT_HEARTBEAT_SECONDS", default=15.0)
RECOUNT_DEAD_AFTER_SECONDS = env.float("RECOUNT_DEAD_AFTER_SECONDS", default=90.0)
# Periodic jobs, by name. The database scheduler of django-celery-beat picks
# them up (and admins can see or pause them in the admin).
#
# Each message expires if no worker has taken it before the job is useless:
# a recount message left from a night the workers were down must not run
# late on top of the catch-up guard, nor pile up day after day. The database
# scheduler reads "expire_seconds" (it drops "expires"); Celery's own beat
# reads "expires". Both are given, so either scheduler honours the limit.


def _expires_after_seconds(seconds: int) -> dict[str, int]:
    return {"expires": seconds, "expire_seconds": seconds}


def _expires_after(*, hours: int) -> dict[str, int]:
    return _expires_after_seconds(hours * 60 * 60)


CELERY_BEAT_SCHEDULE = {
    # Just after midnight: coverage that changes by the calendar alone (an
    # instructor assignment or a party organisation that ends or begins).
    "refresh-current-coverage": {
        "task": "organizations.tasks.refresh_coverage",
        "schedule": crontab(minute=5, hour=0),
        "options": _expires_after(hours=20),
    },
    # From 02:30 the daily catch-up guard runs any recount still missing.
    "recount-half-year-just-ended": {
        "task": "coverage.tasks.recount_last_half_year",
        "schedule": crontab(minute=0, hour=1, day_of_month=1, month_of_year="1,7"),
        "options": _expires_after(hours=1),
    },
    # Daily: a run not taken within the day is replaced by the next day's.
    "recount-catch-up": {
        "task": "coverage.tasks.recount_catch_up",
        "schedule": crontab(minute=30, hour=2),
        "options": _expires_after(hours=20),
    },
    # Every two minutes: a recount whose worker died (no heartbeat) is marked
    # failed and its half-year queued again, so a crash costs minutes, not hours.
    "recount-reap-dead": {
        "task": "coverage.tasks.recount_reap",
        "schedule": crontab(minute="*/2"),
        "options": _expires_after_seconds(110),
    },
    "early-warning-scan": {
        "task": "coverage.tasks.warning_scan",
        "schedule": crontab(minute=0, hour=3),
        "options": _expires_after(hours=20),
    },
    # After the scan: the dashboard's tallies rebuilt from the records, the
    # safety net under the writes that keep them true.
    "rebuild-dashboard-tallies": {
        "task": "dashboard.tasks.rebuild_tallies",
        "schedule": crontab(minute=30, hour=3),
        "options": _expires_after(hours=20),
    },
    # Daily: uploaded ledger files never imported are deleted after 7 days.
    "ledger-imports-expire": {
        "task": "coverage.tasks.ledger_imports_expire",
        "schedule": crontab(minute=30, hour=4),
        "options": _expires_after(hours=20),
    },
    # Daily: audit entries past AUDIT_RETENTION_DAYS archived to a file, then deleted.
    "audit-retention": {
        "task": "audit.tasks.audit_retention",
        "schedule": crontab(minute=45, hour=4),
        "options": _expires_after(hours=20),
    },
    # Daily, after the scan: ledgers and rectifications due within 7 days or overdue (notices/daily.py).
    "notices-due": {
        "task": "notices.tasks.notices_due",
        "schedule": crontab(minute=15, hour=7),
        "options": _expires_after(hours=20),
    },
    # Hourly: export files past their 24 hours are deleted.
    "exports-expire": {
        "task": "exports.tasks.exports_expire",
        "schedule": crontab(minute=15),
        "options": _expires_after(hours=1),
    },
}

# Security audit (audit/): entries are kept this many days (等保2.0 asks for at
# least six months), then archived as gzip JSON lines under this directory and
# deleted by the daily retention job.
AUDIT_RETENTION_DAYS = max(env.int("DJANGO_AUDIT_RETENTION_DAYS", default=180), 180)
AUDIT_ARCHIVE_DIR = env.path("DJANGO_AUDIT_ARCHIVE_DIR", default=BASE_DIR / "audit-archive")

# Mail: leadership notices (dashboard.leadership.notices) are emailed to users
# with an address. The console backend until a deployment names its own.
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# The site's address as users reach it, for links in emails.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# One documented password for the demo users that seed_demo creates when
# DEBUG is on (or when asked with --demo-users).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="xian2020demo")

# The one clock (xian_partybuild.clock): unset means the real date; a
# deployment that represents a day pins it, e.g. DJANGO_CLOCK_TODAY=2020-12-31.
CLOCK_TODAY = env.str("DJANGO_CLOCK_TODAY", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
