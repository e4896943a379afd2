"""Article import: one reader per file format, validation of everything, then one write.

Used by `manage.py import_articles` and by the admin's upload, so both refuse
the same inputs with the same reasons. Nothing is written unless every input
is valid.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import text as textlib
from .models import Article, Project

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


@dataclass
class ImportPlan:
    project_name: str
    new: list[ArticleInput] = field(default_factory=list)
    duplicates: list[tuple[ArticleInput, str]] = field(default_factory=list)
    problems: list[ImportRefused] = field(default_factory=list)
    files: int = 0


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


def collect_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[ImportRefused]]:
    """Expand folders (recursively, sorted) into importable files; name what cannot be read.

    A folder with no importable file in it is refused: it is almost always the
    wrong folder, and importing nothing from it should not look like success.
    """
    files: list[Path] = []
    problems: list[ImportRefused] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                found = [
                    child
                    for child in sorted(path.rglob("*"))
                    if child.is_file()
                    and child.suffix.lower() in FORMATS
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                ]
                if not found:
                    problems.append(
                        ImportRefused(
                            str(path),
                            _("the folder has no %(formats)s files") % {"formats": _formats()},
                            code="no_files",
                        )
                    )
                files.extend(found)
            elif path.is_file():
                if path.suffix.lower() in FORMATS:
                    files.append(path)
                else:
                    problems.append(_unsupported(str(path)))
            elif path.exists():
                problems.append(
                    ImportRefused(str(path), _("not a regular file or a folder"), code="not_a_file")
                )
            else:
                problems.append(ImportRefused(str(path), _("no such file or folder"), code="no_such_path"))
        except OSError as exc:
            problems.append(
                ImportRefused(
                    str(path),
                    _("cannot read it: %(reason)s") % {"reason": exc.strerror or exc},
                    code="unreadable",
                )
            )
    return files, problems


def _unsupported(name: str) -> ImportRefused:
    return ImportRefused(
        name, _("unsupported file type (use %(formats)s)") % {"formats": _formats()}, code="unsupported_type"
    )


def check_project_name(name: object) -> str:
    """The project name an import writes into, stripped; refuse what the column cannot hold."""
    limit = Project._meta.get_field("name").max_length
    if not isinstance(name, str) or not name.strip():
        raise textlib.TextError(_("the project name is empty"), "bad_project")
    name = name.strip()
    if len(name) > limit:
        raise textlib.TextError(
            _("the project name has %(length)d characters; the limit is %(limit)d")
            % {"length": len(name), "limit": limit},
            "bad_project",
        )
    if any(ord(char) < 32 or ord(char) == 127 or 0xD800 <= ord(char) <= 0xDFFF for char in name):
        raise textlib.TextError(_("the project name contains a control character"), "bad_project")
    return name


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
        yield _article(name, None, {"external_id": stem, "text": decoded.text}, options, file_info)
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
            yield _article(name, row, values, options, file_info)
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
            yield number, {key: value for key, value in zip(header, cells) if key in FIELDS}
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


def _load_json(name: str, text: str, row: int | None = None) -> object:
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


def json_objects(name: str, text: str, *, lines: bool) -> Iterator[tuple[int, dict | ImportRefused]]:
    """(row, object) pairs from a JSON list, the export's {"articles": [...]}, or JSON lines.

    A row that is not an object (or a JSON line that does not parse) comes as
    (row, ImportRefused), so every bad row is reported; a file that does not
    parse at all raises ImportRefused.
    """
    if lines:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    yield number, _object(name, _load_json(name, line, number), number)
                except ImportRefused as refused:
                    yield number, refused
        return
    data = _load_json(name, text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
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


def _article(name: str, row: int | None, values: dict, options: ImportOptions, file_info: dict) -> ArticleInput:
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
    title = _string(name, row, values, "title", 500).strip() if "title" in values else derive_title(text)
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
        outlet=_string(name, row, values, "outlet", 200).strip(),
        published_at=_date(name, row, values.get("published_at")),
        **file_info,
    )


def derive_title(text: str, limit: int = 120) -> str:
    """The first non-blank line, cut at a word boundary when it is long."""
    line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    return line[: cut if cut > limit // 2 else limit].rstrip() + "…"


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


def plan_import(
    sources: Iterable[tuple[str, Callable[[], bytes]]],
    *,
    project_name: str,
    options: ImportOptions,
    progress: Callable[[int, str, int], None] | None = None,
) -> ImportPlan:
    """Read and validate every file, and sort articles into new, duplicate and refused.

    `progress(files, name, articles)` is called before each file is read and
    after every 1,000 articles checked.
    """
    plan = ImportPlan(project_name=project_name)
    inputs: list[ArticleInput] = []
    names: list[str] = []
    for index, (name, read) in enumerate(sources, start=1):
        plan.files += 1
        if progress:
            progress(index, name, len(inputs))
        try:
            for item in parse_file(name, read(), options):
                if isinstance(item, ImportRefused):
                    plan.problems.append(item)
                    continue
                inputs.append(item)
                if progress and len(inputs) % 1000 == 0:
                    progress(index, name, len(inputs))
        except ImportRefused as exc:
            plan.problems.append(exc)
        except OSError as exc:
            plan.problems.append(
                ImportRefused(
                    name, _("cannot read the file: %(reason)s") % {"reason": exc.strerror or exc}, code="unreadable"
                )
            )
        else:
            names.append(name)
    if not plan.files:
        plan.problems.append(
            ImportRefused(
                _("(no files)"), _("nothing to import: give %(formats)s files") % {"formats": _formats()}, code="no_files"
            )
        )
    elif not inputs and not plan.problems:
        # Files that hold no article at all (an empty list, a header-only CSV):
        # importing "nothing" would still create the project.
        for name in names:
            plan.problems.append(ImportRefused(name, _("the file contains no articles"), code="no_articles"))
    _sort_duplicates(plan, inputs)
    return plan


def _sort_duplicates(plan: ImportPlan, inputs: list[ArticleInput]) -> None:
    project = Project.objects.filter(name=plan.project_name).first()
    by_id: dict[str, str] = {}
    by_sha: dict[str, str] = {}
    if project is not None:
        ids = {item.external_id for item in inputs}
        shas = {textlib.sha256_hex(item.text) for item in inputs}
        existing = Article.objects.filter(project=project).values_list("external_id", "text_sha256")
        for chunk in _chunks(sorted(ids), 500):
            for external_id, sha in existing.filter(external_id__in=chunk):
                by_id[external_id] = sha
                by_sha.setdefault(sha, external_id)
        for chunk in _chunks(sorted(shas), 500):
            for external_id, sha in existing.filter(text_sha256__in=chunk):
                by_id.setdefault(external_id, sha)
                by_sha.setdefault(sha, external_id)
    for item in inputs:
        sha = textlib.sha256_hex(item.text)
        known_sha = by_id.get(item.external_id)
        if known_sha is not None and known_sha != sha:
            plan.problems.append(
                ImportRefused(
                    item.file,
                    _("external_id %(id)s already exists with a different text") % {"id": _shown(item.external_id)},
                    item.row,
                    code="changed_text",
                )
            )
        elif known_sha == sha or sha in by_sha:
            plan.duplicates.append(
                (item, _("same text as %(id)s, already imported") % {"id": _shown(by_sha.get(sha, item.external_id))})
            )
        else:
            plan.new.append(item)
            by_id[item.external_id] = sha
            by_sha[sha] = item.external_id


def _chunks(values: list, size: int) -> Iterator[list]:
    for offset in range(0, len(values), size):
        yield values[offset : offset + size]


def apply_import(plan: ImportPlan, *, batch_size: int = 500) -> int:
    """Write the new articles of a valid plan in one transaction; return how many."""
    if plan.problems:
        raise ValueError("refusing to apply an import plan that has problems")
    if not plan.new:
        return 0  # and no empty project created on the way
    with transaction.atomic():
        project, _created = Project.objects.get_or_create(name=plan.project_name)
        articles = [
            Article(
                project=project,
                external_id=item.external_id,
                title=item.title,
                text=item.text,
                text_sha256=textlib.sha256_hex(item.text),
                language=item.language,
                outlet=item.outlet,
                url=item.url,
                published_at=item.published_at,
                source_file=item.file[-500:],
                source_row=item.row,
                source_sha256=item.file_sha256,
                import_encoding=item.encoding,
                import_had_bom=item.had_bom,
                import_line_endings=item.line_endings,
            )
            for item in plan.new
        ]
        bulk_create_with_history(articles, Article, batch_size=batch_size)
    return len(articles)


def file_sources(paths: Iterable[Path]) -> list[tuple[str, Callable[[], bytes]]]:
    """(name, reader) pairs for files on disk, read lazily one at a time."""
    return [(str(path), path.read_bytes) for path in paths]
