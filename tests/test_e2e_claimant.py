"""Browser tests of marking the claimant in the text: mouse drags and keyboard selections."""

import pytest

from annotations.models import Claim

from .browser import VOCALISED, form_span, login, save, select, utf16

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]


def test_claimant_marked_in_the_text(page, live_server, setup, annotator):
    article = setup(VOCALISED)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    claim_at = article.text.index("إِنَّ")
    select(page, article.text, claim_at, len(article.text) - 1)
    page.click("#anchor-source")
    name = "المُتَحَدِّثُ"
    name_at = article.text.index(name)
    page.evaluate("() => document.getSelection().removeAllRanges()")
    select(page, article.text, name_at, name_at + len(name))
    page.wait_for_function("() => document.getElementById('claim-form').elements.source_start.value !== ''")
    page.select_option("#claim-form select[name=source_kind]", "government_body")
    save(page, "unverifiable", 1)
    claim = Claim.objects.get()
    assert claim.quote == article.text[claim_at : len(article.text) - 1]
    assert (claim.source.name, claim.source.kind) == (name, "government_body")
    assert article.text[claim.source_start : claim.source_end] == name


BALI = "مصطفى بالي قال لرويترز إن 3000 شخص غادروا الباغوز.\nوقال مصدر آخر إن 3000 استسلموا."

# What the form holds, read one frame and a moment after an input event (selectionchange is queued, not immediate).
PROBE = """() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
    const f = document.getElementById('claim-form');
    resolve({selected: document.getSelection().toString(), name: f.elements.source_name.value,
             source: [f.elements.source_start.value, f.elements.source_end.value, f.elements.source_quote.value],
             claim: [f.elements.start.value, f.elements.end.value, f.elements.quote.value]});
}, 30)))"""


def drag(page, text: str, start_cp: int, end_cp: int, steps: int = 8) -> list[dict]:
    """Drag the real mouse from the logical start of text[start_cp:end_cp] to its end (one line of
    right-to-left text: from the first letter's right edge to the last letter's left edge), and
    return what the form held after each move, before the button is released."""
    edges = page.evaluate(
        """([s, s1, e1, e]) => { const n = document.getElementById('article-text').firstChild;
            const rect = (a, b) => { const r = document.createRange(); r.setStart(n, a); r.setEnd(n, b); return r.getClientRects()[0]; };
            const first = rect(s, s1), last = rect(e1, e);
            return [first.right - 2, first.top + first.height / 2, last.left + 2, last.top + last.height / 2]; }""",
        [utf16(text, start_cp), utf16(text, start_cp + 1), utf16(text, end_cp - 1), utf16(text, end_cp)],
    )
    x0, y0, x1, y1 = edges
    assert abs(y0 - y1) < 2 and x1 < x0  # one line, read right to left
    page.mouse.move(x0, y0)
    page.mouse.down()
    seen = []
    for i in range(1, steps + 1):
        page.mouse.move(x0 + (x1 - x0) * i / steps, y0)
        seen.append(page.evaluate(PROBE))
    page.mouse.up()
    return seen


def test_claimant_dragged_with_the_mouse_is_the_whole_name(page, live_server, setup, annotator):
    """Issue 9: the claimant name was taken from the first selectionchange of a drag (one letter)."""
    article = setup(BALI)
    text = article.text
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    # The claim itself, dragged with the mouse too: while dragging the form may follow the
    # selection, but after the button is released it holds the whole selection.
    claim_quote = "إن 3000 شخص غادروا الباغوز"
    claim_at = text.index(claim_quote)
    seen = drag(page, text, claim_at, claim_at + len(claim_quote))
    assert seen[-1]["selected"].strip() == claim_quote
    page.wait_for_function("(q) => document.getElementById('claim-form').elements.quote.value === q", arg=claim_quote)
    assert form_span(page) == (claim_at, claim_at + len(claim_quote), claim_quote)
    # Mark the claimant, with the Claimant field empty, then drag over the name.
    assert page.input_value("#claim-form input[name=source_name]") == ""
    page.click("#anchor-source")
    name = "مصطفى بالي"
    name_at = text.index(name)
    seen = drag(page, text, name_at, name_at + len(name))
    assert len(seen[len(seen) // 2]["selected"].strip()) > 1  # the drag really selected letter by letter
    assert seen[-1]["selected"].strip() == name
    for step in seen:
        # Nothing is taken until the button is released: no single letter, no partial name.
        assert step["name"] == "" and step["source"] == ["", "", ""], seen
    page.wait_for_function("(n) => document.getElementById('claim-form').elements.source_quote.value === n", arg=name)
    after = page.evaluate(PROBE)
    assert after["name"] == name and after["source"] == [str(name_at), str(name_at + len(name)), name]
    assert after["claim"] == [str(claim_at), str(claim_at + len(claim_quote)), claim_quote]  # the claim kept its span
    assert page.get_attribute("#anchor-source", "aria-pressed") == "false"  # one selection, then the mode ends
    save(page, "unverifiable", 1)
    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.quote) == (claim_at, claim_at + len(claim_quote), claim_quote)
    assert claim.source.name == name
    assert text[claim.source_start : claim.source_end] == name


def test_claimant_extended_with_shift_and_arrows_is_the_whole_extension(page, live_server, setup, annotator):
    """Keyboard selection: Chromium extends a selection (not a bare caret) in page text with
    Shift+arrows, so the claimant starts as a double-clicked word and grows letter by letter."""
    article = setup(BALI)
    text = article.text
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    claim_quote = "إن 3000 شخص غادروا الباغوز"
    claim_at = text.index(claim_quote)
    select(page, text, claim_at, claim_at + len(claim_quote))
    page.keyboard.press("Alt+KeyC")
    assert page.get_attribute("#anchor-source", "aria-pressed") == "true"
    first, name = "مصطفى", "مصطفى بالي"
    point = page.evaluate(
        """() => { const n = document.getElementById('article-text').firstChild; const r = document.createRange();
            r.setStart(n, 0); r.setEnd(n, 3); const b = r.getClientRects()[0]; return [b.x + b.width / 2, b.top + b.height / 2]; }"""
    )
    page.mouse.dblclick(*point)
    page.wait_for_function("(n) => document.getElementById('claim-form').elements.source_quote.value === n", arg=first)
    # Shift+Left grows it (in right-to-left text Left moves forward), with a pause while Shift is held.
    page.keyboard.down("Shift")
    seen = []
    for _ in name[len(first):]:
        page.keyboard.press("ArrowLeft")
        seen.append(page.evaluate(PROBE))
    page.wait_for_timeout(600)
    seen.append(page.evaluate(PROBE))
    page.keyboard.up("Shift")
    assert seen[-1]["selected"] == name
    for step in seen:
        # Until Shift is released the claimant stays the word, and the claim keeps its span.
        assert step["name"] == first and step["source"] == ["0", str(len(first)), first], seen
        assert step["claim"] == [str(claim_at), str(claim_at + len(claim_quote)), claim_quote], seen
    page.wait_for_function("(n) => document.getElementById('claim-form').elements.source_quote.value === n", arg=name)
    after = page.evaluate(PROBE)
    assert after["name"] == name and after["source"] == ["0", str(len(name)), name]
    assert after["claim"] == [str(claim_at), str(claim_at + len(claim_quote)), claim_quote]
    save(page, "unverifiable", 1)
    claim = Claim.objects.get()
    assert (claim.source.name, text[claim.source_start : claim.source_end]) == (name, name)
    assert claim.quote == claim_quote
