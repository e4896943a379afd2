"""Annotating: saving, changing and deleting claims, submitting and assigning articles."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from .. import matching
from .. import text as textlib
from ..models import LABEL_FIELDS, Article, Assignment, Claim, GoldClaim, Source, Suggestion, SuggestionDecision


class StaleVersion(Exception):
    """The claim changed since the form was rendered; `current` is what is stored now."""

    def __init__(self, current: Claim):
        super().__init__(f"claim {current.pk} is at version {current.version}")
        self.current = current


class TokenReused(Exception):
    """A form token already saved different content: a stale or replayed form."""

    def __init__(self, existing):
        super().__init__(f"form token already used by {type(existing).__name__} {existing.pk}")
        self.existing = existing


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


FROZEN = gettext_lazy(
    "This claim is part of an adjudicator's decision (a gold claim or a rejection), so it is frozen; "
    "an adjudicator can take the decision back."
)


def check_can_change_claim(*, user, claim: Claim) -> None:
    if claim.annotator_id != user.pk:
        raise PermissionDenied(_("Only the annotator who made a claim can change it."))
    check_can_annotate(user=user, article=claim.article)
    if Claim.objects.filter(pk=claim.pk).decided().exists():
        raise PermissionDenied(str(FROZEN))


def _locked_claim(claim: Claim, version: int | None) -> Claim:
    """The claim locked for a change made from `version`; refused if it moved on or was decided."""
    current = Claim.objects.select_for_update(of=("self",)).select_related("article").filter(pk=claim.pk).first()
    if current is None:
        raise PermissionDenied(_("This claim no longer exists."))
    if Claim.objects.filter(pk=claim.pk).decided().exists():
        raise PermissionDenied(str(FROZEN))
    if version is None or version != current.version:
        raise StaleVersion(current)
    return current


def _replayed(existing: Claim | GoldClaim, data: dict, seen: dict | None = None) -> Claim | GoldClaim:
    """A form sent again: the object it made, if this is the same content; otherwise TokenReused."""
    name = (data.get("source_name") or "").strip()
    wanted = {
        "start": data["start"],
        "end": data["end"],
        "quote": data["quote"],
        **{f"{label}_id": data[label].pk for label in LABEL_FIELDS},
        "source": (name, data["source_kind"]) if name else None,
        "source_start": data.get("source_start") if name else None,
        "source_end": data.get("source_end") if name else None,
        "evidence": data.get("evidence") or [],
        "note": data.get("note") or "",
    }
    stored = {key: getattr(existing, key) for key in wanted if key != "source"}
    stored["source"] = (existing.source.name, existing.source.kind) if existing.source_id else None
    if isinstance(existing, GoldClaim):
        wanted["decision_note"] = data.get("decision_note") or ""
        stored["decision_note"] = existing.decision_note
        wanted["from"] = set(seen or ())
        stored["from"] = set(existing.annotations.values_list("pk", flat=True))
    if stored != wanted:
        raise TokenReused(existing)
    return existing


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
    for name in LABEL_FIELDS:
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


class SuggestionDecided(PermissionDenied):
    """The annotator already accepted or rejected this suggestion."""


ALREADY_DECIDED = gettext_lazy("You have already accepted or rejected this suggestion.")


def _take_suggestion(claim: Claim, suggestion: Suggestion, user) -> None:
    """Lock the suggestion, refuse it if this annotator decided it already, and copy its provenance."""
    if SuggestionDecision.objects.filter(suggestion=suggestion, annotator=user).exists():
        raise SuggestionDecided(str(ALREADY_DECIDED))
    claim.suggestion = suggestion
    claim.suggestion_model, claim.suggestion_model_version = suggestion.suggester, suggestion.model_version
    claim.suggestion_score = suggestion.score


def create_claim(*, user, article: Article, data: dict, assignment=NOT_FETCHED) -> tuple[Claim, bool]:
    """Save a validated claim; a repeated form token returns the claim it already made
    (TokenReused if that claim has other content).

    With `data["suggestion"]` (accepting or editing a suggestion) the claim keeps its
    provenance and the annotator's acceptance is recorded in the same transaction.
    `assignment` is what check_can_annotate returned, when the caller has already called it.
    """
    if assignment is NOT_FETCHED:
        assignment = check_can_annotate(user=user, article=article)
    token = data.get("client_token")
    suggestion = data.get("suggestion")
    claim = Claim(article=article, annotator=user, client_token=token)
    try:
        with transaction.atomic():
            _apply(claim, data)
            if suggestion is not None:
                # Locked: two tabs accepting the same suggestion make one claim between them.
                suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
                _take_suggestion(claim, suggestion, user)
            _start_assignment(user=user, article=article, assignment=assignment)
            # Its creation record is written when it first changes (models/history.py): one write less per save.
            claim.skip_history_when_saving = True
            try:
                claim.save()
            finally:
                del claim.skip_history_when_saving  # later saves of this object are recorded as usual
            if suggestion is not None:
                SuggestionDecision.objects.create(
                    suggestion=suggestion, annotator=user, outcome=SuggestionDecision.Outcome.ACCEPTED, claim=claim
                )
    except (IntegrityError, SuggestionDecided):
        # The form was sent before (a double click, a retry): the unique token found it.
        existing = Claim.objects.filter(annotator=user, client_token=token).first() if token else None
        if existing is None:
            raise
        return _replayed(existing, data), False
    return claim, True


def update_claim(*, user, claim: Claim, data: dict) -> Claim:
    """Apply an edit made from `data["version"]`; refuse it if the claim has moved on."""
    check_can_change_claim(user=user, claim=claim)
    with transaction.atomic():
        current = _locked_claim(claim, data.get("version"))
        _apply(current, data)
        current.version += 1
        current.save()
        matching.refresh_keys(matching.linked_canonical_ids(claims=[current.pk]))  # its quote and claimant are keys
    return current


def delete_claim(*, user, claim: Claim, version: int | None) -> None:
    """Delete a claim at the version the annotator saw (its history keeps a restorable copy)."""
    check_can_change_claim(user=user, claim=claim)
    with transaction.atomic():
        current = _locked_claim(claim, version)
        linked = matching.linked_canonical_ids(claims=[current.pk])
        current.delete()  # and its appearance, if it had one
        matching.refresh_keys(linked)


class RestoreRefused(Exception):
    """A deleted claim that cannot be put back (any more): the message says why."""


def check_can_restore_claim(*, user, record) -> None:
    """Only its own annotator restores a deleted claim, while they may still annotate the article."""
    if record.annotator_id != user.pk:
        raise PermissionDenied(_("Only the annotator who made a claim can restore it."))
    check_can_annotate(user=user, article=record.article)


def restore_claim(*, user, record, version: int | None, form_class) -> Claim:
    """Put back a deleted claim (its deletion `record`) as it was, when deleted at `version`.

    It is validated as the annotation form validates a claim (`form_class`, with the
    labels it had even if retired since), keeps its id and continues its history
    after the newest version it knows; a deletion that is not the claim's latest
    change, or at another version than the one shown, is refused as stale.
    """
    check_can_restore_claim(user=user, record=record)
    if version is None or record.version != version or record.history_type != "-":
        raise RestoreRefused(_("This claim was changed elsewhere since it was deleted; reload the page."))
    stale = _("This claim has already been restored.")
    with transaction.atomic():
        if Claim.objects.filter(pk=record.id).exists() or Claim.history.filter(id=record.id, history_id__gt=record.history_id).exists():
            raise RestoreRefused(stale)
        old = record.instance
        try:
            form = form_class(article=record.article, instance=old)
        except Source.DoesNotExist:
            raise RestoreRefused(_("This claim's claimant no longer exists, so it cannot be restored.")) from None
        data = {name: "" if value is None else value for name, value in form.initial.items()}
        form = form_class(data, article=record.article, restoring=True)
        if not form.is_valid():
            problems = [str(message) for messages in form.errors.values() for message in messages]
            raise RestoreRefused(_("This claim cannot be restored: %(problems)s") % {"problems": " ".join(problems)})
        claim = Claim(pk=record.id, article=record.article, annotator=user, created_at=old.created_at)
        if old.client_token and not Claim.objects.filter(annotator=user, client_token=old.client_token).exists():
            claim.client_token = old.client_token  # a replay of the form that made it still finds it
        _apply(claim, form.cleaned_data)
        claim.version = max(Claim.history.filter(id=record.id).values_list("version", flat=True)) + 1
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError:
            raise RestoreRefused(stale) from None  # restored at the same moment elsewhere
        Claim.objects.filter(pk=claim.pk).update(created_at=old.created_at)  # when it was first made
    return claim


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
        raise ValueError(
            ngettext(
                "cannot give each article to %(per_article)d of %(count)d annotator",
                "cannot give each article to %(per_article)d of %(count)d annotators",
                len(annotators),
            )
            % {"per_article": per_article, "count": len(annotators)}
        )
    with transaction.atomic():
        load = {user.pk: 0 for user in annotators}
        for _article_id, annotator_id in Assignment.objects.filter(annotator__in=annotators).values_list(
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


@dataclass(frozen=True)
class Loaded:
    """What load_claims wrote: annotators' claims, gold claims, the articles that got either, and canonical claims."""

    claims: int
    gold: int
    articles: int
    canonical: int = 0


def _stamp(row, load) -> bool:
    """Put the file's timestamps on a written row; True if it has any to keep.

    auto_now_add and auto_now stamp every insert with the time of writing, and a
    restored backup should say when its claims were made, not when they were
    restored: the times are set again after the insert (an update does not
    re-stamp them).
    """
    if load.created_at is None:
        return False
    row.created_at, row.updated_at = load.created_at, load.updated_at
    return True


def load_claims(*, loads, canonical=()) -> Loaded:
    """Write validated claims and gold claims from a file in one transaction, then its
    canonical claims (workflow.canonical.load_canonical), linked to them.

    Claims keep the `created_at` and `updated_at` the file gives. Annotators get
    (in progress) assignments on the articles they have claims on. Each load gets
    the row it wrote as `written`.
    """
    loads = list(loads)
    claim_loads = [load for load in loads if not load.gold]
    with transaction.atomic():
        claims = []
        for load in claim_loads:
            _start_assignment(user=load.annotator, article=load.article)
            claim = Claim(article=load.article, annotator=load.annotator)
            _apply(claim, load.data)
            provenance = load.data.get("suggestion_provenance")
            if provenance:  # a restored backup keeps where its claims came from (the suggestion row itself is not in it)
                claim.suggestion_model = provenance["model"]
                claim.suggestion_model_version = provenance["model_version"]
                claim.suggestion_score = provenance["score"]
            claims.append(claim)
            load.written = claim
        # Not bulk_create_with_history: its history rows would copy the time of
        # writing; they are written once the rows carry the file's times.
        if connections[Claim.objects.db].features.can_return_rows_from_bulk_insert:
            Claim.objects.bulk_create(claims, batch_size=500)
        else:  # SQLite before 3.35 returns no ids from a bulk insert, and history rows need them
            for claim in claims:
                claim.skip_history_when_saving = True
                claim.save()
                del claim.skip_history_when_saving
        stamped = [claim for claim, load in zip(claims, claim_loads, strict=True) if _stamp(claim, load)]
        Claim.objects.bulk_update(stamped, ["created_at", "updated_at"], batch_size=500)
        Claim.history.bulk_history_create(claims, batch_size=500)
        gold_count = 0
        for load in (load for load in loads if load.gold):
            gold = GoldClaim(
                article=load.article,
                adjudicator=load.annotator,
                provenance=load.data["provenance"],
                decision_note=load.data.get("decision_note") or "",
            )
            _apply(gold, load.data)
            gold.skip_history_when_saving = True  # recorded below, with the file's times
            try:
                gold.save()
            finally:
                del gold.skip_history_when_saving
            if _stamp(gold, load):
                GoldClaim.objects.filter(pk=gold.pk).update(created_at=gold.created_at, updated_at=gold.updated_at)
            GoldClaim.history.bulk_history_create([gold])
            gold.annotations.set(load.from_claims)
            load.written = gold
            gold_count += 1
        made = 0
        if canonical:
            from .canonical import load_canonical  # it builds on this module

            made = load_canonical(loads=canonical)
    return Loaded(claims=len(claims), gold=gold_count, articles=len({load.article.pk for load in loads}), canonical=made)
