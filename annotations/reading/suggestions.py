"""Each suggester's precision and recall against gold claims, for the dashboard (docs/suggestions.md).

Only articles with gold claims count (an article nobody adjudicated says nothing
of a suggester). On each, a suggester version's suggestions and the gold claims
are paired one to one by the agreement module's overlap matching (at least one
shared code point, longest shared stretch first); `exact` counts pairs with the
same (start, end) too. Pooled over articles: precision = matched / suggestions,
recall = matched / gold claims. Two queries, however many articles.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from .. import agreement
from ..models import GoldClaim, Suggestion


def suggester_figures(articles: QuerySet) -> list[dict]:
    """One row per suggester and version: suggestions, gold claims, matches, precision, recall."""
    gold: dict[int, list[agreement.Span]] = defaultdict(list)
    for article_id, start, end in GoldClaim.objects.filter(article__in=articles).values_list("article_id", "start", "end"):
        gold[article_id].append(agreement.Span(start, end))
    suggested: dict[tuple[str, str], dict[int, list[agreement.Span]]] = defaultdict(lambda: defaultdict(list))
    rows = Suggestion.objects.filter(article__in=articles, article_id__in=list(gold)).values_list(
        "suggester", "model_version", "article_id", "start", "end"
    )
    for suggester, version, article_id, start, end in rows:
        suggested[(suggester, version)][article_id].append(agreement.Span(start, end))
    total_gold = sum(len(spans) for spans in gold.values())
    figures = []
    for (suggester, version), by_article in sorted(suggested.items()):
        count = sum(len(spans) for spans in by_article.values())
        matched = sum(len(agreement.overlap_pairs(spans, gold[article_id])) for article_id, spans in by_article.items())
        exact = sum(agreement.exact_pairs(spans, gold[article_id]) for article_id, spans in by_article.items())
        figures.append(
            {
                "suggester": suggester,
                "model_version": version,
                "suggestions": count,
                "gold": total_gold,
                "matched": matched,
                "exact": exact,
                "precision": matched / count if count else None,
                "recall": matched / total_gold if total_gold else None,
            }
        )
    return figures
