"""Settings for the fact-checking annotation tool, read from the environment.

Development defaults are safe to run locally; production (DEBUG=0) refuses the
development secret key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "import_export",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's own language over the cookie and Accept-Language (docs/i18n.md).
    "annotations.preferences.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "annotations.middleware.ProjectCSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Login throttling: django-axes refuses a username/address pair after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# Usernames longer than axes' column (anyone may type one) are cut to fit it.
AXES_USERNAME_CALLABLE = "annotations.throttling.bounded_username"


def axes_client_address(proxies: int) -> dict:
    """django-axes' ipware settings for `proxies` reverse proxies in front of the app.

    With none, only the connection's own address counts: a client cannot choose
    its address by sending X-Forwarded-For. Each proxy appends the address it
    saw to X-Forwarded-For, and the last one connects to us (REMOTE_ADDR), so
    the client is the entry the first proxy wrote: ipware's proxy count is the
    number of entries after it, one less than the number of proxies. Not strict:
    entries a client sent itself sit to the left and are ignored.
    """
    if proxies < 0:
        raise ImproperlyConfigured("AXES_PROXY_COUNT must be 0 or more.")
    if proxies == 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",), "AXES_IPWARE_PROXY_COUNT": 0}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        "AXES_IPWARE_PROXY_COUNT": proxies - 1,
    }


globals().update(axes_client_address(int(os.environ.get("AXES_PROXY_COUNT", "0"))))
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False

# Content-Security-Policy: scripts only from this origin and with the
# per-request nonce; no inline handlers, styles only from stylesheets.
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
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

ROOT_URLCONF = "factcheck.urls"

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
                "annotations.context_processors.csp_nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a save is being written; the timeout
    # waits for a writer instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article_list"
LOGOUT_REDIRECT_URL = "login"

# The interface's languages (docs/i18n.md: how one is chosen, and how to add one).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic")), ("fa", _("Persian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request bodies: an annotation POST is small; imports go through the admin
# upload whose own limit is ANNOTATIONS_MAX_IMPORT_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ANNOTATIONS_MAX_IMPORT_BYTES = int(os.environ.get("ANNOTATIONS_MAX_IMPORT_BYTES", str(50 * 1024 * 1024)))
ANNOTATIONS_MAX_ARTICLE_CHARS = int(os.environ.get("ANNOTATIONS_MAX_ARTICLE_CHARS", "2000000"))
ANNOTATIONS_DEFAULT_PROJECT = os.environ.get("ANNOTATIONS_DEFAULT_PROJECT", "Default")

# The ClaimReview export (docs/exports.md): the site its URLs point to, and the desk that
# publishes the reviews. An empty desk language gives each review its claim's language.
ANNOTATIONS_SITE_URL = os.environ.get("ANNOTATIONS_SITE_URL", "http://127.0.0.1:8000")
ANNOTATIONS_DESK_NAME = os.environ.get("ANNOTATIONS_DESK_NAME", "Fact-check desk")
ANNOTATIONS_DESK_URL = os.environ.get("ANNOTATIONS_DESK_URL", ANNOTATIONS_SITE_URL)
ANNOTATIONS_DESK_LANGUAGE = os.environ.get("ANNOTATIONS_DESK_LANGUAGE", "")

# Background jobs (admin uploads): queued in the database, so the embedded
# SQLite setup needs no other server; `manage.py db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Trying the production settings on one machine without HTTPS: secure cookies
# would never come back over plain HTTP, so logging in would fail. Local trials
# only: refused unless every allowed host is this machine, and `check --deploy`
# warns about what it turns off.
PLAIN_HTTP_TRIAL = not DEBUG and env_bool("PLAIN_HTTP_TRIAL", False)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
if PLAIN_HTTP_TRIAL and not set(ALLOWED_HOSTS) <= LOCAL_HOSTS:
    raise ImproperlyConfigured(
        "PLAIN_HTTP_TRIAL is for trials on this machine only: ALLOWED_HOSTS may name only "
        "127.0.0.1, localhost and ::1."
    )

# Production hardening, active whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True) and not PLAIN_HTTP_TRIAL
    SESSION_COOKIE_SECURE = not PLAIN_HTTP_TRIAL
    CSRF_COOKIE_SECURE = not PLAIN_HTTP_TRIAL
    SECURE_HSTS_SECONDS = 0 if PLAIN_HTTP_TRIAL else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True) and not PLAIN_HTTP_TRIAL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Each line once. Django's defaults give the "django" logger a console handler
# of its own in DEBUG, and its records also propagate to the root's handler,
# so every Django line was printed twice. Here "django" keeps its INFO level
# (runserver's "Watching for file changes", 404 warnings) and no handler of its
# own, so the root's prints it, DEBUG or not. (Its default mail_admins handler
# goes too: ADMINS is not set, so it sent nothing.) Naming "django" resets its
# child loggers, so runserver's request lines ("django.server") are declared
# again exactly as Django declares them: their own dated format, not propagated.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
