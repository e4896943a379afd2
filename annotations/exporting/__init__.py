"""Export formats: JSON, JSONL, CSV and ClaimReview, each defined once here and streamed.

The command, the staff download and the admin actions all call `stream`.
`claims.py` writes articles with their claims (or gold claims), `canonical.py`
the canonical claims (the JSON export's list, and ClaimReview through the
mapping in `claimreview.py`); both read in chunks, so memory stays flat
however much there is (docs/exports.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from ..models import Article, Claim, GoldClaim
from .canonical import iter_canonical_claims, iter_claimreview
from .claims import (  # noqa: F401
    CSV_COLUMNS,
    CSV_GOLD_COLUMNS,
    FORMULA_START,
    LineBuffer,
    formula_safe,
    formula_unsafe,
    iter_articles,
    iter_csv,
    iter_json,
    iter_jsonl,
)
from .common import OFFSET_UNIT, SCHEMA_VERSION  # noqa: F401

FORMATS = {
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv",
    "claimreview": "application/ld+json",
}
# The formats of articles with their claims (annotators' or gold); ClaimReview has canonical claims only.
CLAIM_FORMATS = ("json", "jsonl", "csv")
CHUNK = 200  # articles (or canonical claims) per batch: bounds export memory


def stream(
    fmt: str,
    *,
    articles: QuerySet | None = None,
    claims: QuerySet | None = None,
    gold: bool = False,
) -> Iterator[str]:
    """The chosen format's text, chunk by chunk: annotators' claims, or with gold=True the gold claims.

    ClaimReview reviews the canonical claims that appear in the articles; `claims`
    and `gold` do not apply to it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    articles = Article.objects.all() if articles is None else articles
    if fmt == "claimreview":
        return iter_claimreview(articles, chunk_size=CHUNK)
    if claims is None:
        claims = GoldClaim.objects.all() if gold else Claim.objects.all()
    rows = iter_articles(articles, claims, gold=gold, timestamps=fmt != "csv", chunk_size=CHUNK)
    if fmt == "json":
        return iter_json(rows, gold=gold, canonical_claims=iter_canonical_claims(articles, chunk_size=CHUNK))
    return (iter_jsonl if fmt == "jsonl" else iter_csv)(rows, gold=gold)
