"""Canonical claims in the exports: the JSON export's `canonical_claims` list, and ClaimReview.

Both cover the canonical claims with an appearance in the exported articles,
read by id in chunks, with what each needs fetched per chunk (docs/exports.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, QuerySet

from ..models import CanonicalClaim, Evidence, Verdict
from . import claimreview
from .common import chunks, dumps, in_export, iso, json_list

CANONICAL_FIELDS = (
    "id", "statement", "language", "translation", "translation_language", "claimant__name", "claimant__kind",
    "verdict_id", "verdict_override_note", "first_appearance_url", "first_appeared_on", "note",
)
EVIDENCE_FIELDS = ("canonical_id", "url", "title", "published_on", "archived_url", "checked_on")
APPEARANCE_FIELDS = (
    "canonical_id", "article_id", "article__external_id", "gold_claim_id", "gold_claim__start",
    "gold_claim__end", "claim__start", "claim__end", "claim__annotator__username",
)
CLAIMREVIEW_FIELDS = (
    "id", "statement", "language", "claimant__name", "claimant__kind", "verdict_id", "verdict_at", "updated_at",
    "first_appearance_url", "first_appeared_on",
)
CLAIMREVIEW_ARTICLE_FIELDS = (
    "canonical_id", "article_id", "article__url", "article__title", "article__published_at", "article__outlet",
)


def _appearance(row: dict) -> dict:
    gold = row["gold_claim_id"] is not None
    kind = "gold_claim" if gold else "claim"
    return {
        "external_id": row["article__external_id"],
        "start": row[f"{kind}__start"],
        "end": row[f"{kind}__end"],
        "gold": gold,
        "annotator": None if gold else row["claim__annotator__username"],
    }


def _appearance_order(row: dict) -> tuple:
    """The articles in export order, each one's appearances by span, gold first."""
    kind = "claim" if row["gold_claim_id"] is None else "gold_claim"
    return (row["article_id"], row[f"{kind}__start"], row[f"{kind}__end"], kind == "claim", row["claim__annotator__username"] or "")


def _canonical(row: dict, evidence: list[dict], appearances: list[dict]) -> dict:
    claimant = None
    if row["claimant__name"] is not None:
        claimant = {"name": row["claimant__name"], "kind": row["claimant__kind"]}
    return {
        "id": row["id"],
        "statement": row["statement"],
        "language": row["language"],
        "translation": row["translation"],
        "translation_language": row["translation_language"],
        "claimant": claimant,
        "verdict": row["verdict_id"],
        "verdict_override_note": row["verdict_override_note"],
        "first_appearance_url": row["first_appearance_url"],
        "first_appeared_on": iso(row["first_appeared_on"]),
        "note": row["note"],
        "evidence": evidence,
        "appearances": appearances,
    }


def iter_canonical_claims(articles: QuerySet, *, chunk_size: int) -> Iterator[dict]:
    """Each canonical claim with an appearance in the exported articles, with its evidence and
    those appearances (gold and annotators' alike), by id: one query for the canonical claims
    and two per chunk of them."""
    appearances = in_export(articles)
    rows = (
        CanonicalClaim.objects.filter(pk__in=appearances.values("canonical_id"))
        .order_by("pk")
        .values(*CANONICAL_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for chunk in chunks(rows, chunk_size):
        ids = [row["id"] for row in chunk]
        evidence: dict[int, list[dict]] = {pk: [] for pk in ids}
        items = Evidence.objects.filter(canonical_id__in=ids).order_by(
            "canonical_id", F("published_on").asc(nulls_last=True), "pk"
        )
        for item in items.values(*EVIDENCE_FIELDS):
            evidence[item["canonical_id"]].append({
                "url": item["url"],
                "title": item["title"],
                "published_on": iso(item["published_on"]),
                "archived_url": item["archived_url"],
                "checked_on": iso(item["checked_on"]),
            })
        found: dict[int, list[dict]] = {pk: [] for pk in ids}
        for row in appearances.filter(canonical_id__in=ids).values(*APPEARANCE_FIELDS):
            found[row["canonical_id"]].append(row)
        for row in chunk:
            ordered = [_appearance(item) for item in sorted(found[row["id"]], key=_appearance_order)]
            yield _canonical(row, evidence[row["id"]], ordered)


def iter_claimreview(articles: QuerySet, *, chunk_size: int) -> Iterator[str]:
    """One JSON-LD document: a ClaimReview for each canonical claim with a verdict that appears in
    the exported articles, by id. One query for the canonical claims, one per chunk for their articles."""
    verdicts = Verdict.objects.in_bulk()  # read fresh: a verdict added a moment ago in the admin is here
    scale = claimreview.rating_scale(verdicts.values())
    appearances = in_export(articles)
    rows = (
        CanonicalClaim.objects.filter(pk__in=appearances.values("canonical_id"), verdict__isnull=False)
        .exclude(verdict_id=claimreview.UNASSESSED)
        .order_by("pk")
        .values(*CLAIMREVIEW_FIELDS)
        .iterator(chunk_size=chunk_size)
    )

    def reviews() -> Iterator[dict]:
        for chunk in chunks(rows, chunk_size):
            found: dict[int, list[dict]] = {row["id"]: [] for row in chunk}
            pairs = appearances.filter(canonical_id__in=list(found)).order_by("canonical_id", "article_id")
            for item in pairs.values(*CLAIMREVIEW_ARTICLE_FIELDS):
                listed = found[item["canonical_id"]]
                if not listed or listed[-1]["article_id"] != item["article_id"]:  # one entry per article
                    listed.append(item)
            for row in chunk:
                yield claimreview.claim_review(row, found[row["id"]], verdicts=verdicts, scale=scale)

    yield dumps({"@context": claimreview.CONTEXT})[:-1] + ', "@graph": ['
    yield from json_list(reviews())
    yield "]}\n"
