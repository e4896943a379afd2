"""Small factory helpers for tests."""

from __future__ import annotations

import itertools
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations import agreement
from annotations import text as textlib
from annotations.models import (
    ANNOTATOR_GROUP,
    Appearance,
    Article,
    Assignment,
    Attribution,
    CanonicalClaim,
    CheckWorthiness,
    Claim,
    ClaimType,
    Evidence,
    GoldClaim,
    Project,
    Verdict,
)

_ids = itertools.count(1)
PASSWORD = "a-test-password-1"


def make_user(username: str | None = None, *, groups=(ANNOTATOR_GROUP,), staff: bool = False):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_ids)}", password=PASSWORD, is_staff=staff, is_superuser=staff
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_project(name: str | None = None, **fields) -> Project:
    return Project.objects.create(name=name or f"Project {next(_ids)}", **fields)


def make_article(text: str = "قال المتحدث إن 3000 شخص غادروا الباغوز.", *, project=None, language=None, **fields) -> Article:
    return Article.objects.create(
        project=project or make_project(),
        external_id=fields.pop("external_id", f"article-{next(_ids)}"),
        text=text,
        text_sha256=textlib.sha256_hex(text),
        language=language or textlib.detect_language(text),
        **fields,
    )


def assign(article: Article, user) -> Assignment:
    return Assignment.objects.create(article=article, annotator=user)


def find(article: Article, quote: str, occurrence: int = 0) -> int:
    """Where the `occurrence`-th (from 0) `quote` starts in the article's text, in code points."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(quote, start + 1)
    return start


def make_claim(article: Article, annotator, quote: str, *, occurrence: int = 0, **fields) -> Claim:
    start = find(article, quote, occurrence)
    end = start + len(quote)
    prefix, suffix = textlib.span_context(article.text, start, end)
    values = {
        "claim_type_id": "numerical",
        "check_worthiness_id": "check_worthy",
        "verification_status_id": "unassessed",
        "attribution_id": "direct_quote",
    }
    values.update(fields)
    return Claim.objects.create(
        article=article, annotator=annotator, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix, **values
    )


def make_gold(article: Article, adjudicator, quote: str, *, occurrence: int = 0, from_claims=(), **fields) -> GoldClaim:
    """A gold claim on the `occurrence`-th `quote` in the article, made from `from_claims`."""
    start = find(article, quote, occurrence)
    values = {
        "provenance": "adjudicated",
        "claim_type_id": "numerical",
        "check_worthiness_id": "check_worthy",
        "verification_status_id": "unassessed",
        "attribution_id": "direct_quote",
    }
    values.update(fields)
    end = start + len(quote)
    prefix, suffix = textlib.span_context(article.text, start, end)
    gold = GoldClaim.objects.create(
        article=article, adjudicator=adjudicator, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix,
        **values,
    )
    gold.annotations.add(*from_claims)
    return gold


def make_canonical(statement: str, *, created_by, language: str | None = None, **fields) -> CanonicalClaim:
    return CanonicalClaim.objects.create(
        statement=statement, language=language or textlib.detect_language(statement), created_by=created_by, **fields
    )


def make_evidence(canonical: CanonicalClaim, url: str, **fields) -> Evidence:
    return Evidence.objects.create(canonical=canonical, url=url, added_by=fields.pop("added_by", canonical.created_by), **fields)


def link(canonical: CanonicalClaim, claim: Claim | GoldClaim, *, by=None) -> Appearance:
    """Confirm a claim (an annotator's or a gold claim) as an appearance of the canonical claim."""
    kind = "gold_claim" if isinstance(claim, GoldClaim) else "claim"
    return Appearance.objects.create(
        canonical=canonical, article=claim.article, linked_by=by or canonical.created_by, **{kind: claim}
    )


def claim_post(article: Article, quote: str, *, occurrence: int = 0, **fields) -> dict:
    """The POST body the annotation page sends for a selection of `quote`."""
    start = find(article, quote, occurrence)
    data = {
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "claim_type": "numerical",
        "check_worthiness": "check_worthy",
        "verification_status": "unassessed",
        "attribution": "direct_quote",
        "source_kind": "person",
        "source_name": "",
        "evidence": "",
        "note": "",
    }
    data.update(fields)
    return data


def group_key(*claims) -> str:
    """A group's key as the adjudication page shows it: each claim with the version seen."""
    for claim in claims:
        claim.refresh_from_db()
    return agreement.group_key((claim.pk, claim.version) for claim in claims)


def seen(*claims) -> dict:
    """The group as the adjudicator saw it, for calling workflow functions directly."""
    return agreement.parse_group_key(group_key(*claims))


def submit_all(article: Article) -> None:
    """Every annotator assigned to the article has submitted it: decisions may be taken."""
    Assignment.objects.filter(article=article).update(state=Assignment.State.SUBMITTED)


def admin_claim_data(claim, **changes) -> dict:
    """The admin change form of a claim, as a browser would send it."""
    data = {
        "claim_type": claim.claim_type_id,
        "check_worthiness": claim.check_worthiness_id,
        "verification_status": claim.verification_status_id,
        "attribution": claim.attribution_id,
        "source": claim.source_id or "",
        "evidence": json.dumps(claim.evidence),
        "note": claim.note,
        "seen_version": claim.version,
        "_save": "Save",
    }
    data.update(changes)
    return data


def cleaned_claim(article, quote) -> dict:
    """What ClaimForm.cleaned_data holds for a selection of `quote`, for calling workflow directly."""
    form_data = claim_post(article, quote)
    verdict = Verdict.objects.get(pk="unassessed")
    return {
        **form_data,
        "claim_type": ClaimType.objects.get(pk="numerical"),
        "check_worthiness": CheckWorthiness.objects.get(pk="check_worthy"),
        "verification_status": verdict,
        "attribution": Attribution.objects.get(pk="direct_quote"),
        "evidence": [],
    }
