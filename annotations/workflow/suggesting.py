"""Suggestions: storing them (a file or a suggester run), and annotators' decisions on them.

Accepting goes through `create_claim` (the same validation, token and history
rules as any claim); rejecting records the annotator's decision only. Each
decision is one annotator's: it hides the suggestion from them, not from others.
"""

from __future__ import annotations

from django.db import transaction

from ..models import Article, Suggestion, SuggestionDecision
from .annotating import ALREADY_DECIDED, NOT_FETCHED, SuggestionDecided, check_can_annotate, create_claim


def check_can_decide(*, user, suggestion: Suggestion, assignment=NOT_FETCHED):
    """Deciding a suggestion is annotating its article: an open assignment (or staff)."""
    return check_can_annotate(user=user, article=suggestion.article, assignment=assignment)


def reject_suggestion(*, user, suggestion: Suggestion) -> SuggestionDecision:
    """Record that this annotator rejected the suggestion; refused if they decided it already."""
    check_can_decide(user=user, suggestion=suggestion)
    with transaction.atomic():
        Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
        if SuggestionDecision.objects.filter(suggestion=suggestion, annotator=user).exists():
            raise SuggestionDecided(str(ALREADY_DECIDED))
        return SuggestionDecision.objects.create(suggestion=suggestion, annotator=user, outcome=SuggestionDecision.Outcome.REJECTED)


def accept_suggestions(*, user, article: Article, claims: list[dict], assignment=NOT_FETCHED) -> list:
    """Make a claim of each validated claim form's data (each naming its suggestion): all or none."""
    if assignment is NOT_FETCHED:
        assignment = check_can_annotate(user=user, article=article)
    with transaction.atomic():
        return [create_claim(user=user, article=article, data=data, assignment=assignment)[0] for data in claims]


def store_suggestions(*, loads) -> tuple[int, int]:
    """Write validated suggestions; those already stored (same article, suggester, version and span) are
    skipped, so a re-run adds nothing. Returns (written, skipped)."""
    loads = list(loads)
    with transaction.atomic():
        articles = {load.article_id for load in loads}
        existing = set(
            Suggestion.objects.filter(article_id__in=articles).values_list("article_id", "suggester", "model_version", "start", "end")
        )
        fresh, seen = [], set()
        for load in loads:
            key = (load.article_id, load.suggester, load.model_version, load.start, load.end)
            if key in existing or key in seen:
                continue
            seen.add(key)
            fresh.append(load)
        Suggestion.objects.bulk_create(fresh, batch_size=500)
    return len(fresh), len(loads) - len(fresh)
