"""Pure tests of annotations.folding: the folding, its map back, clitics and find."""

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from annotations import folding
from annotations import text as textlib

# Text as the articles hold it, plus what folding treats specially: alef, yeh, kaf
# and heh forms, hamza carriers, harakat, Quranic marks, tatweel, ZWNJ/ZWJ, bidi
# controls, digits of three scripts with their separators, emoji, cased Latin.
FOLDING_SOUP = st.text(
    alphabet=st.sampled_from(
        list("ابتدرسعفقكلمنهوي") + list("أإآٱیىکةۀؤئء") + list("پچژگ")
        + ["\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0654", "\u0670", "\u0640"]
        + ["\u06d6", "\u06dd", "\u06e9", "\u06ed"]
        + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u202b", "\u202c", "\u2067", "\ufeff", "\u00ad"]
        + list("0123٠١٢٣۰۱۲۳") + ["\u066b", "\u066c", ",", "."]
        + list("aBcßİΣς") + [" ", "\n", "،", "؟", "\u0600", "\u0301"]
        + ["😀", "\U0001f3fd", "🇸", "🇾", "\ufe0f", "\u20e3", "👨", "👩"]
    ),
    max_size=50,
)
QUERY_SOUP = st.text(alphabet=st.sampled_from(list("ابلوكیىة۱1٣ aß\u064e\u200c")), min_size=1, max_size=8)


def boundaries(text):
    return {0, len(text)} | {x for m in regex.finditer(r"\X", text) for x in m.span()}


def contains_query(text, query):
    """Whether the folded words of `text` hold the query's words consecutively."""
    wanted = folding.query_words(query)
    have = [word for word, _, _ in folding.words(folding.fold(text).text)]
    return any(
        all(folding.tokens_match(q, have[i + k]) for k, q in enumerate(wanted))
        for i in range(len(have) - len(wanted) + 1)
    )


def quotes(text, query):
    return [text[s:e] for s, e in folding.find(text, query)]


class TestFold:
    def test_letter_forms(self):
        assert folding.fold("أإآٱ یيى کك ةه ؤ ئ ء").text == "اااا ييي كك هه و ي ء"

    def test_dropped_marks_and_controls(self):
        assert folding.fold("بِسْمِ الـــلّٰه\u200c\u200f\u2067x\u2069").text == "بسم الله" + "x"

    def test_digits_and_separators(self):
        assert folding.fold("۳٬۰۰۰ ٣٠٠٠ 3,000 ٣٫٥ 4,9 1,2345").text == "3000 3000 3000 3.5 4,9 1,2345"
        # Separators are folded only between digits.
        assert folding.fold("٬3 3٫ ,000").text == "٬3 3٫ ,000"

    def test_casefold(self):
        assert folding.fold("Straße ΣΑΣ").text == "strasse σασ"

    def test_origin_points_into_the_original(self):
        folded = folding.fold("بِـسْمِ ß")
        assert folded.text == "بسم ss"
        assert folded.origin == (0, 3, 5, 7, 8, 8)

    def test_original_span_covers_inner_and_trailing_marks(self):
        text = "في بِسْمِ الله"
        folded = folding.fold(text)
        start = folded.text.index("بسم")
        assert folded.original_span(start, start + 3) == (3, 9)
        assert text[3:9] == "بِسْمِ"
        # Half of a casefolded "ß" maps back to the whole character.
        assert folding.fold("aß").original_span(1, 2) == (1, 2)

    def test_original_span_refuses_empty_spans(self):
        with pytest.raises(ValueError):
            folding.fold("abc").original_span(1, 1)


class TestClitics:
    @pytest.mark.parametrize("word", ["الباغوز", "بالباغوز", "والباغوز", "فالباغوز", "وبالباغوز", "للباغوز", "وللباغوز"])
    def test_query_with_article_matches_prefixed_words(self, word):
        assert folding.tokens_match("الباغوز", word)

    @pytest.mark.parametrize("word", ["باغوز", "الباغوز", "بباغوز", "كالباغوز", "للباغوز", "وللباغوز"])
    def test_bare_query_matches_every_prefix(self, word):
        assert folding.tokens_match("باغوز", word)

    def test_lam_and_the_article_are_only_written_together(self):
        # ل + ال is always written لل: "لال" is no prefix (and "لالئ" is no form of "ئ").
        assert "\u0644\u0627\u0644" not in folding.PREFIXES and "\u0644\u0644" in folding.PREFIXES
        assert not folding.tokens_match("باغوز", "لالباغوز")

    @pytest.mark.parametrize("word", ["باغوز", "الباغوز", "والباغوز", "الباغوزي", "مالباغوز"])
    def test_prefixed_query_needs_its_prefix(self, word):
        assert not folding.tokens_match("بالباغوز", word)

    def test_prefixed_query_matches_more_prefixes(self):
        assert folding.tokens_match("بالباغوز", "وبالباغوز")

    def test_no_suffix_stripping(self):
        assert not folding.tokens_match("باغوز", "باغوزي")


class TestFind:
    def test_digits_of_three_scripts(self):
        assert quotes("گفته می‌شود ۳۰۰۰ نفر کشته شدند", "3000") == ["۳۰۰۰"]
        assert quotes("قتل ٣٠٠٠ شخص", "3000") == ["٣٠٠٠"]
        assert quotes("killed 3,000 people and 3000 more", "3000") == ["3,000", "3000"]
        assert quotes("۳٬۰۰۰ و٣٠٠٠", "٣٠٠٠") == ["۳٬۰۰۰", "و٣٠٠٠"]

    def test_numbers_are_not_rewritten(self):
        assert folding.find("قتل 3 آلاف شخص", "3000") == []
        assert folding.find("نحو 4,9 ألف", "4900") == []
        assert folding.find("30000 و 300", "3000") == []

    def test_clitics(self):
        text = "معركة الباغوز، بالباغوز ووالباغوز والباغوز"
        assert quotes(text, "الباغوز") == ["الباغوز", "بالباغوز", "والباغوز"]
        assert quotes("في الباغوز", "باغوز") == ["الباغوز"]
        assert quotes(text, "بالباغوز") == ["بالباغوز"]

    def test_persian_yeh_and_kaf(self):
        assert quotes("قال مصطفى بالي أمس", "مصطفی بالی") == ["مصطفى بالي"]
        assert quotes("نفر كشته شدند", "کشته") == ["كشته"]

    def test_harakat_both_ways(self):
        assert quotes("قال بِسْمِ اللّٰهِ", "بسم الله") == ["بِسْمِ اللّٰهِ"]
        assert quotes("قال بسم الله", "بِسْمِ") == ["بسم"]

    def test_zwnj_ignored(self):
        assert quotes("آنها می\u200cگویند که", "میگویند") == ["می\u200cگویند"]

    def test_phrase_needs_consecutive_words(self):
        assert folding.find("مصطفى قال بالي", "مصطفی بالی") == []
        assert quotes("مصطفى، بالي", "مصطفی بالی") == ["مصطفى، بالي"]

    def test_whole_words_only(self):
        assert folding.find("الباغوزية", "الباغوز") == []

    def test_span_never_ends_inside_a_grapheme_nor_on_zwnj(self):
        text = "كتابٌ\u200c ها 😀"
        assert quotes(text, "كتاب") == ["كتابٌ"]

    def test_empty_query(self):
        assert folding.find("نص", "؟ ") == []


class TestProperties:
    @given(FOLDING_SOUP)
    def test_fold_map_is_monotonic_and_in_range(self, text):
        folded = folding.fold(text)
        assert len(folded.origin) == len(folded.text)
        assert list(folded.origin) == sorted(folded.origin)
        assert all(0 <= i < len(text) for i in folded.origin)
        # Folding is idempotent: a folded text folds to itself.
        assert folding.fold(folded.text).text == folded.text

    @given(FOLDING_SOUP)
    def test_full_span_covers_exactly_what_was_kept(self, text):
        folded = folding.fold(text)
        if not folded.text:
            assert all(c in folding._DROPPED for c in text)
            return
        start, end = folded.original_span(0, len(folded.text))
        assert {start, end} <= boundaries(text)
        assert start <= folded.origin[0] and end > folded.origin[-1]
        # Outside the span only dropped characters, which belong to no kept grapheme.
        assert folding.fold(text[:start]).text == "" and folding.fold(text[end:]).text == ""

    @given(FOLDING_SOUP, st.data())
    def test_every_original_span_is_grapheme_aligned_and_covers_its_characters(self, text, data):
        folded = folding.fold(text)
        if not folded.text:
            return
        fs = data.draw(st.integers(0, len(folded.text) - 1))
        fe = data.draw(st.integers(fs + 1, len(folded.text)))
        start, end = folded.original_span(fs, fe)
        assert {start, end} <= boundaries(text)
        assert all(start <= i < end for i in folded.origin[fs:fe])

    @given(FOLDING_SOUP, QUERY_SOUP)
    def test_find_spans_hold_the_query_and_are_canonical(self, text, query):
        spans = folding.find(text, query)
        for k, (s, e) in enumerate(spans):
            following = spans[k + 1][0] if k + 1 < len(spans) else len(text)
            assert 0 <= s < e <= following  # non-overlapping, in text order
            assert textlib.snap_span(text, s, e) == (s, e)
            assert s in boundaries(text)
            assert contains_query(text[s:e], query)

    @given(FOLDING_SOUP, FOLDING_SOUP, QUERY_SOUP)
    def test_a_planted_query_is_found(self, before, after, query):
        if not folding.query_words(query):
            return
        text = before + " " + query + " " + after
        where = len(before) + 1
        # Found there, or an earlier match took some of its words (matches never overlap).
        assert any(s < where + len(query) and e > where for s, e in folding.find(text, query))


# The straightforward definitions, one character and one word at a time: fold and
# find do the same work with whole-string operations, and must agree with these.
def reference_fold(text):
    digits = set("0123456789" + "".join(chr(c) for c in range(0x0660, 0x066A)) + "".join(chr(c) for c in range(0x06F0, 0x06FA)))
    kept = [i for i, char in enumerate(text) if char not in folding._DROPPED]
    pieces = []
    for k, i in enumerate(kept):
        char = text[i]
        if char in "\u066c\u066b" and 0 < k < len(kept) - 1 and text[kept[k - 1]] in digits and text[kept[k + 1]] in digits:
            if char == "\u066b":
                pieces.append((i, "."))
            continue
        pieces.append((i, folding._LETTERS.get(char) or char.casefold()))

    def digit(j):
        return 0 <= j < len(pieces) and pieces[j][1] in "0123456789" and len(pieces[j][1]) == 1

    out, origin = [], []
    for k, (i, piece) in enumerate(pieces):
        if piece == "," and digit(k - 1) and digit(k + 1) and digit(k + 2) and digit(k + 3) and not digit(k + 4):
            continue
        out.append(piece)
        origin.extend([i] * len(piece))
    return "".join(out), tuple(origin)


def reference_find(text, query):
    wanted = folding.query_words(query)
    if not wanted:
        return []
    folded = folding.fold(text)
    bounds = sorted(boundaries(text))
    found = folding.words(folded.text)
    n, spans, i = len(wanted), [], 0
    while i + n <= len(found):
        if all(folding.tokens_match(q, found[i + k][0]) for k, q in enumerate(wanted)):
            fs, fe = found[i][1], found[i + n - 1][2]
            start = max(b for b in bounds if b <= folded.origin[fs])
            end = min(b for b in bounds if b > folded.origin[fe - 1])
            while start < end and textlib.is_trimmable(text[start]):
                start += 1
            while end > start and textlib.is_trimmable(text[end - 1]):
                end -= 1
            if start < end and (not spans or start >= spans[-1][1]):
                spans.append((start, end))
                i += n
                continue
        i += 1
    return spans


NUMBERS_SOUP = st.text(alphabet=st.sampled_from(list("09٠٩۰۹,.٬٫ و\u200f\u064eßa")), max_size=40)
CLITIC_SOUP = st.text(alphabet=st.sampled_from(list("الوفبكباغز ") + ["\u064e", "\u200c"]), max_size=40)
CLITIC_QUERY = st.text(alphabet=st.sampled_from(list("الوفبكباغز ")), min_size=1, max_size=10)


class TestAgreesWithTheReference:
    @given(st.one_of(FOLDING_SOUP, NUMBERS_SOUP))
    def test_words(self, text):
        folded = folding.fold(text).text
        expected = [(m.group(), m.start(), m.end()) for m in regex.finditer(r"(?:[\p{L}\p{M}\p{N}]|(?<=\p{N})\.(?=\p{N}))+", folded)]
        assert folding.words(folded) == expected

    @given(st.one_of(FOLDING_SOUP, NUMBERS_SOUP, st.text(max_size=40)))
    def test_fold(self, text):
        folded = folding.fold(text)
        assert (folded.text, folded.origin) == reference_fold(text)

    @given(st.one_of(FOLDING_SOUP, CLITIC_SOUP), st.one_of(QUERY_SOUP, CLITIC_QUERY))
    def test_find(self, text, query):
        assert folding.find(text, query) == reference_find(text, query)

    @given(NUMBERS_SOUP, st.text(alphabet=st.sampled_from(list("09٠۹,.٫ ")), min_size=1, max_size=8))
    def test_find_numbers(self, text, query):
        assert folding.find(text, query) == reference_find(text, query)

    def test_repeated_words_are_not_reused(self):
        text = "باغوز باغوز باغوز"
        assert folding.find(text, "باغوز باغوز") == reference_find(text, "باغوز باغوز") == [(0, 11)]

    def test_far_from_any_space(self):
        # A long run without a space or line break: graphemes come from the whole-text pass.
        text = "ب" * 600 + "،الباغوز،" + "ك" * 600
        assert quotes(text, "باغوز") == ["الباغوز"]
        assert folding.find(text, "باغوز") == reference_find(text, "باغوز")
