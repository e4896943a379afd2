"""Production-like settings for the benchmarks: DEBUG off, plus a baseline "hello" view."""

import os
import secrets
import warnings

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the in-process client speaks plain HTTP

from factcheck.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# No collectstatic for a benchmark: plain static storage, as in development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

# WhiteNoise warns that STATIC_ROOT does not exist: there is no collectstatic here.
warnings.filterwarnings("ignore", message="No directory at")
