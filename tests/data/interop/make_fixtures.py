"""Regenerate the other tools' files in this folder, each written by that tool's own conventions.

Run `.venv/bin/python tests/data/interop/make_fixtures.py` after changing the texts or spans.
Nothing from annotations/ is used: offsets are counted here the way each tool counts them,
so a mistake in the project's conversion shows up in tests/test_interop.py.

- doccano (sequence labelling JSONL): the text as uploaded (CRLF kept), offsets in UTF-16
  code units as its browser editor counts them, no span text; one row in the older `label`
  shape, one in the `entities` + `relations` shape of its relation projects.
- Label Studio (JSON export): tasks with data.text (CRLF kept) and one annotation whose
  `labels` results carry start, end (UTF-16 code units, as its JavaScript editor counts) and
  the selected text.
- W3C Web Annotation: positions in code points (as the model requires) of the text as
  published at the article's url, with TextQuoteSelectors, one annotation with a quote only.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
URL = "https://example.org/baghuz"
# Stored texts (LF); the tools' files carry them with CRLF. Emoji and a flag come before
# spans, so UTF-16 and code points part ways; ZWNJ sits inside a span.
TEXTS = {
    "interop-1": "😀 قال مصطفى بالي إن 3000 شخص غادروا الباغوز.\nمی\u200cگویند ۳۰۰۰ نفر خارج شدند 🇮🇷 و 50٪ زن بودند.",
    "interop-2": "قالت الوزارة 👩\u200d👩\u200d👧 إن العدد 120 فقط.\nوزیر گفت: «۲۰ درصد» بیکارند.",
}
SPANS = {  # (quote, doccano/Label Studio label)
    "interop-1": [("3000 شخص", "CLAIM"), ("۳۰۰۰ نفر", "CLAIM"), ("50٪ زن", "CLAIM"), ("الباغوز.\nمی\u200cگویند", "QUOTE")],
    "interop-2": [("العدد 120 فقط", "CLAIM"), ("«۲۰ درصد»", "QUOTE")],
}


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def utf16(text: str, index: int) -> int:
    """JavaScript's string index of code point `index`."""
    return len(text[:index].encode("utf-16-le")) // 2


def raw_span(text: str, quote: str) -> tuple[int, int]:
    """The span of `quote` in the CRLF text, in code points."""
    start = text.index(crlf(quote))
    return start, start + len(crlf(quote))


def doccano() -> str:
    lines = []
    for number, (external_id, text) in enumerate(TEXTS.items(), start=1):
        raw = crlf(text)
        spans = [(*raw_span(raw, quote), label) for quote, label in SPANS[external_id]]
        if number == 1:
            row = {"id": number, "text": raw, "label": [[utf16(raw, s), utf16(raw, e), label] for s, e, label in spans], "Comments": []}
        else:
            entities = [
                {"id": 100 + i, "label": label, "start_offset": utf16(raw, s), "end_offset": utf16(raw, e)}
                for i, (s, e, label) in enumerate(spans)
            ]
            row = {"id": number, "text": raw, "Comments": [], "entities": entities,
                   "relations": [{"id": 7, "from_id": 100, "to_id": 101, "type": "supports"}]}
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def labelstudio() -> str:
    tasks = []
    for number, (external_id, text) in enumerate(TEXTS.items(), start=1):
        raw = crlf(text)
        results = []
        for i, (quote, label) in enumerate(SPANS[external_id]):
            s, e = raw_span(raw, quote)
            results.append({
                "value": {"start": utf16(raw, s), "end": utf16(raw, e), "text": raw[s:e], "labels": [label]},
                "id": f"r{number}-{i}", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            })
        tasks.append({
            "id": number,
            "data": {"text": raw},
            "annotations": [{
                "id": 10 + number, "completed_by": 1, "result": results, "was_cancelled": False, "ground_truth": False,
                "created_at": "2024-03-05T10:11:12.000000Z", "updated_at": "2024-03-05T10:15:00.000000Z",
                "lead_time": 12.5, "prediction": {}, "result_count": 0, "task": number,
            }],
            "predictions": [],
            "meta": {}, "created_at": "2024-03-01T09:00:00.000000Z", "updated_at": "2024-03-05T10:15:00.000000Z",
            "inner_id": number, "total_annotations": 1, "cancelled_annotations": 0, "total_predictions": 0,
            "project": 3, "updated_by": 1, "file_upload": "articles.json", "comment_count": 0,
            "unresolved_comment_count": 0, "last_comment_updated_at": None, "comment_authors": [],
        })
    return json.dumps(tasks, ensure_ascii=False, indent=2) + "\n"


def w3c() -> str:
    text = TEXTS["interop-1"]
    items = []
    for i, (quote, label) in enumerate(SPANS["interop-1"][:3]):
        start = text.index(quote)
        selectors = [{"type": "TextQuoteSelector", "exact": quote, "prefix": text[max(0, start - 8):start],
                      "suffix": text[start + len(quote):start + len(quote) + 8]}]
        if i != 1:  # the second is placed by its quote alone
            selectors.insert(0, {"type": "TextPositionSelector", "start": start, "end": start + len(quote)})
        items.append({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": f"https://annotations.example.org/anno/{i + 1}",
            "type": "Annotation",
            "motivation": "tagging",
            "creator": {"id": "https://annotations.example.org/users/7", "type": "Person", "nickname": "annotator"},
            "created": "2024-03-05T10:11:12Z",
            "body": [
                {"type": "TextualBody", "value": label, "purpose": "tagging"},
                {"type": "TextualBody", "value": "رقم يحتاج إلى مصدر", "purpose": "commenting", "language": "ar"},
            ],
            "target": {"source": URL, "selector": selectors},
        })
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    (HERE / "doccano.jsonl").write_text(doccano(), encoding="utf-8")
    (HERE / "labelstudio.json").write_text(labelstudio(), encoding="utf-8")
    (HERE / "w3c-annotations.jsonld").write_text(w3c(), encoding="utf-8")
    (HERE / "label-map.json").write_text(json.dumps({
        "CLAIM": {"claim_type": "numerical"},
        "QUOTE": {"claim_type": "quote", "attribution": "direct_quote"},
        "*": {"check_worthiness": "check_worthy", "attribution": "unattributed"},
    }, indent=2) + "\n", encoding="utf-8")
