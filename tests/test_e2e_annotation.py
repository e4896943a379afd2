"""Browser tests of the annotation page: real Chromium selecting right-to-left text and saving claims."""

import json

import pytest
from django.urls import reverse

from annotations.models import Claim, GoldClaim

from . import factories
from .browser import ARTIFACTS, EMOJI, PERSIAN, VOCALISED, export, form_span, login, save, select, utf16

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]


def test_persian_with_zwnj_vocalised_arabic_and_emoji(page, live_server, setup, annotator):
    persian, arabic, emoji = setup(PERSIAN), setup(VOCALISED), setup(EMOJI)
    login(page, live_server, annotator)
    cases = [
        # (article, selection as code points, expected span)
        (persian, "می‌گویند ۳۰۰۰ نفر", None),
        (persian, "شده‌اند", None),
        (arabic, "المُتَحَدِّثُ", None),
        (emoji, "3000", None),
        (emoji, "🇸🇾", None),
    ]
    saved = []
    for article, quote, _ in cases:
        page.goto(live_server.url + article.get_absolute_url())
        assert page.eval_on_selector("#article-text", "el => el.textContent") == article.text
        start = article.text.index(quote)
        select(page, article.text, start, start + len(quote))
        assert form_span(page) == (start, start + len(quote), quote)
        count = Claim.objects.filter(article=article).count() + 1
        save(page, "mostly_true", count)
        saved.append((article, start, start + len(quote), quote))
    for article, start, end, quote in saved:
        claim = Claim.objects.get(article=article, start=start)
        assert (claim.end, claim.quote, claim.verification_status_id) == (end, quote, "mostly_true")
        assert article.text[claim.start : claim.end] == quote
    # The export carries the same spans.
    data = json.loads(export("json"))
    spans = {(a["external_id"], c["start"], c["end"], c["quote"]) for a in data["articles"] for c in a["claims"]}
    assert spans == {(a.external_id, s, e, q) for a, s, e, q in saved}
    for article in data["articles"]:
        for claim in article["claims"]:
            assert article["text"][claim["start"] : claim["end"]] == claim["quote"]


def test_selection_snaps_outward_and_trims(page, live_server, setup, annotator):
    article = setup(VOCALISED + "  و2024 " + EMOJI)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    text = article.text
    word = "المُتَحَدِّثُ"
    start = text.index(word)
    # From just after the first letter's mark to the middle of the last letter's cluster, plus a space.
    select(page, text, start + 3, start + len(word) - 1)
    assert form_span(page) == (start + 2, start + len(word), text[start + 2 : start + len(word)])
    three = "ثَلاثَةَ"
    at = text.index(three)
    select(page, text, at - 1, at + len(three) + 1)  # the spaces on both sides are trimmed
    assert form_span(page) == (at, at + len(three), three)
    family = text.index("👨")
    select(page, text, family + 2, family + 3)  # inside a ZWJ sequence
    assert form_span(page)[2] == "👨\u200d👩\u200d👧"
    digits = text.index("2024")
    select(page, text, digits, digits + 4)  # 2024 out of و2024, no word snapping forced
    assert form_span(page) == (digits, digits + 4, "2024")
    save(page, "true", 1)
    assert Claim.objects.get().quote == "2024"


def test_mouse_double_click_and_keyboard_shortcuts(page, live_server, setup, annotator):
    article = setup(PERSIAN)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    # A real double click selects a word.
    word = "الباغوز"
    start = article.text.index(word)
    box = page.evaluate(
        """([s, e]) => { const n = document.getElementById('article-text').firstChild; const r = document.createRange();
            r.setStart(n, s); r.setEnd(n, e); const b = r.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; }""",
        [utf16(article.text, start), utf16(article.text, start + len(word))],
    )
    page.mouse.dblclick(*box)
    page.wait_for_function("() => document.getElementById('claim-form').elements.quote.value !== ''")
    assert form_span(page) == (start, start + len(word), word)
    # Ctrl+Enter saves.
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.querySelectorAll('#claim-list .claim').length === 1")
    # Escape clears a pending selection.
    select(page, article.text, 0, 5)
    page.keyboard.press("Escape")
    assert page.eval_on_selector("#claim-form [name=start]", "el => el.value") == ""
    # A second claim, then ] and [ move between claims.
    other = article.text.index("۳۰۰۰")
    select(page, article.text, other, other + 4)
    save(page, "false", 2)
    page.click("#article-text", position={"x": 5, "y": 5})
    page.keyboard.press("BracketRight")
    first_id = page.eval_on_selector_all("#claim-list .claim", "els => els.map(e => e.dataset.claimId)")[0]
    assert page.eval_on_selector(".claim.active", "el => el.dataset.claimId") == first_id
    page.keyboard.press("BracketRight")
    assert page.eval_on_selector(".claim.active", "el => el.dataset.claimId") != first_id
    assert Claim.objects.count() == 2


def test_highlights_click_to_focus_edit_and_delete(page, live_server, setup, annotator):
    article = setup(PERSIAN)
    claim = factories.make_claim(article, annotator, "۳۰۰۰ نفر")
    factories.make_claim(article, annotator, "نفر از الباغوز")  # overlaps the first
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    sizes = page.evaluate("() => ['claim', 'claim-overlap'].map(n => CSS.highlights.get(n).size)")
    assert sizes == [2, 1]  # two single-depth pieces around one overlapping piece
    assert page.eval_on_selector("#article-text", "el => el.textContent") == article.text
    # Clicking the highlighted text focuses its claim in the list.
    start = article.text.index("۳۰۰۰")
    point = page.evaluate(
        """([s, e]) => { const n = document.getElementById('article-text').firstChild; const r = document.createRange();
            r.setStart(n, s); r.setEnd(n, e); const b = r.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; }""",
        [utf16(article.text, start), utf16(article.text, start + 2)],
    )
    page.mouse.click(*point)
    assert page.eval_on_selector(".claim.active", "el => el.dataset.claimId") == str(claim.pk)
    assert page.evaluate("() => CSS.highlights.get('claim-active').size") == 1
    # Edit it without a reload.
    page.click(f"#claim-{claim.pk} a")
    page.wait_for_selector("#claim-form[data-mode=edit]")
    page.select_option("#claim-form select[name=verification_status]", "misleading")
    page.fill("#claim-form textarea[name=note]", "ملاحظة <b>مهمة</b>")
    page.click("#save-claim")
    page.wait_for_selector("#claim-form[data-mode=create]")
    claim.refresh_from_db()
    assert (claim.verification_status_id, claim.version, claim.note) == ("misleading", 2, "ملاحظة <b>مهمة</b>")
    assert page.inner_text(f"#claim-{claim.pk} dd[dir=auto]") == "ملاحظة <b>مهمة</b>"
    # Delete it (after confirming).
    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f"#claim-{claim.pk} button.danger")
    page.wait_for_function("() => document.querySelectorAll('#claim-list .claim').length === 1")
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_a_200kb_article_with_emoji_keeps_offsets(page, live_server, setup, annotator):
    body = ("قال المتحدث 😀 إن 3000 شخص غادروا. " * 6000)[:200_000] + "\nالنهاية 🎉 هنا"
    article = setup(body)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.eval_on_selector("#article-text", "el => el.textContent.length") == len(body.encode("utf-16-le")) // 2
    start = body.rindex("النهاية")
    select(page, body, start, start + 7)
    assert form_span(page) == (start, start + 7, "النهاية")
    save(page, "true", 1)
    claim = Claim.objects.get()
    assert body[claim.start : claim.end] == "النهاية"


def test_reselecting_after_escape_and_saving_an_empty_form(page, live_server, setup, annotator):
    article = setup(PERSIAN)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    start = article.text.index("الباغوز")
    select(page, article.text, start, start + 7)
    page.keyboard.press("Escape")
    assert page.eval_on_selector("#claim-form [name=quote]", "el => el.value") == ""
    select(page, article.text, start, start + 7)  # the same words again fill the form again
    save(page, "true", 1)
    # The saved claim's selection is still on screen: saving again must not reuse it.
    page.click("#save-claim")
    page.wait_for_selector("#claim-form .errors [data-code=empty_span], #claim-form .errors li")
    assert Claim.objects.count() == 1


def test_a_stale_edit_in_a_second_tab_is_refused_and_shows_the_stored_claim(browser, live_server, setup, annotator):
    article = setup(PERSIAN)
    claim = factories.make_claim(article, annotator, "۳۰۰۰ نفر")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    first = context.new_page()
    login(first, live_server, annotator)
    second = context.new_page()
    tabs = (first, second)
    for tab in tabs:
        tab.goto(live_server.url + article.get_absolute_url())
        tab.click(f"#claim-{claim.pk} a")
        tab.wait_for_selector("#claim-form[data-mode=edit]")
    second.select_option("#claim-form select[name=verification_status]", "true")
    second.click("#save-claim")
    second.wait_for_selector("#claim-form[data-mode=create]")
    first.select_option("#claim-form select[name=verification_status]", "false")
    first.fill("#claim-form textarea[name=note]", "my careful note")
    first.click("#save-claim")
    first.wait_for_selector("#claim-form [data-code=stale]")
    assert first.input_value(f"#claim-{claim.pk} input[name=version]") == "2"  # the list shows the stored claim
    assert first.input_value("#claim-form textarea[name=note]") == "my careful note"  # nothing typed is lost
    claim.refresh_from_db()
    assert (claim.verification_status_id, claim.version) == ("true", 2)
    # Saving again, knowingly, replaces it.
    first.click("#save-claim")
    first.wait_for_selector("#claim-form[data-mode=create]")
    claim.refresh_from_db()
    assert (claim.verification_status_id, claim.version, claim.note) == ("false", 3, "my careful note")
    context.close()


# A segmenter that disagrees with Python's `regex` about every grapheme: one UTF-16 code unit per
# segment, so it would cut harakat from their letters, ZWJ sequences and flags into pieces. The
# page must not depend on it: only the server snaps (annotations/text.py).
CODE_UNIT_SEGMENTER = """
(() => {
  class CodeUnitSegmenter {
    constructor(locales, options) { this.options = options || {}; }
    segment(input) {
      const piece = (i) => ({ segment: input[i], index: i, input: input, isWordLike: true });
      return {
        containing: (i) => (i >= 0 && i < input.length ? piece(i) : undefined),
        [Symbol.iterator]: function* () { for (let i = 0; i < input.length; i++) yield piece(i); },
      };
    }
    resolvedOptions() { return { locale: "und", granularity: this.options.granularity || "grapheme" }; }
    static supportedLocalesOf() { return []; }
  }
  Intl.Segmenter = CodeUnitSegmenter;
})();
"""


def test_a_browser_that_disagrees_about_graphemes_saves_the_servers_span(page, live_server, project, annotator, adjudicator):
    """Issue 10: with another Unicode version than Python's, the page computed other graphemes and its
    saves were refused as not canonical. Now the page sends the raw selection and stores what the
    server snapped: the same span whatever the browser thinks a character is."""
    from annotations import text as textlib

    text = VOCALISED + "\n" + EMOJI
    article = factories.make_article(text, project=project, external_id="segmenter")
    factories.assign(article, annotator)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.add_init_script(CODE_UNIT_SEGMENTER)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    family = text.index("👨")
    assert page.evaluate("(s) => Array.from(new Intl.Segmenter().segment(s)).length", "👨\u200d👩\u200d👧") == 8
    word = "المُتَحَدِّثُ"
    at = text.index(word)
    raw = [
        (at + 3, at + 6),  # from a letter's damma (split from its mim) to inside the shadda cluster
        (family + 2, family + 3),  # a ZWJ inside the family sequence
        (text.index("🇸🇾") + 1, text.index("🎉")),  # from the second half of a flag
    ]
    for count, (start, end) in enumerate(raw, start=1):
        want = textlib.snap_span(text, start, end)
        select(page, text, start, end)
        assert form_span(page) == (want[0], want[1], text[want[0] : want[1]])
        # The page highlights the span the server will store, not the raw selection.
        painted = page.evaluate("""() => { const [r] = CSS.highlights.get('claim-pending'); return r.toString(); }""")
        assert painted == text[want[0] : want[1]]
        if count == 1:
            page.evaluate("() => document.getSelection().removeAllRanges()")  # show the highlight alone
            page.wait_for_selector("form[data-selection='']", state="attached")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "snapped-selection.png"), caret="initial")
        save(page, "mostly_true", count)
    for start, end in raw:
        want = textlib.snap_span(text, start, end)
        claim = Claim.objects.get(start=want[0])
        assert (claim.start, claim.end) == want and text[claim.start : claim.end] == claim.quote
        textlib.validate_span(text, claim.start, claim.end, claim.quote)
    # The claimant's selection and the gold form take the server's span the same way.
    flag = text.index("🇸🇾")
    select(page, text, at + 4, at + 5)
    page.click("#anchor-source")
    select(page, text, flag + 1, flag + 3)
    page.wait_for_function("() => document.getElementById('claim-form').elements.source_start.value !== ''")
    save(page, "false", 4)
    claim = Claim.objects.get(verification_status_id="false")
    assert (claim.source_start, claim.source_end) == textlib.snap_span(text, flag + 1, flag + 3)
    assert text[claim.source_start : claim.source_end] == claim.source_quote == "🇸🇾"
    article.assignments.update(state="submitted")
    page.context.clear_cookies()
    login(page, live_server, adjudicator)
    page.goto(live_server.url + reverse("adjudication_detail", args=[article.pk]))
    page.click("#gold-form summary")
    select(page, text, family + 3, family + 4)  # inside the sequence again, its second ZWJ
    page.select_option("#gold-form select[name=verification_status]", "true")
    page.click("#save-gold")
    page.wait_for_function("() => document.querySelectorAll('#gold-list .claim').length === 1")
    gold = GoldClaim.objects.get()
    assert (gold.start, gold.end) == textlib.snap_span(text, family + 3, family + 4)
    assert text[gold.start : gold.end] == gold.quote == "👨\u200d👩\u200d👧"
