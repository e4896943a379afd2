"""The article list: each article's claim count and the user's progress, and their queue."""

from __future__ import annotations

from collections import Counter

from django.db.models import Case, Count, Max, Min, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from ..models import Assignment, Claim, is_adjudicator


def with_progress(articles: QuerySet, user) -> QuerySet:
    """Annotate the claim count a user may see and the user's own assignment state."""
    claims = Claim.objects.filter(article=OuterRef("pk"))
    if not is_adjudicator(user):
        claims = claims.filter(annotator=user)
    count = claims.order_by().values("article").annotate(n=Count("pk")).values("n")
    state = Assignment.objects.filter(article=OuterRef("pk"), annotator=user).values("state")
    return articles.annotate(claim_count=Coalesce(Subquery(count[:1]), 0), my_state=Subquery(state[:1]))


def queue(user) -> dict | None:
    """The user's assignments: how many are submitted, and the article to open next."""
    mine = Assignment.objects.filter(annotator=user)
    counts = Counter(mine.values_list("state", flat=True))
    if not counts:
        return None
    upcoming = (
        mine.exclude(state=Assignment.State.SUBMITTED)
        .annotate(started=Case(When(state=Assignment.State.IN_PROGRESS, then=0), default=1))
        .order_by("started", "article_id")
        .select_related("article")
        .first()
    )
    return {
        "total": sum(counts.values()),
        "submitted": counts[Assignment.State.SUBMITTED],
        "next": upcoming.article if upcoming else None,
    }


def neighbours(user, article) -> dict:
    """The articles assigned to the user just before and after this one (by id): one query."""
    around = Assignment.objects.filter(annotator=user).aggregate(
        previous=Max("article_id", filter=Q(article_id__lt=article.pk)),
        next=Min("article_id", filter=Q(article_id__gt=article.pk)),
    )
    return {key: reverse("article_detail", args=[pk]) for key, pk in around.items() if pk is not None}
