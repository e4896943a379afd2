"""Bulk test data at newsroom scale: seed-like Persian and Arabic articles, claims, gold claims.

Articles are 2–6k characters stitched from the seed articles' sentences, so the
text has the seeds' letters, digits, ZWNJ and punctuation. Claims are word-aligned
spans (canonical under the offset contract) spread over K annotators.
Everything is written with bulk_create, without history rows, in large batches; articles
get their search documents as an import writes them.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations import text as textlib
from annotations.models import ANNOTATOR_GROUP, Article, Assignment, Claim, GoldClaim, Project
from annotations.search.index import add_documents

from .texts import make_texts, word_spans

VERDICTS = ["unassessed", "true", "mostly_true", "mixed", "misleading", "mostly_false", "false", "unverifiable"]
TYPES = ["numerical", "quote", "event", "causal", "position"]
WORTH = ["check_worthy", "factual_unimportant", "not_factual"]
ATTRIBUTION = ["direct_quote", "paraphrase", "unattributed", "author_assertion"]
PASSWORD = "bench-password-1"


def annotators(count: int) -> list:
    group = Group.objects.get(name=ANNOTATOR_GROUP)
    users = []
    User = get_user_model()
    for number in range(count):
        user, created = User.objects.get_or_create(username=f"bench{number}")
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(group)
        users.append(user)
    return users


def articles(project: Project, count: int, rng: random.Random, *, start: int = 0) -> list[Article]:
    """`count` articles numbered from `start`, with their search documents (as an import writes them)."""
    texts = make_texts(count, rng, start=start)
    objects = []
    for number, text in enumerate(texts, start=start):
        objects.append(
            Article(
                project=project, external_id=f"bench-{number:06d}", title=text[:80], text=text,
                text_sha256=textlib.sha256_hex(text), language=textlib.detect_language(text),
            )
        )
    created = Article.objects.bulk_create(objects, batch_size=1000)
    add_documents((article.pk, article.text) for article in created)
    return created


def claims(items: list[Article], users: list, count: int, rng: random.Random, *, assign_per_article: int = 2) -> int:
    """`count` claims spread over the articles, each by one of the article's assigned annotators."""
    spans = {article.pk: word_spans(article.text) for article in items}
    assigned = {}
    assignments = []
    for article in items:
        chosen = rng.sample(users, min(assign_per_article, len(users)))
        assigned[article.pk] = chosen
        assignments += [Assignment(article=article, annotator=user, state="in_progress") for user in chosen]
    Assignment.objects.bulk_create(assignments, batch_size=5000, ignore_conflicts=True)
    batch = []
    made = 0
    for number in range(count):
        article = items[number % len(items)]
        words = spans[article.pk]
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.randint(0, 6))
        start, end = words[first][0], words[last][1]
        prefix, suffix = textlib.span_context(article.text, start, end)
        batch.append(
            Claim(
                article=article, annotator=rng.choice(assigned[article.pk]), start=start, end=end,
                quote=article.text[start:end], prefix=prefix, suffix=suffix,
                claim_type_id=rng.choice(TYPES), check_worthiness_id=rng.choice(WORTH),
                verification_status_id=rng.choice(VERDICTS), attribution_id=rng.choice(ATTRIBUTION),
            )
        )
        if len(batch) == 5000:
            Claim.objects.bulk_create(batch, batch_size=5000)
            made += len(batch)
            batch = []
    Claim.objects.bulk_create(batch, batch_size=5000)
    return made + len(batch)


def gold(items: list[Article], adjudicator, fraction: float, rng: random.Random) -> int:
    """Gold claims copied from a fraction of the claims (provenance `adjudicated`)."""
    rows = Claim.objects.filter(article__in=items).values_list(
        "article_id", "start", "end", "quote", "claim_type_id", "check_worthiness_id", "verification_status_id", "attribution_id"
    )
    objects = [
        GoldClaim(
            article_id=a, start=s, end=e, quote=q, claim_type_id=t, check_worthiness_id=w,
            verification_status_id=v, attribution_id=at, provenance="adjudicated", adjudicator=adjudicator,
        )
        for a, s, e, q, t, w, v, at in rows.iterator(chunk_size=5000)
        if rng.random() < fraction
    ]
    GoldClaim.objects.bulk_create(objects, batch_size=5000)
    return len(objects)
