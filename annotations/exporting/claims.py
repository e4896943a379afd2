"""Articles with their claims (or gold claims) as JSON, JSONL and CSV (docs/exports.md).

Articles are read in keyset-paged chunks and their claims fetched per chunk,
so memory stays flat however many claims there are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from django.db.models import QuerySet

from ..models import GoldClaim
from .common import OFFSET_UNIT, SCHEMA_VERSION, chunks, dumps, json_list

ARTICLE_FIELDS = ("id", "external_id", "title", "language", "text", "text_sha256", "url", "outlet", "published_at")
SPAN_FIELDS = (
    "id", "article_id", "start", "end", "quote", "claim_type_id", "check_worthiness_id",
    "verification_status_id", "attribution_id", "source__name", "source__kind", "source_start",
    "source_end", "evidence", "note", "appearance__canonical_id", "created_at", "updated_at",
)
SUGGESTION_FIELDS = ("suggestion_model", "suggestion_model_version", "suggestion_score")
CLAIM_FIELDS = (*SPAN_FIELDS, "annotator__username", *SUGGESTION_FIELDS)
GOLD_FIELDS = (*SPAN_FIELDS, "provenance", "adjudicator__username", "decision_note")
CSV_SPAN_COLUMNS = (
    "article_external_id", "language", "text_sha256", "offset_unit", "claim_id", "start", "end",
    "quote", "claim_type", "check_worthiness", "verification_status", "attribution",
    "source_name", "source_kind", "source_start", "source_end", "evidence", "note",
)
# New columns come last, so the columns that were there before them keep their places.
CSV_COLUMNS = (*CSV_SPAN_COLUMNS, "annotator", "canonical_claim", *SUGGESTION_FIELDS)
CSV_GOLD_COLUMNS = (*CSV_SPAN_COLUMNS, "provenance", "adjudicator", "annotators", "decision_note", "canonical_claim")
# A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _claim(row: dict) -> dict:
    source = None
    if row["source__name"] is not None:
        source = {
            "name": row["source__name"],
            "kind": row["source__kind"],
            "start": row["source_start"],
            "end": row["source_end"],
        }
    return {
        "id": row["id"],
        "start": row["start"],
        "end": row["end"],
        "quote": row["quote"],
        "claim_type": row["claim_type_id"],
        "check_worthiness": row["check_worthiness_id"],
        "verification_status": row["verification_status_id"],
        "attribution": row["attribution_id"],
        "source": source,
        "evidence": row["evidence"] or [],
        "note": row["note"],
        "canonical_claim": row["appearance__canonical_id"],
        "created_at": row["created_at"].isoformat() if "created_at" in row else None,
        "updated_at": row["updated_at"].isoformat() if "updated_at" in row else None,
    }


def suggestion_provenance(model: str, version: str, score: float | None) -> dict | None:
    """The suggestion a claim was accepted from, as exports write it, or None for a claim made by hand."""
    return {"model": model, "model_version": version, "score": score} if model else None


def _annotator_claim(row: dict, _extra: dict) -> dict:
    return {
        **_claim(row),
        "annotator": row["annotator__username"],
        "suggestion": suggestion_provenance(*(row[name] for name in SUGGESTION_FIELDS)),
    }


def _gold_claim(row: dict, sources: dict[int, list[dict]]) -> dict:
    from_claims = sources.get(row["id"], [])
    return {
        **_claim(row),
        "provenance": row["provenance"],
        "adjudicator": row["adjudicator__username"],
        "annotators": sorted({claim["annotator"] for claim in from_claims}),
        "decision_note": row["decision_note"],
        "from_claims": from_claims,
    }


def _article(row: dict, claims: list[dict]) -> dict:
    return {
        "external_id": row["external_id"],
        "title": row["title"],
        "language": row["language"],
        "text": row["text"],
        "text_sha256": row["text_sha256"],
        "url": row["url"],
        "outlet": row["outlet"],
        "published_at": row["published_at"].isoformat() if row["published_at"] else None,
        "claims": claims,
    }


def _gold_sources(ids: list[int]) -> dict[int, list[dict]]:
    """The claims each gold claim came from: annotator and span, enough to relink them on restore."""
    result: dict[int, list[dict]] = {}
    links = GoldClaim.annotations.through.objects.filter(goldclaim_id__in=ids).order_by("claim__start", "claim__end", "claim_id")
    fields = ("goldclaim_id", "claim__annotator__username", "claim__start", "claim__end", *(f"claim__{name}" for name in SUGGESTION_FIELDS))
    for gold_id, username, start, end, *suggestion in links.values_list(*fields):
        result.setdefault(gold_id, []).append(
            {"annotator": username, "start": start, "end": end, "suggestion": suggestion_provenance(*suggestion)}
        )
    return result


def iter_articles(
    articles: QuerySet, claims: QuerySet, *, gold: bool = False, timestamps: bool = True, chunk_size: int, with_pk: bool = False
) -> Iterator[dict]:
    """Each article in the export shape with its claims, in primary-key order (with_pk: and its "id").

    Two ordered streams, articles and their claims, are merged as they are read
    (server-side cursors on PostgreSQL), a chunk of articles at a time: two
    queries in all (each claim's canonical claim comes with it, joined through
    its appearance), and memory bounded by one chunk.
    """
    fields, shape = (GOLD_FIELDS, _gold_claim) if gold else (CLAIM_FIELDS, _annotator_claim)
    if not timestamps:  # CSV has no timestamp columns: do not fetch and convert them
        fields = tuple(name for name in fields if name not in ("created_at", "updated_at"))
    article_rows = articles.order_by("pk").values(*ARTICLE_FIELDS).iterator(chunk_size=chunk_size)
    claim_rows = (
        claims.filter(article__in=articles.values("pk"))
        .order_by("article_id", "start", "end", "pk")
        .values(*fields)
        .iterator(chunk_size=chunk_size * 5)
    )
    pending = next(claim_rows, None)
    for chunk in chunks(article_rows, chunk_size):
        last = chunk[-1]["id"]
        rows: list[dict] = []
        while pending is not None and pending["article_id"] <= last:
            rows.append(pending)
            pending = next(claim_rows, None)
        extra = _gold_sources([row["id"] for row in rows]) if gold else {}
        by_article: dict[int, list[dict]] = {row["id"]: [] for row in chunk}
        for row in rows:
            if row["article_id"] in by_article:
                by_article[row["article_id"]].append(shape(row, extra))
        for row in chunk:
            article = _article(row, by_article[row["id"]])
            if with_pk:  # for formats that name the article's page (W3C) or need it for a file name
                article["id"] = row["id"]
            yield article


def iter_json(articles: Iterable[dict], *, gold: bool = False, canonical_claims: Iterable[dict] = ()) -> Iterator[str]:
    header = {
        "schema_version": SCHEMA_VERSION,
        "offset_unit": OFFSET_UNIT,
        "gold": gold,
        "exported_at": datetime.now(UTC).isoformat(),
    }
    yield dumps(header)[:-1] + ', "articles": ['
    yield from json_list(articles)
    # After the articles, so a reader meets every article an appearance names first.
    yield '], "canonical_claims": ['
    yield from json_list(canonical_claims)
    yield "]}\n"


def iter_jsonl(articles: Iterable[dict], *, gold: bool = False) -> Iterator[str]:
    for article in articles:
        # Each line stands alone, so each states its unit.
        yield dumps({"schema_version": SCHEMA_VERSION, "offset_unit": OFFSET_UNIT, **article}) + "\n"


def formula_safe(value: object) -> object:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    Text already starting with apostrophes before such a character gets one
    more, so removing one apostrophe (formula_unsafe) always gives the value
    back. Numbers are left alone: a negative number is not a formula.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START):
        return "'" + value
    return value


def formula_unsafe(value: object) -> object:
    """The value formula_safe was given."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(FORMULA_START):
        return value[1:]
    return value


class LineBuffer:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def iter_csv(articles: Iterable[dict], *, gold: bool = False) -> Iterator[str]:
    columns = CSV_GOLD_COLUMNS if gold else CSV_COLUMNS
    writer = csv.writer(LineBuffer())
    yield writer.writerow(columns)
    for article in articles:
        lead = [article["external_id"], article["language"], article["text_sha256"], OFFSET_UNIT]
        if not article["claims"]:
            # Articles without claims are listed too, with empty claim columns.
            yield writer.writerow([formula_safe(v) for v in lead] + [""] * (len(columns) - len(lead)))
        for claim in article["claims"]:
            source = claim["source"] or {}
            cells = lead + [
                claim["id"], claim["start"], claim["end"], claim["quote"], claim["claim_type"],
                claim["check_worthiness"], claim["verification_status"], claim["attribution"],
                source.get("name", ""), source.get("kind", ""), source.get("start", ""),
                source.get("end", ""), " ".join(claim["evidence"]), claim["note"],
            ]
            if gold:
                cells += [claim["provenance"], claim["adjudicator"], " ".join(claim["annotators"]), claim["decision_note"]]
            else:
                cells.append(claim["annotator"])
            cells.append(claim["canonical_claim"])
            if not gold:
                suggestion = claim["suggestion"] or {}
                cells += [suggestion.get("model", ""), suggestion.get("model_version", ""), suggestion.get("score", "")]
            yield writer.writerow([formula_safe(cell) for cell in cells])
