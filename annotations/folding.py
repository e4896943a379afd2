"""Script-aware folding for search: matching only, the stored text never changes.

`fold(text)` returns the folded text and, for every folded character, the
code-point index in the original it came from; `Folded.original_span` maps a
folded span back to a grapheme-aligned original span. `find(text, query)`
returns the original spans of every match of a query.

What is folded:

- alef forms أ إ آ ٱ → ا;
- Arabic yeh, Persian yeh and alef maksura ي ی ى → ي (so "على" and "علي" fold alike);
- Arabic and Persian kaf ك ک → ك;
- teh marbuta ة, heh ه and Persian heh with hamza ۀ → ه;
- hamza carriers ؤ → و, ئ → ي; a standalone hamza ء is kept: it is a letter of
  its own ("جزء" is not "جز");
- dropped: harakat and the combining hamza and madda (U+064B–U+065F), superscript
  alef (U+0670), the Quranic annotation marks U+06D6–U+06ED except the three
  visible symbols (end of ayah U+06DD, rub el hizb U+06DE, sajdah U+06E9), which
  are kept and separate words; tatweel (U+0640); ZWNJ and ZWJ (so "می‌گویند" is
  "میگویند"); the bidi controls U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, U+061C;
- Arabic-Indic ٠–٩ and Persian ۰–۹ digits → 0–9; between two digits the Arabic
  thousands separator ٬ is dropped and the Arabic decimal separator ٫ becomes ".";
  a comma "," between digits is dropped only when exactly three digits follow it
  (a thousands group: "3,000" → "3000", but "4,9" stays "4,9", read as two
  numbers, since a decimal comma is common in these sources);
- Latin and other cased text: `str.casefold` ("Straße" → "strasse").

What is deliberately not folded: numbers are never rounded or rewritten beyond
the digit forms and separators above ("3000" does not match "3 آلاف", "4900" does
not match "4,9 ألف"); no Unicode normalisation (NFC/NFKC) and no accent stripping
of Latin letters; digits of other scripts; Persian letters with no Arabic
counterpart (پ چ ژ گ); other format characters (soft hyphen, BOM) are kept.

Words are maximal runs of letters, marks and digits of the folded text, a "."
between two digits included ("3.5" is one word); everything else separates
words. A query matches consecutive text words, word by word (`tokens_match`): a
query word with no clitic prefix also matches a text word carrying Arabic clitic
prefixes — a conjunction و or ف, then a preposition ب, ل or ك, then the article
ال, each optional, with ل + ال written لل ("الباغوز" matches "بالباغوز" and
"والباغوز" and "للباغوز"; "باغوز" matches "الباغوز");
a query word that has a prefix matches only text words that have it too.
Persian prefixes (می, نمی) and any suffixes are not stripped.

No Django imports here: this module is tested without a database.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

import regex

from annotations import text as textlib

_LETTERS = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ
    "\u06cc": "\u064a",  # Persian yeh
    "\u0649": "\u064a",  # alef maksura
    "\u06a9": "\u0643",  # Persian kaf
    "\u0629": "\u0647",  # teh marbuta
    "\u06c0": "\u0647",  # heh with hamza above (ه + U+0654 once the hamza is dropped)
    "\u0624": "\u0648",  # ؤ
    "\u0626": "\u064a",  # ئ
}
_LETTERS.update({chr(0x0660 + d): str(d) for d in range(10)})
_LETTERS.update({chr(0x06F0 + d): str(d) for d in range(10)})

_DROPPED = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06DD, 0x06DE, 0x06E9)]
    + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)

_DIGITS = frozenset("0123456789" + "".join(chr(c) for c in range(0x0660, 0x066A)) + "".join(chr(c) for c in range(0x06F0, 0x06FA)))
_ASCII_DIGITS = frozenset("0123456789")
_THOUSANDS = "\u066c"  # ٬
_DECIMAL = "\u066b"  # ٫

_WORD = regex.compile(r"(?:[\p{L}\p{M}\p{N}]|(?<=\p{N})\.(?=\p{N}))+")

_ARTICLE = "\u0627\u0644"  # ال
_LAM = "\u0644"
_CONJUNCTIONS = ("", "\u0648", "\u0641")  # و ف
_PREPOSITIONS = ("", "\u0628", "\u0644", "\u0643")  # ب ل ك
# Every clitic prefix a query word without it may gain; ل + ال is written لل.
PREFIXES = frozenset(
    conj + prep + art
    for conj in _CONJUNCTIONS
    for prep in _PREPOSITIONS
    for art in ("", _ARTICLE)
)
_LAM_ARTICLE = frozenset(conj + _LAM + _LAM for conj in _CONJUNCTIONS)


@dataclass(frozen=True)
class Folded:
    """Folded text, the original it came from, and each folded character's original index."""

    text: str
    source: str
    origin: tuple[int, ...]

    def original_span(self, fs: int, fe: int) -> tuple[int, int]:
        """The grapheme-aligned original `[start, end)` covering folded `[fs, fe)`."""
        if not 0 <= fs < fe <= len(self.text):
            raise ValueError(f"folded span {fs}–{fe} is empty or outside 0–{len(self.text)}")
        # Dropped characters inside the span are covered because the span is
        # contiguous; those attached to the last letter (harakat, ZWNJ) by the
        # grapheme extension, so a letter is never cut from its marks.
        bounds = self._grapheme_bounds
        start = bounds[bisect.bisect_right(bounds, self.origin[fs]) - 1]
        end = bounds[bisect.bisect_right(bounds, self.origin[fe - 1])]
        return start, end

    @cached_property
    def _grapheme_bounds(self) -> list[int]:
        # One \X pass over the whole text, rather than text.grapheme_at per span,
        # which looks back to the last space or newline and so is quadratic on
        # a long line without either.
        return [0] + [m.end() for m in textlib.GRAPHEME.finditer(self.source)]


def fold(text: str) -> Folded:
    """Fold `text` for matching, keeping each folded character's original index."""
    # "Between digits" looks past dropped characters (a bidi mark beside ٬ is common),
    # so a folded text folds to itself.
    kept = [i for i, char in enumerate(text) if char not in _DROPPED]
    pieces: list[tuple[int, str]] = []
    for k, i in enumerate(kept):
        char = text[i]
        if char in (_THOUSANDS, _DECIMAL) and (
            0 < k < len(kept) - 1 and text[kept[k - 1]] in _DIGITS and text[kept[k + 1]] in _DIGITS
        ):
            if char == _DECIMAL:
                pieces.append((i, "."))
            continue
        pieces.append((i, _LETTERS.get(char) or char.casefold()))
    out: list[str] = []
    origin: list[int] = []
    for k, (i, piece) in enumerate(pieces):
        if piece == "," and _groups_thousands(pieces, k):
            continue
        out.append(piece)
        origin.extend([i] * len(piece))  # casefold may give several characters ("ß" → "ss")
    return Folded(text="".join(out), source=text, origin=tuple(origin))


def _groups_thousands(pieces: list[tuple[int, str]], k: int) -> bool:
    # A grouping comma has a digit before it and exactly three digits after it.
    def digit(j: int) -> bool:
        return 0 <= j < len(pieces) and pieces[j][1] in _ASCII_DIGITS

    return digit(k - 1) and digit(k + 1) and digit(k + 2) and digit(k + 3) and not digit(k + 4)


def words(folded: str) -> list[tuple[str, int, int]]:
    """The words of a folded text, each with its folded `[start, end)`."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]


def query_words(query: str) -> list[str]:
    """The folded words of a query."""
    return [word for word, _, _ in words(fold(query).text)]


def tokens_match(query_token: str, text_token: str) -> bool:
    """Whether a folded query word matches a folded text word, clitic prefixes allowed."""
    if not query_token:
        return False
    if text_token.endswith(query_token) and text_token[: len(text_token) - len(query_token)] in PREFIXES:
        return True
    # "الباغوز" in "للباغوز": the preposition ل absorbs the article's alef.
    if query_token.startswith(_ARTICLE) and len(query_token) > len(_ARTICLE):
        stem = query_token[len(_ARTICLE) :]
        return text_token.endswith(stem) and text_token[: len(text_token) - len(stem)] in _LAM_ARTICLE
    return False


def find(text: str, query: str) -> list[tuple[int, int]]:
    """Every match of `query` in `text` as canonical original spans, non-overlapping, in text order.

    Spans are fixed points of `text.snap_span`: whole graphemes, with trailing
    invisible format characters (a ZWNJ after the word) trimmed.
    """
    wanted = query_words(query)
    if not wanted:
        return []
    folded = fold(text)
    found = words(folded.text)
    n = len(wanted)
    spans: list[tuple[int, int]] = []
    i = 0
    while i + n <= len(found):
        if all(tokens_match(q, found[i + k][0]) for k, q in enumerate(wanted)):
            start, end = folded.original_span(found[i][1], found[i + n - 1][2])
            # Trim invisible format characters from the edges as text.snap_span
            # does (a ZWNJ is part of the grapheme before it); the tests hold
            # every span to be a fixed point of snap_span.
            while start < end and textlib.is_trimmable(text[start]):
                start += 1
            while end > start and textlib.is_trimmable(text[end - 1]):
                end -= 1
            snapped = (start, end) if start < end else None
            # Two matches could share a grapheme only through a word that starts
            # with a mark; keep the first rather than return overlapping spans.
            if snapped and (not spans or snapped[0] >= spans[-1][1]):
                spans.append(snapped)
                i += n
                continue
        i += 1
    return spans
