"""What the adjudication page shows to compare a group's versions and merge them part by part.

- `span_diff`: each version's quote in pieces, marking on the words where its span differs
  from the others' (computed from the stored text and code-point offsets, never from quotes);
- `merge_parts`: for each part of a claim (models.MERGE_PARTS), the distinct values the
  versions give it, which annotators gave each, and the one the merge form starts from.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext_lazy as _

from ..models import MERGE_PARTS, Attribution, CheckWorthiness, ClaimType, Verdict
from ..models.vocabulary import term_label

# A piece of a version's quote: words every version's span holds, words this span holds that
# another does not, and words next to it that another version's span holds and this one leaves out.
SAME, EXTRA, MISSING = "same", "extra", "missing"
LONG_PIECE = 160  # longer pieces show their two ends
PIECE_END = 60

PART_HEADINGS = {
    "span": _("Span"),
    "claim_type": _("Type"),
    "check_worthiness": _("Check-worthiness"),
    "verification_status": _("Verdict"),
    "attribution": _("Attribution"),
    "claimant": _("Claimant"),
    "note": _("Note"),
}
_TERMS = {
    "claim_type": ClaimType, "check_worthiness": CheckWorthiness, "verification_status": Verdict, "attribution": Attribution,
}


def _shown(piece: str) -> tuple[str, bool]:
    """A piece as shown: whole, or its two ends when long (True: something left out between them)."""
    if len(piece) <= LONG_PIECE:
        return piece, False
    return piece[:PIECE_END] + "\u2026" + piece[-PIECE_END:], True


def span_diff(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[str, str]]] | None:
    """For each span, its pieces in text order as (kind, text); None when every span is the same.

    Offsets are code points into `text`. A piece is SAME where every span covers it, EXTRA
    where this span covers it and some other does not, MISSING where another span covers it
    and this one does not (only at a span's edges: a span is one stretch).
    """
    if len(set(spans)) < 2:
        return None
    cuts = sorted({offset for span in spans for offset in span})
    stretches = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = sum(start <= a and b <= end for start, end in spans)
        if covering:
            stretches.append((a, b, covering))
    diffs = []
    for start, end in spans:
        pieces: list[tuple[str, str]] = []
        for a, b, covering in stretches:
            if start <= a and b <= end:
                kind = SAME if covering == len(spans) else EXTRA
            else:
                kind = MISSING
            if pieces and pieces[-1][0] == kind:
                pieces[-1] = (kind, pieces[-1][1] + text[a:b])
            else:
                pieces.append((kind, text[a:b]))
        diffs.append([(kind, _shown(piece)[0]) for kind, piece in pieces])
    return diffs


def _value(claim, part: str):
    return tuple(getattr(claim, name) for name in MERGE_PARTS[part] if name not in ("prefix", "suffix", "quote"))


def _label(claim, part: str, text: str) -> str:
    """What the merge form shows of a version's part."""
    if part == "span":
        return _shown(claim.quote)[0]
    if part in _TERMS:
        return term_label(_TERMS[part], getattr(claim, f"{part}_id"))
    if part == "claimant":
        if claim.source_id is None:
            return str(_("No claimant"))
        name = f"{claim.source.name} ({claim.source.get_kind_display()})"
        if claim.source_start is None:
            return name
        return str(_("%(name)s, marked in the text: “%(quote)s”")) % {
            "name": name, "quote": _shown(text[claim.source_start : claim.source_end])[0],
        }
    return claim.note or str(_("No note"))


def merge_parts(versions: list[dict], text: str) -> list[dict]:
    """Each part's distinct values across the versions, in version order: {part, heading,
    options: [{claim (the id that carries it), who (names), label, span (start, end, for the
    span), checked}]}. The value most versions share is checked (the first of a tie)."""
    parts = []
    for part in MERGE_PARTS:
        options: dict[tuple, dict] = {}
        counts: Counter = Counter()
        for version in versions:
            claim = version["claim"]
            value = _value(claim, part)
            counts[value] += 1
            if value not in options:
                options[value] = {"claim": claim.pk, "who": [], "label": _label(claim, part, text), "checked": False}
                if part == "span":
                    options[value]["span"] = (claim.start, claim.end)
            options[value]["who"].append(version["who"])
        best = max(options, key=lambda value: counts[value])  # max keeps the first of a tie
        options[best]["checked"] = True
        parts.append({"part": part, "heading": PART_HEADINGS[part], "options": list(options.values()), "same": len(options) == 1})
    return parts
