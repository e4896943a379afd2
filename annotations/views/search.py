"""The search page: script-aware search across the articles a user may open (docs/search.md)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .. import search
from ..forms import SearchForm
from ..models import is_adjudicator

HITS_SHOWN = 10  # per article; the article page shows every one


@require_safe
@login_required
def article_search(request: HttpRequest) -> HttpResponse:
    """Hits grouped by article, each linking to the page where it becomes a claim selection in one click."""
    form = SearchForm(request.GET if request.GET else None)
    context = {"form": form, "page": None}
    if form.is_bound and form.is_valid():
        query, project, after = form.cleaned_data["q"], form.cleaned_data["project"], form.cleaned_data["after"] or 0
        page = search.search(query, user=request.user, project=project, after=after)
        question = {"q": query, **({"project": project.pk} if project else {})}
        context.update(
            page=page,
            results=[_result(request, found) for found in page.results],
            after=after,
            first_url=f"?{urlencode(question)}",
            next_url=f"?{urlencode({**question, 'after': page.next_after})}" if page.next_after else "",
        )
    return render(request, "annotations/search.html", context)


def _result(request: HttpRequest, found: search.ArticleHits) -> dict:
    """An article's hits, and where they open: the annotation page for those assigned to it (and
    staff, who may annotate any article), the adjudication page for other adjudicators."""
    article = found.article
    adjudicate = not article.assigned and not request.user.is_staff and is_adjudicator(request.user)
    url = reverse("adjudication_detail" if adjudicate else "article_detail", args=[article.pk])
    return {
        "article": article,
        "hits": found.hits[:HITS_SHOWN],
        "count": len(found.hits),
        "more": max(0, len(found.hits) - HITS_SHOWN),
        "url": url,
        "adjudicate": adjudicate,
    }
