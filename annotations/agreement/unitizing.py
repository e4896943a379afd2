"""Krippendorff's unitizing alpha (uα) for claim spans on a text.

Krippendorff, K. (1995) "On the reliability of unitizing contiguous data",
Sociological Methodology 25:47–76; also Content Analysis, 2nd ed. (2004),
§12.4. One category ("claim") against gaps, in the form implemented by DKPro
Statistics (KrippendorffAlphaUnitizingAgreement): observed disagreement sums
δ² over every pair of coders' overlapping segments; expected disagreement
considers every placement of every unit in the pooled gaps. The measure needs
one coder's units not to overlap, so each coder's claims are merged into their
union first.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import combinations


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
    n_units = len(lengths)
    if n_units == 0:
        return None
    # Σ over gaps g ≥ l of (g − l + 1), for every unit length l, from sorted gaps and
    # suffix sums: O(units · log gaps) instead of O(units · gaps).
    gaps = sorted(e - s for segs in segments for s, e, is_unit in segs if not is_unit)
    suffix = [0] * (len(gaps) + 1)
    for i in range(len(gaps) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + gaps[i]
    total = 0.0
    for size in lengths:
        within = (n_units - 1) * (2 * size**3 - 3 * size**2 + size) / 3
        first = bisect_left(gaps, size)
        fits = suffix[first] - (size - 1) * (len(gaps) - first)
        total += within + size * size * fits
    denominator = m * length * (m * length - 1) - sum(size * (size - 1) for size in lengths)
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
