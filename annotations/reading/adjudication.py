"""The adjudication page's data: every annotator's claims on an article, grouped."""

from __future__ import annotations

from collections import Counter

from .. import agreement
from ..models import Article, Assignment, Claim, GoldClaim, Rejection
from .names import annotator_names


def adjudication(article: Article) -> dict:
    """Groups (with each version, who made it and whether it is decided), the decisions so far,
    the annotators and how many have not submitted.

    The claims are read once, with whether each is decided: groups, versions and
    buttons all describe the same moment, however busy the annotators are.
    """
    claims = list(Claim.objects.for_article(article).with_labels().with_decided().order_by("start", "end", "pk"))
    assignments = list(Assignment.objects.filter(article=article).select_related("annotator").order_by("pk"))
    by_user = agreement.by_annotator(
        ((claim.annotator.username, claim.as_span()) for claim in claims),
        [assignment.annotator.username for assignment in assignments],
    )
    shown = annotator_names(article.project, by_user)
    by_id = {claim.pk: claim for claim in claims}
    groups = []
    for group in agreement.group_claims(by_user):
        versions = [{"claim": by_id[span.id], "who": shown[name]} for name, span in group.members]
        groups.append(
            {
                "key": group.key,
                "status": group.status,
                "decided": any(version["claim"].decided for version in versions),
                "versions": versions,
            }
        )
    return {
        "groups": groups,
        "counts": Counter(g["status"] for g in groups if not g["decided"]),
        "unanimous": " ".join(g["key"] for g in groups if g["status"] == agreement.AGREE and not g["decided"]),
        # With the canonical claim each is linked to (none: no appearance), for its "Seen before?" slot.
        "gold": GoldClaim.objects.filter(article=article).with_labels().select_related("appearance__canonical"),
        "rejections": Rejection.objects.filter(article=article).prefetch_related("claims"),
        "assignments": sorted(
            ({"assignment": a, "who": shown[a.annotator.username]} for a in assignments), key=lambda row: row["who"]
        ),
        "waiting": sum(not assignment.is_submitted for assignment in assignments),
    }
