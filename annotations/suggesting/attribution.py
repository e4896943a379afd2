"""The shipped suggester: attributed statements with numbers, in Arabic and Persian news.

Deterministic rules, no model. A sentence is proposed when it holds both
- an attribution frame: a verb of saying (قال، أعلن، أفاد، ذكر، أضاف، أكد، أشار؛
  گفت، اعلام کرد، افزود، تاکید کرد، خبر داد …) or a source frame (نقلاً عن، بحسب،
  وفق، وفق ما نقل؛ به گزارش، به نقل از), and
- a number: digits of any script (folded by `folding`, so ۳۰۰۰ = ٣٠٠٠ = 3000) or a
  number word (ألف، آلاف، مئات، مليون، عشرات؛ هزار، صدها، میلیون …).

Everything is matched on the folded text (`folding.fold`: alef, yeh and kaf forms,
harakat, tatweel, ZWNJ, digit scripts, Arabic clitic prefixes), and mapped back to
exact code-point offsets of the stored text. The span is the sentence without its
closing punctuation; the claimant is the source the frame names: after a relay
frame (به نقل از Y, نقلاً عن Y, وفق ما نقل Y), after an Arabic verb (قال Y إن) or
before a Persian one (Y اعلام کرد), found within a few words. The score adds up
simple features, each named in the rationale (docs/suggestions.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .. import folding
from .. import text as textlib
from . import Proposal


def _words(*phrases: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(folding.query_words(phrase)) for phrase in phrases)


# Relay frames: the claimant follows the frame and is relayed by whoever is before it.
RELAY = _words("نقلاً عن", "نقلا عن", "نقلت عن", "نقل عن", "به نقل از", "وفق ما نقل", "وفق ما نقلت", "على لسان")
# Source frames: the source follows ("بحسب المرصد", "به گزارش ایسنا").
SOURCE = _words("بحسب", "حسب", "حسبما", "وفق", "وفقاً ل", "وفقا لـ", "طبقاً ل", "به گزارش", "طبق")
# Verbs of saying, Arabic (verb first: the speaker follows) and Persian (verb last: the speaker precedes).
ARABIC_VERBS = _words(
    "قال", "قالت", "قالوا", "أعلن", "أعلنت", "أعلنوا", "أفاد", "أفادت", "ذكر", "ذكرت", "أضاف", "أضافت",
    "أكد", "أكدت", "أشار", "أشارت", "صرح", "صرحت", "أوضح", "أوضحت", "تحدث", "نقلت", "نقل", "يقول", "تقول",
)
PERSIAN_VERBS = _words(
    "گفت", "گفتند", "اعلام کرد", "اعلام کردند", "افزود", "افزودند", "تاکید کرد", "تأکید کرد", "اظهار داشت",
    "می‌گوید", "می‌گویند", "گفته است", "خبر داد", "خبر دادند", "توییت کرد",
)
# Number words (folded); digits of any script are numbers as they are.
NUMBER_WORDS = frozenset(
    word
    for (word,) in _words(
        "ألف", "آلاف", "ألوف", "مئة", "مائة", "مئات", "مليون", "ملايين", "مليار", "عشرات", "عشرة", "عشر",
        "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرين", "ثلاثين", "أربعين", "خمسين",
        "هزار", "هزاران", "صد", "صدها", "میلیون", "میلیارد", "ده‌ها", "دهها",
    )
)
# Where a claimant stops (folded words): conjunctions, prepositions, "that", "also".
STOP = frozenset(folding.query_words(
    "إن أن إنه أنها التي الذي إلى الى في عن على من أمس اليوم أيضا أيضاً كذلك بدوره بدورها قد فقد لقد منها منه كه از را با نیز هم در"
))
UNNAMED = frozenset(folding.query_words("مصدر مصادر منبع منابع مسؤول مسئول مسؤولون یک يك شهود ناشطون"))
KINDS = (
    ("news_outlet", frozenset(folding.query_words(
        "وكالة رويترز قناة صحيفة الميادين خبرگزاری رویترز ایسنا شبکه روزنامه اسکای نیوز فرانس برس"))),
    ("organisation", frozenset(folding.query_words("المرصد مرصد منظمة سازمان"))),
    ("government_body", frozenset(folding.query_words("وزارة الحكومة وزير وزارت دولت"))),
    ("armed_group", frozenset(folding.query_words("قسد قوات نیروهای نیروهای التحالف"))),
)
MAX_CLAIMANT_WORDS = 8
_QUOTE_OPEN = "«\"“:"
_SENTENCE_END = regex.compile(r"(?<!\p{N})[.!?؟۔](?!\p{N})|\n")


@dataclass(frozen=True)
class _Frame:
    kind: str  # "relay", "source", "verb"
    first: int  # index of its first word
    last: int  # index after its last word

    def __lt__(self, other):  # relay frames first, then verbs, then sources; earlier first
        order = {"relay": 0, "verb": 1, "source": 2}
        return (order[self.kind], self.first) < (order[other.kind], other.first)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Each sentence's [start, end) in code points, without its closing punctuation, trimmed (snap_span)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        span = textlib.snap_span(text, start, match.start())
        if span:
            yield span
        start = match.end()
    span = textlib.snap_span(text, start, len(text))
    if span:
        yield span


class AttributionSuggester:
    """Attributed statements with numbers (Arabic and Persian news); see the module docstring."""

    name = "attribution"
    version = "1"

    def suggest(self, article) -> Iterator[Proposal]:
        text = article.text
        language = (article.language or "").split("-")[0]
        persian = language == "fa"
        # The rationale is written in the article's language when the interface has it (the desk
        # reads both together), else in English; all of it is made here, not while it is consumed.
        with translation.override(language if language in dict(settings.LANGUAGES) else "en"):
            proposals = [self.suggest_sentence(text, start, end, persian=persian) for start, end in sentences(text)]
        yield from (proposal for proposal in proposals if proposal is not None)

    def suggest_sentence(self, text: str, start: int, end: int, *, persian: bool) -> Proposal | None:
        """A proposal for the sentence text[start:end], or None when it has no frame or no number."""
        folded = folding.fold(text[start:end])
        words = folding.words(folded.text)
        tokens = [word for word, _fs, _fe in words]
        numbers = [i for i, word in enumerate(tokens) if _is_number(word)]
        frames = sorted(_frames(tokens))
        if not numbers or not frames:
            return None
        frame = frames[0]
        between = lambda i: folded.text[words[i - 1][2] : words[i][1]] if i > 0 else ""  # noqa: E731
        claimant = _claimant(frame, tokens, between, persian=persian)
        # Whoever relays a relay frame's claimant stands just before it ("رویترز به نقل از …").
        relayed = frame.kind == "relay" and 0 < frame.first <= MAX_CLAIMANT_WORDS
        score, features = 0.5, [_("frame")]
        number_at = numbers[0]
        if _has_digit(tokens[number_at]):
            score, features = score + 0.2, [*features, _("digits")]
        else:
            score, features = score + 0.1, [*features, _("number word")]
        kind = "person"
        source = None
        if claimant:
            kind = _kind([tokens[i] for i in claimant])
            fs, fe = words[claimant[0]][1], words[claimant[-1]][2]
            source = folded.original_span(fs, fe)
            if kind != "unnamed_source":
                score, features = score + 0.15, [*features, _("named claimant")]
        # A quotation opens right after the frame and its claimant: «…», "…" or a colon.
        after = folded.text[words[max([frame.last - 1, *claimant])][2] :].lstrip()
        direct = bool(after) and after[0] in _QUOTE_OPEN
        if direct:
            score, features = score + 0.1, [*features, _("quotation")]
        if kind == "unnamed_source" or not claimant:
            attribution = "unattributed" if kind == "unnamed_source" else "paraphrase"
        else:
            attribution = "direct_quote" if direct else "paraphrase"
        ns, ne = folded.original_span(words[number_at][1], words[number_at][2])
        frame_span = folded.original_span(words[frame.first][1], words[frame.last - 1][2])
        parts = [
            _("frame: %(words)s") % {"words": text[start + frame_span[0] : start + frame_span[1]]},
            _("number: %(words)s") % {"words": text[start + ns : start + ne]},
        ]
        if source:
            parts.append(_("claimant: %(words)s") % {"words": text[start + source[0] : start + source[1]]})
        if relayed:
            fs, fe = folded.original_span(words[0][1], words[frame.first - 1][2])
            parts.append(_("relayed by: %(words)s") % {"words": text[start + fs : start + fe]})
        parts.append(_("score %(score)s = %(features)s") % {"score": round(min(score, 0.95), 2), "features": " + ".join(features)})
        source_fields = {}
        if source:
            source_fields = {
                "source_name": text[start + source[0] : start + source[1]][:300],
                "source_kind": kind,
                "source_start": start + source[0],
                "source_end": start + source[1],
            }
        return Proposal(
            start=start,
            end=end,
            quote=text[start:end],
            score=round(min(score, 0.95), 2),
            rationale="; ".join(parts),
            claim_type="numerical",
            check_worthiness="check_worthy",
            attribution=attribution,
            **source_fields,
        )


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _is_number(word: str) -> bool:
    if _has_digit(word):
        return True
    return any(folding.tokens_match(number, word) for number in NUMBER_WORDS)


def _frames(tokens: list[str]) -> Iterator[_Frame]:
    for kind, phrases in (("relay", RELAY), ("source", SOURCE), ("verb", ARABIC_VERBS + PERSIAN_VERBS)):
        for phrase in phrases:
            size = len(phrase)
            for i in range(len(tokens) - size + 1):
                # The first word may carry a clitic prefix (وقال، وبحسب); the rest are as listed.
                if (tokens[i] == phrase[0] or folding.tokens_match(phrase[0], tokens[i])) and tuple(
                    tokens[i + 1 : i + size]
                ) == phrase[1:]:
                    yield _Frame(kind, i, i + size)


def _claimant(frame: _Frame, tokens: list[str], between, *, persian: bool) -> list[int]:
    """The indexes of the claimant's words, or [] when the frame names nobody within reach."""
    if frame.kind in ("relay", "source") or not persian:
        found = _forward(frame.last, tokens, between)
        if found or frame.kind != "verb":
            return found
    return _backward(frame.first, tokens, between)


def _forward(i: int, tokens: list[str], between) -> list[int]:
    found = []
    while i < len(tokens) and len(found) < MAX_CLAIMANT_WORDS:
        gap = between(i)
        if found and any(mark in gap for mark in ":«\"“،,"):
            break
        if _has_digit(tokens[i]):
            return []  # a claimant has no numbers: this is the statement
        if tokens[i] in STOP or any(folding.tokens_match(frame[0], tokens[i]) for frame in PERSIAN_VERBS + ARABIC_VERBS):
            break
        found.append(i)
        i += 1
    return found


def _backward(i: int, tokens: list[str], between) -> list[int]:
    found = []
    while i > 0 and len(found) < MAX_CLAIMANT_WORDS:
        if any(mark in between(i) for mark in ":«\"“"):
            break
        if tokens[i - 1] in STOP:
            break
        if _has_digit(tokens[i - 1]):
            return []
        i -= 1
        found.insert(0, i)
    if len(found) == MAX_CLAIMANT_WORDS:
        return []  # no name reaches that far back: the verb's subject is the whole clause
    return found


def _kind(words: list[str]) -> str:
    if any(folding.tokens_match(marker, word) for marker in UNNAMED for word in words[:2]):
        return "unnamed_source"
    for kind, markers in KINDS:
        if any(folding.tokens_match(marker, word) for marker in markers for word in words):
            return kind
    return "person"
