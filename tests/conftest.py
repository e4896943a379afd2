import importlib
import os
import signal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, settings

from annotations.models import ADJUDICATOR_GROUP

from . import factories


@pytest.fixture(autouse=True)
def _interface_language_reset():
    """Each test starts in the default language: a request in Arabic leaves its language active in
    this thread (LocaleMiddleware does not undo it), and messages checked later would follow it."""
    yield
    translation.deactivate()

# Shared, noisy machines: no per-example deadlines.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Close each connection after its request: the live server's request threads would
    otherwise keep theirs open and block dropping the PostgreSQL test database."""
    from django.conf import settings as django_settings

    django_settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def default_vocabularies(transactional_db):
    """Live-server tests empty every table after each test, migration data included:
    put the default vocabularies and groups back with the data migration's own code."""
    migration = importlib.import_module("annotations.migrations.0002_default_vocabularies_and_groups")
    migration.create(django_apps, None)


@pytest.fixture
def project(db):
    return factories.make_project("Baghuz", guidelines="Tag numbers with their source.")


@pytest.fixture
def annotator(db):
    return factories.make_user("annotator")


@pytest.fixture
def other_annotator(db):
    return factories.make_user("other")


@pytest.fixture
def adjudicator(db):
    return factories.make_user("adjudicator", groups=[ADJUDICATOR_GROUP])


@pytest.fixture
def staff(db):
    return factories.make_user("admin", groups=[], staff=True)


@pytest.fixture
def article(project, annotator):
    article = factories.make_article(
        "مصطفى بالي قال لرويترز إن 3000 شخص غادروا الباغوز.\nوقال مصدر آخر إن 3000 استسلموا.",
        project=project,
        external_id="baghuz-1",
        title="الباغوز",
    )
    factories.assign(article, annotator)
    return article


@pytest.fixture
def worker(monkeypatch):
    """Run the background jobs waiting in the database with the real worker (`db_worker --batch`).

    Inside a test's transaction the worker must not drop the connection
    between tasks (as it does between polls in production), or the test's
    transaction would go with it. Its signal handlers are put back after.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command(
                "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0, stdout=StringIO()
            )
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    return run


@pytest.fixture
def admin_client(staff):
    """A logged-in staff member (the project's admin role), in a client of its own."""
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def two(article, annotator, other_annotator):
    """Both annotators on the article: they agree on one claim and disagree on another."""
    factories.assign(article, other_annotator)
    agreed = [factories.make_claim(article, user, "مصطفى بالي", verification_status_id="true") for user in (annotator, other_annotator)]
    mine = factories.make_claim(article, annotator, "3000 شخص غادروا", verification_status_id="false")
    theirs = factories.make_claim(article, other_annotator, "3000 شخص", verification_status_id="mostly_false")
    return {"agreed": agreed, "mine": mine, "theirs": theirs}


@pytest.fixture
def submitted(two, article):
    """The two annotators' claims, both annotators having submitted: decisions may be taken."""
    factories.submit_all(article)
    return two


@pytest.fixture
def annotator_client(client, annotator):
    client.force_login(annotator)
    return client


# Playwright's sync API runs an event loop in this thread; the tests still talk
# to the database synchronously between browser steps, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def setup(project, annotator):
    """make(text, **fields): an article assigned to the annotator (browser tests)."""

    def make(text, **fields):
        article = factories.make_article(text, project=project, **fields)
        factories.assign(article, annotator)
        return article

    return make


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run bin/setup --test (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Console errors include Content-Security-Policy violations.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert not errors, f"errors in the browser console: {errors}"
