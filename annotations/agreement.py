"""Agreement between annotators, exactly as design.md §7 defines it. Pure Python.

Per article, the annotators compared are those with an assignment or at least
one claim on it. For each pair (a, b) on an article:

- exact match: claims with identical (start, end), paired one to one;
- overlap match: a one-to-one pairing of a's and b's claims that share at least
  one code point, chosen greedily by the longest shared stretch first (ties:
  smaller start in a, then in b; then smaller end in a, then in b);
- span F1 = 2·matches / (|a| + |b|); the project figure is the micro average
  2·Σ matches / Σ (|a| + |b|) over every article and pair.

Label agreement uses the overlap-matched pairs pooled over articles: Cohen's
kappa per annotator pair, and Krippendorff's alpha (nominal; ordinal on the
verdict scale) where every matched pair is one unit with two values.

Krippendorff's unitizing alpha follows Krippendorff, K. (1995) "On the
reliability of unitizing contiguous data", Sociological Methodology 25:47–76
(also Content Analysis, 2nd ed., 2004, §12.4), for one category ("claim")
against gaps, in the form implemented by DKPro Statistics
(KrippendorffAlphaUnitizingAgreement). The measure needs one annotator's units
not to overlap, so each annotator's claims are merged into their union first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

# Verdicts on the ordinal scale, lowest first (design.md §7).
ORDINAL_VERDICTS = ("false", "mostly_false", "misleading", "mixed", "mostly_true", "true")
LABELS = ("verification_status", "claim_type", "check_worthiness")


@dataclass(frozen=True)
class Span:
    """One annotator's claim as agreement sees it."""

    start: int
    end: int
    verification_status: str = ""
    claim_type: str = ""
    check_worthiness: str = ""
    id: int | None = None
    # Further labels that make two versions differ (attribution, claimant).
    extra: tuple = ()

    @property
    def version(self) -> tuple:
        """What must be identical for two annotators' claims to agree."""
        return (self.start, self.end, self.verification_status, self.claim_type, self.check_worthiness, self.extra)


@dataclass
class ArticleClaims:
    """One article: its length in code points and each compared annotator's claims."""

    key: str
    length: int
    claims: dict[str, list[Span]] = field(default_factory=dict)


def exact_pairs(a: Sequence[Span], b: Sequence[Span]) -> int:
    """How many claims of a and b have identical (start, end), paired one to one."""
    counts = Counter((s.start, s.end) for s in a) & Counter((s.start, s.end) for s in b)
    return sum(counts.values())


def overlap_pairs(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of overlapping claims, longest shared stretch first."""
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            shared = min(x.end, y.end) - max(x.start, y.start)
            if shared > 0:
                candidates.append((-shared, x.start, y.start, x.end, y.end, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_key, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' values; None when undefined (no data, or chance agreement is 1)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    first = Counter(x for x, _ in pairs)
    second = Counter(y for _, y in pairs)
    expected = sum(first[value] * second[value] for value in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def _nominal(c, k, _totals) -> float:
    return 0.0 if c == k else 1.0


def _ordinal_metric(order: Sequence[str]) -> Callable:
    rank = {value: position for position, value in enumerate(order)}

    def metric(c, k, totals: Counter) -> float:
        # Krippendorff's ordinal metric: (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
        low, high = sorted((rank[c], rank[k]))
        between = sum(totals[order[g]] for g in range(low, high + 1))
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return metric


def krippendorff_alpha(units: Iterable[Sequence[str]], metric: Callable = _nominal) -> float | None:
    """Krippendorff's alpha from units of values (one value per coder); None when undefined."""
    coincidences: Counter = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[(c, k)] += 1 / (m - 1)
    totals: Counter = Counter()
    for (c, _k), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(weight * metric(c, k, totals) for (c, k), weight in coincidences.items())
    expected = sum(totals[c] * totals[k] * metric(c, k, totals) for c in totals for k in totals)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of spans as sorted, non-overlapping, non-touching stretches."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _segments(units: list[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    """The continuum [0, length) cut into (start, end, is_unit) segments."""
    segments = []
    position = 0
    for start, end in units:
        if start > position:
            segments.append((position, start, False))
        segments.append((start, end, True))
        position = end
    if position < length:
        segments.append((position, length, False))
    return segments


def _distance(first: tuple[int, int, bool], second: tuple[int, int, bool]) -> int:
    """δ² between two coders' segments that share part of the continuum (Krippendorff 1995)."""
    b1, e1, unit1 = first
    b2, e2, unit2 = second
    l1, l2 = e1 - b1, e2 - b2
    begin = b1 - b2
    if unit1 and unit2 and -l1 < begin < l2:
        return begin * begin + (e1 - e2) ** 2
    if unit1 and not unit2 and b1 >= b2 and e1 <= e2:
        return l1 * l1
    if unit2 and not unit1 and b2 >= b1 and e2 <= e1:
        return l2 * l2
    return 0


def _unitizing_parts(length: int, raters: Sequence[Sequence[tuple[int, int]]]) -> tuple[float, float] | None:
    """Observed and expected disagreement of Krippendorff's uα, or None when undefined."""
    m = len(raters)
    if m < 2 or length <= 0:
        return None
    units = [merge_spans((max(0, s), min(length, e)) for s, e in spans if min(length, e) > max(0, s)) for spans in raters]
    segments = [_segments(u, length) for u in units]
    observed = 0
    for first, second in combinations(segments, 2):
        i = j = 0
        while i < len(first) and j < len(second):
            observed += _distance(first[i], second[j])
            end_i, end_j = first[i][1], second[j][1]
            if end_i <= end_j:
                i += 1
            if end_j <= end_i:
                j += 1
    observed = 2 * observed / (m * (m - 1) * length * length)
    lengths = [e - s for u in units for s, e in u]
    gaps = sorted((e - s for segs in segments for s, e, is_unit in segs if not is_unit), reverse=True)
    n_units = len(lengths)
    if n_units == 0:
        return None
    total = 0.0
    for l in lengths:
        within = (n_units - 1) * (2 * l**3 - 3 * l**2 + l) / 3
        fits = sum(g - l + 1 for g in gaps if g >= l)
        total += within + l * l * fits
    denominator = m * length * (m * length - 1) - sum(l * (l - 1) for l in lengths)
    if denominator <= 0:
        return None
    expected = (2 / length) * total / denominator
    return observed, expected


def unitizing_alpha(length: int, raters: Sequence[Sequence[tuple[int, int]]]) -> float | None:
    """Krippendorff's uα for claim spans on one continuum of `length` code points."""
    parts = _unitizing_parts(length, raters)
    if parts is None:
        return None
    observed, expected = parts
    if expected == 0:
        return None
    return 1 - observed / expected


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
    """The figures `agreement --json` prints (design.md §7)."""
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
                _ordinal_metric(ORDINAL_VERDICTS),
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


# Adjudication groups: claims aligned across annotators.

AGREE, PARTIAL, SINGLE = "agree", "partial", "single"


@dataclass
class Group:
    """Claims of several annotators about the same stretch, and how far they agree."""

    members: list[tuple[str, Span]]
    status: str

    @property
    def key(self) -> str:
        return "-".join(str(span.id) for _name, span in sorted(self.members, key=lambda m: m[1].id or 0))

    @property
    def start(self) -> int:
        return min(span.start for _name, span in self.members)


def group_claims(claims: dict[str, list[Span]]) -> list[Group]:
    """Join claims that overlap-match across any pair of annotators into groups, in text order.

    A group is `agree` when every compared annotator has exactly one claim in
    it and all are identical (span and labels), `single` when only one
    annotator has claims in it, and `partial` otherwise.
    """
    members: list[tuple[str, Span]] = []
    index: dict[tuple[str, int], int] = {}
    for name in sorted(claims):
        for i, span in enumerate(claims[name]):
            index[(name, i)] = len(members)
            members.append((name, span))
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name_a, name_b in combinations(sorted(claims), 2):
        for i, j in overlap_pairs(claims[name_a], claims[name_b]):
            parent[find(index[(name_a, i)])] = find(index[(name_b, j)])
    grouped: dict[int, list[tuple[str, Span]]] = {}
    for position, member in enumerate(members):
        grouped.setdefault(find(position), []).append(member)
    groups = []
    for group_members in grouped.values():
        group_members.sort(key=lambda m: (m[1].start, m[1].end, m[0]))
        names = [name for name, _span in group_members]
        if len(set(names)) == 1:
            status = SINGLE
        elif (
            sorted(names) == sorted(claims)
            and len({span.version for _name, span in group_members}) == 1
        ):
            status = AGREE
        else:
            status = PARTIAL
        groups.append(Group(group_members, status))
    groups.sort(key=lambda g: (g.start, g.key))
    return groups


def provenance(group_members: Sequence[tuple[str, Span]], version: tuple, compared: int) -> str:
    """`unanimous` if every compared annotator made exactly this version, `majority` if most did."""
    makers = {name for name, span in group_members if span.version == version}
    if compared >= 2 and len(makers) == compared:
        return "unanimous"
    if compared >= 2 and len(makers) * 2 > compared:
        return "majority"
    return "adjudicated"
