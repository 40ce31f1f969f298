"""docreg settings, read from the environment.

Every deployment-specific value comes from an environment variable so the same
code runs on a clerk's laptop (SQLite, no configuration) and in production
(PostgreSQL through DATABASE_URL, SMTP, real hosts).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DOCREG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalized = value.strip().lower()
    if normalized in {"1", "true", "yes", "on"}:
        return True
    if normalized in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


# effective_io_concurrency of PostgreSQL sessions unless DATABASE_IO_CONCURRENCY says otherwise.
IO_CONCURRENCY = 200


def database_io_concurrency(value: str | None) -> int | None:
    """DATABASE_IO_CONCURRENCY: effective_io_concurrency for docreg's sessions;
    None for "server", which leaves the server's own (for a pooler that refuses
    startup options: set it on the database there)."""
    if value is None or value.strip() == "":
        return IO_CONCURRENCY
    if value.strip().lower() == "server":
        return None
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 1000:
        raise ImproperlyConfigured(
            f"DATABASE_IO_CONCURRENCY must be a whole number from 0 to 1000 or “server”, not {value!r}"
        )
    return number


def env_positive_ints(name: str, default: str) -> tuple[int, ...]:
    """Comma-separated whole numbers above zero, largest first, each once; an
    empty value means the default."""
    value = os.environ.get(name, "").strip() or default
    try:
        numbers = {int(item) for item in value.split(",")}
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be comma-separated whole numbers, not {value!r}") from exc
    if min(numbers) < 1:
        raise ImproperlyConfigured(f"{name} must list numbers above zero, not {value!r}")
    return tuple(sorted(numbers, reverse=True))


def _local_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts without configuration.

    Production sets SECRET_KEY in the environment instead.
    """
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS: on unless DEBUG. Plain HTTP is redirected, cookies travel only over
# TLS, and browsers are told (HSTS) to use nothing else for a year.
DOCREG_HTTPS = env_bool("DOCREG_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = DOCREG_HTTPS
SESSION_COOKIE_SECURE = DOCREG_HTTPS
CSRF_COOKIE_SECURE = DOCREG_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if DOCREG_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a proxy that ends TLS, the request reaches Django as plain HTTP: the
# proxy says what the client used in a header (e.g. X-Forwarded-Proto), which
# is trusted only when named here — the proxy must overwrite it on every request.
_proxy_ssl_header = os.environ.get("DOCREG_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", default=False)

# Content Security Policy: scripts and styles only from our own static files,
# or inline with the per-response nonce (the admin's few inline blocks carry it).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Swagger UI and the admin draw icons from data: URIs in their stylesheets.
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves static files to WhiteNoise, as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Widget templates for the pages' form renderer (core.forms), found through TEMPLATES.
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "import_export",
    "django_htmx",
    "core",
    "recipients",
    "registry",
    "dispatch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.navigation.navigation",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction begins, so two clerks
        # issuing numbers at once queue up (up to `timeout` seconds) instead of
        # one failing with "database is locked" halfway through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not memory: concurrent-issuing tests need real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Server-side binding lets psycopg prepare statements a connection runs
        # repeatedly (after 5 runs), sparing PostgreSQL the planning of hot queries
        # such as issuing's. Turn off behind a pooler in transaction mode that
        # cannot track prepared statements.
        _options.update(server_side_binding=True, prepare_threshold=5)
    # A search that finds thousands of documents reads each of their rows, spread
    # over the table: PostgreSQL's bitmap scans ask for the pages this many ahead
    # instead of one at a time (the server's default, 1, suits a single spinning
    # disk; SSDs and network storage serve hundreds of reads at once). Where the
    # table is not all in memory, that made the slowest searches about twice as
    # fast (bench/README.md). Sent as a startup option of each connection.
    _io_concurrency = database_io_concurrency(os.environ.get("DATABASE_IO_CONCURRENCY"))
    if _io_concurrency is not None:
        _options["options"] = f"{_options.get('options', '')} -c effective_io_concurrency={_io_concurrency}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "recipients.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Browser pages sign in with the session; the API also takes tokens.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login limits (core.ratelimit), counted in the cache: at most this many failed
# logins for one username from one client address, and from one address in
# all, within DOCREG_LOGIN_WINDOW seconds of the first attempt; further ones
# are refused, even with the right password, until the window is over.
DOCREG_LOGIN_MAX_FAILURES = env_int("DOCREG_LOGIN_MAX_FAILURES", 5)
DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
DOCREG_LOGIN_WINDOW = env_int("DOCREG_LOGIN_WINDOW", 15 * 60)
if min(DOCREG_LOGIN_MAX_FAILURES, DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS, DOCREG_LOGIN_WINDOW) < 1:
    raise ImproperlyConfigured(
        "DOCREG_LOGIN_MAX_FAILURES, DOCREG_LOGIN_MAX_FAILURES_PER_ADDRESS and DOCREG_LOGIN_WINDOW must be above zero"
    )

# Internationalization: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# locale/ holds the project's own catalog (makemessages writes it); locale_vendor/
# translates messages of libraries that ship no Vietnamese (Django REST framework).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Uploaded files live outside the static tree and are served only by views
# that check permissions: nothing serves MEDIA_URL, in DEBUG neither.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Static files are served by WhiteNoise from STATIC_ROOT (after collectstatic),
# under names carrying a hash of their content so browsers may cache them for
# good. DEBUG (and the tests, see config/settings_test.py) serve them from the
# source folders as they are, without collectstatic.
DOCREG_STATIC_MANIFEST = env_bool("DOCREG_STATIC_MANIFEST", default=not DEBUG)
_static_storage = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if DOCREG_STATIC_MANIFEST
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# Uploaded files: on the local disk under MEDIA_ROOT, or, when
# DOCREG_S3_BUCKET is set, in an S3-compatible bucket (AWS, MinIO, Ceph…)
# that every app server shares. The bucket stays private: files are read
# through the permission-checked download views, never by a public URL.
_s3_bucket = os.environ.get("DOCREG_S3_BUCKET", "").strip()
_media_storage: dict[str, object]
if _s3_bucket:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "location": os.environ.get("DOCREG_S3_PREFIX", "").strip("/"),
            "endpoint_url": os.environ.get("DOCREG_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DOCREG_S3_REGION") or None,
            # Unset: boto3 finds credentials itself (AWS_* variables, instance role).
            "access_key": os.environ.get("DOCREG_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("DOCREG_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": os.environ.get("DOCREG_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
else:
    # MEDIA_ROOT is read when used, so tests may point it elsewhere.
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {"default": _media_storage, "staticfiles": {"BACKEND": _static_storage}}

# Cache and sessions: with REDIS_URL, one Redis that every app server shares
# (login rate limits count across machines; sessions are read from it and kept
# in the database too). Without it, each process has its own memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DOCREG_CACHE_PREFIX", "docreg"),
            # A Redis that stops answering fails requests in seconds, not minutes.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")

# Email: SMTP when EMAIL_HOST names a server; otherwise EMAIL_BACKEND, or
# printed to the console. Printing suits a laptop only: `check --deploy`
# reports it (mail.E001), so a production server without EMAIL_HOST is caught.
_email_host = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 30,
            },
        }
        if _email_host
        else {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "docreg <noreply@localhost>")

# Background tasks (django.tasks): in the database, worked through by
# `manage.py db_worker`, unless TASKS_BACKEND=core.tasks_rq.RQBackend puts them
# in Redis (TASKS_REDIS_URL, else REDIS_URL) for `manage.py rq_worker`.
_tasks_backend = os.environ.get("TASKS_BACKEND", "").strip() or "django_tasks_db.DatabaseBackend"
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": _tasks_backend}}
if _tasks_backend == "core.tasks_rq.RQBackend":
    TASKS["default"]["OPTIONS"] = {
        "url": os.environ.get("TASKS_REDIS_URL", "").strip()
        or os.environ.get("REDIS_URL", "").strip()
        or "redis://127.0.0.1:6379/0",
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "docreg API",
    "DESCRIPTION": (
        "Registry and dispatch tracker for official documents of Vietnamese Party "
        "and State offices: organizations, registers, documents and their numbering."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: offices often have no open internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AddresseeKindEnum": "registry.models.AddresseeKind",
        "DistributionKindEnum": "registry.models.DistributionKind",
        "OrganizationSystemEnum": "recipients.models.OrganizationSystem",
        "NotationSystemEnum": "registry.models.NotationSystem",
        "DocumentStatusEnum": "registry.models.DocumentStatus",
        "ComplianceStatusEnum": "dispatch.status.STATUS_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every step of every PDF at INFO; its warnings still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Upload limits (bytes).
DOCREG_MAX_UPLOAD_SIZE = env_int("DOCREG_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# Printing (registry.rendering): folders searched, in order, for Liberation
# Serif 2.x or Tinos (Debian fonts-liberation2, fonts-croscore); colon-separated.
DOCREG_PDF_FONT_DIRS = [
    folder
    for folder in os.environ.get(
        "DOCREG_PDF_FONT_DIRS", "/usr/share/fonts/truetype/liberation2:/usr/share/fonts/truetype/croscore"
    ).split(":")
    if folder.strip()
]

# Reminders (dispatch.services.reminders): the days before the due date an
# organization that has not reported is reminded, how many days apart
# reminders follow once it is overdue, and the office hour (Asia/Ho_Chi_Minh)
# the daily job runs (dispatch.tasks).
DOCREG_REMINDER_DAYS = env_positive_ints("DOCREG_REMINDER_DAYS", "7,3,1")
DOCREG_OVERDUE_REMINDER_EVERY = env_int("DOCREG_OVERDUE_REMINDER_EVERY", 7)
DOCREG_REMINDER_HOUR = env_int("DOCREG_REMINDER_HOUR", 7)
if DOCREG_OVERDUE_REMINDER_EVERY < 1:
    raise ImproperlyConfigured(f"DOCREG_OVERDUE_REMINDER_EVERY must be above zero, not {DOCREG_OVERDUE_REMINDER_EVERY}")
if not 0 <= DOCREG_REMINDER_HOUR <= 23:
    raise ImproperlyConfigured(f"DOCREG_REMINDER_HOUR must be an hour from 0 to 23, not {DOCREG_REMINDER_HOUR}")
