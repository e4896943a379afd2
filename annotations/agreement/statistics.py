"""Cohen's kappa and Krippendorff's alpha (nominal and ordinal) from paired values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

# Verdicts on the ordinal scale, lowest first (README, Agreement).
ORDINAL_VERDICTS = ("false", "mostly_false", "misleading", "mixed", "mostly_true", "true")


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


def nominal(c, k, _totals) -> float:
    return 0.0 if c == k else 1.0


def ordinal_metric(order: Sequence[str]) -> Callable:
    rank = {value: position for position, value in enumerate(order)}

    def metric(c, k, totals: Counter) -> float:
        # Krippendorff's ordinal metric: (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
        low, high = sorted((rank[c], rank[k]))
        between = sum(totals[order[g]] for g in range(low, high + 1))
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return metric


def krippendorff_alpha(units: Iterable[Sequence[str]], metric: Callable = nominal) -> float | None:
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
