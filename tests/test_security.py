"""Security: every URL needs a login, headers are set, log-in is throttled."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from . import factories

pytestmark = pytest.mark.django_db

PUBLIC = {"/accounts/login/", "/admin/login/"}
# Logging out needs no login: it only ends a session, and then sends people on. Nor does
# choosing the interface's language (Django's set_language): it only sets a cookie.
LOGOUT = {"/accounts/logout/", "/admin/logout/", "/i18n/setlang/"}


def walk(patterns, prefix=""):
    """Every URL pattern as a concrete path, with 1 for each parameter."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
            for converter in ("<int:pk>", "<int:object_id>", "<path:object_id>", "<id>", "<int:id>", "<str:content_type_id>", "<object_id>", "<content_type_id>"):
                route = route.replace(converter, "1")
            if "(?P" in route or "<" in route:
                route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
                route = re.sub(r"<[^>]+>", "1", route)
            yield "/" + route


def test_every_url_but_login_needs_authentication(client, article, annotator):
    factories.make_claim(article, annotator, "3000")
    paths = sorted(set(walk(get_resolver().url_patterns)))
    assert len(paths) > 40  # the app's and the admin's
    for path in paths:
        if path in PUBLIC:
            assert client.get(path).status_code == 200, path
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path, HTTP_HX_REQUEST="true")
            if path in LOGOUT:
                assert response.status_code in (302, 405), path
                continue
            if response.status_code in (404, 405):
                continue  # nothing there for anyone (e.g. an admin page for a missing object)
            assert response.status_code == 302, (method, path, response.status_code)
            assert "/login/" in response["Location"], (method, path, response["Location"])


def test_every_app_page_for_an_annotator_is_authorised_by_the_view(client, article, project, annotator, other_annotator):
    """Pages an annotator may not use answer 403 or 404, whichever header is sent."""
    theirs = factories.make_claim(article, other_annotator, "3000")
    client.force_login(annotator)
    refused = [
        f"/articles/{article.pk}/adjudicate/",
        f"/projects/{project.pk}/dashboard/",
        "/export/?format=json",
        f"/claims/{theirs.pk}/edit/",
        "/admin/",
    ]
    for path in refused:
        for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "claim-list"}):
            assert client.get(path, **headers).status_code in (302, 403, 404), path


def test_security_headers_and_csp_nonce(client, article, annotator):
    client.force_login(annotator)
    response = client.get(article.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    assert page.count(f'nonce="{nonce}"') >= 3  # htmx and both app scripts
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", page)  # no inline event handlers
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_is_throttled(client, annotator):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "annotator", "password": "wrong"})
        assert response.status_code == 200 and b"didn" in response.content
    assert client.post("/accounts/login/", {"username": "annotator", "password": "wrong"}).status_code == 429
    # Locked: even the right password is refused now.
    response = client.post("/accounts/login/", {"username": "annotator", "password": factories.PASSWORD})
    assert response.status_code == 429 and b"Too many failed log-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_production_settings_pass_the_deploy_check(tmp_path):
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "factcheck.example.org"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).parents[1], env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    env["SECRET_KEY"] = ""
    del env["SECRET_KEY"]
    refused = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).parents[1], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
