"""Settings read from the environment: each case in a fresh process, as a server would start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a new process with these environment variables."""
    environ = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "PLAIN_HTTP_TRIAL", "ALLOWED_HOSTS", "LOG_LEVEL")}
    environ.update(DJANGO_SETTINGS_MODULE="factcheck.settings", DATABASE_URL="sqlite://:memory:", **env)
    script = "import django, logging, json\ndjango.setup()\nfrom django.conf import settings\n" + code
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("debug", ["1", "0"])
def test_each_django_log_line_is_printed_once(debug):
    result = start(
        "logging.getLogger('django.request').warning('Not Found: /nope')\n"
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes')\n"
        "logging.getLogger('django.server').info('GET /nope 404')\n"
        "logging.getLogger('annotations').warning('our own')\n",
        DEBUG=debug, SECRET_KEY="test-" + "x" * 50,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for message in ("Not Found: /nope", "Watching for file changes", "GET /nope 404", "our own"):
        assert sum(message in line for line in lines) == 1, result.stderr
    # runserver's request lines keep Django's dated format.
    assert any(line.startswith("[") and line.endswith("] GET /nope 404") for line in lines), result.stderr


SECURITY = "print(json.dumps([settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS]))"


def test_production_settings_insist_on_https():
    result = start(SECURITY, DEBUG="0", SECRET_KEY="test-" + "x" * 50)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, True, True, 31536000]


def test_plain_http_trial_turns_off_https_only_settings_on_this_machine():
    result = start(SECURITY, DEBUG="0", SECRET_KEY="test-" + "x" * 50, PLAIN_HTTP_TRIAL="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, False, False, 0]


def test_plain_http_trial_is_refused_for_other_hosts():
    result = start(SECURITY, DEBUG="0", SECRET_KEY="test-" + "x" * 50, PLAIN_HTTP_TRIAL="1", ALLOWED_HOSTS="factcheck.example.org")
    assert result.returncode != 0
    assert "PLAIN_HTTP_TRIAL is for trials on this machine only" in result.stderr
