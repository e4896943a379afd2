"""Reading article files: one reader per format, every invalid row named by file, row and reason.

Pure reading: nothing here touches the database (see annotations.importing for
the plan and the write).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .. import text as textlib
from .titles import derive_title

FORMATS = (".txt", ".csv", ".json", ".jsonl")
FIELDS = ("external_id", "title", "text", "language", "url", "published_at", "outlet")
_url_validator = URLValidator(schemes=["http", "https"])


class ImportRefused(Exception):
    """One input that cannot be imported, named by file, row and reason, with a stable code."""

    def __init__(self, file: str, reason: str, row: int | None = None, code: str = "invalid"):
        super().__init__(reason)
        self.file, self.reason, self.row, self.code = file, reason, row, code

    def __str__(self) -> str:
        return f"{where_of(self.file, self.row)}: {self.reason}"


def where_of(file: str, row: int | None) -> str:
    """A file, or a file and a row, as messages name them."""
    return _("%(file)s, row %(row)d") % {"file": file, "row": row} if row is not None else file


@dataclass
class ArticleInput:
    external_id: str
    text: str
    language: str
    file: str
    row: int | None = None
    title: str = ""
    url: str = ""
    outlet: str = ""
    published_at: date | None = None
    file_sha256: str = ""
    encoding: str = ""
    had_bom: bool = False
    line_endings: str = ""

    @property
    def where(self) -> str:
        return where_of(self.file, self.row)


@dataclass(frozen=True)
class ImportOptions:
    encoding: str | None = None
    language: str | None = None
    max_chars: int = 0
    max_bytes: int = 0

    @classmethod
    def from_settings(cls, *, encoding: str | None = None, language: str | None = None) -> ImportOptions:
        return cls(
            encoding=encoding,
            language=language,
            max_chars=settings.ANNOTATIONS_MAX_ARTICLE_CHARS,
            max_bytes=settings.ANNOTATIONS_MAX_IMPORT_BYTES,
        )


def _formats() -> str:
    return ", ".join(FORMATS)


def _unsupported(name: str) -> ImportRefused:
    return ImportRefused(
        name, _("unsupported file type (use %(formats)s)") % {"formats": _formats()}, code="unsupported_type"
    )


def parse_file(name: str, data: bytes, options: ImportOptions) -> Iterator[ArticleInput | ImportRefused]:
    """Yield the articles in one file, and a refusal for each invalid row (every one, not only the
    first); raise ImportRefused if the file as a whole cannot be read."""
    if options.max_bytes and len(data) > options.max_bytes:
        raise ImportRefused(
            name,
            _("the file is %(size)d bytes; the limit is %(limit)d") % {"size": len(data), "limit": options.max_bytes},
            code="too_big",
        )
    try:
        decoded = textlib.decode_bytes(data, options.encoding)
    except textlib.TextError as exc:
        raise ImportRefused(name, exc.message, code=exc.code) from None
    file_info = {
        "file": name,
        "file_sha256": textlib.sha256_hex(data),
        "encoding": decoded.encoding,
        "had_bom": decoded.had_bom,
        "line_endings": decoded.line_endings,
    }
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem
    if suffix == ".txt":
        yield check_article(name, None, {"external_id": stem, "text": decoded.text}, options, file_info)
        return
    if suffix == ".csv":
        rows = _csv_rows(name, decoded.text)
    elif suffix in (".json", ".jsonl"):
        rows = _article_fields(json_objects(name, decoded.text, lines=suffix == ".jsonl"))
    else:
        raise _unsupported(name)
    for row, values in rows:
        if isinstance(values, ImportRefused):
            yield values
            continue
        values.setdefault("external_id", f"{stem}-{row}")
        try:
            yield check_article(name, row, values, options, file_info)
        except ImportRefused as refused:
            yield refused


def _csv_rows(name: str, text: str) -> Iterator[tuple[int, dict]]:
    # A 200 KB article is one cell; the csv module's default limit is 128 KB.
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise ImportRefused(name, _("the CSV file has no header row"), code="no_header")
        header = [column.strip() for column in header]
        if "text" not in header:
            raise ImportRefused(name, _("the CSV header has no 'text' column"), 1, code="missing_text")
        for number, cells in enumerate(reader, start=1):
            if not cells:
                continue
            if len(cells) != len(header):
                yield number, ImportRefused(
                    name,
                    _("the row has %(cells)d cells; the header has %(header)d")
                    % {"cells": len(cells), "header": len(header)},
                    number,
                    code="ragged_csv",
                )
                continue
            yield number, {key: value for key, value in zip(header, cells, strict=True) if key in FIELDS}
    except csv.Error as exc:
        raise ImportRefused(
            name, _("broken CSV at line %(line)d: %(reason)s") % {"line": reader.line_num, "reason": exc}, code="broken_csv"
        ) from None


class _NumberTooLong(ValueError):
    def __init__(self, digits: int):
        super().__init__(digits)
        self.digits = digits


def _parse_int(digits: str) -> int:
    # int() itself refuses past this limit, with a message about sys.set_int_max_str_digits.
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise _NumberTooLong(len(digits.lstrip("-")))
    return int(digits)


def load_json(name: str, text: str, row: int | None = None) -> object:
    """Parse JSON from a file, or ImportRefused naming why: broken, too deep, a number too long."""
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            name,
            _("broken JSON at line %(line)d, column %(column)d: %(reason)s")
            % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg},
            row,
            code="broken_json",
        ) from None
    except _NumberTooLong as exc:
        raise ImportRefused(
            name,
            _("the JSON has a number with %(digits)d digits; the limit is %(limit)d")
            % {"digits": exc.digits, "limit": sys.get_int_max_str_digits()},
            row,
            code="number_too_long",
        ) from None
    except RecursionError:
        raise ImportRefused(name, _("the JSON is nested too deeply"), row, code="too_deep") from None
    except ValueError as exc:
        raise ImportRefused(
            name, _("the JSON cannot be read: %(reason)s") % {"reason": str(exc)[:200]}, row, code="broken_json"
        ) from None


def json_objects(name: str, text: str, *, lines: bool, top: dict | None = None) -> Iterator[tuple[int, dict | ImportRefused]]:
    """(row, object) pairs from a JSON list, the export's {"articles": [...]}, or JSON lines.

    A row that is not an object (or a JSON line that does not parse) comes as
    (row, ImportRefused), so every bad row is reported; a file that does not
    parse at all raises ImportRefused. `top`, if given, receives the export's
    other top-level keys (its `canonical_claims`, for import_annotations).
    """
    if lines:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    yield number, _object(name, load_json(name, line, number), number)
                except ImportRefused as refused:
                    yield number, refused
        return
    data = load_json(name, text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        if top is not None:
            top.update((key, value) for key, value in data.items() if key != "articles")
        data = data["articles"]  # the export's own shape
    if not isinstance(data, list):
        raise ImportRefused(name, _('expected a list of articles or {"articles": [...]}'), code="not_a_list")
    for number, item in enumerate(data, start=1):
        try:
            yield number, _object(name, item, number)
        except ImportRefused as refused:
            yield number, refused


def _article_fields(rows: Iterator[tuple[int, dict | ImportRefused]]) -> Iterator[tuple[int, dict | ImportRefused]]:
    for number, item in rows:
        if isinstance(item, ImportRefused):
            yield number, item
        else:
            yield number, {key: item[key] for key in FIELDS if key in item and item[key] is not None}


def _object(name: str, item: object, row: int) -> dict:
    if not isinstance(item, dict):
        raise ImportRefused(name, _("expected an object"), row, code="not_an_object")
    return item


def _string(name: str, row: int | None, values: dict, key: str, limit: int) -> str:
    value = values.get(key, "")
    if isinstance(value, int) and not isinstance(value, bool) and key == "external_id":
        value = str(value)
    if not isinstance(value, str):
        raise ImportRefused(name, _("'%(key)s' must be text") % {"key": key}, row, code="not_text")
    if "\x00" in value:
        raise ImportRefused(name, _("'%(key)s' contains a NUL character") % {"key": key}, row, code="nul")
    if textlib.find_surrogate(value) is not None:
        # The database cannot store one (PostgreSQL refuses it in UTF-8).
        raise ImportRefused(name, _("'%(key)s' contains a lone surrogate") % {"key": key}, row, code="surrogate")
    if len(value) > limit:
        raise ImportRefused(
            name, _("'%(key)s' is longer than %(limit)d characters") % {"key": key, "limit": limit}, row, code="too_long"
        )
    return value


def check_article(name: str, row: int | None, values: dict, options: ImportOptions, file_info: dict) -> ArticleInput:
    """One article's fields, validated as every path that writes an article needs them (import
    files, the admin's upload and the admin's article form): ImportRefused names what is wrong."""
    if "text" not in values:
        raise ImportRefused(name, _("missing 'text'"), row, code="missing_text")
    text = values["text"]
    if not isinstance(text, str):
        raise ImportRefused(name, _("'%(key)s' must be text") % {"key": "text"}, row, code="not_text")
    text, _endings = textlib.normalise_newlines(text)
    try:
        textlib.check_article_text(text, max_chars=options.max_chars or len(text) + 1)
    except textlib.TextError as exc:
        raise ImportRefused(name, exc.message, row, code=exc.code) from None
    external_id = _string(name, row, values, "external_id", 200).strip()
    if not external_id:
        raise ImportRefused(name, _("'external_id' is empty"), row, code="empty_id")
    # An explicit (even empty) title is kept, so a restored export matches its source.
    outlet = _string(name, row, values, "outlet", 200).strip()
    if "title" in values:
        title = _string(name, row, values, "title", 500).strip()
    else:
        title = derive_title(text, outlet=outlet)
    language = options.language or _string(name, row, values, "language", 20).strip()
    try:
        language = textlib.check_language_code(language) if language else textlib.detect_language(text)
    except textlib.TextError as exc:
        raise ImportRefused(name, exc.message, row, code=exc.code) from None
    url = _string(name, row, values, "url", 2000).strip()
    if url:
        try:
            _url_validator(url)
        except ValidationError:
            raise ImportRefused(
                name, _("'url' is not an http(s) URL: %(url)s") % {"url": _shown(url)}, row, code="bad_url"
            ) from None
    return ArticleInput(
        external_id=external_id,
        text=text,
        language=language,
        row=row,
        title=title,
        url=url,
        outlet=outlet,
        published_at=_date(name, row, values.get("published_at")),
        **file_info,
    )


def _date(name: str, row: int | None, value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except (ValueError, OverflowError):
            pass
    raise ImportRefused(
        name,
        _("'published_at' is not an ISO date such as 2019-03-14: %(value)s") % {"value": _shown(value)},
        row,
        code="bad_date",
    )


def _shown(value: object, limit: int = 100) -> str:
    """A value quoted for a message, cut so a huge one does not fill the report."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[:limit] + "…"
