"""Django settings for Safeguard, read from the environment through one `env` object.

Development defaults make `make run` work on a fresh machine; production mode
(`SAFEGUARD_ENV=production`) refuses to start with any development secret.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("SAFEGUARD_HOME", Path.cwd())).resolve()
NODE_MODULES = Path(os.environ.get("SAFEGUARD_NODE_MODULES", BASE_DIR / "node_modules"))

# Development-only values. Production refuses every one of them.
DEV_SECRET_KEY = "dev-insecure-secret-key-not-for-production-use-0000000000"  # noqa: S105
DEV_FIELD_ENCRYPTION_KEYS = "dev1:ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE="
DEV_AUDIT_CHAIN_KEYS = "auditdev1:ZGV2LW9ubHktYXVkaXQta2V5LW5ldmVyLWluLXByb2Q="
DEV_PREVENTION_KEYS = "prevdev1:ZGV2LW9ubHktcHJldmVudGlvbi1rZXktbm90LXByb2Q="

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SAFEGUARD_ENV = env.str("SAFEGUARD_ENV", default="development")
if SAFEGUARD_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"SAFEGUARD_ENV must be development, test or production, not {SAFEGUARD_ENV!r}."
    )
PRODUCTION = SAFEGUARD_ENV == "production"
DEMO_MODE = env.bool("SAFEGUARD_DEMO", default=not PRODUCTION)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
FIELD_ENCRYPTION_KEYS = env.str("FIELD_ENCRYPTION_KEYS", default=DEV_FIELD_ENCRYPTION_KEYS)
# The audit chain's HMAC keys, newest first (`id:base64key,...`), held outside the database: the
# first keys new events, the others only verify older ones. Checkpoints of the chain (count, head
# hash, signed) are appended to a file in AUDIT_CHECKPOINT_DIR, every AUDIT_CHECKPOINT_EVERY events
# (0: only by `safeguard audit checkpoint`). See docs/security.md and ADR 0007.
AUDIT_CHAIN_KEYS = env.str("AUDIT_CHAIN_KEYS", default=DEV_AUDIT_CHAIN_KEYS)
# Tests keep their own (empty) folder: checkpoints a demo wrote must not meet a test database's chain.
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(
    BASE_DIR / "var" / ("test-audit-checkpoints" if SAFEGUARD_ENV == "test" else "audit-checkpoints"))))
AUDIT_CHECKPOINT_EVERY = env.int("AUDIT_CHECKPOINT_EVERY", default=0 if SAFEGUARD_ENV == "test" else 10_000)
# A dashboard's due-item answers are kept this long for the same user, until they write something
# (core.due.kept_answers; 0: always asked afresh, as in the tests but those of the kept answers).
DUE_KEPT_SECONDS = env.int("DUE_KEPT_SECONDS", default=0 if SAFEGUARD_ENV == "test" else 30)
# Where a person list's pages end is kept this long for pages asked for by number, for the same user and
# search (people.selectors._numbered, ADR 0027; 0: stepped over afresh each time, as in the tests but its own).
PAGE_ENDS_KEPT_SECONDS = env.int("PAGE_ENDS_KEPT_SECONDS", default=0 if SAFEGUARD_ENV == "test" else 30)
# The prevention service's own HMAC keys (`id:base64key,...`, newest first), used for nothing else:
# the keyed hashes of help-seekers' reference codes and of the rate-limit counters (docs/prevention.md).
PREVENTION_KEYS = env.str("PREVENTION_KEYS", default=DEV_PREVENTION_KEYS)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    problems = []
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if FIELD_ENCRYPTION_KEYS == DEV_FIELD_ENCRYPTION_KEYS or "dev1:" in FIELD_ENCRYPTION_KEYS:
        problems.append("FIELD_ENCRYPTION_KEYS must be set (see README: keys)")
    if AUDIT_CHAIN_KEYS == DEV_AUDIT_CHAIN_KEYS or "auditdev1:" in AUDIT_CHAIN_KEYS:
        problems.append("AUDIT_CHAIN_KEYS must be set (see README: audit keys)")
    else:
        from safeguard.core.crypto import KeyConfigurationError, parse_keyring

        try:
            parse_keyring(AUDIT_CHAIN_KEYS, "AUDIT_CHAIN_KEYS")
        except KeyConfigurationError as exc:
            problems.append(str(exc))
    if PREVENTION_KEYS == DEV_PREVENTION_KEYS or "prevdev1:" in PREVENTION_KEYS:
        problems.append("PREVENTION_KEYS must be set (see README: prevention keys)")
    else:
        from safeguard.core.crypto import KeyConfigurationError, parse_keyring

        try:
            parse_keyring(PREVENTION_KEYS, "PREVENTION_KEYS")
        except KeyConfigurationError as exc:
            problems.append(str(exc))
    if DEBUG:
        problems.append("DEBUG must be off")
    if DEMO_MODE:
        problems.append("SAFEGUARD_DEMO must be off")
    if "DATABASE_URL" not in os.environ:
        problems.append("DATABASE_URL must name the production PostgreSQL database")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "safeguard.core",
    "safeguard.accounts",
    "safeguard.audit",
    "safeguard.feeds",
    "safeguard.people",
    "safeguard.assessments",
    "safeguard.courts",
    "safeguard.jobs",
    "safeguard.workflows",
    "safeguard.insights",
    "safeguard.alerts",
    "safeguard.programmes",
    "safeguard.supervision",
    "safeguard.prevention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    # CSRF tokens are kept in a cookie (not the session), so this needs no session middleware before it.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # SESSION_MIDDLEWARE then PAGE_MIDDLEWARE here, for the requests they apply to (see the class).
    "safeguard.core.middleware.RequestRouteMiddleware",
    "safeguard.core.middleware.NoStoreMiddleware",
    # NUL characters in query strings, form fields and stored headers: refused here, for pages and
    # the API alike (after the routing above, so a refused page has its session and CSP nonce).
    "safeguard.core.untrusted_http.UntrustedInputMiddleware",
    # A person's record that needs a reason first: the reason page, then back (people.middleware).
    "safeguard.people.middleware.JustificationMiddleware",
    # django-axes must be last: it turns a lockout flagged during the view into a response.
    "axes.middleware.AxesMiddleware",
]
# Pages and JSON API calls with a session cookie (none of these may define process_view,
# process_exception or process_template_response: RequestRouteMiddleware refuses them).
SESSION_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeguard.accounts.middleware.SessionLifetimeMiddleware",
    "safeguard.accounts.middleware.ActorMiddleware",
    # A stamp of the user's own writes, so a kept due-item answer is never older than them (core.due).
    "safeguard.core.middleware.DueStampMiddleware",
]
# Pages only: the JSON API under /api/v1/ gets a fixed Content-Security-Policy instead.
PAGE_MIDDLEWARE = [
    "django.contrib.messages.middleware.MessageMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "safeguard.site.urls"
WSGI_APPLICATION = "safeguard.site.wsgi.application"

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
                "csp.context_processors.nonce",
                "safeguard.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'safeguard.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two requests never race on the audit chain head:
    # writes still serialise. Reads therefore run outside transactions (autocommit: a read lock only, for
    # one statement), and WAL lets them read while a write is under way (docs/decisions/0019).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding: psycopg sends parameters apart from the statement, and a statement a connection
    # has run PG_PREPARE_THRESHOLD times is prepared, planned once for that connection (0: never; ADR 0026).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("server_side_binding", env.bool("PG_SERVER_SIDE_BINDING", default=True))
    if options["server_side_binding"]:
        options.setdefault("prepare_threshold", env.int("PG_PREPARE_THRESHOLD", default=5) or None)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "safeguard.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "safeguard.accounts.validators.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:dashboard"

# Sessions: 15 minutes idle, 12 hours absolute. Our middleware renews the idle limit on use, at most
# once a minute (a page read is not a session write each time), and ends a session at the absolute limit.
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes: 5 consecutive failures per username within 15 minutes. A lockout of a real
# account is made permanent (until an administrator unlocks) by our signal handler; the
# response is the same sign-in page for known and unknown accounts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safeguard.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "Safeguard"
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Public pages are offered in these languages, chosen by the address (/en/…, /de/…; core.i18n).
# Staff pages stay in LANGUAGE_CODE: there is deliberately no LocaleMiddleware.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    NODE_MODULES / "govuk-frontend/dist/govuk/assets",
    NODE_MODULES / "@ministryofjustice/frontend/moj/assets",
    ("govuk", NODE_MODULES / "govuk-frontend/dist/govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice/frontend/moj"),
    ("htmx", NODE_MODULES / "htmx.org/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default=(
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
                if PRODUCTION
                else "django.contrib.staticfiles.storage.StaticFilesStorage"
            ),
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Security headers. The CSP allows nothing from any other origin.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50
# Treatment programmes: thresholds and windows (safeguard/programmes/conf.py lists them with defaults).
SAFEGUARD_PROGRAMMES = env.json("SAFEGUARD_PROGRAMMES", default={})

# Downloads of lists (safeguard.core.exports): a larger list is refused with a clear page. CSV is
# streamed row by row; XLSX is built before the first byte goes out, so its limit is lower.
EXPORT_ROW_LIMITS = {
    "csv": env.int("EXPORT_CSV_ROW_LIMIT", default=200_000),
    "xlsx": env.int("EXPORT_XLSX_ROW_LIMIT", default=50_000),
}
# Background work: Django's tasks API (the django-tasks backport) on the database backend, run by
# `safeguard worker` (docs/architecture.md, "Background and scheduled work").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SAFEGUARD_JOBS = {
    # A worker writes its heartbeat this often; a task whose worker has been silent for the lease is
    # retried (up to LOST_TASK_ATTEMPTS runs in all). Every worker must use the same values.
    "HEARTBEAT_SECONDS": env.float("JOBS_HEARTBEAT_SECONDS", default=10.0),
    "LEASE_SECONDS": env.float("JOBS_LEASE_SECONDS", default=60.0),
    "SCHEDULER_SECONDS": env.float("JOBS_SCHEDULER_SECONDS", default=15.0),
    "LOST_TASK_ATTEMPTS": env.int("JOBS_LOST_TASK_ATTEMPTS", default=3),
    "LOST_TASK_RETRY_SECONDS": env.float("JOBS_LOST_TASK_RETRY_SECONDS", default=30.0),
}

# The prevention service (docs/prevention.md): how long an inactive conversation or a contact-log
# row is kept before it is deleted, the first-reply target, the help-seeker's session and the limits
# on guessing and writing (ADR 0020).
SAFEGUARD_PREVENTION = {
    "RETENTION_DAYS": env.int("PREVENTION_RETENTION_DAYS", default=180),
    "FIRST_REPLY_WORKING_DAYS": env.int("PREVENTION_FIRST_REPLY_WORKING_DAYS", default=2),
    "SESSION_IDLE_MINUTES": env.int("PREVENTION_SESSION_IDLE_MINUTES", default=30),
    "SESSION_ABSOLUTE_HOURS": env.int("PREVENTION_SESSION_ABSOLUTE_HOURS", default=4),
    "RETURN_ATTEMPTS": env.int("PREVENTION_RETURN_ATTEMPTS", default=5),
    "RETURN_WINDOW_MINUTES": env.int("PREVENTION_RETURN_WINDOW_MINUTES", default=15),
    "RETURN_GLOBAL_BUDGET": env.int("PREVENTION_RETURN_GLOBAL_BUDGET", default=300),
    "NEW_CONVERSATIONS_PER_HOUR": env.int("PREVENTION_NEW_CONVERSATIONS_PER_HOUR", default=120),
    "MESSAGES_PER_HOUR": env.int("PREVENTION_MESSAGES_PER_HOUR", default=10),
    "MESSAGE_MAX_CHARACTERS": env.int("PREVENTION_MESSAGE_MAX_CHARACTERS", default=4000),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# axes.W006 asks for IP-based lockout too. We lock per account on purpose (docs/decisions/0004):
# an attacker who rotates addresses must still not get more than five guesses at one account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
