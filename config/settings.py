"""Settings for Escalations Desk, read from the environment.

Development defaults run with nothing installed: SQLite in ``var/`` and kombu's
filesystem transport as the Celery broker. Set ``DATABASE_URL`` and ``REDIS_URL`` (or
``CELERY_BROKER_URL``) to run on PostgreSQL and Redis. An invalid value stops start-up
with a message naming the variable.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import available_timezones

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), got {value!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _development_secret_key() -> str:
    """Generate once and keep in var/ so sessions survive restarts."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = _development_secret_key()
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI/Redoc served from our static files
    "django_htmx",
    "django_celery_beat",
    "core",
    "escalations",
    "sourcing",
    "credits",
    "hiring",
    "integrations",  # issue 15: outbound webhooks, client email, resources
    "workforce",  # issue 14: coverage, time tracking, CSAT, recognition, team dashboard
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.api.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Flash messages once: htmx fragments re-render the banner region out of band.
    "core.middleware.HtmxMessagesMiddleware",
    "core.middleware.UserTimezoneMiddleware",
    # Last, so the lockout page renders in the viewer's time zone.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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

# Database ------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except Exception as exc:  # dj-database-url raises several types for bad URLs
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if not _db.get("ENGINE"):
    raise ImproperlyConfigured(f"DATABASE_URL has an unsupported scheme: {DATABASE_URL!r}")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions stop "database is locked" under worker + beat + web.
    _db["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # A file (not :memory:) so a real Celery worker process can share the test database.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with the hot read statements prepared and planned once per
    # connection and a health check without a round trip (core/db/postgresql/base.py).
    _db["ENGINE"] = "core.db.postgresql"
    _db["CONN_HEALTH_CHECKS"] = True
    if not env_bool("DB_PREPARED_STATEMENTS", True):  # e.g. behind an older PgBouncer
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (CORE-8, django-axes; core/security.py) ---------------------------------
# N failures per username (from any IP) or per IP (any usernames) lock that username or IP
# for the cool-off; attempts during a lockout do not extend it; success clears the
# username's failures. ``authenticate()`` without a request skips the check.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AUTHENTICATION_BACKENDS = [
    "core.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = "core.security.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# No row per successful login (who signed in from where): the lockout does not need it.
AXES_DISABLE_ACCESS_LOG = True

# Internationalisation: store UTC, show the viewer's time zone -------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_USER_TIME_ZONE = env_str("DEFAULT_USER_TIME_ZONE", "America/Los_Angeles")
if DEFAULT_USER_TIME_ZONE not in available_timezones():
    raise ImproperlyConfigured(
        f"DEFAULT_USER_TIME_ZONE must be an IANA time zone, got {DEFAULT_USER_TIME_ZONE!r}"
    )

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Security (production values when DEBUG is off) ---------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W008"] if not SECURE_SSL_REDIRECT and not DEBUG else []
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Input limits (API-4, core/validation.py, core/api/middleware.py) -----------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
API_IMPORT_MAX_BYTES = env_int("API_IMPORT_MAX_BYTES", 32 * 1024 * 1024, minimum=1024)
CSV_IMPORT_MAX_BYTES = env_int("CSV_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
PAGE_BODY_MAX_BYTES = env_int("PAGE_BODY_MAX_BYTES", 64 * 1024 * 1024, minimum=1024)
CSRF_FAILURE_VIEW = "core.api.middleware.csrf_failure"

# Email and chat ------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "escalations-desk@localhost")
# The port `python3 dev.py run` serves on; links in emails follow it unless SITE_URL is set.
PORT = env_int("PORT", 8000, minimum=1)
if PORT > 65535:
    raise ImproperlyConfigured(f"PORT must be at most 65535, got {PORT}")
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}")

# Integrations (issue 15: ESC-10 client email, API-3 outbound webhooks) -----------------
# Client emails come from the team's mailbox (admin) or this address; replies go to
# case+<reference>.<signature>@CLIENT_REPLY_DOMAIN, which the inbound-mail relay posts to
# /api/v1/webhooks/email/ signed with INBOUND_EMAIL_SECRET (commas allow rotation).
CLIENT_EMAIL_FROM = env_str("CLIENT_EMAIL_FROM", DEFAULT_FROM_EMAIL)
CLIENT_REPLY_DOMAIN = env_str("CLIENT_REPLY_DOMAIN", "replies.localhost")
INBOUND_EMAIL_SECRET = env_str("INBOUND_EMAIL_SECRET", "")
# Webhook endpoints in private networks (loopback, RFC 1918, link-local) are refused
# unless this is on (a webhook must not probe the internal network).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
WEBHOOK_SWEEP_INTERVAL_SECONDS = env_int("WEBHOOK_SWEEP_INTERVAL_SECONDS", 30, minimum=1)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20, minimum=1)
WEBHOOK_DISABLE_AFTER_HOURS = env_int("WEBHOOK_DISABLE_AFTER_HOURS", 24, minimum=0)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)

# REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ThrottledServiceTokenAuthentication",
        "core.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.access.ServiceScopePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": [
        "core.api.validation.JSONParser",
        "core.api.validation.FormParser",
        "core.api.validation.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.validation.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ErrorAwareAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonThrottle",
        "core.api.throttling.UserThrottle",
    ],
}


# API throttles (CORE-8, core/api/throttling.py): "N/s|min|hour|day", "off" disables one.
def env_rate(name: str, default: str) -> str | None:
    value = (env_str(name, default) or "").strip()
    if value.lower() == "off":
        return None
    if not re.fullmatch(r"\d+\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must look like 20/min (or off), got {value!r}")
    return value


API_AUTH_FAILURE_RATE = env_rate("API_AUTH_FAILURE_RATE", "20/min")
API_THROTTLE_ANON_RATE = env_rate("API_THROTTLE_ANON_RATE", "600/min")
API_THROTTLE_USER_RATE = env_rate("API_THROTTLE_USER_RATE", "20000/min")
WEBHOOK_SIGNATURE_FAILURE_RATE = env_rate("WEBHOOK_SIGNATURE_FAILURE_RATE", "60/min")

SPECTACULAR_SETTINGS = {
    "TITLE": "Escalations Desk API",
    "DESCRIPTION": "Escalation cases, SLA clocks, sourcing and credits for the support team.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs UI comes from drf-spectacular-sidecar's static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "escalations.models.cases.Kind",
        "CaseStatusEnum": "escalations.models.cases.Status",
        "ContactRequestStatusEnum": "escalations.models.macros.ContactRequestStatus",
        "ImportJobStatusEnum": "sourcing.models.imports.ImportJob.Status",
        "ChatMessageStatusEnum": "core.models.notifications.ChatMessage.Status",
        "EmailStatusEnum": "core.models.notifications.EmailStatus",
        # Hiring (issue 13)
        "HiringQuestionKindEnum": "hiring.models.QuestionKind",
        "HiringPostingKindEnum": "hiring.models.PostingKind",
        "HiringStageEnum": "hiring.models.Stage",
        # Workforce (issue 14)
        "WorkforceEntryKindEnum": "workforce.models.EntryKind",
        "WorkforceEntrySourceEnum": "workforce.models.EntrySource",
        # UFL process (issue 11)
        "PartyEnum": "escalations.models.macros.Party",
        "UflChannelEnum": "escalations.models.ufl.Channel",
        "UflDeliveryStatusEnum": "escalations.models.ufl.DeliveryStatus",
        "UflAttemptOutcomeEnum": "escalations.models.ufl.AttemptOutcome",
        "UflOutcomeEnum": "escalations.models.ufl.Outcome",
        "UflClaimKindEnum": "escalations.models.ufl.ClaimKind",
        "UflVerificationEnum": "escalations.models.ufl.Verification",
        "UflScheduleStateEnum": "escalations.models.ufl.SCHEDULE_STATES",
        "CallOutcomeEnum": "escalations.models.cases.CallOutcome",
        "SlaClockStateEnum": "core.models.ClockState",
    },
}

# Celery --------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# The throttles' counters: Redis when there is one (atomic INCR across processes), else
# this process's memory (counts per gunicorn worker).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "desk",
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "desk"}
}
# kombu's filesystem transport ignores the host, but warns "No hostname was supplied"
# for a bare filesystem:// URL: name the one it would fall back to.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL in {"filesystem://", "filesystem:///"}:
    CELERY_BROKER_URL = "filesystem://localhost/"
    if os.environ.get("CELERY_BROKER_URL"):  # Celery reads the variable itself, too
        os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
if "://" not in CELERY_BROKER_URL:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be a URL such as redis://host:6379/0, got {CELERY_BROKER_URL!r}"
    )
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu does not create its folders.
    for sub in ("queue", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_RESULT_EXPIRES = None  # no result backend: keep beat from adding backend_cleanup
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# The console email backend prints from the worker: show it as INFO, not WARNING.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_DEFAULT_RETRY_DELAY = 10
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
DJANGO_CELERY_BEAT_TZ_AWARE = True

HEARTBEAT_INTERVAL_SECONDS = env_int("HEARTBEAT_INTERVAL_SECONDS", 30, minimum=1)
HEARTBEAT_STALE_SECONDS = env_int("HEARTBEAT_STALE_SECONDS", 180, minimum=1)
SLA_SWEEP_INTERVAL_SECONDS = env_int("SLA_SWEEP_INTERVAL_SECONDS", 60, minimum=1)
SLA_SWEEP_BATCH_SIZE = env_int("SLA_SWEEP_BATCH_SIZE", 10000, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
