"""Browser tests of annotating with the keyboard only (issue 12): a caret in right-to-left text,
selections grown with Shift+arrows, labels chosen with 1–9, saving, editing, deleting and Undo."""

from pathlib import Path

import pytest

from annotations.models import Claim

from .browser import form_span, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PERSIAN_SEED = "003_259b58e3c24a98a7.txt"
ARABIC_SEED = "001_fecb8b2d1898e5e9.txt"


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8").replace("\r\n", "\n")


def caret(page) -> int:
    """The caret (the selection's focus) in #article-text, in code points."""
    return page.evaluate(
        """() => { const s = document.getSelection(); const r = document.createRange();
            r.selectNodeContents(document.getElementById('article-text')); r.setEnd(s.focusNode, s.focusOffset);
            return Array.from(r.toString()).length; }"""
    )


def caret_to(page, cp: int) -> None:
    """Move the caret to code point `cp` with arrows only: by word, then by letter. In
    right-to-left text Left moves forward (visual order), Right back."""
    for _ in range(60):
        before = caret(page)
        if before >= cp - 12:
            break
        page.keyboard.press("Control+ArrowLeft")
        assert caret(page) > before  # Left is forward in right-to-left text
    for _ in range(40):
        at = caret(page)
        if at == cp:
            return
        page.keyboard.press("ArrowLeft" if at < cp else "ArrowRight")
    assert caret(page) == cp


def select_words(page, words: int) -> None:
    page.keyboard.down("Shift")
    for _ in range(words):
        page.keyboard.press("Control+ArrowLeft")
    page.keyboard.up("Shift")


def tab_to(page, name: str) -> None:
    for _ in range(60):
        if page.evaluate("() => document.activeElement.name || document.activeElement.id") == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}")


def choose(page, name: str, key: int) -> str:
    """Focus a label list with Tab and choose its `key`-th value with a digit key; return the value."""
    tab_to(page, name)
    page.keyboard.press(f"Digit{key}")
    value = page.eval_on_selector(f"#claim-form select[name={name}]", f"el => [...el.options].filter(o => o.value)[{key - 1}].value")
    assert page.input_value(f"#claim-form select[name={name}]") == value
    return value


def settled(page) -> None:
    """Wait until htmx has finished swapping and processing what a response brought."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def wait_for_quote(page, quote: str, field: str = "quote") -> None:
    page.wait_for_function("([f, q]) => document.getElementById('claim-form').elements[f].value === q", arg=[field, quote])


def claim_with_keys(page, text: str, quote: str, claimant: str) -> dict:
    """Select `quote` and mark `claimant` in the text, choose labels, save: all with keys."""
    page.keyboard.press("Alt+KeyT")
    at = text.index(quote)
    caret_to(page, at)
    select_words(page, len(quote.split()))
    wait_for_quote(page, quote)
    assert form_span(page) == (at, at + len(quote), quote)
    page.keyboard.press("Alt+KeyC")  # the next selection is the claimant
    page.keyboard.press("Alt+KeyT")
    name_at = text.index(claimant)
    caret_to(page, name_at)  # moving the caret (a collapsed selection) leaves the claim as it is
    select_words(page, len(claimant.split()))
    wait_for_quote(page, claimant, "source_quote")
    labels = {name: choose(page, name, key) for name, key in (("claim_type", 1), ("check_worthiness", 1), ("verification_status", 2), ("attribution", 2))}
    labels["source_kind"] = choose(page, "source_kind", 3)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.querySelectorAll('#claim-list .claim').length === 1")
    return labels


def test_a_whole_claim_with_the_keyboard_in_persian(page, live_server, setup, annotator):
    text = seed(PERSIAN_SEED)
    article = setup(text)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.eval_on_selector("#article-text", "el => el.textContent") == text
    quote, claimant = "تسلیم شدن ۳۰۰۰ تن", "نیروهای دموکراتیک سوریه"
    labels = claim_with_keys(page, text, quote, claimant)
    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.quote) == (text.index(quote), text.index(quote) + len(quote), quote)
    assert (claim.source.name, claim.source.kind, text[claim.source_start : claim.source_end]) == (claimant, labels["source_kind"], claimant)
    assert (claim.claim_type_id, claim.verification_status_id, claim.attribution_id) == (
        labels["claim_type"], labels["verification_status"], labels["attribution"]
    )
    # The labels do not carry over to the next claim.
    assert page.input_value("#claim-form select[name=verification_status]") == "unassessed"
    # Edit it: ] focuses the claim, Enter opens it, 3 chooses another verdict, Ctrl+Enter saves.
    page.keyboard.press("Alt+KeyT")
    page.keyboard.press("BracketRight")
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-form[data-mode=edit]")
    verdict = choose(page, "verification_status", 3)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#claim-form[data-mode=create]")
    settled(page)
    claim.refresh_from_db()
    assert (claim.verification_status_id, claim.version) == (verdict, 2)
    assert page.evaluate("() => location.pathname") == article.get_absolute_url()
    # Delete it with Del, then Undo (focused by the message) with Enter.
    page.keyboard.press("Alt+KeyT")
    page.keyboard.press("BracketRight")
    page.keyboard.press("Delete")
    page.wait_for_selector("#undo-delete:focus")
    assert not Claim.objects.exists()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#claim-list .claim').length === 1")
    restored = Claim.objects.get()
    assert (restored.pk, restored.quote, restored.verification_status_id, restored.version) == (claim.pk, quote, verdict, 3)
    # An edit opened at its own address (a new tab, a reload): Esc cancels it, and the address bar
    # is the article's again.
    page.goto(live_server.url + f"/claims/{claim.pk}/edit/")
    page.keyboard.press("Escape")
    page.wait_for_selector("#claim-form[data-mode=create]")
    assert page.evaluate("() => location.pathname") == article.get_absolute_url()


def test_a_whole_claim_with_the_keyboard_in_arabic_survives_a_reload_then_the_next_article(page, live_server, setup, annotator):
    text = seed(ARABIC_SEED)
    article = setup(text)
    following = setup(seed(PERSIAN_SEED))
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    # The claim without the conjunction و written onto it: the caret moves by letter into the word.
    quote, claimant = "استسلام المئات", "مصطفى بالي"
    page.keyboard.press("Alt+KeyT")
    at = text.index(quote)
    caret_to(page, at)
    assert text[at - 1] == "و"
    select_words(page, 2)
    wait_for_quote(page, quote)
    verdict = choose(page, "verification_status", 4)
    # A reload asks first, then puts the unsaved claim back.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]
    wait_for_quote(page, quote)
    assert page.input_value("#claim-form select[name=verification_status]") == verdict
    page.keyboard.press("Alt+KeyC")
    page.keyboard.press("Alt+KeyT")
    caret_to(page, text.index(claimant))
    select_words(page, 2)
    wait_for_quote(page, claimant, "source_quote")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.querySelectorAll('#claim-list .claim').length === 1")
    claim = Claim.objects.get()
    assert (claim.quote, claim.verification_status_id, claim.source.name) == (quote, verdict, claimant)
    assert text[claim.start : claim.end] == quote and text[claim.source_start : claim.source_end] == claimant
    # Saved: no draft is left, and leaving asks nothing.
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('factcheck-draft:')).length") == 0
    page.reload()
    assert dialogs == ["beforeunload"]
    # On to the next article of the queue.
    page.keyboard.press("Alt+KeyN")
    page.wait_for_url(live_server.url + following.get_absolute_url())
