"""Article import: one reader per file format, validation of everything, then one write.

Used by `manage.py import_articles` and by the admin's upload, so both refuse
the same inputs with the same reasons. Nothing is written unless every input
is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .. import text as textlib
from ..models import Article, Project
from ..search.index import add_documents
from .readers import (  # noqa: F401
    FIELDS,
    FORMATS,
    ArticleInput,
    ImportOptions,
    ImportRefused,
    _formats,
    _shown,
    _unsupported,
    check_article,
    derive_title,
    json_objects,
    load_json,
    parse_file,
    where_of,
)


@dataclass
class ImportPlan:
    project_name: str
    new: list[ArticleInput] = field(default_factory=list)
    duplicates: list[tuple[ArticleInput, str]] = field(default_factory=list)
    problems: list[ImportRefused] = field(default_factory=list)
    files: int = 0
    written: list[int] = field(default_factory=list)  # the ids of the articles apply_import wrote


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
    """Write the new articles of a valid plan, and their search documents, in one transaction; return how many."""
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
        created = bulk_create_with_history(articles, Article, batch_size=batch_size)
        # bulk_create sends no post_save: the search documents are written here, in the same transaction.
        add_documents(((article.pk, article.text) for article in created), using=project._state.db)
    plan.written = [article.pk for article in created]
    return len(articles)


def file_sources(paths: Iterable[Path]) -> list[tuple[str, Callable[[], bytes]]]:
    """(name, reader) pairs for files on disk, read lazily one at a time."""
    return [(str(path), path.read_bytes) for path in paths]
