"""Browser test of canonical claims: a Persian claim gets the Arabic canonical claim suggested, is linked,
and the canonical claim's page shows both appearances highlighted in their own language."""

import pytest

from annotations import workflow
from annotations.models import Appearance, Source

from . import factories
from .browser import login, save, select

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("default_vocabularies")]

ARABIC = "قال مصطفى بالي لوكالة رويترز إن ٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة.\nوأضاف أن المعارك مستمرة."
AR_QUOTE = "٣٠٠٠ عنصر من داعش استسلموا في الباغوز خلال 24 ساعة"
PERSIAN = "به گزارش ایسنا مصطفی بالی توییت کرد: طی ۲۴ ساعت ۳۰۰۰ تروریست داعشی خود را تسلیم نیروهای ما در الباغوز کردند.\nانتهای پیام"
FA_QUOTE = "طی ۲۴ ساعت ۳۰۰۰ تروریست داعشی خود را تسلیم نیروهای ما در الباغوز کردند"


def test_link_a_persian_claim_to_the_arabic_canonical_claim(page, live_server, project, annotator, adjudicator):
    project.annotators_link_claims = True
    project.save()
    arabic = factories.make_article(ARABIC, project=project, external_id="ar-1", language="ar")
    persian = factories.make_article(PERSIAN, project=project, external_id="fa-1", language="fa")
    for article in (arabic, persian):
        factories.assign(article, annotator)
    bali = Source.objects.create(name="مصطفى بالي", kind="person")
    canonical = workflow.create_canonical(user=adjudicator, target=factories.make_claim(arabic, annotator, AR_QUOTE, source=bali))
    unrelated = workflow.create_canonical(
        user=adjudicator, target=factories.make_claim(arabic, annotator, "المعارك مستمرة")
    )

    login(page, live_server, annotator)
    page.goto(live_server.url + persian.get_absolute_url())
    start = persian.text.index(FA_QUOTE)
    select(page, persian.text, start, start + len(FA_QUOTE))
    save(page, "unassessed", 1)

    # Seen before? The Arabic canonical claim is suggested, for its numbers in another script.
    page.click("#claim-list .claim .seen-before")
    candidate = f'.canonical-panel .candidate[data-canonical-id="{canonical.pk}"]'
    page.wait_for_selector(candidate)
    reasons = page.inner_text(f"{candidate} .reasons")
    assert "3000" in reasons and "24" in reasons
    assert page.locator(f'.canonical-panel .candidate[data-canonical-id="{unrelated.pk}"]').count() == 0
    page.click(f"{candidate} button.link-match")
    page.wait_for_selector(".canonical-panel .linked a")
    claim = persian.claims.get()
    assert Appearance.objects.get(claim=claim).canonical == canonical

    page.click(".canonical-panel .linked a")
    page.wait_for_url(live_server.url + canonical.get_absolute_url())
    shown = page.eval_on_selector_all(
        "li.appearance",
        "items => items.map(li => { const p = li.querySelector('.in-context'); const m = p.querySelector('mark');"
        " return [p.lang, p.dir, getComputedStyle(p).direction, m.textContent, getComputedStyle(m).backgroundColor]; })",
    )
    assert sorted(row[:4] for row in shown) == [["ar", "rtl", "rtl", AR_QUOTE], ["fa", "rtl", "rtl", FA_QUOTE]]
    assert all(row[4] not in ("", "rgba(0, 0, 0, 0)", "transparent") for row in shown)  # highlighted
