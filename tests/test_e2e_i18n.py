"""In Chromium: the interface switched to Persian around an article that keeps its own language
and direction, and a Latin paragraph that reads left to right inside a right-to-left article
(docs/i18n.md), with highlights still exactly on the selected text."""

import pytest

from annotations.models import Claim, Preferences

from .browser import form_span, login, save, select

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]

# The cookie notice a Turkish site left in one of the seed articles, between Arabic paragraphs.
TURKISH = "Bu web sitesinde çerezler kullanılmaktadır."
TEXT = f"قال المتحدث إن 3000 شخص غادروا الباغوز.\n{TURKISH}\nانتهى الخبر."

# Where a character of #article-text is drawn: the horizontal middle of its box.
CHARACTER_X = """([at]) => {
    const node = document.getElementById('article-text').firstChild;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + 1);
    const box = range.getBoundingClientRect();
    return box.left + box.width / 2;
}"""


def x_of(page, at: int) -> float:
    return page.evaluate(CHARACTER_X, [at])


def test_switch_to_persian_around_an_arabic_article_with_a_latin_paragraph(page, live_server, setup, annotator):
    article = setup(TEXT)
    assert article.language == "ar"
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.get_attribute("html", "dir") == "ltr"

    with page.expect_navigation():
        page.click('form.languages button[value="fa"]')
    assert page.url == live_server.url + article.get_absolute_url()  # back on the same page
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("fa", "rtl")
    assert page.text_content("#save-claim").strip() == "ذخیرهٔ ادعا"
    assert Preferences.objects.get(user=annotator).language == "fa"
    # The article keeps its own language and direction, and exactly its stored text.
    reader = page.locator("#article-text")
    assert (reader.get_attribute("lang"), reader.get_attribute("dir")) == ("ar", "rtl")
    assert reader.evaluate("el => el.textContent") == article.text
    assert reader.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"

    # Each paragraph in its own direction: the Arabic one right to left, the Turkish one left to
    # right from the left edge (its full stop last, on the right), inside the same text node.
    assert reader.evaluate("el => el.childNodes.length") == 1
    arabic_end = TEXT.index("\n") - 1
    assert x_of(page, 0) > x_of(page, arabic_end)
    turkish = TEXT.index(TURKISH)
    turkish_end = turkish + len(TURKISH) - 1
    assert x_of(page, turkish) < x_of(page, turkish + 3) < x_of(page, turkish_end)
    left = reader.evaluate("el => el.getBoundingClientRect().left + parseFloat(getComputedStyle(el).paddingLeft)")
    assert x_of(page, turkish) - left < 20

    # A claim on the Latin paragraph lands exactly on the selected word.
    word = TEXT.index("çerezler")
    select(page, TEXT, word, word + len("çerezler"))
    assert form_span(page) == (word, word + len("çerezler"), "çerezler")
    save(page, "unverifiable", 1)
    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.quote) == (word, word + 8, article.text[word : word + 8])
    page.wait_for_function("() => CSS.highlights.get('claim') && CSS.highlights.get('claim').size === 1")
    highlighted = page.evaluate("() => [...CSS.highlights.get('claim')].map((range) => range.toString())")
    assert highlighted == ["çerezler"]

    page.reload()
    assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("fa", "rtl")
    assert page.locator("#article-text").get_attribute("lang") == "ar"
