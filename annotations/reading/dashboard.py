"""The project dashboard: agreement per article (worst first) and per annotator, progress, CSV.

An annotator who never opened an article is left out of its figures, and the article is shown
apart from the ranking (`dashboard`).

A fixed number of queries, however many articles and claims.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet

from .. import agreement
from ..exporting import LineBuffer, formula_safe
from ..models import Assignment, GoldClaim, Rejection
from .names import annotator_names
from .spans import agreement_articles


def _assignments(articles: QuerySet) -> tuple[Counter, dict[int, set[str]]]:
    """Assignments by state, and per article the annotators who never opened it."""
    states: Counter = Counter()
    unopened: dict[int, set[str]] = {}
    rows = Assignment.objects.filter(article__in=articles).values_list("article_id", "annotator__username", "state", "started_at")
    for article_id, username, state, started_at in rows:
        states[state] += 1
        if state == Assignment.State.ASSIGNED and started_at is None:
            unopened.setdefault(article_id, set()).add(username)
    return states, unopened


def dashboard(articles: QuerySet, project=None) -> dict:
    """Agreement per article (worst first) and per annotator, progress, and project figures.

    An annotator who never opened an article (assigned, never started, no claim on it) is not
    compared on it: their missing claims are not disagreement. Such articles are listed apart
    (`waiting`), out of the ranking. Annotators are named as `annotator_names` says for the
    project, everywhere.
    """
    data = agreement_articles(articles)
    states, unopened = _assignments(articles)
    meta = {
        pk: (title, total, submitted)
        for pk, title, total, submitted in articles.order_by("pk")
        .annotate(
            total=Count("assignments"),
            submitted=Count("assignments", filter=Q(assignments__state=Assignment.State.SUBMITTED)),
        )
        .values_list("pk", "title", "total", "submitted")
    }
    not_opened = {}
    for pk, article in zip(meta, data, strict=True):
        not_opened[pk] = sorted(name for name in unopened.get(pk, ()) if not article.claims.get(name))
        for name in not_opened[pk]:
            del article.claims[name]
    if project is not None and not project.show_annotator_names:
        for pk, article in zip(meta, data, strict=True):
            names = annotator_names(project, [*article.claims, *not_opened[pk]])
            article.claims = {names[name]: spans for name, spans in article.claims.items()}
            not_opened[pk] = sorted(names[name] for name in not_opened[pk])
    figures = agreement.project_figures(data)
    gold = dict(
        GoldClaim.objects.filter(article__in=articles).values_list("article_id").annotate(n=Count("pk")).values_list("article_id", "n")
    )
    rejected = set(Rejection.objects.filter(article__in=articles).values_list("article_id", flat=True))
    rows = []
    for pk, article in zip(meta, data, strict=True):
        per_article = agreement.article_figures(article)
        rows.append(
            {
                "pk": pk,
                "external_id": article.key,
                "title": meta[pk][0],
                "annotators": per_article["annotators"],
                "claims": per_article["claims"],
                "span_f1_exact": per_article["span_f1"]["exact"],
                "span_f1_overlap": per_article["span_f1"]["overlap"],
                "unitizing_alpha": per_article["unitizing_alpha"],
                "submitted": meta[pk][2],
                "assigned": meta[pk][1],
                "gold": gold.get(pk, 0),
                "decided": pk in rejected or gold.get(pk, 0) > 0,
                "not_opened": not_opened[pk],
            }
        )
    # Worst disagreement first; articles with nothing to compare go last.
    rows.sort(key=lambda r: (r["span_f1_overlap"] is None, r["span_f1_overlap"] or 0, r["external_id"]))
    total = sum(states.values())
    return {
        "figures": figures,
        "articles": [row for row in rows if not row["not_opened"]],
        "waiting": [row for row in rows if row["not_opened"]],
        "annotators": agreement.annotator_figures(data),
        "progress": {
            "assignments": total,
            "submitted": states.get(Assignment.State.SUBMITTED, 0),
            "in_progress": states.get(Assignment.State.IN_PROGRESS, 0),
            "assigned": states.get(Assignment.State.ASSIGNED, 0),
            "articles": len(rows),
            "adjudicated": sum(1 for r in rows if r["decided"]),
        },
    }


DASHBOARD_COLUMNS = (
    "external_id", "title", "annotators", "claims", "span_f1_exact", "span_f1_overlap", "unitizing_alpha",
    "submitted", "assigned", "gold", "not_opened",
)


def dashboard_csv(rows: list[dict]) -> Iterator[str]:
    """The per-article dashboard table as CSV (formula-safe)."""
    writer = csv.writer(LineBuffer())
    yield writer.writerow(DASHBOARD_COLUMNS)
    for row in rows:
        values = [" ".join(row[c]) if c in ("annotators", "not_opened") else row[c] for c in DASHBOARD_COLUMNS]
        yield writer.writerow(["" if v is None else formula_safe(v) for v in values])
