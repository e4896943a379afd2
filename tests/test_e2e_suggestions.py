"""Browser test of suggestions: painted dashed, accepted with Enter, rejected with x."""

import pytest

from annotations.models import Claim, Suggestion, SuggestionDecision

from .browser import EMOJI, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]


def suggest(article, quote, score):
    start = article.text.index(quote)
    return Suggestion.objects.create(
        article=article, start=start, end=start + len(quote), quote=quote, suggester="attribution", model_version="1",
        score=score, claim_type_id="numerical", check_worthiness_id="check_worthy", attribution_id="paraphrase",
    )


def test_accept_with_enter_and_reject_with_x(page, live_server, setup, annotator):
    article = setup(EMOJI)  # emoji before the spans: the highlight must count code points
    accepted = suggest(article, "3000 شخص", 0.9)
    rejected = suggest(article, "الباغوز", 0.5)
    login(page, live_server, annotator)
    page.goto(live_server.url + article.get_absolute_url())
    # Painted as its own highlight, over exactly the suggestion's text; the text itself is untouched.
    painted = page.evaluate(
        "() => Array.from(CSS.highlights.get('suggestion')).map((r) => r.toString())"
    )
    assert sorted(painted) == sorted(["3000 شخص", "الباغوز"])
    assert page.evaluate("() => document.getElementById('article-text').textContent") == article.text
    page.focus(f"#suggestion-{accepted.pk}")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#claim-list .claim').length === 1")
    claim = Claim.objects.get()
    assert (claim.quote, claim.suggestion_id, claim.annotator) == ("3000 شخص", accepted.pk, annotator)
    # The next suggestion has the focus: x rejects it.
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'suggestion-{rejected.pk}'")
    page.keyboard.press("x")
    page.wait_for_function("() => document.querySelectorAll('#suggestion-list .suggestion').length === 0")
    assert SuggestionDecision.objects.get(suggestion=rejected).outcome == "rejected"
    assert Claim.objects.count() == 1
    page.wait_for_function("() => CSS.highlights.get('suggestion').size === 0")  # repainted once the list settles
