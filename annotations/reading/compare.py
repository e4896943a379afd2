"""An annotator's claims beside the gold claims of an article."""

from __future__ import annotations

from .. import agreement
from ..models import LABEL_FIELDS, Article, Claim, GoldClaim


def compare_with_gold(article: Article, user) -> dict:
    """Pairs of the user's claims and gold claims (overlap-matched), with what differs;
    gold claims they missed; their claims not in gold."""
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
    paired_own, paired_gold = {i for i, _j in pairs}, {j for _i, j in pairs}
    return {
        "matched": matched,
        "missed": [g for j, g in enumerate(gold) if j not in paired_gold],
        "extra": [c for i, c in enumerate(own) if i not in paired_own],
        "gold_count": len(gold),
    }
