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

from . import agreement, reports
from . import text as textlib
from .models import Article, Assignment, Claim, GoldClaim, Rejection, Source, is_adjudicator


class StaleVersion(Exception):
    """The claim changed since the form was rendered; `current` is what is stored now."""

    def __init__(self, current: Claim):
        super().__init__(f"claim {current.pk} is at version {current.version}")
        self.current = current


# "The caller has not fetched the user's assignment": None means it fetched and found none.
NOT_FETCHED = object()


def check_can_annotate(*, user, article: Article, assignment=NOT_FETCHED) -> Assignment | None:
    """Annotators need an open assignment; staff may annotate any article.

    Pass the user's assignment (or None) when it has already been fetched.
    """
    if assignment is NOT_FETCHED:
        assignment = Assignment.objects.of(article, user)
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


def _start_assignment(*, user, article: Article, assignment: Assignment | None = None) -> None:
    """Mark the user's assignment on an article as started (creating it for staff)."""
    if assignment is None:
        assignment, _created = Assignment.objects.get_or_create(article=article, annotator=user)
    if assignment.state == Assignment.State.ASSIGNED:
        assignment.state = Assignment.State.IN_PROGRESS
        assignment.started_at = timezone.now()
        assignment.save(update_fields=["state", "started_at"])


def create_claim(*, user, article: Article, data: dict, assignment=NOT_FETCHED) -> tuple[Claim, bool]:
    """Save a validated claim; a repeated form token returns the claim it already made.

    `assignment` is what check_can_annotate returned, when the caller has already called it.
    """
    if assignment is NOT_FETCHED:
        assignment = check_can_annotate(user=user, article=article)
    token = data.get("client_token")
    claim = Claim(article=article, annotator=user, client_token=token)
    try:
        with transaction.atomic():
            _apply(claim, data)
            _start_assignment(user=user, article=article, assignment=assignment)
            # Its creation record is written when it first changes (models/history.py): one write less per save.
            claim.skip_history_when_saving = True
            try:
                claim.save()
            finally:
                del claim.skip_history_when_saving  # later saves of this object are recorded as usual
    except IntegrityError:
        # The form was sent before (a double click, a retry): the unique token found it.
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
    assignment = Assignment.objects.of(article, user)
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


# Adjudication: turning a group of annotators' claims into a gold claim or a rejection.


class StaleGroup(Exception):
    """The group changed (a claim was edited, deleted or already decided) since the page was shown."""


def check_can_adjudicate(*, user) -> None:
    if not is_adjudicator(user):
        raise PermissionDenied(_("Only adjudicators can adjudicate."))


def decided_claim_ids(article: Article) -> set[int]:
    """Claims already turned into gold or rejected."""
    gold = GoldClaim.annotations.through.objects.filter(goldclaim__article=article).values_list("claim_id", flat=True)
    rejected = Rejection.claims.through.objects.filter(rejection__article=article).values_list("claim_id", flat=True)
    return set(gold) | set(rejected)


def _locked_group(article: Article, claim_ids: list[int]) -> list[Claim]:
    ids = set(claim_ids)
    claims = list(Claim.objects.select_for_update().filter(article=article, pk__in=ids).select_related("annotator"))
    if not ids or len(claims) != len(ids) or ids & decided_claim_ids(article):
        raise StaleGroup(_("These claims changed or were already decided; the page shows them as they are now."))
    return claims


def _provenance(article: Article, claims: list[Claim], version: tuple) -> str:
    members = [(claim.annotator.username, claim.as_span()) for claim in claims]
    return agreement.provenance(members, version, len(reports.article_claims(article)))


def accept_version(*, user, article: Article, claim_ids: list[int], chosen_id: int, note: str = "") -> GoldClaim:
    """Make one annotator's version of a group the gold claim."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        claims = _locked_group(article, claim_ids)
        chosen = next((claim for claim in claims if claim.pk == chosen_id), None)
        if chosen is None:
            raise StaleGroup(_("The chosen claim is not part of this group."))
        gold = GoldClaim(
            article=article,
            adjudicator=user,
            decision_note=note,
            provenance=_provenance(article, claims, chosen.as_span().version),
            **{
                name: getattr(chosen, name)
                for name in (
                    "start", "end", "quote", "prefix", "suffix", "claim_type_id", "check_worthiness_id",
                    "verification_status_id", "attribution_id", "source_id", "source_start", "source_end",
                    "evidence", "note",
                )
            },
        )
        gold.save()
        gold.annotations.set(claims)
    return gold


def create_gold(*, user, article: Article, claim_ids: list[int], data: dict) -> GoldClaim:
    """Save an edited or merged version of a group (or a claim every annotator missed) as gold.

    A repeated form submission (same token) returns the gold claim it already made.
    """
    check_can_adjudicate(user=user)
    token = data.get("client_token")
    if token:
        existing = GoldClaim.objects.filter(adjudicator=user, client_token=token).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            claims = _locked_group(article, claim_ids) if claim_ids else []
            gold = GoldClaim(
                article=article, adjudicator=user, client_token=token, decision_note=data.get("decision_note") or ""
            )
            _apply(gold, data)
            gold.provenance = _provenance(article, claims, gold.as_span().version) if claims else "adjudicated"
            gold.save()
            gold.annotations.set(claims)
    except IntegrityError:
        existing = GoldClaim.objects.filter(adjudicator=user, client_token=token).first() if token else None
        if existing is None:
            raise
        return existing
    return gold


def reject_group(*, user, article: Article, claim_ids: list[int], note: str = "") -> Rejection:
    """Record that a group of claims is not a claim."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        claims = _locked_group(article, claim_ids)
        rejection = Rejection.objects.create(article=article, adjudicator=user, decision_note=note)
        rejection.claims.set(claims)
    return rejection


def accept_unanimous(*, user, article: Article) -> int:
    """Accept every group on which all annotators agree; return how many gold claims were made."""
    check_can_adjudicate(user=user)
    decided = decided_claim_ids(article)
    accepted = 0
    for group in agreement.group_claims(reports.article_claims(article)):
        ids = [span.id for _name, span in group.members]
        if group.status == agreement.AGREE and not decided.intersection(ids):
            accept_version(user=user, article=article, claim_ids=ids, chosen_id=ids[0])
            accepted += 1
    return accepted


def undo_decision(*, user, decision: GoldClaim | Rejection, version: int | None = None) -> None:
    """Take back a gold claim or a rejection; its history keeps a copy.

    A gold claim is only removed at the version the adjudicator saw.
    """
    check_can_adjudicate(user=user)
    with transaction.atomic():
        current = type(decision).objects.select_for_update().filter(pk=decision.pk).first()
        if current is None:
            return  # already taken back
        if version is not None and getattr(current, "version", version) != version:
            raise StaleGroup(_("This gold claim changed since the page was shown; reload it first."))
        current.delete()


def reopen_assignment(*, user, assignment: Assignment) -> Assignment:
    """Give a submitted article back to its annotator so they can change their claims."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.state != Assignment.State.SUBMITTED:
            raise PermissionDenied(_("Only a submitted article can be reopened."))
        assignment.state = Assignment.State.IN_PROGRESS
        assignment.submitted_at = None
        assignment.save(update_fields=["state", "submitted_at"])
    return assignment


def load_claims(*, loads) -> int:
    """Write validated claims and gold claims from a file in one transaction.

    Annotators get (in progress) assignments on the articles they have claims on.
    """
    with transaction.atomic():
        claims = []
        for load in (load for load in loads if not load.gold):
            _start_assignment(user=load.annotator, article=load.article)
            claim = Claim(article=load.article, annotator=load.annotator)
            _apply(claim, load.data)
            claims.append(claim)
        bulk_create_with_history(claims, Claim, batch_size=500)
        gold_count = 0
        for load in (load for load in loads if load.gold):
            gold = GoldClaim(
                article=load.article,
                adjudicator=load.annotator,
                provenance=load.data["provenance"],
                decision_note=load.data.get("decision_note") or "",
            )
            _apply(gold, load.data)
            gold.save()
            gold.annotations.set(load.from_claims)
            gold_count += 1
    return len(claims) + gold_count
