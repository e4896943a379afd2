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

`word_terms(word)` is the same rule read the other way: every query word that
matches a text word. A search index holding each article's word terms finds
exactly the articles where every query word matches some word (docs/search.md).

No Django imports here: this module is tested without a database.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
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

_THOUSANDS = "\u066c"  # ٬
_DECIMAL = "\u066b"  # ٫

# Each dropped character removed and each letter or digit form replaced, one str.replace
# apiece (no replacement is itself replaced): far faster than str.translate's dict.
_REPLACEMENTS = [(char, "") for char in sorted(_DROPPED)] + sorted(_LETTERS.items())
# The standard library's re where Unicode properties are not needed: it is faster.
_DROPPED_RUN = re.compile("[" + "".join(re.escape(char) for char in sorted(_DROPPED)) + "]+")
# Once replaced: ٬ between digits is dropped and ٫ becomes "."; a comma after a digit and
# before exactly three digits groups thousands and is dropped.
# (Each pattern starts with its character, so re scans for it instead of trying every position.)
_SEPARATOR = re.compile(f"[{_THOUSANDS}{_DECIMAL}](?<=[0-9].)(?=[0-9])")
_SEPARATOR_FOLDS = {_DECIMAL: "."}
# The characters casefold turns into several (all in the BMP as of Unicode 15).
_EXPANDING = re.compile("[" + "".join(re.escape(char) for char in map(chr, range(0x10000)) if len(char.casefold()) > 1) + "]")
_GROUPING_COMMA = re.compile(r",(?<=[0-9],)(?=[0-9]{3}(?![0-9]))")

_LOCAL_SCAN = 256  # code points read back to find a grapheme locally
# A word: letters, marks and digits, and "." between two digits. Written as runs joined
# by such dots, which the regex engine matches twice as fast as one alternation per character.
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:\.(?<=\p{N}\.)(?=\p{N})[\p{L}\p{M}\p{N}]+)*")
_WORD_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}]|(?<=\p{N})\.(?=\p{N})")

_ARTICLE = "\u0627\u0644"  # ال
_LAM = "\u0644"
_CONJUNCTIONS = ("", "\u0648", "\u0641")  # و ف
_PREPOSITIONS = ("", "\u0628", "\u0644", "\u0643")  # ب ل ك
# Every clitic prefix a query word without it may gain; ل + ال is written لل.
PREFIXES = frozenset(
    conj + (_LAM + _LAM if prep == _LAM and art else prep + art)
    for conj in _CONJUNCTIONS
    for prep in _PREPOSITIONS
    for art in ("", _ARTICLE)
)
_LAM_ARTICLE = frozenset(conj + _LAM + _LAM for conj in _CONJUNCTIONS)
_PREFIX_INITIALS = frozenset(prefix[0] for prefix in PREFIXES if prefix)


def _line_pattern(starts: Iterable[str]) -> re.Pattern:
    """A line that starts with one of `starts` and has more after it, which it captures."""
    return re.compile("^(?:" + "|".join(map(re.escape, sorted(starts))) + ")(.+)$", re.MULTILINE)


# One pattern per prefix length: a word keeps every term its prefixes give (و, وب and وبال).
_PREFIX_PATTERNS = [
    _line_pattern(prefix for prefix in PREFIXES if len(prefix) == length) for length in sorted({len(p) for p in PREFIXES if p})
]
_LAM_ARTICLE_PATTERN = _line_pattern(_LAM_ARTICLE)


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
        return self._grapheme(self.origin[fs])[0], self._grapheme(self.origin[fe - 1])[1]

    def _grapheme(self, i: int) -> tuple[int, int]:
        # Near a space or line break the grapheme is read there; in a long run without
        # either, from one \X pass over the whole text (text.grapheme_at would be
        # quadratic over many hits in such a run).
        origin = textlib.scan_origin(self.source, i)
        if i - origin <= _LOCAL_SCAN:
            return textlib.grapheme_at(self.source, i, origin)
        bounds = self._grapheme_bounds
        k = bisect.bisect_right(bounds, i) - 1
        return bounds[k], bounds[k + 1]

    @cached_property
    def _grapheme_bounds(self) -> list[int]:
        return [0] + [m.end() for m in textlib.GRAPHEME.finditer(self.source)]


def fold(text: str) -> Folded:
    """Fold `text` for matching, keeping each folded character's original index."""
    # Search folds every candidate article on every request, so the work is done by
    # whole-string operations in C; Python loops only over the rare exceptions.
    kept = _replace_forms(text)
    origin: list[int]
    if len(kept) == len(text):
        origin = list(range(len(text)))
    else:
        origin = []
        previous = 0
        for run in _DROPPED_RUN.finditer(text):
            origin.extend(range(previous, run.start()))
            previous = run.end()
        origin.extend(range(previous, len(text)))
    # Every digit of the three scripts is an ASCII digit now, and "between digits" looks
    # past dropped characters (a bidi mark beside ٬ is common), so a folded text folds to itself.
    if _THOUSANDS in kept or _DECIMAL in kept:
        kept, origin = _replace(kept, origin, _SEPARATOR)
    if "," in kept:
        kept, origin = _replace(kept, origin, _GROUPING_COMMA)
    folded = kept.casefold()
    if len(folded) != len(kept):
        origin = _expand(kept, origin, len(folded))
    return Folded(text=folded, source=text, origin=tuple(origin))


def _expand(kept: str, origin: list[int], length: int) -> list[int]:
    """The origin map after casefold, which gives some characters several ("ß" → "ss", "İ" → "i̇")."""
    mapped: list[int] = []
    previous = 0
    for match in _EXPANDING.finditer(kept):
        at = match.start()
        mapped += origin[previous:at]
        mapped += [origin[at]] * len(match.group().casefold())
        previous = at + 1
    mapped += origin[previous:]
    if len(mapped) != length:  # a Unicode version with expansions outside the BMP
        mapped = [i for char, i in zip(kept, origin, strict=True) for _ in char.casefold()]
    return mapped


def fold_text(text: str) -> str:
    """`fold(text).text` without the map back, in a fraction of the time: for the search index."""
    kept = _replace_forms(text)
    if _THOUSANDS in kept or _DECIMAL in kept:
        kept = _SEPARATOR.sub(lambda match: _SEPARATOR_FOLDS.get(match.group(), ""), kept)
    if "," in kept:
        kept = _GROUPING_COMMA.sub("", kept)
    return kept.casefold()


def _replace_forms(text: str) -> str:
    # Dropped characters go, and letter and digit forms are replaced one for one.
    for char, replacement in _REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    return text


def _replace(kept: str, origin: list[int], pattern: re.Pattern) -> tuple[str, list[int]]:
    """Replace each one-character match of `pattern` by `_SEPARATOR_FOLDS` (dropped if absent)."""
    matches = list(pattern.finditer(kept))
    if not matches:
        return kept, origin
    pieces: list[str] = []
    mapped: list[int] = []
    previous = 0
    for match in matches:
        at = match.start()
        replacement = _SEPARATOR_FOLDS.get(match.group(), "")
        pieces += [kept[previous:at], replacement]
        mapped += origin[previous : at + len(replacement)]
        previous = at + 1
    pieces.append(kept[previous:])
    mapped += origin[previous:]
    return "".join(pieces), mapped


def words(folded: str) -> list[tuple[str, int, int]]:
    """The words of a folded text, each with its folded `[start, end)`."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]


def distinct_words(folded: str) -> set[str]:
    """The distinct words of a folded text."""
    # No word holds whitespace, and a whitespace-separated piece of letters and digits only
    # (str.isalnum: a test tells it never takes a character _WORD does not) is one word:
    # only the other pieces go through the regex engine, which is slow on Unicode properties.
    pieces = set(folded.split())
    found = set(filter(str.isalnum, pieces))
    found.update(_WORD.findall(" ".join(pieces - found)))
    return found


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


def word_terms(word: str) -> set[str]:
    """Every query word that matches the folded text word `word`: the terms a search index holds for it.

    `tokens_match(q, word)` holds exactly when `q in word_terms(word)`: the word
    itself, the word without each clitic prefix it starts with, and ال + the rest
    of a word written with لل. None is longer than the word.
    """
    return words_terms([word])


def words_terms(words: Iterable[str]) -> set[str]:
    """The terms of every word (`word_terms`), together."""
    terms = set(words)
    terms.discard("")
    # An article has hundreds of distinct words: the prefixes are taken off all of them at
    # once, one pattern per prefix length over the words that start with a prefix's letter.
    prefixed = "\n".join([word for word in terms if word[0] in _PREFIX_INITIALS])
    for pattern in _PREFIX_PATTERNS:
        terms.update(pattern.findall(prefixed))
    terms.update([_ARTICLE + rest for rest in _LAM_ARTICLE_PATTERN.findall(prefixed)])
    return terms


def find(text: str, query: str) -> list[tuple[int, int]]:
    """Every match of `query` in `text` as canonical original spans, non-overlapping, in text order.

    Spans are fixed points of `text.snap_span`: whole graphemes, with trailing
    invisible format characters (a ZWNJ after the word) trimmed. A match is a run
    of consecutive text words matching the query's words (`tokens_match`); after a
    match the search goes on after its last word.
    """
    wanted = query_words(query)
    if not wanted:
        return []
    folded = fold(text)
    haystack = folded.text
    first = wanted[0]
    # Every text word the first query word matches ends with it, or with its stem after
    # ال (when the text has لل): look only where that ending occurs, not at every word.
    ending = first[len(_ARTICLE) :] if first.startswith(_ARTICLE) and len(first) > len(_ARTICLE) else first
    spans: list[tuple[int, int]] = []
    free = 0  # the folded offset where the next match may begin: a match's words are not reused
    at = haystack.find(ending)
    while at != -1:
        word_end = at + len(ending)
        if not _WORD_CHAR.match(haystack, word_end):  # the ending ends a word
            word_start = at
            while word_start > 0 and _WORD_CHAR.match(haystack, word_start - 1):
                word_start -= 1
            if word_start >= free and tokens_match(first, haystack[word_start:word_end]):
                match_end = _match_rest(haystack, word_end, wanted[1:])
                span = _canonical(text, folded, word_start, match_end) if match_end is not None else None
                # Two matches could share a grapheme only through a word that starts
                # with a mark; keep the first rather than return overlapping spans.
                if span and (not spans or span[0] >= spans[-1][1]):
                    spans.append(span)
                    free = match_end
        at = haystack.find(ending, at + 1)
    return spans


def _match_rest(haystack: str, pos: int, wanted: list[str]) -> int | None:
    """The folded end of the words after `pos` matching `wanted` one by one, or None."""
    for query_word in wanted:
        word = _WORD.search(haystack, pos)
        if word is None or not tokens_match(query_word, word.group()):
            return None
        pos = word.end()
    return pos


def _canonical(text: str, folded: Folded, fs: int, fe: int) -> tuple[int, int] | None:
    """The original span of folded `[fs, fe)` with invisible format characters trimmed from its edges.

    As text.snap_span trims them (a ZWNJ is part of the grapheme before it); the
    tests hold every span to be a fixed point of snap_span.
    """
    start, end = folded.original_span(fs, fe)
    while start < end and textlib.is_trimmable(text[start]):
        start += 1
    while end > start and textlib.is_trimmable(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None
