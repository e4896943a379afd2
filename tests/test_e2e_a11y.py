"""Accessibility in Chromium: axe-core finds no serious or critical violation on any page outside the
admin, in English and Arabic, light and dark; a phone 390 px wide scrolls no page sideways and can
make a claim. axe-core comes bundled in the axe-playwright-python package (no CDN, nothing vendored).

With A11Y_SCREENSHOTS=1 the tests also save the pages they open to tests/artifacts/a11y/ (not in git).
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from annotations import workflow
from annotations.models import ADJUDICATOR_GROUP, Source

from . import factories
from .browser import ARTIFACTS, login, save, select

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]

ARABIC = (
    "قال مصطفى بالي لوكالة رويترز إن ٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة.\n"
    "وأضاف أن المعارك مستمرة وأن قوات سوريا الديمقراطية لم تعقد أي اتفاق للخروج.\n"
    "وقال مصدر آخر إن 3000 شخص غادروا الباغوز."
)
PERSIAN = (
    "به گزارش ایسنا، نیروهای سوریه دموکراتیک می‌گویند ۳۰۰۰ نفر از الباغوز خارج شده‌اند.\n"
    "این منابع افزودند: حملات هوایی ادامه دارد.\nانتهای پیام"
)
SERIOUS = {"serious", "critical"}
SCHEMES = ("light", "dark")
SHOTS = ARTIFACTS / "a11y" if os.environ.get("A11Y_SCREENSHOTS") else None
AXE = Axe()


@pytest.fixture
def desk(project, annotator, other_annotator):
    """An article being annotated (nested and overlapping claims, a claimant marked in the text, an
    Arabic note), a submitted one with gold and groups to decide, a canonical claim; and an adjudicator."""
    adjudicator = factories.make_user("adjudicator", groups=[ADJUDICATOR_GROUP])
    open_article = factories.make_article(ARABIC, project=project, external_id="ar-open", title="الباغوز")
    factories.assign(open_article, annotator)
    bali = Source.objects.create(name="مصطفى بالي", kind="person")
    outer = "٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة"
    start = ARABIC.index("مصطفى بالي")
    first = factories.make_claim(
        open_article, annotator, outer, source=bali, source_start=start, source_end=start + len("مصطفى بالي"),
        verification_status_id="mixed", note="رقم يحتاج إلى تحقق",
    )
    factories.make_claim(open_article, annotator, "داعش استسلموا")  # nested inside the first
    factories.make_claim(open_article, annotator, "24 ساعة.\nوأضاف أن المعارك مستمرة")  # overlaps the first's end
    factories.make_claim(open_article, annotator, "3000 شخص غادروا الباغوز", verification_status_id="false")

    done = factories.make_article(PERSIAN, project=project, external_id="fa-done", title="الباغوز")
    for user in (annotator, other_annotator):
        factories.assign(done, user)
    agreed = [factories.make_claim(done, user, "۳۰۰۰ نفر", verification_status_id="true") for user in (annotator, other_annotator)]
    factories.make_claim(done, annotator, "حملات هوایی", verification_status_id="false")
    factories.make_claim(done, other_annotator, "حملات هوایی ادامه دارد", verification_status_id="mixed")
    factories.make_claim(done, other_annotator, "انتهای پیام", verification_status_id="not_checkable")
    factories.submit_all(done)
    gold = factories.make_gold(done, adjudicator, "۳۰۰۰ نفر", from_claims=agreed, provenance="unanimous", verification_status_id="true")

    canonical = workflow.create_canonical(user=adjudicator, target=first)
    factories.link(canonical, gold, by=adjudicator)
    factories.make_evidence(canonical, "https://example.org/report")
    return {"open": open_article, "done": done, "canonical": canonical, "adjudicator": adjudicator}


def annotator_pages(desk, project):
    return [
        reverse("article_list"),
        desk["open"].get_absolute_url(),
        reverse("article_compare", args=[desk["done"].pk]),
        reverse("search") + "?q=الباغوز",
        reverse("canonical_list"),
        desk["canonical"].get_absolute_url(),
        reverse("preferences_edit"),
    ]


def adjudicator_pages(desk, project):
    return [
        reverse("adjudication_detail", args=[desk["done"].pk]),
        reverse("project_dashboard", args=[project.pk]),
        reverse("article_list"),
    ]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    results = AXE.run(page, options={"resultTypes": ["violations"]}).response
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        + (f" (and {len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else "")
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


# Switching the colour scheme in place starts the pages' colour transitions (the admin's links
# have some): axe must read the colours the scheme settles on, not a frame on the way there.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def check_pages(page, live_server, paths, label: str) -> list[str]:
    found = []
    for path in paths:
        page.goto(live_server.url + path)
        # A constructed style sheet: the site's Content-Security-Policy refuses an inline <style>.
        page.evaluate(
            "(css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css); "
            "document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
            NO_TRANSITIONS,
        )
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            found += serious_violations(page)
            shot(page, f"{label}-{path.strip('/').replace('/', '-').split('?')[0] or 'home'}-{scheme}")
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_serious_axe_violations_on_any_page(browser, live_server, project, annotator, desk, language):
    found = []
    # Logged out: the log-in page.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=language)
    page = context.new_page()
    found += check_pages(page, live_server, [reverse("login")], f"{language}-anonymous")
    # The annotator: every page of theirs, and the annotation page with a selection and a claimant waiting.
    login(page, live_server, annotator)
    found += check_pages(page, live_server, annotator_pages(desk, project), f"{language}-annotator")
    page.goto(live_server.url + desk["open"].get_absolute_url())
    check_the_claim_list_mirrors_the_highlights(page, desk["open"])
    text = desk["open"].text
    at = text.index("المعارك مستمرة")
    select(page, text, at, at + len("المعارك مستمرة"))
    page.click("#anchor-source")
    page.evaluate("() => document.getSelection().removeAllRanges()")
    name_at = text.index("قوات سوريا الديمقراطية")
    select(page, text, name_at, name_at + len("قوات سوريا الديمقراطية"))
    page.wait_for_function("() => document.getElementById('claim-form').elements.source_start.value !== ''")
    page.evaluate("() => document.getSelection().removeAllRanges()")
    # The claim and the claimant waiting to be saved are two marks (styled apart in app.css), not one.
    pending = page.evaluate(
        "() => ['claim-pending', 'claimant-pending'].map((name) => [...CSS.highlights.get(name)].map(String))"
    )
    assert pending == [["المعارك مستمرة"], ["قوات سوريا الديمقراطية"]]
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        found += serious_violations(page)
        shot(page, f"{language}-annotator-pending-{scheme}")
    context.close()

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=language)
    page = context.new_page()
    login(page, live_server, desk["adjudicator"])
    found += check_pages(page, live_server, adjudicator_pages(desk, project), f"{language}-adjudicator")
    context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def check_the_claim_list_mirrors_the_highlights(page, article) -> None:
    """Screen readers get the highlights from the claim list: the text says so and links there, every
    claim is in the list, and the text itself stays exactly the stored text. Typed text is dir="auto"."""
    assert page.eval_on_selector("#article-text", "el => el.textContent") == article.text
    help_id = page.get_attribute("#article-text", "aria-describedby")
    assert page.get_attribute(f"#{help_id} a", "href") == "#claim-list"
    assert page.get_attribute("#claim-list", "aria-live") == "polite"
    listed = page.eval_on_selector_all("#claim-list .claim", "items => items.map(li => [+li.dataset.start, +li.dataset.end])")
    assert sorted(listed) == sorted([claim.start, claim.end] for claim in article.claims.all())
    edges = page.evaluate("() => [...CSS.highlights.get('claim-edge')].map(String)")
    assert len(edges) == 2 * len(listed) and {"د", "ا"} <= set(edges)  # the nested claim's first and last letter
    for selector in ("#claim-form [name=note]", "#claim-form [name=source_name]", "#claim-list dd[data-field=note]",
                     "#claim-list dd[data-field=source]"):
        assert page.get_attribute(selector, "dir") == "auto", selector


# What scrolls sideways: the page, or a box that scrolls by itself (the annotation page's panel);
# wide tables scroll inside themselves on purpose, and text boxes scroll their own text.
SIDEWAYS = """() => {
    const found = [], page = document.scrollingElement;
    if (page.scrollWidth > innerWidth) found.push(`the page by ${page.scrollWidth - innerWidth} px`);
    for (const el of document.querySelectorAll("body *")) {
        if (!["auto", "scroll"].includes(getComputedStyle(el).overflowX) || el.matches("table, textarea, input")) continue;
        if (el.scrollWidth > el.clientWidth + 1) found.push(`${el.tagName.toLowerCase()}.${el.className} by ${el.scrollWidth - el.clientWidth} px`);
    }
    return found;
}"""


def sideways(page) -> list[str]:
    return page.evaluate(SIDEWAYS)


def test_a_phone_390_px_wide_scrolls_no_page_sideways_and_makes_a_claim(browser, live_server, project, annotator, desk):
    wide = []
    phone = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    context = browser.new_context(locale="fa", **phone)
    page = context.new_page()
    for role, user, paths in (
        ("annotator", annotator, annotator_pages(desk, project)),
        ("adjudicator", desk["adjudicator"], adjudicator_pages(desk, project)),
    ):
        page.context.clear_cookies()
        page.goto(live_server.url + reverse("login"))
        wide += [f"login: {what}" for what in sideways(page)]
        login(page, live_server, user)
        for path in paths:
            page.goto(live_server.url + path)
            wide += [f"{role} {path}: {what}" for what in sideways(page)]
            shot(page, f"phone-{role}-{path.strip('/').replace('/', '-').split('?')[0]}")
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(wide)

    # The annotator makes a claim at that width.
    page.context.clear_cookies()
    login(page, live_server, annotator)
    article = desk["open"]
    page.goto(live_server.url + article.get_absolute_url())
    at = article.text.index("المعارك مستمرة")
    select(page, article.text, at, at + len("المعارك مستمرة"))
    assert not sideways(page)  # with the selection's fields filled in
    page.locator("#save-claim").scroll_into_view_if_needed()
    save(page, "unassessed", 5)
    assert article.claims.filter(start=at, end=at + len("المعارك مستمرة")).count() == 1
    assert not sideways(page)
    shot(page, "phone-annotator-saved")
    context.close()
