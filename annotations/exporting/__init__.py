"""Export formats: JSON, JSONL, CSV, W3C Web Annotation, UIMA CAS XMI, CheckThat! TSV and ClaimReview,
each defined once here (FORMATS) and streamed.

The command, the staff download and the admin actions all call `stream`.
`claims.py` writes articles with their claims (or gold claims), and reads them
for `w3c.py`, `xmi.py` and `checkthat.py`; `canonical.py` the canonical claims
(the JSON export's list, and ClaimReview through the mapping in
`claimreview.py`); all read in chunks, so memory stays flat however much
there is (docs/exports.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from ..models import Article, Claim, GoldClaim, Rejection
from .canonical import iter_canonical_claims, iter_claimreview
from .checkthat import iter_checkthat
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
from .w3c import iter_w3c
from .xmi import iter_xmi

CHUNK = 200  # articles (or canonical claims) per batch: bounds export memory


def _json(rows, *, gold: bool, articles: QuerySet) -> Iterator[str]:
    return iter_json(rows, gold=gold, canonical_claims=iter_canonical_claims(articles, chunk_size=CHUNK))


def _claimreview(rows, *, gold: bool, articles: QuerySet) -> Iterator[str]:
    return iter_claimreview(articles, chunk_size=CHUNK)


def _rows_only(writer):
    """A writer of articles with their claims, which needs nothing else."""
    return lambda rows, *, gold, articles: writer(rows, gold=gold)


@dataclass(frozen=True)
class Format:
    """One export format: its writer, its file, and which rows it takes."""

    media_type: str
    extension: str
    rows: str  # "claims": annotators' claims, or gold with gold=True; "gold": gold only; "canonical"
    write: Callable  # (articles with their claims, *, gold, articles queryset) -> str chunks (bytes if binary)
    label: str = ""  # how the interface names it, when not the key in upper case
    binary: bool = False
    timestamps: bool = True  # whether its rows need created_at and updated_at


FORMATS = {
    "json": Format("application/json", "json", "claims", _json),
    "jsonl": Format("application/x-ndjson", "jsonl", "claims", _rows_only(iter_jsonl)),
    "csv": Format("text/csv", "csv", "claims", _rows_only(iter_csv), timestamps=False),
    "w3c": Format("application/ld+json", "jsonld", "claims", _rows_only(iter_w3c), label="W3C"),
    "xmi": Format("application/zip", "zip", "claims", _rows_only(iter_xmi), label="XMI", binary=True, timestamps=False),
    "checkthat": Format("text/tab-separated-values", "tsv", "gold", _rows_only(iter_checkthat), label="CheckThat", timestamps=False),
    "claimreview": Format("application/ld+json", "jsonld", "canonical", _claimreview, label="ClaimReview"),
}
# The formats of articles with their claims (annotators' or gold), and those gold can be exported in.
CLAIM_FORMATS = tuple(name for name, spec in FORMATS.items() if spec.rows == "claims")
GOLD_FORMATS = tuple(name for name, spec in FORMATS.items() if spec.rows in ("claims", "gold"))


def file_name(fmt: str, *, gold: bool, stamp: str) -> str:
    """The download's file name: what it holds, when, and the format's extension."""
    spec = FORMATS[fmt]
    what = fmt if spec.rows == "canonical" else ("gold" if gold or spec.rows == "gold" else "claims")
    suffix = f"-{fmt}" if spec.extension != fmt and spec.rows != "canonical" else ""
    return f"{what}{suffix}-{stamp}.{spec.extension}"


def stream(
    fmt: str,
    *,
    articles: QuerySet | None = None,
    claims: QuerySet | None = None,
    gold: bool = False,
) -> Iterator[str] | Iterator[bytes]:
    """The chosen format's text (XMI: bytes), chunk by chunk: annotators' claims, or with gold=True the gold claims.

    ClaimReview reviews the canonical claims that appear in the articles; `claims`
    and `gold` do not apply to it. CheckThat! is always gold, of the articles with a gold decision.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    spec = FORMATS[fmt]
    articles = Article.objects.all() if articles is None else articles
    if spec.rows == "canonical":
        return spec.write(iter(()), gold=False, articles=articles)
    if spec.rows == "gold":
        gold = True
        decided = Exists(GoldClaim.objects.filter(article=OuterRef("pk"))) | Exists(Rejection.objects.filter(article=OuterRef("pk")))
        articles = articles.filter(decided)
    if claims is None:
        claims = GoldClaim.objects.all() if gold else Claim.objects.all()
    rows = iter_articles(articles, claims, gold=gold, timestamps=spec.timestamps, chunk_size=CHUNK, with_pk=fmt == "w3c")
    return spec.write(rows, gold=gold, articles=articles)
