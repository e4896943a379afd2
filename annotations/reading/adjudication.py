"""The adjudication page's data: every annotator's claims on an article, grouped, and whether
the article's adjudication is finished."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from .. import agreement
from ..models import Article, Assignment, Claim, GoldClaim, Rejection, evidence_union
from .merging import merge_parts, span_diff
from .names import annotator_names
from .spans import agreement_articles


def is_finished(*, waiting: int, compared: int, decided: list[bool]) -> bool:
    """An article's adjudication is finished when every annotator assigned to it has submitted
    it, someone was compared on it, and every group is decided (docs/adjudication.md)."""
    return not waiting and compared > 0 and all(decided)


def adjudication(article: Article) -> dict:
    """Groups (with each version, who made it, where its span differs from the others', how the
    group was decided and, while undecided, its merge choices), the decisions so far, the
    annotators, how many have not submitted, and the progress.

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
    # With the canonical claim each is linked to (none: no appearance), for its "Seen before?" slot.
    gold = list(GoldClaim.objects.filter(article=article).with_labels().select_related("appearance__canonical"))
    rejections = list(Rejection.objects.filter(article=article).prefetch_related("claims"))
    decisions = {claim.pk: rejection for rejection in rejections for claim in rejection.claims.all()}
    # Each query reads its own moment: a decision taken between them is left out, never an error.
    gold_by_id = {claim.pk: claim for claim in gold}
    through = GoldClaim.annotations.through.objects.filter(goldclaim__article=article).values_list("claim_id", "goldclaim_id")
    decisions.update({claim_id: gold_by_id[gold_id] for claim_id, gold_id in through if gold_id in gold_by_id})
    groups = []
    for group in agreement.group_claims(by_user):
        versions = [{"claim": by_id[span.id], "who": shown[name]} for name, span in group.members]
        decided = any(version["claim"].decided for version in versions)
        decision = next((decisions[v["claim"].pk] for v in versions if v["claim"].pk in decisions), None)
        diff = span_diff(article.text, [(v["claim"].start, v["claim"].end) for v in versions])
        for version, pieces in zip(versions, diff or [], strict=False):
            version["diff"] = pieces
        groups.append(
            {
                "key": group.key,
                "status": group.status,
                "decided": decided,
                "rejection": decision if isinstance(decision, Rejection) else None,
                "gold": decision if isinstance(decision, GoldClaim) else None,
                "versions": versions,
                "diff": diff is not None,
                "merge": merge_parts(versions, article.text) if not decided and len(versions) > 1 and group.status != agreement.AGREE else None,
                "evidence": evidence_union(v["claim"] for v in versions),
            }
        )
    waiting = sum(not assignment.is_submitted for assignment in assignments)
    decided = sum(g["decided"] for g in groups)
    return {
        "groups": groups,
        "counts": Counter(g["status"] for g in groups if not g["decided"]),
        "unanimous": " ".join(g["key"] for g in groups if g["status"] == agreement.AGREE and not g["decided"]),
        "gold": gold,
        "rejections": rejections,
        "assignments": sorted(
            ({"assignment": a, "who": shown[a.annotator.username]} for a in assignments), key=lambda row: row["who"]
        ),
        "waiting": waiting,
        "progress": {"decided": decided, "total": len(groups)},
        "differences": any(g["diff"] for g in groups),
        "finished": is_finished(waiting=waiting, compared=len(by_user), decided=[g["decided"] for g in groups]),
    }


def finished_articles(articles: QuerySet) -> set[int]:
    """The ids of the articles whose adjudication is finished (is_finished). A fixed number of queries."""
    pks = list(articles.order_by("pk").values_list("pk", flat=True))
    data = agreement_articles(articles)
    waiting = set(
        Assignment.objects.filter(article__in=articles).exclude(state=Assignment.State.SUBMITTED).values_list("article_id", flat=True)
    )
    gold = GoldClaim.annotations.through.objects.filter(goldclaim__article__in=articles).values_list("claim_id", flat=True)
    rejected = Rejection.claims.through.objects.filter(rejection__article__in=articles).values_list("claim_id", flat=True)
    decided = set(gold.union(rejected))
    finished = set()
    for pk, item in zip(pks, data, strict=True):
        groups = agreement.group_claims(item.claims) if pk not in waiting else []
        if is_finished(
            waiting=pk in waiting, compared=len(item.claims),
            decided=[any(span.id in decided for _name, span in group.members) for group in groups],
        ):
            finished.add(pk)
    return finished
