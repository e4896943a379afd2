"""Script-aware search across articles: candidates from the index, matches and offsets from `folding.find`.

One query fetches a page of candidate articles (those whose index terms hold
every query word, in article id order, with their texts); each is then searched
with `folding.find`, which checks the words are consecutive and maps every
match back to code-point offsets in the stored text. A page of candidates may
hold fewer articles with hits than candidates (a phrase whose words are all
there but apart); `Page.next_after` continues after the last candidate read.
See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .. import folding
from .. import text as textlib
from ..models import Article, Assignment
from .index import MAX_WORD_CHARS, matching

PAGE_ARTICLES = 10  # candidate articles read per page
CONTEXT_CHARS = 60  # code points shown on each side of a hit


class SearchError(textlib.TextError):
    """A query that cannot be searched, with a stable `code` and a `message` for people."""


@dataclass(frozen=True)
class Hit:
    """One match: `text == article.text[start:end]`, with some text on either side for display."""

    start: int
    end: int
    text: str
    before: str
    after: str
    cut_before: bool  # the context starts inside the article (show "…")
    cut_after: bool


@dataclass(frozen=True)
class ArticleHits:
    article: Article
    hits: list[Hit]


@dataclass(frozen=True)
class Page:
    results: list[ArticleHits]
    candidates: int  # articles read from the index for this page
    next_after: int | None  # the `after` of the next page, or None when this was the last


def query_terms(query: str) -> list[str]:
    """The distinct folded words of a query, each of which an article must hold; refused if none."""
    words = list(dict.fromkeys(folding.query_words(query)))
    if not words:
        raise SearchError(_("The search has no words to look for: type letters or digits."), "no_words")
    if any(len(word) > MAX_WORD_CHARS for word in words):
        raise SearchError(
            _("A word in the search is longer than %(limit)d characters.") % {"limit": MAX_WORD_CHARS}, "word_too_long"
        )
    return words


def search(
    query: str, *, user=None, project=None, limit: int = PAGE_ARTICLES, after: int = 0, context: int = CONTEXT_CHARS
) -> Page:
    """One page of hits: up to `limit` candidate articles with ids above `after`, in id order.

    With a user, only the articles they may open (`Article.objects.visible_to`),
    each marked `assigned` if the user has an assignment on it. One query.
    """
    words = query_terms(query)
    articles = Article.objects.all() if user is None else Article.objects.visible_to(user)
    if project is not None:
        articles = articles.filter(project=project)
    # Every article in scope (no filter so far): the index itself can stop after this page.
    first = None if articles.query.has_filters() else limit + 1
    if user is not None:
        articles = articles.annotate(assigned=Exists(Assignment.objects.filter(article=OuterRef("pk"), annotator=user)))
    articles = (
        articles.filter(matching(words, after=after, first=first, using=articles.db))
        .select_related("project")
        .only("external_id", "title", "language", "outlet", "published_at", "text", "project__name", "project__blind")
        .order_by("pk")
    )
    rows = list(articles[: limit + 1])  # one more: is there a next page?
    page_rows = rows[:limit]
    results = []
    for article in page_rows:
        hits = [_hit(article.text, start, end, context) for start, end in folding.find(article.text, query)]
        if hits:
            results.append(ArticleHits(article, hits))
    next_after = page_rows[-1].pk if len(rows) > limit else None
    return Page(results=results, candidates=len(page_rows), next_after=next_after)


def all_hits(query: str, *, project=None, batch: int = 200, context: int = 0) -> Iterator[ArticleHits]:
    """Every article with hits, in id order, read `batch` candidates at a time (memory stays bounded)."""
    after = 0
    while True:
        page = search(query, project=project, limit=batch, after=after, context=context)
        yield from page.results
        if page.next_after is None:
            return
        after = page.next_after


def _hit(text: str, start: int, end: int, context: int) -> Hit:
    first = _cut(text, start - context, start) if start > context else 0
    last = _cut(text, end + context, end) if end + context < len(text) else len(text)
    return Hit(
        start=start,
        end=end,
        text=text[start:end],
        before=text[first:start],
        after=text[end:last],
        cut_before=first > 0,
        cut_after=last < len(text),
    )


def _cut(text: str, pos: int, hit_edge: int) -> int:
    """Where context is cut near `pos`: before the space (or after the line break) that starts
    the word at `pos`, so no word, and no letter without its marks, is shown in part; at the
    hit's edge (no context on that side) when there is no such place close by."""
    origin = textlib.scan_origin(text, pos)
    if pos < hit_edge:
        return origin if pos - origin <= CONTEXT_CHARS // 2 else hit_edge
    return max(origin, hit_edge)
