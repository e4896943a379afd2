"""Pure tests of annotations.text: decoding, normalisation, snapping, validation."""

import json
from pathlib import Path

import pytest
import regex
from hypothesis import assume, example, given
from hypothesis import strategies as st

from annotations import text as textlib

DATA = Path(__file__).parent / "data"

# Text drawn from what the articles hold: Arabic and Persian letters, harakat,
# ZWNJ/ZWJ, bidi marks, digits of three scripts, emoji and their modifiers,
# spaces of several kinds, newlines, and plain Latin.
UNICODE_SOUP = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآةى")
        + list("پچژگکیۀ")
        + ["\u064b", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0670", "\u0640"]
        + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u202b", "\u202c", "\ufeff", "\u00ad"]
        + list("0123456789٠١٢٣۳۰") + list("abcXYZ .,«»؟،")
        + ["😀", "👍", "\U0001f3fd", "🇸", "🇾", "\ufe0f", "\u20e3", "\U000e0067", "\U000e007f", "🏴"]
        + [" ", "\u00a0", "\u2009", "\n", "\t", "\u0600", "\u0301"]
    ),
    max_size=60,
)


def graphemes(text):
    return [m.span() for m in regex.finditer(r"\X", text)]


class TestDecode:
    def test_utf8_bom_dropped_once_and_crlf_normalised(self):
        decoded = textlib.decode_bytes("\ufeff\ufeffسلام\r\nدنیا\rتمام".encode("utf-8"))
        assert decoded.text == "\ufeffسلام\nدنیا\nتمام"
        assert decoded.had_bom is True
        assert decoded.line_endings == "mixed"
        assert decoded.encoding == "utf-8"

    def test_nothing_else_changes(self):
        # NFD, ZWNJ, tatweel, Arabic yeh/kaf, harakat, trailing spaces: all kept.
        original = "e\u0301 می\u200cخواهم الـــباغوز يك كتاب بِسْمِ  \t\n"
        assert textlib.decode_bytes(original.encode()).text == original

    def test_invalid_utf8_names_the_byte(self):
        with pytest.raises(textlib.TextError) as error:
            textlib.decode_bytes("سلام".encode() + b"\xff" + b"abc")
        assert error.value.code == "invalid_encoding"
        assert "byte 8" in error.value.message

    def test_truncated_multibyte_sequence(self):
        with pytest.raises(textlib.TextError, match="byte 2"):
            textlib.decode_bytes("سلام".encode()[:3])

    def test_legacy_encoding_only_when_named(self):
        data = "قال المتحدث".encode("cp1256")
        with pytest.raises(textlib.TextError):
            textlib.decode_bytes(data)
        assert textlib.decode_bytes(data, "windows-1256").text == "قال المتحدث"

    def test_utf16_with_bom(self):
        decoded = textlib.decode_bytes("\r\nخبر".encode("utf-16"), "utf-16")
        assert decoded.text == "\nخبر"
        with pytest.raises(textlib.TextError, match="UTF-16"):
            textlib.decode_bytes("خبر".encode("utf-16"))

    def test_unknown_encoding(self):
        with pytest.raises(textlib.TextError) as error:
            textlib.decode_bytes(b"x", "no-such-codec")
        assert error.value.code == "unknown_encoding"

    @given(st.text())
    def test_decoding_utf8_round_trips_up_to_newlines(self, text):
        assume(not any("\ud800" <= c <= "\udfff" for c in text))
        decoded = textlib.decode_bytes(text.encode("utf-8"))
        expected = text[1:] if text.startswith("\ufeff") else text
        assert decoded.text == expected.replace("\r\n", "\n").replace("\r", "\n")


class TestArticleText:
    @pytest.mark.parametrize(
        "text, code",
        [
            ("", "empty"),
            ("  \n\t\u3000", "whitespace_only"),
            ("\u200c\u200f\ufeff \u200e", "invisible_only"),
            ("\ufe0f\u034f", "invisible_only"),
            ("abc\x00", "nul"),
            ("ab\ud800c", "surrogate"),
            ("x" * 11, "too_long"),
        ],
    )
    def test_refused(self, text, code):
        with pytest.raises(textlib.TextError) as error:
            textlib.check_article_text(text, max_chars=10)
        assert error.value.code == code

    def test_accepted(self):
        textlib.check_article_text("\u200cخبر", max_chars=10)


class TestSnapAndValidate:
    def test_persian_zwnj_stays_inside_the_word_but_not_at_the_edge(self):
        text = "می\u200cخواهم"
        assert textlib.snap_span(text, 0, 8) == (0, 8)
        assert textlib.snap_span(text, 0, 3) == (0, 2)  # the trailing ZWNJ is trimmed
        assert textlib.snap_span(text, 3, 4) == (3, 4)

    def test_harakat_never_split_from_their_letter(self):
        text = "بِسْمِ"
        assert textlib.snap_span(text, 1, 2) == (0, 2)
        assert textlib.snap_span(text, 0, 3) == (0, 4)

    def test_emoji_sequences_and_flags_are_whole(self):
        text = "x 👨\u200d👩\u200d👧 🇸🇾🇮🇷"
        assert textlib.snap_span(text, 4, 5) == (2, 7)
        assert textlib.snap_span(text, 9, 10) == (8, 10)
        assert textlib.snap_span(text, 10, 11) == (10, 12)

    def test_digits_out_of_a_word_are_allowed(self):
        text = "و2024"
        assert textlib.snap_span(text, 1, 5) == (1, 5)
        textlib.validate_span(text, 1, 5, "2024")

    @pytest.mark.parametrize(
        "start, end, quote, code",
        [
            (0, 99, "x", "out_of_range"),
            (-1, 2, "x", "out_of_range"),
            (5, 5, "", "empty_span"),
            (6, 3, "x", "empty_span"),
            (0, 3, "قول", "quote_mismatch"),
            (0, 4, "قال ", "not_canonical"),
            (4, 5, "\ud83d", "quote_mismatch"),
            ("0", 3, "قال", "not_integer"),
            (True, 3, "قال", "not_integer"),
            (0, 3, None, "not_text"),
        ],
    )
    def test_validate_refusals(self, start, end, quote, code):
        text = "قال 😀 أن"
        with pytest.raises(textlib.TextError) as error:
            textlib.validate_span(text, start, end, quote)
        assert error.value.code == code

    def test_a_span_inside_a_grapheme_is_refused(self):
        with pytest.raises(textlib.TextError) as error:
            textlib.validate_span("بِسْمِ", 0, 1, "ب")
        assert error.value.code == "not_canonical"

    def test_utf16_offsets_posing_as_code_points_are_refused(self):
        text = "😀😀 خبر"
        utf16_start = len("😀😀 ".encode("utf-16-le")) // 2
        with pytest.raises(textlib.TextError) as error:
            textlib.validate_span(text, utf16_start, utf16_start + 3, "خبر")
        assert error.value.code in {"quote_mismatch", "out_of_range"}
        textlib.validate_span(text, 3, 6, "خبر")

    def test_cases_file_matches_snap_span(self):
        # Every span of a dozen hard texts, written down once (make_snap_cases.py): a change
        # of the rule, or of the regex module's Unicode data, shows up here span by span.
        cases = json.loads((DATA / "snap_cases.json").read_text(encoding="utf-8"))
        for case in cases:
            for start, end, want_start, want_end in case["expected"]:
                want = None if want_start is None else (want_start, want_end)
                assert textlib.snap_span(case["text"], start, end) == want, (case["name"], start, end)

    @given(UNICODE_SOUP, st.integers(0, 70), st.integers(0, 70))
    def test_snapped_spans_are_canonical_grapheme_aligned_and_valid(self, text, a, b):
        start, end = min(a, b), max(a, b)
        snapped = textlib.snap_span(text, start, end)
        if snapped is None:
            inside = text[min(start, len(text)) : min(end, len(text))]
            assert all(textlib.is_trimmable(c) for c in inside) or not inside
            return
        s, e = snapped
        assert 0 <= s < e <= len(text)
        assert textlib.snap_span(text, s, e) == (s, e)  # a fixed point
        textlib.validate_span(text, s, e, text[s:e])
        assert not textlib.is_trimmable(text[s]) and not textlib.is_trimmable(text[e - 1])
        bounds = {0, len(text)} | {x for span in graphemes(text) for x in span}
        # Start sits on a grapheme boundary, or only trimmed characters separate it from one.
        left = max(x for x in bounds if x <= s)
        assert all(textlib.is_trimmable(c) for c in text[left:s])
        right = min(x for x in bounds if x >= e)
        assert all(textlib.is_trimmable(c) for c in text[e:right])
        # Nothing visible that was selected is lost.
        for i in range(start, min(end, len(text))):
            if not textlib.is_trimmable(text[i]):
                assert s <= i < e

    @given(st.data())
    def test_only_canonical_spans_validate(self, data):
        text = data.draw(UNICODE_SOUP.filter(lambda t: len(t) > 0))
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        ok = textlib.snap_span(text, start, end) == (start, end)
        try:
            textlib.validate_span(text, start, end, text[start:end])
        except textlib.TextError as error:
            assert not ok and error.code == "not_canonical"
        else:
            assert ok

    @given(UNICODE_SOUP)
    def test_grapheme_at_matches_a_full_scan(self, text):
        spans = graphemes(text)
        for pos in range(len(text)):
            expected = next(span for span in spans if span[0] <= pos < span[1])
            assert textlib.grapheme_at(text, pos) == expected


class TestWordSnapping:
    TEXT = "قال و2024 می\u200cخواهم کتاب\u200cها «المُتَحَدِّثُ» ۳۰۰۰ ٣٠٠٠ 👍🏽 x"

    def quote(self, part: str, offset: int = 0, length: int | None = None, *, words: bool = True) -> str:
        at = self.TEXT.index(part) + offset
        span = textlib.snap_span(self.TEXT, at, at + (len(part) - offset if length is None else length), words=words)
        return self.TEXT[span[0] : span[1]]

    def test_2024_out_of_و2024_only_without_word_snapping(self):
        assert self.quote("2024", words=False) == "2024"
        assert self.quote("2024") == "و2024"
        assert self.quote("و2024", 1, 1) == "و2024"

    def test_zwnj_inside_a_word_is_part_of_it(self):
        assert self.quote("خواهم", 1, 2) == "می\u200cخواهم"
        assert self.quote("می\u200cخواهم", 0, 1) == "می\u200cخواهم"
        assert self.quote("ها", 0, 1) == "کتاب\u200cها"
        assert self.quote("\u200cها", 0, 1) == "کتاب\u200cها"  # a selection starting at the ZWNJ

    def test_a_zwnj_at_a_word_edge_is_not(self):
        text = "خواهم\u200c و"
        assert textlib.widen_to_words(text, 0, 2) == (0, 5)
        assert textlib.snap_span(text, 0, 6, words=True) == (0, 5)

    def test_harakat_and_digits_of_any_script(self):
        assert self.quote("تَحَدِّ", 0, 3) == "المُتَحَدِّثُ"  # not the guillemets
        assert self.quote("۳۰۰۰", 1, 2) == "۳۰۰۰"
        assert self.quote("٣٠٠٠", 2, 1) == "٣٠٠٠"

    def test_edges_on_spaces_or_punctuation_stay(self):
        at = self.TEXT.index("و2024")
        assert textlib.widen_to_words(self.TEXT, at - 1, at + 6) == (at - 1, at + 6)  # space to space
        assert self.quote("«المُتَحَدِّثُ»") == "«المُتَحَدِّثُ»"
        assert self.quote("👍🏽", 1, 1) == "👍🏽"  # an emoji is no word: only its grapheme

    def test_clamped_and_empty(self):
        assert textlib.widen_to_words("قال", -5, 99) == (0, 3)
        assert textlib.widen_to_words("قال", 2, 1) == (2, 2)
        assert textlib.snap_span("قال", 1, 1, words=True) is None

    @given(UNICODE_SOUP, st.integers(0, 70), st.integers(0, 70))
    @example("0000\U0001F3FD", 4, 5)  # the modifier's grapheme reaches into the word before it
    def test_word_snapped_spans_are_canonical_and_contain_the_plain_snap(self, text, a, b):
        start, end = min(a, b), max(a, b)
        plain = textlib.snap_span(text, start, end)
        widened = textlib.snap_span(text, start, end, words=True)
        assert (plain is None) == (widened is None)
        if widened is None:
            return
        s, e = widened
        textlib.validate_span(text, s, e, text[s:e])
        assert s <= plain[0] and plain[1] <= e
        assert textlib.snap_span(text, s, e, words=True) == (s, e)
        # No edge inside a word: the characters just outside are not word characters.
        word = regex.compile(r"[\p{L}\p{M}\p{N}]")
        assert s == 0 or not (word.match(text[s - 1]) and word.match(text[s]))
        assert e == len(text) or not (word.match(text[e]) and word.match(text[e - 1]))


class TestNewlines:
    @given(st.text(alphabet="ab\r\n", max_size=30))
    def test_normalised_text_has_no_cr_and_same_lines(self, text):
        normalised, endings = textlib.normalise_newlines(text)
        assert "\r" not in normalised
        assert normalised.split("\n") == text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        assert endings in {"lf", "crlf", "cr", "mixed", "none"}


class TestLanguage:
    @pytest.mark.parametrize(
        "path, language",
        [
            ("000_7b2440a1b41ed335.txt", "fa"),
            ("001_fecb8b2d1898e5e9.txt", "ar"),
            ("002_2561de9a386ae7a3.txt", "ar"),
            ("003_259b58e3c24a98a7.txt", "fa"),
            ("004_7d9db1b0e6b1bccf.txt", "ar"),
        ],
    )
    def test_seed_languages(self, path, language):
        text = (Path(__file__).parents[1] / "seeds" / path).read_text(encoding="utf-8")
        assert textlib.detect_language(text) == language

    @given(st.text(alphabet=st.sampled_from("پچژگیکۀ۱۲ةىيك١٢ابت سلام hello\u200c"), max_size=80))
    def test_weighs_letters_as_written(self, text):
        """Persian-only letters count 3, shared-but-distinct forms and digits 1, per occurrence."""
        fa = sum(3 if c in "پچژگ" else 1 if c in "\u06cc\u06a9\u06c0" or "\u06f0" <= c <= "\u06f9" else 0 for c in text)
        ar = sum(3 if c in "\u0629\u0649" else 1 if c in "\u064a\u0643" or "\u0660" <= c <= "\u0669" else 0 for c in text)
        expected = "fa" if fa > ar else ("ar" if ar or regex.search(r"\p{Script=Arabic}", text) else "und")
        assert textlib.detect_language(text) == expected

    def test_short_and_other_texts(self):
        assert textlib.detect_language("گفت") == "fa"
        assert textlib.detect_language("قالت الحكومة") == "ar"
        assert textlib.detect_language("Hello") == "und"
        assert textlib.language_direction("fa") == "rtl"
        assert textlib.language_direction("ar-SY") == "rtl"
        assert textlib.language_direction("en") == "ltr"
        assert textlib.language_direction("und") == "auto"
