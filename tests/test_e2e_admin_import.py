"""The admin's "Import claims" in Chromium: a dry run's refusals, then a passing file imported from
the kept upload; no serious axe violation at 1366 px, nothing wider than a 390 px phone (English
and Arabic)."""

import os

import pytest
from django.urls import reverse

from annotations.models import Claim

from . import factories
from .browser import ARTIFACTS
from .data.interop import make_fixtures
from .test_e2e_a11y import serious_violations, sideways
from .test_interop import DATA, LABEL_MAP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]

SHOTS = ARTIFACTS / "admin-import" if os.environ.get("A11Y_SCREENSHOTS") else None
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def violations(page) -> list[str]:
    # Django's own admin breadcrumbs are told apart from their text by colour alone, on every admin
    # page (not this screen's doing): left to a change of the admin's stylesheet.
    return [
        line for line in serious_violations(page)
        if "] link-in-text-block:" not in line or not all(t.startswith(".breadcrumbs") for t in line.split(" — ", 1)[1].split("; "))
    ]


def admin_login(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))


def upload(page, *, offset_unit: str) -> None:
    page.set_input_files("input[name=file]", str(DATA / "doccano.jsonl"))
    page.select_option("select[name=format]", "doccano")
    page.set_input_files("input[name=label_map]", LABEL_MAP)
    page.select_option("select[name=offset_unit]", offset_unit)
    page.select_option("select[name=annotator]", "annotator")
    page.click("#import-claims input[type=submit]")
    page.wait_for_selector("#import-job")


def test_import_claims_in_the_browser(browser, live_server, project, annotator, worker):
    for external_id, text in make_fixtures.TEXTS.items():
        factories.make_article(text, project=project, external_id=external_id)
    staff = factories.make_user("desk", groups=[], staff=True)
    found, wide = [], []
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
    page = context.new_page()
    admin_login(page, live_server, staff)
    page.goto(live_server.url + reverse("admin:annotations_claim_import"))
    found += violations(page)
    shot(page, "form-1366")
    upload(page, offset_unit="")  # astral characters and no unit: refused, as the command refuses it
    worker()
    page.reload()
    assert "1 problem found; nothing was imported." in page.inner_text("#import-job")
    assert "--offset-unit utf16 or --offset-unit codepoint" in page.inner_text("#import-job .errorlist")
    found += violations(page)
    shot(page, "refused-1366")
    page.goto(live_server.url + reverse("admin:annotations_claim_import"))
    upload(page, offset_unit="utf16")
    worker()
    page.reload()
    assert "Dry run: would load 6 claim(s)" in page.inner_text("#import-result")
    shot(page, "dry-run-1366")
    page.click("#import-checked input[type=submit]")
    page.wait_for_selector("#import-job")
    worker()
    page.reload()
    assert "Loaded 6 claim(s)" in page.inner_text("#import-result")
    assert Claim.objects.count() == 6
    job_url = page.url
    context.close()

    for language in ("en", "ar"):
        context = browser.new_context(locale=language, **PHONE)
        page = context.new_page()
        admin_login(page, live_server, staff)
        for url in (live_server.url + reverse("admin:annotations_claim_import"), job_url):
            page.goto(url)
            wide += [f"{language} {url}: {what}" for what in sideways(page)]
            shot(page, f"{language}-{'job' if url == job_url else 'form'}-390")
        context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(wide)
