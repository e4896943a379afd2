"""Regenerate snap_cases.json: every span of each text with Python's snap_span result.

Run `.venv/bin/python tests/data/make_snap_cases.py` after changing the texts;
tests/test_text.py checks the file still matches annotations.text. (Only Python
snaps: the page sends raw selections and the server answers with the span.)
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from annotations.text import snap_span  # noqa: E402

TEXTS = {
    "persian_zwnj": "می\u200cخواهم کتاب\u200cها را",
    "vocalised_arabic": "بِسْمِ اللَّهِ الرَّحْمَٰنِ",
    "emoji_family": "قال 👨\u200d👩\u200d👧 نعم",
    "skin_tone_and_flags": "👍🏽 🇸🇾🇮🇷 x",
    "tag_flag": "a 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f b",
    "keycap_and_vs16": "1\ufe0f\u20e3 ❤\ufe0f ok",
    "edges_whitespace": "  \u200fسلام\u00a0 \u200c\n\tدنیا \u2009",
    "rtl_marks_mixed": "\u202bگفت: «3000 نفر» left\u202c.",
    "arabic_number_sign": "\u0600\u0661\u0662\u0663 و2024",
    "tatweel_digits": "الـــــباغوز ۳۰۰۰ ٣٠٠٠",
    "combining_latin": "e\u0301te\u0301 \u0915\u094d\u0937",
    "lone_mark_after_space": "a \u064b b",
    "newlines": "سطر\n\nسطر دوم\n",
}


def main() -> None:
    cases = []
    for name, text in TEXTS.items():
        expected = []
        for start in range(len(text)):
            for end in range(start + 1, len(text) + 1):
                snapped = snap_span(text, start, end)
                expected.append([start, end, *(snapped or [None, None])])
        cases.append({"name": name, "text": text, "expected": expected})
    out = Path(__file__).with_name("snap_cases.json")
    out.write_text(json.dumps(cases, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {out} ({sum(len(c['expected']) for c in cases)} spans)")


if __name__ == "__main__":
    main()
