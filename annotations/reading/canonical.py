"""Canonical claims as the pages show them: who may see which, the list, and one claim's page.

Who sees what (docs/canonical-claims.md): adjudicators and staff see every
canonical claim and appearance. An annotator sees an appearance when the article
is assigned to them and it is their own claim, or another annotator's claim in a
project that is not blind, or a gold claim once they have submitted the article
(as the compare-with-gold page); they see a canonical claim when they see at
least one of its appearances, and on its page only the appearances they see.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ..models import Appearance, Assignment, CanonicalClaim, Evidence, Verdict, is_adjudicator
from ..models.vocabulary import term_label


def visible_appearances(user) -> QuerySet:
    """The appearances a user may see (module docstring)."""
    appearances = Appearance.objects.all()
    if is_adjudicator(user):
        return appearances
    assigned = Assignment.objects.filter(article_id=OuterRef("article_id"), annotator=user)
    return appearances.filter(
        Exists(assigned),
        Q(claim__annotator=user)
        | Q(claim__isnull=False, article__project__blind=False)
        | Q(Exists(assigned.filter(state=Assignment.State.SUBMITTED)), gold_claim__isnull=False),
    )


def visible_canonical(user) -> QuerySet:
    """The canonical claims a user may see: all for adjudicators, those with an appearance they see otherwise."""
    if is_adjudicator(user):
        return CanonicalClaim.objects.all()
    return CanonicalClaim.objects.filter(Exists(visible_appearances(user).filter(canonical_id=OuterRef("pk"))))


def canonical_rows(page, user) -> list[dict]:
    """The list's rows for one page of canonical claims: each with its verdict's label and the
    number and languages of the appearances the user sees. One query for the page."""
    ids = [canonical.pk for canonical in page]
    counts: dict[int, int] = {}
    languages: dict[int, list[str]] = {}
    rows = (
        visible_appearances(user).filter(canonical_id__in=ids)
        .values_list("canonical_id", "article__language").annotate(number=Count("pk")).order_by("canonical_id", "article__language")
    )
    for canonical_id, language, number in rows:
        counts[canonical_id] = counts.get(canonical_id, 0) + number
        languages.setdefault(canonical_id, []).append(language)
    return [
        {
            "canonical": canonical,
            "verdict": verdict_label(canonical.verdict_id),
            "appearances": counts.get(canonical.pk, 0),
            "languages": languages.get(canonical.pk, []),
        }
        for canonical in page
    ]


def verdict_label(slug: str | None) -> str:
    """A canonical claim's verdict in the interface's language (no verdict reads as unassessed)."""
    return term_label(Verdict, slug or "unassessed")


def canonical_page(canonical: CanonicalClaim, user) -> dict:
    """What a canonical claim's page shows: its evidence (each flagged when published after the claim
    first appeared), the appearances the user sees, each with its verdict and whether it contradicts
    the others or the desk's verdict, and the date of the first appearance. Three queries."""
    appearances = list(
        visible_appearances(user).filter(canonical=canonical)
        .select_related("article", "linked_by", "claim__annotator", "claim__source", "gold_claim__source", "gold_claim__adjudicator")
        .defer("article__text")
        .order_by("article__published_at", "linked_at", "pk")
    )
    evidence = list(Evidence.objects.filter(canonical=canonical).select_related("added_by").order_by("published_on", "pk"))
    dates = [row.article.published_at for row in appearances if row.article.published_at]
    first = canonical.first_appeared_on or (min(dates) if dates else None)
    items = []
    for row in appearances:
        span = row.claim or row.gold_claim
        items.append(
            {
                "appearance": row,
                "span": span,
                "gold": row.gold_claim_id is not None,
                "verdict": span.verification_status_id,
                "verdict_label": term_label(Verdict, span.verification_status_id),
            }
        )
    desk = canonical.verdict_id
    assessed = {item["verdict"] for item in items if item["verdict"] != "unassessed"}
    for item in items:
        verdict = item["verdict"]
        item["contradicts"] = verdict != "unassessed" and (len(assessed) > 1 or (desk is not None and verdict != desk))
    return {
        "canonical": canonical,
        "verdict": verdict_label(canonical.verdict_id),
        "evidence": [{"item": item, "late": evidence_is_late(item.published_on, first)} for item in evidence],
        "dated_evidence": any(item.published_on for item in evidence),
        "first_date": first,
        "appearances": items,
        "contradictions": sum(item["contradicts"] for item in items),
        "can_edit": is_adjudicator(user),
    }


def evidence_is_late(published_on: date | None, first_appearance: date | None) -> bool:
    """An evidence item published after the claim first appeared could not have been known then."""
    return bool(published_on and first_appearance and published_on > first_appearance)
