"""Accessibility of the admin screens a desk uses (docs/architecture.md, Accessibility): axe-core
finds no serious or critical violation on them, in English and Arabic, light and dark."""

import pytest
from django.urls import reverse

from .browser import login
from .test_e2e_a11y import check_pages, desk  # noqa: F401 - desk is a fixture used below

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]


def admin_pages(scene):
    claim = scene["open"].claims.first()
    return [
        reverse("admin:index"),
        reverse("admin:annotations_article_changelist"),
        reverse("admin:annotations_article_change", args=[scene["open"].pk]),
        reverse("admin:annotations_claim_changelist"),
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        reverse("admin:annotations_claim_history", args=[claim.pk]),
        reverse("admin:annotations_canonicalclaim_change", args=[scene["canonical"].pk]),
        reverse("admin:annotations_suggestion_changelist"),
        reverse("admin:annotations_article_import_files"),
        reverse("admin:annotations_claim_import"),
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_serious_axe_violations_in_the_admin(browser, live_server, staff, desk, language):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=language)
    page = context.new_page()
    login(page, live_server, staff)
    found = check_pages(page, live_server, admin_pages(desk), f"{language}-admin")
    context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
