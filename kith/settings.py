"""Kith's settings: one module, driven by environment variables.

Production differs from development only by the environment. The variables:

- ``KITH_DEBUG``: ``1`` for development (tracebacks, plain-HTTP cookies).
- ``KITH_DEMO``: ``1`` (with ``KITH_DEBUG``) for the demo server ``kith run``
  starts: demo conveniences, and Kith's own 404 and 500 pages rather than
  Django's technical ones (``KITH_TRACEBACKS=1`` brings those back).
- ``SECRET_KEY``: required unless ``KITH_DEBUG=1``.
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``DATABASE_URL``: PostgreSQL (``postgres://...``); SQLite under ``var/`` if unset.
- ``REDIS_URL``: cache and sessions in Redis when set.
- ``NOTIFY_API_KEY``: send through GOV.UK Notify when set, with
  ``NOTIFY_TEMPLATE_IDS`` (JSON) and ``NOTIFY_CALLBACK_TOKEN`` (receipts).
- ``KITH_VAR_DIR``: where SQLite, the outbox and other local files live.
- ``KITH_METRICS_TOKEN``: the bearer token for ``/metrics`` (Prometheus text
  format); the address does not exist while it is unset.
- ``KITH_LOG_FORMAT``: ``json`` (production's default) or ``plain``.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


#: Development (KITH_DEBUG=1): no secret key needed, plain-HTTP cookies,
#: static files from the source tree.
KITH_DEVELOPMENT = _flag("KITH_DEBUG")
# Demo conveniences (showing a demo account's authenticator code) need both
# development mode and this flag; `kith run` sets it.
KITH_DEMO = KITH_DEVELOPMENT and _flag("KITH_DEMO")
# Django's DEBUG (tracebacks, and every URL listed on a page not found) is on
# in development but off on the demo server: someone trying Kith out sees
# Kith's own 404 and 500 pages, and the traceback goes to the console.
DEBUG = KITH_DEVELOPMENT and (not KITH_DEMO or _flag("KITH_TRACEBACKS"))
# pytest sets PYTEST_VERSION. Tests run in production mode, with only what
# cannot work without TLS or a built static manifest relaxed.
TESTING = bool(os.environ.get("PYTEST_VERSION"))
VAR_DIR = Path(os.environ.get("KITH_VAR_DIR", BASE_DIR / "var"))

_DEV_SECRET = "kith-development-only-not-secret-" + "x" * 32
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not KITH_DEVELOPMENT and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Kith will not start in production mode without "
            "one. Set SECRET_KEY, or set KITH_DEBUG=1 for development."
        )
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = _list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if KITH_DEVELOPMENT or TESTING else ""
) + (["testserver"] if TESTING else [])
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "kith.core",
    "kith.places",
    "kith.accounts",
    "kith.notify",
    "kith.members",
    "kith.helpers",
    "kith.credits",
    "kith.help",
    "kith.matching",
    "kith.social",
    "kith.directory",
    "kith.openreferral",
    "kith.projects",
    "kith.budgeting",
    "kith.safeguarding",
    "kith.privacy",
    "kith.reports",
    "kith.site",
]

MIDDLEWARE = [
    "kith.core.middleware.HealthCheckMiddleware",
    "kith.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kith.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kith.core.middleware.SignedInNoStoreMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kith.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kith.site.middleware.RequestContextMiddleware",
    "kith.notify.middleware.NotifyProblemsMiddleware",
]

ROOT_URLCONF = "kith.urls"
WSGI_APPLICATION = "kith.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kith.site.context_processors.layout",
            ],
            "builtins": [
                "kith.core.templatetags.govuk",
                "kith.accounts.templatetags.people",
            ],
        },
    }
]
FORM_RENDERER = "kith.core.forms.GovukFormRenderer"

# Storage. SQLite runs in WAL mode with a busy timeout and immediate
# transactions, so the web server and the task worker can both write.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "kith.sqlite3"),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    # Each request opens its own connection, whose page
                    # cache starts empty: reading the file through memory
                    # mapping shares the operating system's cache instead
                    # (a search of 20,000 directory entries: bench/directory.py).
                    "PRAGMA mmap_size=268435456;"
                ),
            },
            "TEST": {"NAME": os.environ.get("KITH_TEST_SQLITE_NAME") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "KITH_TASK_BACKEND", "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default", "notify"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kith.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# NCSC password guidance: length over complexity, refuse common and breached
# passwords, never force expiry.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "kith.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "kith.accounts.passwords.MaximumLengthValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sessions: everyone signed in is signed out after 30 minutes idle and 12
# hours in all, warned 2 minutes before (kith.accounts.middleware).
KITH_IDLE_SECONDS = int(os.environ.get("KITH_IDLE_SECONDS", 30 * 60))
KITH_SESSION_MAX_SECONDS = int(os.environ.get("KITH_SESSION_MAX_SECONDS", 12 * 3600))
KITH_TIMEOUT_WARNING_SECONDS = int(os.environ.get("KITH_TIMEOUT_WARNING_SECONDS", 120))
SESSION_COOKIE_AGE = KITH_SESSION_MAX_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KITH_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if KITH_DEVELOPMENT or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = KITH_DEVELOPMENT or TESTING

CSRF_FAILURE_VIEW = "kith.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not KITH_DEVELOPMENT:
    SESSION_COOKIE_SECURE = not TESTING
    CSRF_COOKIE_SECURE = not TESTING
    SECURE_SSL_REDIRECT = _flag("KITH_SSL_REDIRECT", not TESTING)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("KITH_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _flag("KITH_HSTS_PRELOAD", True)
SILENCED_SYSTEM_CHECKS: list[str] = []

# Notifications: GOV.UK Notify when NOTIFY_API_KEY is set, else var/outbox/.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get(
    "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
NOTIFY_TIMEOUT_SECONDS = float(os.environ.get("NOTIFY_TIMEOUT_SECONDS", "10"))
# Kith's template names to one Notify template id per channel, as JSON
# ({"welcome": {"email": "...", "sms": "...", "letter": "..."}, ...}; no other
# shape, see kith/notify/checks.py); docs/notify.md lists every name and channel.
NOTIFY_TEMPLATE_IDS: dict[str, dict[str, str]] = json.loads(
    os.environ.get("NOTIFY_TEMPLATE_IDS", "") or "{}"
)
# The bearer token Notify sends with delivery receipts (set in Notify's
# callback settings); receipts are refused while it is unset.
NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN", "")
# The bearer token an operator's Prometheus sends to /metrics; unset, the
# address answers 404 (kith/notify/metrics.py says what it shows).
KITH_METRICS_TOKEN = os.environ.get("KITH_METRICS_TOKEN", "")
# The outbox's rules (docs/adr/0012): retries, quiet hours for texts (local
# time), messages a person may get an hour, the window for duplicates.
#: Retention periods in months by rule (kith/privacy/retention.py), as JSON,
#: e.g. {"former_members": 36}: a council may keep records longer or shorter.
KITH_RETENTION_MONTHS = json.loads(os.environ.get("KITH_RETENTION_MONTHS") or "{}")
KITH_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("KITH_NOTIFY_MAX_ATTEMPTS", "8"))
KITH_NOTIFY_QUIET_FROM_HOUR = int(os.environ.get("KITH_NOTIFY_QUIET_FROM_HOUR", "21"))
KITH_NOTIFY_QUIET_UNTIL_HOUR = int(os.environ.get("KITH_NOTIFY_QUIET_UNTIL_HOUR", "8"))
KITH_NOTIFY_RATE_LIMIT = int(os.environ.get("KITH_NOTIFY_RATE_LIMIT", "10"))
KITH_NOTIFY_DEDUPE_SECONDS = int(os.environ.get("KITH_NOTIFY_DEDUPE_SECONDS", "600"))
# How long a dead worker's messages wait before the sweep takes them back (a
# live worker renews its lease; never under 3 x NOTIFY_TIMEOUT_SECONDS).
KITH_NOTIFY_LEASE_SECONDS = float(os.environ.get("KITH_NOTIFY_LEASE_SECONDS", "60"))
# GOV.UK Notify's limits, kept by all workers together (kith/notify/limits.py).
KITH_NOTIFY_REQUESTS_PER_MINUTE = int(
    os.environ.get("KITH_NOTIFY_REQUESTS_PER_MINUTE", "3000")
)
KITH_NOTIFY_BURST = int(os.environ.get("KITH_NOTIFY_BURST", "50"))
KITH_NOTIFY_DAILY_EMAILS = int(os.environ.get("KITH_NOTIFY_DAILY_EMAILS", "250000"))
KITH_NOTIFY_DAILY_TEXTS = int(os.environ.get("KITH_NOTIFY_DAILY_TEXTS", "250000"))
KITH_NOTIFY_DAILY_LETTERS = int(os.environ.get("KITH_NOTIFY_DAILY_LETTERS", "20000"))
KITH_OUTBOX_DIR = VAR_DIR / "outbox"


EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Logs go to standard error: JSON lines in production (kith/core/logging.py:
# request id, locality and user by number, no personal data), plain text in
# development. KITH_LOG_FORMAT=json|plain chooses either way.
KITH_LOG_FORMAT = os.environ.get(
    "KITH_LOG_FORMAT", "plain" if KITH_DEVELOPMENT else "json"
)
if KITH_LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("KITH_LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "kith.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": KITH_LOG_FORMAT}
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("KITH_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One access line per request, in production only (runserver prints
        # its own in development).
        "kith.request": {
            "level": os.environ.get(
                "KITH_ACCESS_LOG_LEVEL", "WARNING" if KITH_DEVELOPMENT else "INFO"
            )
        },
    },
}

# Community projects (kith/projects). The map's tiles come from this address
# ({z}/{x}/{y} filled in by the browser; empty: the map draws no tiles, and
# the text list is always there). Its host is allowed for images on the map
# page only.
KITH_MAP_TILE_URL = os.environ.get("KITH_MAP_TILE_URL", "")
KITH_MAP_ATTRIBUTION = os.environ.get("KITH_MAP_ATTRIBUTION", "")
# Assets of Community Value: the periods of the Localism Act 2011 (ADR 0029).
KITH_ACV_DECISION_WEEKS = int(os.environ.get("KITH_ACV_DECISION_WEEKS", "8"))
KITH_ACV_LISTING_YEARS = int(os.environ.get("KITH_ACV_LISTING_YEARS", "5"))
KITH_ACV_UNSUCCESSFUL_YEARS = int(os.environ.get("KITH_ACV_UNSUCCESSFUL_YEARS", "5"))
KITH_ACV_INTERIM_WEEKS = int(os.environ.get("KITH_ACV_INTERIM_WEEKS", "6"))
KITH_ACV_FULL_MONTHS = int(os.environ.get("KITH_ACV_FULL_MONTHS", "6"))
KITH_ACV_PROTECTED_MONTHS = int(os.environ.get("KITH_ACV_PROTECTED_MONTHS", "18"))
# Largest photo accepted, in bytes, before it is re-encoded.
KITH_PHOTO_MAX_BYTES = int(os.environ.get("KITH_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
#: The largest logo a locality may upload, before it is re-encoded (ADR 0041).
KITH_LOGO_MAX_BYTES = int(os.environ.get("KITH_LOGO_MAX_BYTES", "1000000"))
#: The largest quote (a PDF, or a photo of a paper quote) a project may attach.
KITH_QUOTE_MAX_BYTES = int(
    os.environ.get("KITH_QUOTE_MAX_BYTES", str(10 * 1024 * 1024))
)
