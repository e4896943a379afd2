"""Browser test of search: a folded spelling found from the header, opened as the claim selection, saved."""

import pytest

from annotations.models import Claim

from .browser import ARTIFACTS, EMOJI, form_span, login, save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]


def test_search_open_a_hit_and_save_it_as_a_claim(page, live_server, setup, annotator):
    # Astral characters and a ZWJ sequence before the hit: offsets are code points, not UTF-16 units.
    article = setup(EMOJI + "\nوقال مصطفى بالي إن ٣٠٠٠ شخص استسلموا.", title="الباغوز")
    login(page, live_server, annotator)

    # Persian yeh and Persian digits in the search; Arabic forms in the text.
    page.fill("#site-search", "مصطفی بالی")
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert page.locator("a.hit mark").all_inner_texts() == ["مصطفى بالي"]
    page.fill("#search-q", "۳۰۰۰ شخص")
    with page.expect_navigation():
        page.press("#search-q", "Enter")
    # Both spellings in the article: 3000 (in the emoji line) and ٣٠٠٠.
    assert page.locator("a.hit mark").all_inner_texts() == ["3000 شخص", "٣٠٠٠ شخص"]
    assert page.locator(".search-result").count() == 1
    hit = page.locator("a.hit").nth(1)
    start, end = int(hit.get_attribute("data-start")), int(hit.get_attribute("data-end"))
    quote = article.text[start:end]
    assert quote == "٣٠٠٠ شخص"
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True, caret="initial")

    # One click: the article opens with the hit as the claim's selection, highlighted.
    with page.expect_navigation():
        hit.click()
    assert form_span(page) == (start, end, quote)
    assert page.locator("#quote-preview").inner_text() == quote
    highlighted = page.evaluate(
        "() => Array.from(CSS.highlights.get('claim-pending') || []).map((range) => range.toString())"
    )
    assert highlighted == [quote]
    page.screenshot(path=str(ARTIFACTS / "search-hit-opened.png"), full_page=True, caret="initial")

    save(page, "true", 1)
    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.quote) == (start, end, quote)
    assert article.text[claim.start : claim.end] == claim.quote
