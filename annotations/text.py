"""Pure text handling: import decoding, newline normalisation and the offset contract.

Every offset in this project (`start`, `end`, `source_start`, `source_end`) is a
Unicode code-point index into `Article.text` exactly as stored, i.e. a Python
`str` index; spans are half-open `[start, end)` and `text[start:end]` is the
ground truth. Text is changed once, at import: strict decoding, one leading BOM
dropped, CRLF and CR turned into LF, and nothing else.

No Django imports here: this module is tested without a database.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from dataclasses import dataclass

import regex

GRAPHEME = regex.compile(r"\X")
PREPEND = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")

CONTEXT_WIDTH = 32  # code points of prefix/suffix stored with each span

# Format characters (category Cf) that are visible or that hold an emoji
# sequence together, so they are never trimmed from a span's edge: the Arabic
# number signs and end-of-ayah (prepended concatenation marks) and the tag
# characters of subdivision flags such as England's.
_KEEP_FORMAT = frozenset(
    [chr(c) for c in range(0x0600, 0x0606)]
    + ["\u06dd", "\u070f", "\u0890", "\u0891", "\u08e2", "\U000110bd", "\U000110cd"]
    + [chr(c) for c in range(0xE0000, 0xE0080)]
)
# Default-ignorable characters that are not Cf but still show nothing on their
# own: combining grapheme joiner, Hangul fillers, variation selectors.
_INVISIBLE_EXTRA = frozenset(
    ["\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u180b", "\u180c", "\u180d", "\u180f"]
    + [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0xE0100, 0xE01F0)]
)


class TextError(ValueError):
    """A refusal with a stable machine-readable `code` and a readable message."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    had_bom: bool
    line_endings: str  # "lf", "crlf", "cr", "mixed" or "none"


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 of bytes, or of a string's UTF-8 encoding, as hex."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


# Codecs that turn bytes into a str without being a character set: they
# escape, transform or refuse rather than map bytes to characters, so an
# "article" decoded with them is not the text the file holds. (Binary
# transforms such as base64 or zlib say so themselves: `_is_text_encoding`.)
NOT_CHARACTER_SETS = frozenset(
    [
        "unicode-escape",  # reads backslash escapes: the six bytes \u0041 become "A"
        "raw-unicode-escape",  # the same for \u and \U escapes
        "punycode",  # the ASCII form of one IDN label, not running text
        "idna",  # host names: splits at dots and decodes labels
        "undefined",  # refuses everything
        "charmap",  # a building block; with no table it is Latin-1 under another name
    ]
)


def check_encoding(name: str) -> str:
    """Return the codec's canonical name, or refuse an unknown or non-text encoding."""
    try:
        codec = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise TextError(f"unknown encoding {str(name)[:100]!r}", "unknown_encoding") from None
    if not getattr(codec, "_is_text_encoding", True) or codec.name in NOT_CHARACTER_SETS:
        raise TextError(
            f"{str(name)[:100]!r} is not a character encoding; "
            "name one such as utf-8, windows-1256 or utf-16",
            "not_text_encoding",
        )
    return codec.name


def decode_bytes(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode strictly (UTF-8 unless an encoding is named), drop one BOM, normalise newlines."""
    codec = check_encoding(encoding or "utf-8")
    had_bom = False
    if codec in ("utf-8", "utf-8-sig") and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        had_bom = True
        codec = "utf-8"
    try:
        text = data.decode(codec, errors="strict")
    except UnicodeDecodeError as exc:
        hint = ""
        if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            hint = " (the file starts with a UTF-16 byte-order mark: try --encoding utf-16)"
        raise TextError(
            f"invalid {codec} at byte {exc.start}: {exc.reason}{hint}", "invalid_encoding"
        ) from None
    if not had_bom and text.startswith("\ufeff"):
        # UTF-16/32 codecs keep a BOM the codec did not consume; drop exactly one.
        text = text[1:]
        had_bom = True
    text, endings = normalise_newlines(text)
    return DecodedText(text=text, encoding=codec, had_bom=had_bom, line_endings=endings)


def normalise_newlines(text: str) -> tuple[str, str]:
    """Turn CRLF and lone CR into LF; report which line endings the input used."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, count in (("lf", lf), ("crlf", crlf), ("cr", cr)) if count]
    endings = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")
    if crlf or cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, endings


_ASTRAL = regex.compile("[\U00010000-\U0010FFFF]")


def has_astral(text: str) -> bool:
    """Whether the text has a character outside the Basic Multilingual Plane (an emoji, say),
    where a UTF-16 offset and a code-point offset part ways."""
    return _ASTRAL.search(text) is not None


def offset_after_newlines(text: str, offset: int) -> int:
    """Where a code-point offset into `text` lands once normalise_newlines has run on it.

    Each CRLF before the offset becomes one character; an offset between a CR
    and its LF has no place in the normalised text and is refused.
    """
    if not 0 <= offset <= len(text):
        raise TextError(f"the offset {offset} lies outside the text (0–{len(text)})", "out_of_range")
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        raise TextError(f"the offset {offset} falls between a CR and its LF", "splits_crlf")
    return offset - text.count("\r\n", 0, offset)


def is_trimmable(char: str) -> bool:
    """Whitespace or an invisible format character, trimmed from a span's edges."""
    return char.isspace() or (unicodedata.category(char) == "Cf" and char not in _KEEP_FORMAT)


def is_invisible(char: str) -> bool:
    """A character that shows nothing on its own (for refusing invisible-only documents)."""
    return (
        char.isspace()
        or unicodedata.category(char) == "Cf"
        or char in _INVISIBLE_EXTRA
    )


_SURROGATE = regex.compile("[\ud800-\udfff]")


def find_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate (which no database can store), or None."""
    match = _SURROGATE.search(text)
    return match.start() if match else None


def check_article_text(text: str, *, max_chars: int) -> None:
    """Refuse text that cannot be an article: empty, blank, invisible, NUL, surrogates, too long."""
    if not text:
        raise TextError("the text is empty", "empty")
    if len(text) > max_chars:
        raise TextError(
            f"the text has {len(text)} characters; the limit is {max_chars}", "too_long"
        )
    if "\x00" in text:
        raise TextError(f"the text contains a NUL character at {text.index(chr(0))}", "nul")
    surrogate = find_surrogate(text)
    if surrogate is not None:
        raise TextError(f"the text contains a lone surrogate at {surrogate}", "surrogate")
    if all(char.isspace() for char in text):
        raise TextError("the text contains only whitespace", "whitespace_only")
    if all(is_invisible(char) for char in text):
        raise TextError("the text contains only invisible characters", "invisible_only")


def scan_origin(text: str, pos: int) -> int:
    """A grapheme boundary at or before `pos`, close to it, to start scanning from.

    A boundary always follows LF (UAX #29 GB4) and always precedes a space
    unless the character before the space is a Prepend character (GB9b).
    """
    newline = text.rfind("\n", 0, pos) + 1
    space = text.rfind(" ", newline, pos)
    while space > newline and PREPEND.match(text, space - 1):
        space = text.rfind(" ", newline, space)
    return max(newline, space)


def grapheme_at(text: str, pos: int, origin: int | None = None) -> tuple[int, int]:
    """The `[start, end)` of the grapheme cluster containing code point `pos`.

    `origin`, when the caller has it, is `scan_origin(text, pos)`.
    """
    for match in GRAPHEME.finditer(text, scan_origin(text, pos) if origin is None else origin):
        if match.end() > pos:
            return match.start(), match.end()
    return len(text), len(text)


# Word snapping: letters (with their marks, tatweel included) and digits of any
# script make up a word, so "و2024" is one word; ZWNJ and ZWJ belong to a word only
# between two of its characters (Persian "کتاب\u200cها"), never at its edge.
_WORD = r"[\p{L}\p{M}\p{N}]"
_WORD_FORWARD = regex.compile(rf"(?:{_WORD}|[\u200c\u200d](?={_WORD}))*")
_WORD_BACKWARD = regex.compile(rf"(?r)(?:{_WORD}|(?<={_WORD})[\u200c\u200d])*")


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen `[start, end)` so that neither edge falls inside a word.

    An edge is moved only when the selection's first (or last) character is
    part of a word; a selection that starts or ends on a space or punctuation
    keeps that edge. Offsets are clamped to the text.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if start == end:
        return start, end
    if _WORD_FORWARD.match(text, start).end() > start:
        start = _WORD_BACKWARD.match(text, 0, start).start()
    if _WORD_BACKWARD.match(text, 0, end).start() < end:
        end = _WORD_FORWARD.match(text, end).end()
    return start, end


def snap_span(text: str, start: int, end: int, *, words: bool = False) -> tuple[int, int] | None:
    """Snap outward to grapheme boundaries, then trim whitespace and format characters.

    With `words`, the selection is first widened to whole words (widen_to_words).
    Returns None when nothing visible is left. Canonical spans are the fixed
    points of this function (without `words`); `validate_span` accepts only those.
    This is the only definition of the rule: the page sends the raw selection
    and shows the span this returns, so a browser whose Unicode data differs
    from this module's cannot produce a span the server refuses.
    """
    start = max(0, min(start, len(text)))
    end = max(0, min(end, len(text)))
    if start >= end:
        return None
    while True:
        # Widening to words and to graphemes until neither moves an edge: a grapheme can
        # reach into a word ("0🏽": the skin-tone modifier joins the digit before it).
        widened = widen_to_words(text, start, end) if words else (start, end)
        snapped = grapheme_at(text, widened[0])[0], grapheme_at(text, widened[1] - 1)[1]
        if not words or snapped == (start, end):
            start, end = snapped
            break
        start, end = snapped
    while start < end and is_trimmable(text[start]):
        start += 1
    while end > start and is_trimmable(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def validate_span(text: str, start: object, end: object, quote: object) -> None:
    """Accept a span only if its offsets are in range, it is canonical, and the quote matches."""
    if not all(type(value) is int for value in (start, end)):
        raise TextError("start and end must be whole numbers", "not_integer")
    if not isinstance(quote, str):
        raise TextError("the quote must be text", "not_text")
    if start < 0 or end > len(text):
        raise TextError(
            f"the span {start}–{end} lies outside the text (0–{len(text)})", "out_of_range"
        )
    if start >= end:
        raise TextError(f"the span {start}–{end} is empty or reversed", "empty_span")
    if text[start:end] != quote:
        raise TextError(
            "the quote does not match the text at these offsets "
            "(offsets must count Unicode code points)",
            "quote_mismatch",
        )
    if snap_span(text, start, end) != (start, end):
        raise TextError(
            "the span splits a character or starts or ends with whitespace", "not_canonical"
        )


def utf16_to_codepoint(text: str, offset: object) -> int:
    """A UTF-16 code-unit offset into `text` (as JavaScript counts) as a code-point offset.

    Refused: an offset that is not a whole number, lies outside the text, or falls
    between the two halves of a surrogate pair (inside an emoji, say). Offsets are
    converted once, on the way in; nothing stores UTF-16 offsets.
    """
    if type(offset) is not int:
        raise TextError("UTF-16 offsets must be whole numbers", "not_integer")
    units = text.encode("utf-16-le", "surrogatepass")
    if offset < 0 or 2 * offset > len(units):
        raise TextError(f"the UTF-16 offset {offset} lies outside the text (0–{len(units) // 2})", "out_of_range")
    try:
        return len(units[: 2 * offset].decode("utf-16-le"))
    except UnicodeDecodeError:
        raise TextError(
            f"the UTF-16 offset {offset} falls inside a character (between the halves of a surrogate pair)",
            "splits_pair",
        ) from None


def codepoint_to_utf16(text: str, offset: int) -> int:
    """A code-point offset into `text` as a UTF-16 code-unit offset (the inverse of utf16_to_codepoint)."""
    return len(text[:offset].encode("utf-16-le", "surrogatepass")) // 2


def span_context(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> tuple[str, str]:
    """The prefix and suffix around a span, `width` code points each."""
    return text[max(0, start - width) : start], text[end : end + width]


# Language detection between Persian and Arabic. Persian-only letters weigh
# most; the Persian and Arabic forms of yeh and kaf, and each script's digits,
# tip the balance for short or mixed texts.
_FA_STRONG = frozenset("پچژگ")
_FA_WEAK = frozenset("\u06cc\u06a9\u06c0" + "".join(chr(c) for c in range(0x06F0, 0x06FA)))
_AR_STRONG = frozenset("\u0629\u0649")  # teh marbuta, alef maksura
_AR_WEAK = frozenset("\u064a\u0643" + "".join(chr(c) for c in range(0x0660, 0x066A)))
_ARABIC_SCRIPT = regex.compile(r"\p{Script=Arabic}")

RTL_LANGUAGES = frozenset(
    ["ar", "fa", "he", "ur", "ps", "ckb", "sd", "ug", "yi", "dv", "syr", "prs", "arz", "apc", "ajp"]
)


def _count(text: str, letters: frozenset[str]) -> int:
    return sum(text.count(letter) for letter in letters)  # str.count runs in C: no loop over the text


def detect_language(text: str) -> str:
    """Guess `fa` or `ar` from the letters used; `und` when the text is not in Arabic script."""
    fa = 3 * _count(text, _FA_STRONG) + _count(text, _FA_WEAK)
    ar = 3 * _count(text, _AR_STRONG) + _count(text, _AR_WEAK)
    if fa > ar:
        return "fa"
    if ar or _ARABIC_SCRIPT.search(text):
        return "ar"
    return "und"


def language_direction(language: str) -> str:
    """`rtl` for right-to-left languages, `auto` when undetermined, otherwise `ltr`."""
    primary = language.split("-")[0].lower()
    if primary in RTL_LANGUAGES:
        return "rtl"
    if primary in ("", "und"):
        return "auto"
    return "ltr"


LANGUAGE_CODE = regex.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


LANGUAGE_CODE_MAX = 20  # the length of Article.language


def check_language_code(code: str) -> str:
    """Return a BCP 47-style language code in lower case, or refuse it."""
    if not isinstance(code, str) or len(code) > LANGUAGE_CODE_MAX or not LANGUAGE_CODE.match(code):
        shown = code[:40] + "…" if isinstance(code, str) and len(code) > 40 else code
        raise TextError(f"{shown!r} is not a language code such as ar or fa", "bad_language")
    return code.lower()
