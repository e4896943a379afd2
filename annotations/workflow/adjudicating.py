"""Adjudication: turning a group of annotators' claims into a gold claim or a rejection.

The rules (docs/adjudication.md): decisions wait until every annotator assigned
to the article has submitted it; each decision names the claims it was taken on
with the revision the adjudicator saw, and is refused if any of them changed,
vanished or was decided since, or if they no longer form one group. Claims under
a decision are frozen until the decision is taken back.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import agreement, matching
from ..forms import check_evidence
from ..models import (
    MERGE_PARTS,
    Article,
    Assignment,
    Claim,
    GoldClaim,
    Rejection,
    decided_claim_ids,
    evidence_union,
    is_adjudicator,
)
from .annotating import _apply, _replayed


class DecisionRefused(Exception):
    """A decision that cannot be taken as asked; the page shows the current state instead."""


class StaleGroup(DecisionRefused):
    """The group changed (a claim was edited, deleted, regrouped or decided) since the page was shown."""


class NotReady(DecisionRefused):
    """Some annotator assigned to the article has not submitted it yet."""


def check_can_adjudicate(*, user) -> None:
    if not is_adjudicator(user):
        raise PermissionDenied(_("Only adjudicators can adjudicate."))


def waiting_annotators(article: Article, *, lock: bool = False) -> int:
    """How many annotators assigned to the article have not submitted it.

    With lock=True the article's assignments are locked until the transaction
    ends, so a reopened assignment cannot slip in under a decision.
    """
    assignments = Assignment.objects.filter(article=article).order_by("pk")
    if lock:
        assignments = assignments.select_for_update(of=("self",))
    return sum(state != Assignment.State.SUBMITTED for state in assignments.values_list("state", flat=True))


def _check_ready(article: Article) -> None:
    waiting = waiting_annotators(article, lock=True)
    if waiting:
        raise NotReady(
            ngettext(
                "%(count)d annotator has not submitted this article yet; decisions wait until every annotator has.",
                "%(count)d annotators have not submitted this article yet; decisions wait until every annotator has.",
                waiting,
            )
            % {"count": waiting}
        )


CHANGED = gettext_lazy("These claims changed since the page was shown; it now shows them as they are.")


def _locked_groups(article: Article, seen_groups: list[dict]) -> tuple[list[tuple[list[Claim], agreement.Group]], int]:
    """Lock the claims of each group as the adjudicator saw it, and check nothing moved.

    Returns each group's claims with the group as it stands now, and how many
    annotators are compared on the article. Claims are locked in id order, so
    parallel decisions cannot deadlock.
    """
    _check_ready(article)
    ids = sorted({claim_id for seen in seen_groups for claim_id in seen})
    if not ids or any(not seen for seen in seen_groups) or sum(map(len, seen_groups)) != len(ids):
        raise StaleGroup(CHANGED)
    claims = {
        claim.pk: claim
        for claim in Claim.objects.select_for_update(of=("self",))
        .filter(article=article, pk__in=ids)
        .order_by("pk")
        .select_related("annotator")
    }
    for seen in seen_groups:
        for claim_id, revision in seen.items():
            claim = claims.get(claim_id)
            if claim is None or revision is None or claim.version != revision:
                raise StaleGroup(CHANGED)
    if decided_claim_ids(article.pk).intersection(ids):
        raise StaleGroup(_("These claims were already decided; the page shows the decision."))
    everyone = Claim.objects.filter(article=article).select_related("annotator")
    assigned = Assignment.objects.filter(article=article).values_list("annotator__username", flat=True)
    by_user = agreement.by_annotator(((claim.annotator.username, claim.as_span()) for claim in everyone), assigned)
    current = {frozenset(span.id for _name, span in group.members): group for group in agreement.group_claims(by_user)}
    locked = []
    for seen in seen_groups:
        group = current.get(frozenset(seen))
        if group is None:
            raise StaleGroup(_("The claims around this group changed; the page shows the groups as they are now."))
        locked.append(([claims[claim_id] for claim_id in sorted(seen)], group))
    return locked, len(by_user)


GOLD_FIELDS = (
    "start", "end", "quote", "prefix", "suffix", "claim_type_id", "check_worthiness_id",
    "verification_status_id", "attribution_id", "source_id", "source_start", "source_end", "evidence", "note",
)


def _gold_from(*, user, article: Article, claims: list[Claim], group: agreement.Group, compared: int, chosen: Claim, note: str) -> GoldClaim:
    values = {name: getattr(chosen, name) for name in GOLD_FIELDS}
    return _gold_with(user=user, article=article, claims=claims, group=group, compared=compared, values=values, note=note)


def _gold_with(*, user, article: Article, claims: list[Claim], group: agreement.Group, compared: int, values: dict, note: str) -> GoldClaim:
    gold = GoldClaim(article=article, adjudicator=user, decision_note=note, **values)
    gold.provenance = agreement.provenance(group.members, gold.as_span().version, compared)
    gold.save()
    gold.annotations.set(claims)
    return gold


def accept_version(*, user, article: Article, seen: dict, chosen_id: int, note: str = "") -> GoldClaim:
    """Make one annotator's version of a group, exactly as the adjudicator saw it, the gold claim."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        [(claims, group)], compared = _locked_groups(article, [seen])
        chosen = next((claim for claim in claims if claim.pk == chosen_id), None)
        if chosen is None:
            raise StaleGroup(_("The chosen claim is not part of this group."))
        return _gold_from(user=user, article=article, claims=claims, group=group, compared=compared, chosen=chosen, note=note)


def merge_group(*, user, article: Article, seen: dict, picks: dict[str, int], evidence: list[str], note: str = "") -> GoldClaim:
    """Make a gold claim from a group, as the adjudicator saw it, part by part (MERGE_PARTS):
    `picks` names for each part the claim to take it from; `evidence` is a choice among the
    versions' links. Nothing is typed, so nothing but the choices is checked: each names a
    claim of the group, and each link is one of theirs."""
    check_can_adjudicate(user=user)
    if set(picks) != set(MERGE_PARTS):
        raise DecisionRefused(_("Choose a version for every part of the claim."))
    with transaction.atomic():
        [(claims, group)], compared = _locked_groups(article, [seen])
        by_id = {claim.pk: claim for claim in claims}
        if any(claim_id not in by_id for claim_id in picks.values()):
            raise StaleGroup(_("The chosen claim is not part of this group."))
        offered = evidence_union(claims)
        if any(link not in offered for link in evidence):
            raise DecisionRefused(_("Only the versions' own evidence links can be merged; add others with Edit and merge."))
        try:
            links = check_evidence([link for link in offered if link in evidence])
        except ValidationError as error:
            raise DecisionRefused(" ".join(error.messages)) from None
        values = {"evidence": links}
        for part, names in MERGE_PARTS.items():
            values.update({name: getattr(by_id[picks[part]], name) for name in names})
        return _gold_with(user=user, article=article, claims=claims, group=group, compared=compared, values=values, note=note)


def accept_unanimous(*, user, article: Article, seen_groups: list[dict]) -> int:
    """Accept every unanimous group the adjudicator saw, all or none; return how many."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        locked, compared = _locked_groups(article, seen_groups)
        if any(group.status != agreement.AGREE for _claims, group in locked):
            raise StaleGroup(_("A group is no longer unanimous; the page shows the groups as they are now."))
        for claims, group in locked:
            _gold_from(user=user, article=article, claims=claims, group=group, compared=compared, chosen=claims[0], note="")
    return len(locked)


def create_gold(*, user, article: Article, seen: dict, data: dict) -> tuple[GoldClaim, bool]:
    """Save an edited or merged version of a group (or a claim every annotator missed) as gold.

    Returns the gold claim and whether it is new: a repeated submission of the
    same form returns the gold claim it already made, and one with other
    content under the same token is refused (TokenReused).
    """
    check_can_adjudicate(user=user)
    token = data.get("client_token")
    existing = GoldClaim.objects.filter(adjudicator=user, client_token=token).first() if token else None
    if existing is not None:
        return _replayed(existing, data, seen), False
    try:
        with transaction.atomic():
            if seen:
                [(claims, group)], compared = _locked_groups(article, [seen])
            else:
                _check_ready(article)
                claims, group, compared = [], None, 0
            gold = GoldClaim(
                article=article, adjudicator=user, client_token=token, decision_note=data.get("decision_note") or ""
            )
            _apply(gold, data)
            gold.provenance = agreement.provenance(group.members, gold.as_span().version, compared) if group else "adjudicated"
            gold.save()
            gold.annotations.set(claims)
    except IntegrityError:
        existing = GoldClaim.objects.filter(adjudicator=user, client_token=token).first() if token else None
        if existing is None:
            raise
        return _replayed(existing, data, seen), False
    return gold, True


def reject_group(*, user, article: Article, seen: dict, note: str = "") -> Rejection:
    """Record that a group of claims, as the adjudicator saw it, is not a claim."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        [(claims, _group)], _compared = _locked_groups(article, [seen])
        rejection = Rejection.objects.create(article=article, adjudicator=user, decision_note=note)
        rejection.claims.set(claims)
    return rejection


def undo_decision(*, user, decision: GoldClaim | Rejection, version: int | None) -> None:
    """Take back a gold claim or a rejection at the version the adjudicator saw; its history keeps a copy."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        current = type(decision).objects.select_for_update().filter(pk=decision.pk).first()
        if current is None:
            return  # already taken back
        if version is None or current.version != version:
            raise StaleGroup(_("This decision changed since the page was shown; the page shows it as it is now."))
        linked = matching.linked_canonical_ids(gold=[current.pk]) if isinstance(current, GoldClaim) else []
        current.delete()  # a gold claim's appearance under a canonical claim goes with it
        matching.refresh_keys(linked)


def reopen_assignment(*, user, assignment: Assignment) -> Assignment:
    """Give a submitted article back to its annotator so they can change their claims."""
    check_can_adjudicate(user=user)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.state != Assignment.State.SUBMITTED:
            raise DecisionRefused(_("Only a submitted article can be reopened; this one is open already."))
        assignment.state = Assignment.State.IN_PROGRESS
        assignment.submitted_at = None
        assignment.save(update_fields=["state", "submitted_at"])
    return assignment
