"""Gold as a sentence-level check-worthiness TSV in the CheckThat! lab's shape (docs/exports.md#checkthat-tsv).

Columns `sentence_id`, `sentence`, `label`: every sentence of every article with
a gold decision, `Yes` when a gold claim marked check-worthy overlaps it, else
`No`. The segmentation rule is `sentences` below, and only there.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator

import regex

from .. import text as textlib
from .claims import LineBuffer

COLUMNS = ("sentence_id", "sentence", "label")
CHECK_WORTHY = "check_worthy"  # the check-worthiness slug that makes a sentence "Yes"
# A sentence ends after . ! ? ؟ (Arabic question mark) ۔ (Urdu full stop) or …, with any closing
# quotes or brackets after them, where whitespace or the end of the line follows.
_END = regex.compile(r"[.!?\u061f\u06d4\u2026]+[\"'\u00bb\u201d\u2019)\]]*(?=\s|$)", regex.MULTILINE)


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a text as code-point spans: split at every line break and after an end mark
    followed by whitespace, then trimmed of whitespace and invisible characters at both edges;
    what is left empty is dropped. "3.5" and "U.S.A" stay whole; "U.S. officials" is split."""
    cuts = sorted({0, len(text)} | {m.end() for m in _END.finditer(text)} | {m.start() for m in regex.finditer(r"\n", text)})
    spans = []
    for start, end in itertools.pairwise(cuts):
        while start < end and textlib.is_trimmable(text[start]):
            start += 1
        while end > start and textlib.is_trimmable(text[end - 1]):
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def iter_checkthat(articles: Iterable[dict], *, gold: bool = True) -> Iterator[str]:
    writer = csv.writer(LineBuffer(), delimiter="\t", lineterminator="\n")
    yield writer.writerow(COLUMNS)
    for article in articles:
        worthy = [(c["start"], c["end"]) for c in article["claims"] if c["check_worthiness"] == CHECK_WORTHY]
        for number, (start, end) in enumerate(sentences(article["text"]), start=1):
            label = "Yes" if any(s < end and e > start for s, e in worthy) else "No"
            yield writer.writerow((f"{article['external_id']}_{number}", article["text"][start:end], label))
