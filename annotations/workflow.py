"""State changes that touch several rows: saving claims, submitting an assignment.

Each action has a `check_…` guard that raises PermissionDenied before the
function that acts; views call the guard, the action calls it again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import text as textlib
from .models import Article, Assignment, Claim, Source


class StaleVersion(Exception):
    """The claim changed since the form was rendered; `current` is what is stored now."""

    def __init__(self, current: Claim):
        super().__init__(f"claim {current.pk} is at version {current.version}")
        self.current = current


def check_can_annotate(*, user, article: Article) -> Assignment | None:
    """Annotators need an open assignment; staff may annotate any article."""
    assignment = Assignment.objects.filter(article=article, annotator=user).first()
    if assignment is None and not user.is_staff:
        raise PermissionDenied(_("This article is not assigned to you."))
    if assignment is not None and assignment.is_submitted:
        raise PermissionDenied(_("You have submitted this article; an adjudicator must reopen it first."))
    return assignment


def check_can_change_claim(*, user, claim: Claim) -> None:
    if claim.annotator_id != user.pk:
        raise PermissionDenied(_("Only the annotator who made a claim can change it."))
    check_can_annotate(user=user, article=claim.article)


def _source(data: dict) -> Source | None:
    name = (data.get("source_name") or "").strip()
    if not name:
        return None
    source, _created = Source.objects.get_or_create(name=name, kind=data["source_kind"])
    return source


def _apply(claim: Claim, data: dict) -> None:
    text = claim.article.text
    claim.start, claim.end, claim.quote = data["start"], data["end"], data["quote"]
    claim.prefix, claim.suffix = textlib.span_context(text, claim.start, claim.end)
    for name in ("claim_type", "check_worthiness", "verification_status", "attribution"):
        setattr(claim, name, data[name])
    claim.source = _source(data)
    claim.source_start = data.get("source_start") if claim.source else None
    claim.source_end = data.get("source_end") if claim.source else None
    claim.evidence = data.get("evidence") or []
    claim.note = data.get("note") or ""


def _start_assignment(*, user, article: Article) -> None:
    assignment, _created = Assignment.objects.get_or_create(article=article, annotator=user)
    if assignment.state == Assignment.State.ASSIGNED:
        assignment.state = Assignment.State.IN_PROGRESS
        assignment.started_at = timezone.now()
        assignment.save(update_fields=["state", "started_at"])


def create_claim(*, user, article: Article, data: dict) -> tuple[Claim, bool]:
    """Save a validated claim; a repeated form token returns the claim it already made."""
    check_can_annotate(user=user, article=article)
    token = data.get("client_token")
    if token:
        existing = Claim.objects.filter(annotator=user, client_token=token).first()
        if existing is not None:
            return existing, False
    claim = Claim(article=article, annotator=user, client_token=token)
    try:
        with transaction.atomic():
            _apply(claim, data)
            _start_assignment(user=user, article=article)
            claim.save()
    except IntegrityError:
        # A parallel request with the same token won the race.
        existing = Claim.objects.filter(annotator=user, client_token=token).first() if token else None
        if existing is None:
            raise
        return existing, False
    return claim, True


def update_claim(*, user, claim: Claim, data: dict) -> Claim:
    """Apply an edit made from `data["version"]`; refuse it if the claim has moved on."""
    check_can_change_claim(user=user, claim=claim)
    with transaction.atomic():
        current = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
        if data.get("version") != current.version:
            raise StaleVersion(current)
        _apply(current, data)
        current.version += 1
        current.save()
    return current


def delete_claim(*, user, claim: Claim, version: int | None) -> None:
    """Delete a claim (its history keeps a restorable copy) unless it changed meanwhile."""
    check_can_change_claim(user=user, claim=claim)
    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if version is not None and version != current.version:
            raise StaleVersion(current)
        current.delete()


def check_can_submit(*, user, article: Article) -> Assignment:
    assignment = Assignment.objects.filter(article=article, annotator=user).first()
    if assignment is None:
        raise PermissionDenied(_("This article is not assigned to you."))
    if assignment.is_submitted:
        raise PermissionDenied(_("You have already submitted this article."))
    return assignment


def submit_assignment(*, user, article: Article) -> Assignment:
    """Mark the annotator's work on an article as done; their claims become read-only."""
    with transaction.atomic():
        assignment = check_can_submit(user=user, article=article)
        assignment.state = Assignment.State.SUBMITTED
        assignment.submitted_at = timezone.now()
        assignment.started_at = assignment.started_at or assignment.submitted_at
        assignment.save(update_fields=["state", "submitted_at", "started_at"])
    return assignment


def assign_articles(*, articles, annotators, per_article: int) -> int:
    """Give each article to `per_article` distinct annotators, balancing the load; return how many."""
    annotators = sorted(annotators, key=lambda user: user.pk)
    if per_article < 1 or per_article > len(annotators):
        raise ValueError(f"cannot give each article to {per_article} of {len(annotators)} annotator(s)")
    with transaction.atomic():
        load = {user.pk: 0 for user in annotators}
        for article_id, annotator_id in Assignment.objects.filter(annotator__in=annotators).values_list(
            "article_id", "annotator_id"
        ):
            load[annotator_id] += 1
        created = []
        for article in articles.order_by("pk").prefetch_related("assignments"):
            have = {assignment.annotator_id for assignment in article.assignments.all()}
            needed = per_article - len(have)
            candidates = sorted((pk for pk in load if pk not in have), key=lambda pk: (load[pk], pk))
            for annotator_id in candidates[: max(0, needed)]:
                created.append(Assignment(article=article, annotator_id=annotator_id))
                load[annotator_id] += 1
        bulk_create_with_history(created, Assignment)
    return len(created)
