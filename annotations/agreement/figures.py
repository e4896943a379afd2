"""The agreement report (README, Agreement): per project, per article and per annotator."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .matching import ArticleClaims, exact_pairs, overlap_pairs
from .statistics import ORDINAL_VERDICTS, cohen_kappa, krippendorff_alpha, ordinal_metric
from .unitizing import unitizing_alpha

LABELS = ("verification_status", "claim_type", "check_worthiness")


@dataclass
class _Pooled:
    exact: int = 0
    overlap: int = 0
    claims: int = 0
    matched: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # "a|b" -> verdict pairs
    units: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {label: [] for label in LABELS})


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def article_figures(article: ArticleClaims) -> dict:
    """Agreement on one article: span F1 (exact, overlap) and unitizing alpha."""
    pooled = _Pooled()
    _pool_article(article, pooled)
    return {
        "annotators": sorted(article.claims),
        "claims": sum(len(spans) for spans in article.claims.values()),
        "span_f1": {
            "exact": _ratio(2 * pooled.exact, pooled.claims),
            "overlap": _ratio(2 * pooled.overlap, pooled.claims),
        },
        "unitizing_alpha": unitizing_alpha(
            article.length, [[(s.start, s.end) for s in article.claims[name]] for name in sorted(article.claims)]
        ),
    }


def _pool_article(article: ArticleClaims, pooled: _Pooled) -> None:
    for name_a, name_b in combinations(sorted(article.claims), 2):
        a, b = article.claims[name_a], article.claims[name_b]
        pooled.exact += exact_pairs(a, b)
        pairs = overlap_pairs(a, b)
        pooled.overlap += len(pairs)
        pooled.claims += len(a) + len(b)
        verdicts = pooled.matched.setdefault(f"{name_a}|{name_b}", [])
        for i, j in pairs:
            verdicts.append((a[i].verification_status, b[j].verification_status))
            for label in LABELS:
                pooled.units[label].append((getattr(a[i], label), getattr(b[j], label)))


def _project_unitizing(articles: Sequence[ArticleClaims]) -> float | None:
    """uα over the articles laid end to end as one continuum.

    Rater slots are filled by each article's annotators in name order, which
    leaves uα unchanged because it is symmetric in the raters. The measure needs
    the same number of raters throughout, so only articles with the most common
    number of compared annotators (ties: the larger number, at least 2) are joined.
    """
    counts = Counter(len(a.claims) for a in articles if len(a.claims) >= 2)
    if not counts:
        return None
    m = max(counts, key=lambda size: (counts[size], size))
    raters: list[list[tuple[int, int]]] = [[] for _ in range(m)]
    offset = 0
    for article in articles:
        if len(article.claims) != m:
            continue
        for slot, name in enumerate(sorted(article.claims)):
            raters[slot].extend((s.start + offset, s.end + offset) for s in article.claims[name])
        offset += article.length
    return unitizing_alpha(offset, raters)


def project_figures(articles: Sequence[ArticleClaims]) -> dict:
    """The figures `agreement --json` prints (README, Agreement)."""
    pooled = _Pooled()
    annotators: set[str] = set()
    for article in articles:
        annotators.update(article.claims)
        _pool_article(article, pooled)
    ordinal = set(ORDINAL_VERDICTS)
    verdict_units = pooled.units["verification_status"]
    return {
        "articles": len(articles),
        "annotators": sorted(annotators),
        "span_f1": {
            "exact": _ratio(2 * pooled.exact, pooled.claims),
            "overlap": _ratio(2 * pooled.overlap, pooled.claims),
        },
        "verification_status": {
            "kappa": {pair: cohen_kappa(values) for pair, values in sorted(pooled.matched.items())},
            "alpha_nominal": krippendorff_alpha(verdict_units),
            "alpha_ordinal": krippendorff_alpha(
                [unit for unit in verdict_units if unit[0] in ordinal and unit[1] in ordinal],
                ordinal_metric(ORDINAL_VERDICTS),
            ),
        },
        "claim_type": {"alpha_nominal": krippendorff_alpha(pooled.units["claim_type"])},
        "check_worthiness": {"alpha_nominal": krippendorff_alpha(pooled.units["check_worthiness"])},
        "unitizing_alpha": _project_unitizing(articles),
    }


def annotator_figures(articles: Sequence[ArticleClaims]) -> dict[str, dict]:
    """Per annotator: claims, and span F1 (overlap) and verdict agreement against everyone else."""
    result: dict[str, dict] = {}
    for article in articles:
        for name_a, name_b in combinations(sorted(article.claims), 2):
            a, b = article.claims[name_a], article.claims[name_b]
            pairs = overlap_pairs(a, b)
            same_verdict = sum(a[i].verification_status == b[j].verification_status for i, j in pairs)
            for name in (name_a, name_b):
                row = result.setdefault(name, {"articles": set(), "claims": 0, "matched": 0, "compared": 0, "same_verdict": 0})
                row["matched"] += len(pairs)
                row["compared"] += len(a) + len(b)
                row["same_verdict"] += same_verdict
        for name, spans in article.claims.items():
            row = result.setdefault(name, {"articles": set(), "claims": 0, "matched": 0, "compared": 0, "same_verdict": 0})
            row["articles"].add(article.key)
            row["claims"] += len(spans)
    return {
        name: {
            "articles": len(row["articles"]),
            "claims": row["claims"],
            "span_f1_overlap": _ratio(2 * row["matched"], row["compared"]),
            "verdict_agreement": _ratio(row["same_verdict"], row["matched"]),
        }
        for name, row in sorted(result.items())
    }
