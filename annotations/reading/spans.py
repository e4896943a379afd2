"""Agreement inputs: each article's compared annotators and their claims as spans."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Length

from .. import agreement
from ..models import SPAN_FIELDS, Article, Assignment, Claim, to_span


def agreement_articles(articles: QuerySet) -> list[agreement.ArticleClaims]:
    """Each article with the claims of every compared annotator (assigned, or with a claim)."""
    rows = articles.order_by("pk").annotate(length=Length("text")).values_list("pk", "external_id", "length")
    by_id = {pk: agreement.ArticleClaims(key=external_id, length=length) for pk, external_id, length in rows}
    assigned = Assignment.objects.filter(article__in=articles).values_list("article_id", "annotator__username")
    for article_id, username in assigned:
        by_id[article_id].claims.setdefault(username, [])
    claims = Claim.objects.filter(article__in=articles).order_by("article_id", "start", "end", "pk")
    for row in claims.values_list("article_id", "annotator__username", *SPAN_FIELDS):
        by_id[row[0]].claims.setdefault(row[1], []).append(to_span(row[2:]))
    return list(by_id.values())


def article_claims(article: Article) -> dict[str, list[agreement.Span]]:
    """One article's compared annotators and their claims, as agreement sees them."""
    return agreement_articles(Article.objects.filter(pk=article.pk))[0].claims
