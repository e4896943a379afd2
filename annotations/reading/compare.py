"""An annotator's claims beside the gold claims of an article, and what was decided about each."""

from __future__ import annotations

from .. import agreement
from ..models import LABEL_FIELDS, Article, Claim, GoldClaim, Rejection
from .adjudication import finished_articles


def compare_with_gold(article: Article, user) -> dict:
    """Pairs of the user's claims and gold claims (overlap-matched), with what differs and the
    adjudicator's note; gold claims they missed; their claims not in gold, split into those the
    adjudicator rejected (with the note), those taken into a gold claim elsewhere, and those not
    decided yet; and whether the article's adjudication is finished."""
    own = list(Claim.objects.for_article(article).filter(annotator=user).with_labels())
    gold = list(GoldClaim.objects.filter(article=article).with_labels())
    pairs = agreement.overlap_pairs([c.as_span() for c in own], [g.as_span() for g in gold])
    compared = (*LABEL_FIELDS, "source")
    matched = [
        {
            "own": own[i],
            "gold": gold[j],
            "same_span": (own[i].start, own[i].end) == (gold[j].start, gold[j].end),
            "different": [name for name in compared if getattr(own[i], f"{name}_id") != getattr(gold[j], f"{name}_id")],
        }
        for i, j in pairs
    ]
    ids = [claim.pk for claim in own]
    rejected = dict(
        Rejection.claims.through.objects.filter(claim_id__in=ids).values_list("claim_id", "rejection__decision_note")
    )
    gold_by_id = {claim.pk: claim for claim in gold}
    # A gold claim saved after the list was read is left out (each query reads its own moment).
    taken = {
        claim_id: gold_by_id[gold_id]
        for claim_id, gold_id in GoldClaim.annotations.through.objects.filter(claim_id__in=ids).values_list("claim_id", "goldclaim_id")
        if gold_id in gold_by_id
    }
    paired_own, paired_gold = {i for i, _j in pairs}, {j for _i, j in pairs}
    unpaired = [claim for i, claim in enumerate(own) if i not in paired_own]
    return {
        "matched": matched,
        "missed": [g for j, g in enumerate(gold) if j not in paired_gold],
        "rejected": [{"claim": claim, "note": rejected[claim.pk]} for claim in unpaired if claim.pk in rejected],
        "taken": [{"claim": claim, "gold": taken[claim.pk]} for claim in unpaired if claim.pk in taken],
        "undecided": [claim for claim in unpaired if claim.pk not in rejected and claim.pk not in taken],
        "gold_count": len(gold),
        "finished": article.pk in finished_articles(Article.objects.filter(pk=article.pk)),
    }
