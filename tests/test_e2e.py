"""Browser tests: real Chromium selecting right-to-left text and saving claims."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Claim, GoldClaim, Source

from . import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _vocabularies(default_vocabularies):
    """Every browser test needs the vocabularies in its selects."""

ARTIFACTS = Path(__file__).parent / "artifacts"
PERSIAN = (
    "به گزارش ایسنا، نیروهای سوریه دموکراتیک می‌گویند ۳۰۰۰ نفر از الباغوز خارج شده‌اند.\n"
    "این منابع افزودند: حملات هوایی ادامه دارد.\nانتهای پیام"
)
VOCALISED = "قالَ المُتَحَدِّثُ: إِنَّ ثَلاثَةَ آلافِ شَخْصٍ غادَروا البَاغُوزَ."
EMOJI = "😀👨\u200d👩\u200d👧🇸🇾 قال المتحدث 🎉 إن 3000 شخص غادروا الباغوز 🏳️ أمس."


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def login(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/articles/")


def select(page, text: str, start_cp: int, end_cp: int):
    """Select [start_cp, end_cp) with Chromium's selection API, given UTF-16 positions as a browser has them."""
    page.evaluate(
        """([s, e]) => {
            const el = document.getElementById('article-text');
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            const nodes = []; let n; while ((n = walker.nextNode())) nodes.push(n);
            const at = (pos) => { for (const node of nodes) { if (pos <= node.length) return [node, pos]; pos -= node.length; } };
            const [a, ao] = at(s), [b, bo] = at(e);
            document.getSelection().setBaseAndExtent(a, ao, b, bo);
        }""",
        [utf16(text, start_cp), utf16(text, end_cp)],
    )
    # Wait until the form holds the server's span for this very selection (it may already hold another).
    page.wait_for_selector(f'form[data-selection="{utf16(text, start_cp)}:{utf16(text, end_cp)}"]', state="attached")


def form_span(page) -> tuple[int, int, str]:
    values = page.evaluate(
        "() => { const f = document.getElementById('claim-form'); return [f.elements.start.value, f.elements.end.value, f.elements.quote.value]; }"
    )
    return int(values[0]), int(values[1]), values[2]


def save(page, verdict: str, count: int):
    page.select_option("#claim-form select[name=verification_status]", verdict)
    page.click("#save-claim")
    page.wait_for_function("(n) => document.querySelectorAll('#claim-list .claim').length === n", arg=count)


@pytest.fixture
def setup(project, annotator):
    def make(text, **fields):
        article = factories.make_article(text, project=project, **fields)
        factories.assign(article, annotator)
        return article

    return make


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


def export(fmt: str) -> str:
    out = StringIO()
    call_command("export_annotations", format=fmt, stdout=out)
    return out.getvalue()


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
        page.click(".submit-article button")
        page.wait_for_url(f"{live_server.url}/articles/")
        context.close()
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, adjudicator)
    page.goto(live_server.url + reverse("adjudication_detail", args=[article.pk]))
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


def export_gold() -> str:
    out = StringIO()
    call_command("export_annotations", format="json", gold=True, stdout=out)
    return out.getvalue()


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
    assert "v2" in first.inner_text(f"#claim-{claim.pk}")
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
