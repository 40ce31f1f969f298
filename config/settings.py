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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "import_export",
    "core",
    "recipients",
    "registry",
    "dispatch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
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

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Server-side binding lets psycopg prepare statements a connection runs
    # repeatedly (after 5 runs), sparing PostgreSQL the planning of hot queries
    # such as issuing's. Turn off behind a pooler in transaction mode that
    # cannot track prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

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
LOGIN_REDIRECT_URL = "/compliance/"
LOGOUT_REDIRECT_URL = "login"

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
# that check permissions.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Email: printed to the console unless EMAIL_HOST names an SMTP server.
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

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
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
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
