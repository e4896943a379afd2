"""Read-only project reports: agreement inputs, dashboard rows and their CSV.

A fixed number of queries per report, however many articles and claims.
"""

from __future__ import annotations

import base64
import csv
from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import agreement
from .exporting import LineBuffer, formula_safe
from .models import Article, Assignment, Claim, GoldClaim, Rejection

SPAN_FIELDS = (
    "article_id", "annotator__username", "start", "end", "verification_status_id", "claim_type_id",
    "check_worthiness_id", "attribution_id", "source_id", "pk", "version",
)


def to_span(row: tuple) -> agreement.Span:
    """An agreement Span from a values_list row in SPAN_FIELDS order (article and annotator dropped)."""
    _article, _user, start, end, verdict, claim_type, worthiness, attribution, source, pk, version = row
    return agreement.Span(start, end, verdict, claim_type, worthiness, pk, (attribution, source), version)


def agreement_articles(articles: QuerySet) -> list[agreement.ArticleClaims]:
    """Each article with the claims of every compared annotator (assigned, or with a claim)."""
    rows = articles.order_by("pk").annotate(length=Length("text")).values_list("pk", "external_id", "length")
    by_id = {pk: agreement.ArticleClaims(key=external_id, length=length) for pk, external_id, length in rows}
    assigned = Assignment.objects.filter(article__in=articles).values_list("article_id", "annotator__username")
    for article_id, username in assigned:
        by_id[article_id].claims.setdefault(username, [])
    claims = Claim.objects.filter(article__in=articles).order_by("article_id", "start", "end", "pk")
    for row in claims.values_list(*SPAN_FIELDS):
        by_id[row[0]].claims.setdefault(row[1], []).append(to_span(row))
    return list(by_id.values())


def article_claims(article: Article) -> dict[str, list[agreement.Span]]:
    """One article's compared annotators and their claims, as agreement sees them."""
    return agreement_articles(Article.objects.filter(pk=article.pk))[0].claims


def spans_by_annotator(claims, assigned: list[str]) -> dict[str, list[agreement.Span]]:
    """As article_claims, from claims already loaded (a page reads its claims once)."""
    by_user: dict[str, list[agreement.Span]] = {name: [] for name in assigned}
    for claim in sorted(claims, key=lambda claim: (claim.start, claim.end, claim.pk)):
        by_user.setdefault(claim.annotator.username, []).append(claim.as_span())
    return by_user


def annotator_names(project, usernames) -> dict[str, str]:
    """How annotators are shown to adjudicators: their usernames, or stable pseudonyms.

    With the project's "show annotator names" off, each annotator is "Annotator"
    and a short code from a keyed hash of the project and the username: the same
    on every page and download of the project, and not derivable from the
    usernames or their order without the site's secret key.
    """
    if project.show_annotator_names:
        return {name: name for name in usernames}
    return {name: pseudonym(project.pk, name) for name in usernames}


def pseudonym(project_id: int, username: str) -> str:
    digest = salted_hmac("annotations.pseudonym", f"{project_id}:{username}").digest()
    return _("Annotator %(code)s") % {"code": base64.b32encode(digest).decode()[:5]}


def dashboard(articles: QuerySet, project=None) -> dict:
    """Agreement per article (worst first) and per annotator, progress, and project figures.

    Annotators are named as `annotator_names` says for the project, everywhere.
    """
    data = agreement_articles(articles)
    if project is not None and not project.show_annotator_names:
        for article in data:
            names = annotator_names(project, article.claims)
            article.claims = {names[name]: spans for name, spans in article.claims.items()}
    figures = agreement.project_figures(data)
    states = Counter(Assignment.objects.filter(article__in=articles).values_list("state", flat=True))
    gold = dict(
        GoldClaim.objects.filter(article__in=articles).values_list("article_id").annotate(n=Count("pk")).values_list("article_id", "n")
    )
    rejected = set(Rejection.objects.filter(article__in=articles).values_list("article_id", flat=True))
    meta = {
        pk: (title, total, submitted)
        for pk, title, total, submitted in articles.order_by("pk")
        .annotate(
            total=Count("assignments"),
            submitted=Count("assignments", filter=Q(assignments__state=Assignment.State.SUBMITTED)),
        )
        .values_list("pk", "title", "total", "submitted")
    }
    rows = []
    for pk, article in zip(meta, data):
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
            }
        )
    # Worst disagreement first; articles with nothing to compare go last.
    rows.sort(key=lambda r: (r["span_f1_overlap"] is None, r["span_f1_overlap"] or 0, r["external_id"]))
    total = sum(states.values())
    return {
        "figures": figures,
        "articles": rows,
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
    "submitted", "assigned", "gold",
)


def dashboard_csv(rows: list[dict]) -> Iterator[str]:
    """The per-article dashboard table as CSV (formula-safe)."""
    writer = csv.writer(LineBuffer())
    yield writer.writerow(DASHBOARD_COLUMNS)
    for row in rows:
        values = [" ".join(row[c]) if c == "annotators" else row[c] for c in DASHBOARD_COLUMNS]
        yield writer.writerow(["" if v is None else formula_safe(v) for v in values])
