"""The annotation page's claim rows (annotations/reading/claim_list.py) hold what the ORM would read."""

import pytest

from annotations.models import GoldClaim, Rejection, Source
from annotations.reading import claim_list

from . import factories

TEXT = "قال المتحدث إن 3000 شخص غادروا الباغوز، وإن 200 آخرين بقوا. وقال آخر إن 3000 رقم مبالغ فيه."


@pytest.mark.django_db
def test_rows_are_the_orm_values(annotator, other_annotator, adjudicator):
    article = factories.make_article(TEXT)
    other_article = factories.make_article(TEXT)
    source = Source.objects.create(name="المتحدث", kind="government_body")
    quotes = ["3000", "200", "الباغوز", "المتحدث"]
    claims = [
        factories.make_claim(article, annotator, "3000", occurrence=1),
        factories.make_claim(article, annotator, "3000", evidence=["https://example.org/a?b=1&c=2", "http://x.y/"], note='a "note" <b>'),
        factories.make_claim(article, annotator, "200", source=source, source_start=4, source_end=11, verification_status_id="false"),
        factories.make_claim(article, annotator, "الباغوز"),
        factories.make_claim(article, annotator, "المتحدث", evidence=[]),
    ]
    factories.make_claim(article, other_annotator, "200")  # not the annotator's
    factories.make_claim(other_article, annotator, "200")  # not this article
    gold = GoldClaim.objects.create(
        article=article, adjudicator=adjudicator, provenance="adjudicated", start=claims[2].start, end=claims[2].end,
        quote="200", claim_type_id="numerical", check_worthiness_id="check_worthy", verification_status_id="true",
        attribution_id="direct_quote",
    )
    gold.annotations.add(claims[2])
    Rejection.objects.create(article=article, adjudicator=adjudicator).claims.add(claims[3])

    rows = claim_list.own_claims(article, annotator)
    # The same values, converted as the ORM converts them (JSON evidence, a boolean `decided`), in text order.
    assert [_values(row) for row in rows] == list(claim_list.rows_query(article.pk, annotator.pk))
    assert [(row.start, row.end, row.pk) for row in rows] == sorted((c.start, c.end, c.pk) for c in claims)
    assert {row.quote for row in rows} == set(quotes)
    decided = {row.pk for row in rows if row.decided}
    assert decided == {claims[2].pk, claims[3].pk}
    with_source = next(row for row in rows if row.pk == claims[2].pk)
    assert with_source.source.name == "المتحدث" and str(with_source.source.get_kind_display()) == "Government body"
    assert next(row for row in rows if row.pk == claims[1].pk).evidence == ["https://example.org/a?b=1&c=2", "http://x.y/"]
    assert claim_list.own_claims(other_article, other_annotator) == []


def _values(row) -> tuple:
    source = row.source
    return (
        row.pk, row.start, row.end, row.quote, row.verification_status_id, row.claim_type_id, row.check_worthiness_id,
        row.attribution_id, row.source_id, source and source.name, source and source.kind, row.source_start,
        row.source_end, row.evidence, row.note, row.version, row.decided,
    )
