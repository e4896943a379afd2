"""A canonical claim as schema.org ClaimReview: the mapping, field by field (docs/exports.md#claimreview).

Pure mapping of the rows `canonical.py` reads; the document around the reviews,
and the queries that feed it chunk by chunk, are there. It follows schema.org
and Google's fact-check markup: `reviewRating.alternateName` (the verdict's
label) is required, the numbers are recommended and only given for verdicts on
the ordinal scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ..models import SourceKind, Verdict

CONTEXT = "https://schema.org"
# The verdict a canonical claim has before anyone has checked it: not a review.
UNASSESSED = "unassessed"


def canonical_url(pk: int) -> str:
    """The absolute URL of a canonical claim's page on ANNOTATIONS_SITE_URL (an export has no request
    to take the host from)."""
    return settings.ANNOTATIONS_SITE_URL.rstrip("/") + reverse("canonical_detail", args=[pk])


def rating_scale(verdicts: Iterable[Verdict]) -> tuple[int, int] | None:
    """(worst, best) of the vocabulary's ranked verdicts, or None when none is ranked."""
    ranks = [verdict.ordinal_rank for verdict in verdicts if verdict.ordinal_rank is not None]
    return (min(ranks), max(ranks)) if ranks else None


def rating(verdict: Verdict, *, language: str, scale: tuple[int, int] | None) -> dict:
    """The verdict as a Rating: its label in `language`, and its rank on the scale if it has one.

    Verdicts off the scale (unverifiable, satire or myth, not checkable) get the
    label only: a number would place them between true and false.
    """
    result = {"@type": "Rating", "alternateName": verdict.label_in(language)}
    if verdict.ordinal_rank is not None and scale is not None:
        worst, best = scale
        result.update(ratingValue=verdict.ordinal_rank, bestRating=best, worstRating=worst)
    return result


def person_or_organization(name: str, kind: str) -> dict:
    """A claimant as schema.org sees them: a person, or else an organization, named as written."""
    return {"@type": "Person" if kind == SourceKind.PERSON else "Organization", "name": name}


def creative_work(row: dict) -> dict:
    """An article a claim appeared in; what it lacks (URL, title, outlet, date) is left out."""
    work = {"@type": "CreativeWork"}
    if row["article__url"]:
        work["url"] = row["article__url"]
    if row["article__title"]:
        work["headline"] = row["article__title"]
    if row["article__published_at"] is not None:
        work["datePublished"] = row["article__published_at"].isoformat()
    if row["article__outlet"]:
        work["publisher"] = {"@type": "Organization", "name": row["article__outlet"]}
    return work


def _first_appearance(row: dict, articles: list[dict]) -> tuple[dict | None, date | None]:
    """The first appearance and the day the claim was first made: what the desk recorded,
    else the earliest dated article it appeared in."""
    day = row["first_appeared_on"]
    if row["first_appearance_url"]:
        work = {"@type": "CreativeWork", "url": row["first_appearance_url"]}
        if day is not None:
            work["datePublished"] = day.isoformat()
        return work, day
    dated = [article for article in articles if article["article__published_at"] is not None]
    if not dated:
        return None, day
    earliest = min(dated, key=lambda article: (article["article__published_at"], article["article_id"]))
    return creative_work(earliest), day or earliest["article__published_at"]


def claim_review(row: dict, articles: list[dict], *, verdicts: dict[str, Verdict], scale: tuple[int, int] | None) -> dict:
    """One canonical claim with a verdict as a ClaimReview; `articles` are those it appeared in."""
    claim = {"@type": "Claim"}
    if row["claimant__name"] is not None:
        claim["author"] = person_or_organization(row["claimant__name"], row["claimant__kind"])
    claim["appearance"] = [creative_work(article) for article in articles]
    first, first_day = _first_appearance(row, articles)
    if first is not None:
        claim["firstAppearance"] = first
    if first_day is not None:
        claim["datePublished"] = first_day.isoformat()
    author = {"@type": "Organization", "name": settings.ANNOTATIONS_DESK_NAME}
    if settings.ANNOTATIONS_DESK_URL:
        author["url"] = settings.ANNOTATIONS_DESK_URL
    published = row["verdict_at"] or row["updated_at"]
    return {
        "@type": "ClaimReview",
        "url": canonical_url(row["id"]),
        "claimReviewed": row["statement"],
        "inLanguage": row["language"],
        "datePublished": timezone.localdate(published).isoformat(),
        "author": author,
        "reviewRating": rating(
            verdicts[row["verdict_id"]], language=settings.ANNOTATIONS_DESK_LANGUAGE or row["language"], scale=scale
        ),
        "itemReviewed": claim,
    }
