"""Browser tests of the review flow, the admin under the CSP, and hostile text rendered as text."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from annotations.models import Claim, GoldClaim, Source

from . import factories
from .browser import ARTIFACTS, PERSIAN, export_gold, login, save, select, utf16

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]


def test_screenshot_of_the_annotation_page(page, live_server, annotator):
    """Saves tests/artifacts/annotation-page.png to look at: joined RTL text, highlights in place."""
    seed = Path(__file__).parents[1] / "seeds" / "001_fecb8b2d1898e5e9.txt"
    project = factories.make_project("Screenshot", guidelines="حدّد كل ادعاء قابل للتحقق مع مصدره.")
    article = factories.make_article(seed.read_text(encoding="utf-8"), project=project, external_id=seed.stem)
    factories.assign(article, annotator)
    factories.make_claim(article, annotator, "مصطفى بالي")
    factories.make_claim(article, annotator, "استسلام المئات من عناصر تنظيم «الدولة»", verification_status_id="mixed")
    factories.make_claim(article, annotator, "عناصر تنظيم «الدولة» وأفراد عائلاتهم")  # overlaps
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    direction = page.eval_on_selector("#article-text", "el => [el.lang, el.dir, getComputedStyle(el).direction, getComputedStyle(el).whiteSpace]")
    assert direction == ["ar", "rtl", "rtl", "pre-wrap"]
    # Right to left: a word's successor on the same line lies to its left.
    quote = "مصطفى بالي"
    at = article.text.index(quote)
    boxes = page.evaluate(
        """([a, b, c]) => { const n = document.getElementById('article-text').firstChild;
            const box = (s, e) => { const r = document.createRange(); r.setStart(n, s); r.setEnd(n, e); return r.getBoundingClientRect(); };
            const one = box(a, b), two = box(b + 1, c); return [one.left, one.right, two.left, two.right, one.top, two.top]; }""",
        [utf16(article.text, at), utf16(article.text, at + 5), utf16(article.text, at + len(quote))],
    )
    first_left, first_right, second_left, second_right, first_top, second_top = boxes
    assert abs(first_top - second_top) < 2 and second_right <= first_left + 1
    assert page.evaluate("() => CSS.highlights.get('claim').size + CSS.highlights.get('claim-overlap').size") >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "annotation-page.png"), full_page=False)
    assert (ARTIFACTS / "annotation-page.png").stat().st_size > 10_000


def open_adjudication(browser, live_server, adjudicator, article, *, height: int):
    """The adjudicator's page of the article in a new browser context, with the page's script errors collected."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, adjudicator)
    page.goto(live_server.url + reverse("adjudication_detail", args=[article.pk]))
    return context, page, errors


def test_two_annotators_then_adjudication_in_the_browser(browser, live_server, project, annotator, other_annotator, adjudicator):
    """The review flow as people do it: annotate in two sessions, submit, adjudicate, export gold."""
    article = factories.make_article(PERSIAN, project=project, external_id="fa-1")
    for user in (annotator, other_annotator):
        factories.assign(article, user)
    text = article.text
    for user, quotes in ((annotator, ["۳۰۰۰ نفر", "حملات هوایی"]), (other_annotator, ["۳۰۰۰ نفر", "حملات هوایی ادامه دارد"])):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        login(page, live_server, user)
        page.goto(live_server.url + article.get_absolute_url())
        for count, quote in enumerate(quotes, start=1):
            start = text.index(quote)
            select(page, text, start, start + len(quote))
            save(page, "mostly_true" if count == 1 else ("false" if user == annotator else "mixed"), count)
        page.once("dialog", lambda dialog: dialog.accept())  # "Submit this article?"
        page.click(".submit-article button")
        page.wait_for_url(f"{live_server.url}/articles/")  # no other article in the queue
        context.close()
    context, page, errors = open_adjudication(browser, live_server, adjudicator, article, height=1100)
    assert page.eval_on_selector("#article-text", "el => el.textContent") == text
    assert page.locator("li.group.agree").count() == 1 and page.locator("li.group.partial").count() == 1
    assert "Partial" in page.inner_text("li.group.partial .badge")  # stated in words, not only colour
    page.click("#accept-unanimous")
    page.wait_for_function("() => document.querySelectorAll('#gold-list .claim').length === 1")
    # Edit and merge the disagreement: start from one version, reselect the span, change the verdict.
    page.click("li.group.partial .claim:first-child a.edit")
    page.wait_for_function("() => document.getElementById('gold-form').elements.group.value !== ''")
    quote = "حملات هوایی ادامه"
    start = text.index(quote)
    select(page, text, start, start + len(quote))
    page.select_option("#gold-form select[name=verification_status]", "misleading")
    page.fill("#gold-form textarea[name=decision_note]", "بخشی درست است")
    page.click("#save-gold")
    page.wait_for_function("() => document.querySelectorAll('#gold-list .claim').length === 2")
    page.wait_for_function("() => CSS.highlights.get('gold') && CSS.highlights.get('gold').size === 2")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "adjudication-page.png"))
    context.close()
    assert not errors, errors
    merged = GoldClaim.objects.get(quote=quote)
    assert (merged.start, merged.end, merged.provenance, merged.verification_status_id) == (start, start + len(quote), "adjudicated", "misleading")
    assert GoldClaim.objects.get(quote="۳۰۰۰ نفر").provenance == "unanimous"
    data = json.loads(export_gold())
    for item in data["articles"]:
        for claim in item["claims"]:
            assert item["text"][claim["start"] : claim["end"]] == claim["quote"]


def test_admin_pages_run_under_the_content_security_policy(page, live_server, staff, project, annotator):
    article = factories.make_article(PERSIAN, project=project, external_id="fa-admin")
    claim = factories.make_claim(article, annotator, "۳۰۰۰ نفر")
    login_url = f"{live_server.url}/admin/login/?next=/admin/"
    page.goto(login_url)
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in [
        "/admin/annotations/article/",
        f"/admin/annotations/article/{article.pk}/change/",
        "/admin/annotations/article/import-files/",
        f"/admin/annotations/claim/{claim.pk}/change/",
        f"/admin/annotations/claim/{claim.pk}/history/",
        "/admin/annotations/verdict/",
        "/admin/annotations/source/import/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "script-src" in response.headers["content-security-policy"]


def test_html_payloads_render_as_text(page, live_server, setup, annotator, adjudicator):
    payload = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"><svg onload="window.pwned=3">'
    article = setup(f"قال {payload} المتحدث إن 3000 غادروا", title=f"عنوان {payload}")
    source = Source.objects.create(name=f"مصدر {payload}", kind="person")
    factories.make_claim(article, annotator, "3000", note=f"ملاحظة {payload}", source=source)
    page.on("dialog", lambda dialog: (_ for _ in ()).throw(AssertionError("a dialog opened")))
    login(page, live_server, annotator)
    for url in [reverse("article_list"), article.get_absolute_url()]:
        page.goto(live_server.url + url)
        assert page.evaluate("() => window.pwned") is None
    assert page.eval_on_selector("#article-text", "el => el.textContent") == article.text
    assert page.eval_on_selector("#article-text", "el => el.children.length") == 0
    assert payload in page.inner_text("#claim-list")
    assert page.evaluate("() => document.querySelectorAll('#claim-list script, #claim-list img, #claim-list svg').length") == 0
    # Saving a note with a payload through the form keeps it as text too.
    start = article.text.index("المتحدث")
    select(page, article.text, start, start + 7)
    page.fill("#claim-form textarea[name=note]", payload)
    page.fill("#claim-form input[name=source_name]", payload)
    save(page, "false", 2)
    assert page.evaluate("() => window.pwned") is None
    assert Claim.objects.get(start=start).note == payload
    page.context.clear_cookies()
    login(page, live_server, adjudicator)
    page.goto(live_server.url + reverse("adjudication_detail", args=[article.pk]))
    assert page.evaluate("() => window.pwned") is None
    assert payload in page.inner_text("#decisions")


def test_next_undecided_and_a_field_by_field_merge(browser, live_server, project, annotator, other_annotator, adjudicator):
    """N moves from group to undecided group; a merge takes the span from one version and the verdict
    from another; decided groups fold, a rejected one is no longer painted, and the article is done."""
    article = factories.make_article(PERSIAN, project=project, external_id="fa-merge")
    for user in (annotator, other_annotator):
        factories.assign(article, user)
    single = factories.make_claim(article, annotator, "نیروهای سوریه دموکراتیک")
    mine = factories.make_claim(article, annotator, "۳۰۰۰ نفر", verification_status_id="mostly_true")
    theirs = factories.make_claim(article, other_annotator, "۳۰۰۰ نفر از الباغوز", verification_status_id="false", evidence=["https://example.org/a"])
    for user in (annotator, other_annotator):
        factories.make_claim(article, user, "حملات هوایی", verification_status_id="true")
    factories.submit_all(article)
    context, page, errors = open_adjudication(browser, live_server, adjudicator, article, height=1000)
    on_group = "() => { const g = document.activeElement.closest('#group-list > li.group'); return g && g.dataset.status; }"
    assert "0 of 3 groups decided" in page.inner_text("#adjudication-progress")
    page.keyboard.press("n")
    assert page.evaluate(on_group) == "single"
    assert page.eval_on_selector("#group-list .claim.active", "li => li.dataset.claimId") == str(single.pk)
    page.keyboard.press("n")
    assert page.evaluate(on_group) == "partial"
    # Typing an n in a note does not move.
    page.fill("li.group.partial .reject input[name=decision_note]", "")
    page.type("li.group.partial .reject input[name=decision_note]", "n")
    assert page.evaluate(on_group) == "partial"
    page.fill("li.group.partial .reject input[name=decision_note]", "")
    # Merge: the longer span (theirs), the verdict of the other version (mine); evidence kept.
    page.click("li.group.partial details.merge summary")
    page.check(f"li.group.partial input[name=from_span][value='{theirs.pk}']")
    page.check(f"li.group.partial input[name=from_verification_status][value='{mine.pk}']")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("li.group.partial").screenshot(path=str(ARTIFACTS / "adjudication-merge.png"))
    page.fill("li.group.partial .merge-form input[name=decision_note]", "ادغام")
    page.click("li.group.partial .merge-save")
    page.wait_for_function("() => document.querySelectorAll('#gold-list .claim').length === 1")
    assert "1 of 3 groups decided" in page.inner_text("#adjudication-progress")
    assert page.locator("li.group[data-decision=gold] details:not([open])").count() == 1
    # Focus moved on to the next undecided group.
    page.wait_for_function("() => document.activeElement.closest('#group-list > li.group[data-undecided]') !== null")
    assert page.evaluate(on_group) == "agree"
    gold = GoldClaim.objects.get()
    assert (gold.quote, gold.verification_status_id, gold.evidence) == ("۳۰۰۰ نفر از الباغوز", "mostly_true", ["https://example.org/a"])
    assert (gold.start, gold.end) == (theirs.start, theirs.end) and gold.decision_note == "ادغام"
    # Reject the single group: it folds and is no longer painted in the text.
    page.click("li.group.single .reject button")
    page.wait_for_selector("li.group[data-decision=rejected]")
    painted = "() => ['claim', 'claim-overlap'].flatMap((name) => Array.from(CSS.highlights.get(name) || [], (r) => r.startOffset))"
    page.wait_for_function(f"(start) => !({painted})().includes(start)", arg=utf16(article.text, single.start))
    assert utf16(article.text, theirs.start) in page.evaluate(painted)  # the other groups' versions still are
    page.click("#accept-unanimous")
    page.wait_for_selector("#adjudication-progress .done")
    assert "3 of 3 groups decided" in page.inner_text("#adjudication-progress")
    assert page.is_disabled("#next-undecided")
    page.screenshot(path=str(ARTIFACTS / "adjudication-done.png"))
    context.close()
    assert not errors, errors
