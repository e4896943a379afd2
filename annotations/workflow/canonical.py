"""Canonical claims: linking claims and gold claims to them, dismissing suggestions, editing
them and their evidence, and loading them from a file (docs/canonical-claims.md).

Who may do what: adjudicators (and staff) link gold claims and any annotator's claim, and
edit canonical claims and their evidence; an annotator links their own claims where the
project allows it (`Project.annotators_link_claims`) and while the article is assigned to
them. Every change rebuilds the match keys of the canonical claims it touched
(`matching.refresh_keys`) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import matching
from ..models import (
    Appearance,
    Assignment,
    CanonicalClaim,
    Claim,
    Evidence,
    GoldClaim,
    MatchDismissal,
    check_verdict_evidence,
    is_adjudicator,
)
from .adjudicating import DecisionRefused
from .annotating import _source


class LinkRefused(DecisionRefused):
    """A link, unlink or dismissal that cannot be made as asked; the panel shows the state as it is."""


class AlreadyLinked(LinkRefused):
    """The claim appears under another canonical claim; moving it must be asked for explicitly."""

    def __init__(self, current: CanonicalClaim):
        super().__init__(
            _("This claim is already linked to the canonical claim “%(statement)s”. Unlink it first, or move it explicitly.")
            % {"statement": current.statement[:80]}
        )
        self.current = current


class StaleCanonical(DecisionRefused):
    """The canonical claim changed since the page was shown; `current` is what is stored now."""

    def __init__(self, current: CanonicalClaim):
        super().__init__(
            _(
                "Someone changed this canonical claim while you were editing it (it is now at version %(version)d). "
                "The page shows the stored version; your changes were not saved."
            )
            % {"version": current.version}
        )
        self.current = current


class EvidenceRequired(DecisionRefused):
    """The change would leave a final verdict without dated evidence and without an override note."""


def _field(target) -> str:
    return "gold_claim" if isinstance(target, GoldClaim) else "claim"


def check_can_link(*, user, target: Claim | GoldClaim) -> None:
    """Adjudicators link gold claims and any claim; an annotator, only their own claims, where the project allows it."""
    if is_adjudicator(user):
        return
    if isinstance(target, GoldClaim):
        raise PermissionDenied(_("Only adjudicators can link gold claims to canonical claims."))
    if target.annotator_id != user.pk:
        raise PermissionDenied(_("Only the annotator who made a claim, or an adjudicator, can link it."))
    if not target.article.project.annotators_link_claims:
        raise PermissionDenied(_("In this project only adjudicators link claims to canonical claims."))
    if not Assignment.objects.filter(article_id=target.article_id, annotator=user).exists():
        raise PermissionDenied(_("This article is not assigned to you."))


def check_can_edit_canonical(*, user) -> None:
    if not is_adjudicator(user):
        raise PermissionDenied(_("Only adjudicators can edit canonical claims."))


def _locked_target(target: Claim | GoldClaim) -> Claim | GoldClaim:
    current = type(target).objects.select_for_update(of=("self",)).filter(pk=target.pk).first()
    if current is None:
        raise LinkRefused(_("This claim no longer exists."))
    return target


def _locked_canonical(canonical_id: int) -> CanonicalClaim:
    current = CanonicalClaim.objects.select_for_update(of=("self",)).select_related("claimant").filter(pk=canonical_id).first()
    if current is None:
        raise LinkRefused(_("This canonical claim no longer exists."))
    return current


def link_claim(*, user, canonical: CanonicalClaim, target: Claim | GoldClaim, move: bool = False) -> Appearance:
    """Record, as confirmed by `user`, that a claim or gold claim is an appearance of a canonical claim.

    Linking it again to the same canonical claim changes nothing; a claim linked
    elsewhere is refused (AlreadyLinked) unless `move` is asked for.
    """
    check_can_link(user=user, target=target)
    field_name = _field(target)
    try:
        with transaction.atomic():
            _locked_target(target)
            canonical = _locked_canonical(canonical.pk)
            existing = Appearance.objects.select_for_update(of=("self",)).select_related("canonical").filter(**{field_name: target.pk}).first()
            if existing is not None:
                if existing.canonical_id == canonical.pk:
                    return existing
                if not move:
                    raise AlreadyLinked(existing.canonical)
                before = existing.canonical_id
                existing.canonical, existing.linked_by, existing.linked_at = canonical, user, timezone.now()
                existing.save()
                matching.refresh_keys([before, canonical.pk])
                return existing
            appearance = Appearance.objects.create(canonical=canonical, article_id=target.article_id, linked_by=user, **{field_name: target})
            matching.refresh_keys([canonical.pk])
            return appearance
    except IntegrityError:
        raise LinkRefused(_("This claim was linked by someone else just now; the panel shows its link.")) from None


def create_canonical(*, user, target: Claim | GoldClaim) -> CanonicalClaim:
    """A new canonical claim from a claim or gold claim, linked to it: the statement starts as its
    quote, in its article's language, with its claimant. Refused if the claim is linked already."""
    check_can_link(user=user, target=target)
    field_name = _field(target)
    try:
        with transaction.atomic():
            _locked_target(target)
            existing = Appearance.objects.select_related("canonical").filter(**{field_name: target.pk}).first()
            if existing is not None:
                raise AlreadyLinked(existing.canonical)
            canonical = CanonicalClaim.objects.create(
                statement=target.quote[: 5000], language=target.article.language, claimant_id=target.source_id, created_by=user
            )
            Appearance.objects.create(canonical=canonical, article_id=target.article_id, linked_by=user, **{field_name: target})
            matching.refresh_keys([canonical.pk])
            return canonical
    except IntegrityError:
        raise LinkRefused(_("This claim was linked by someone else just now; the panel shows its link.")) from None


def unlink(*, user, appearance: Appearance) -> None:
    """Take a claim or gold claim off its canonical claim (the history keeps the link); gone already: nothing to do."""
    check_can_link(user=user, target=appearance.claim or appearance.gold_claim)
    with transaction.atomic():
        current = Appearance.objects.select_for_update().filter(pk=appearance.pk).first()
        if current is None:
            return
        current.delete()
        matching.refresh_keys([current.canonical_id])


def dismiss_match(*, user, canonical: CanonicalClaim, target: Claim | GoldClaim) -> MatchDismissal:
    """Record that a suggested canonical claim is not this claim's: it is never suggested for it again."""
    check_can_link(user=user, target=target)
    field_name = _field(target)
    if Appearance.objects.filter(canonical=canonical, **{field_name: target.pk}).exists():
        raise LinkRefused(_("This claim is linked to that canonical claim; unlink it instead."))
    try:
        with transaction.atomic():
            dismissal, _created = MatchDismissal.objects.get_or_create(
                canonical=canonical, **{field_name: target}, defaults={"dismissed_by": user}
            )
    except IntegrityError:  # dismissed by someone else at the same moment
        dismissal = MatchDismissal.objects.get(canonical=canonical, **{field_name: target})
    return dismissal


def _has_dated_evidence(canonical_id: int, *, without: int | None = None) -> bool:
    return Evidence.objects.filter(canonical_id=canonical_id, published_on__isnull=False).exclude(pk=without).exists()


def _check_evidence(canonical: CanonicalClaim, dated: bool) -> None:
    try:
        check_verdict_evidence(canonical.verdict_id, dated_evidence=dated, override_note=canonical.verdict_override_note)
    except ValidationError as error:
        raise EvidenceRequired(error.messages[0]) from None


CANONICAL_FIELDS = (
    "statement", "language", "translation", "translation_language", "verdict_override_note",
    "first_appearance_url", "first_appeared_on", "note",
)


def _apply(canonical: CanonicalClaim, data: dict) -> None:
    """Put a CanonicalClaimForm's cleaned data on a canonical claim (not saved)."""
    for name in CANONICAL_FIELDS:
        setattr(canonical, name, data.get(name) or (None if name == "first_appeared_on" else ""))
    canonical.claimant = _source(data)
    verdict = data.get("verdict")
    canonical.set_verdict(verdict.slug if verdict is not None else None)


def update_canonical(*, user, canonical: CanonicalClaim, data: dict) -> CanonicalClaim:
    """Apply an edit made from `data["version"]` (CanonicalClaimForm's cleaned data); a stale one is refused."""
    check_can_edit_canonical(user=user)
    with transaction.atomic():
        current = _locked_canonical(canonical.pk)
        if data.get("version") != current.version:
            raise StaleCanonical(current)
        _apply(current, data)
        _check_evidence(current, _has_dated_evidence(current.pk))
        current.version += 1
        current.save()
        matching.refresh_keys([current.pk])
    return current


EVIDENCE_FIELDS = ("url", "title", "published_on", "archived_url", "checked_on")


def add_evidence(*, user, canonical: CanonicalClaim, data: dict) -> Evidence:
    """Add an evidence item (EvidenceForm's cleaned data); the canonical claim's version goes up, since
    what a verdict rests on changed."""
    check_can_edit_canonical(user=user)
    with transaction.atomic():
        current = _locked_canonical(canonical.pk)
        evidence = Evidence.objects.create(canonical=current, added_by=user, **{name: data.get(name) or (None if name.endswith("_on") else "") for name in EVIDENCE_FIELDS})
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
    return evidence


def remove_evidence(*, user, evidence: Evidence, version: int | None) -> None:
    """Remove an evidence item at the canonical claim's version the person saw; refused if that would
    leave a final verdict without dated evidence."""
    check_can_edit_canonical(user=user)
    with transaction.atomic():
        current = _locked_canonical(evidence.canonical_id)
        if version is None or version != current.version:
            raise StaleCanonical(current)
        if not Evidence.objects.filter(pk=evidence.pk).exists():
            return  # removed already
        _check_evidence(current, _has_dated_evidence(current.pk, without=evidence.pk))
        evidence.delete()
        current.version += 1
        current.save(update_fields=["version", "updated_at"])


@dataclass
class CanonicalLoad:
    """A canonical claim from a file (claim_import), validated: what to write, and its appearances.

    `existing` is a canonical claim already in the database that these appearances
    belong to (only the missing links are written); each target is a Claim or
    GoldClaim in the database, or a ClaimLoad written by load_claims just before.
    """

    data: dict
    evidence: list[dict]
    targets: list = field(default_factory=list)
    created_by: object = None
    existing: CanonicalClaim | None = None
    where: str = ""


def load_canonical(*, loads) -> int:
    """Write canonical claims from a file, inside load_claims' transaction; return how many were made."""
    made = 0
    touched = set()
    for load in loads:
        canonical = load.existing
        if canonical is None:
            canonical = CanonicalClaim(created_by=load.created_by)
            _apply(canonical, load.data)
            canonical.save()
            Evidence.objects.bulk_create(
                Evidence(canonical=canonical, added_by=load.created_by, **{name: item.get(name) or (None if name.endswith("_on") else "") for name in EVIDENCE_FIELDS})
                for item in load.evidence
            )
            made += 1
        for target in load.targets:
            target = getattr(target, "written", target)  # a ClaimLoad: the row load_claims wrote
            person = getattr(target, "annotator", None) or getattr(target, "adjudicator", None) or load.created_by
            Appearance.objects.create(canonical=canonical, article_id=target.article_id, linked_by=person, **{_field(target): target})
        touched.add(canonical.pk)
    matching.refresh_keys(touched)
    return made
