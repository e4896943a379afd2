"""Claims from other annotation tools — doccano, Label Studio, W3C Web Annotation — all or nothing.

Each reader (`readers.py`) turns its file into `Document`s: the text or the
IRI it names, and its spans with the offsets and labels as the file has them.
This module places them: it finds each article, turns the offsets into code
points of the stored text (UTF-16 → code points when the file counts UTF-16,
then CRLF → LF), checks every span against the text the file gives for it,
maps the labels through the label map, and hands rows in the export's shape to
`claim_import.plan_rows`, the validation every claim import goes through. What
it cannot place exactly it refuses, naming file, row and reason
(docs/exports.md#from-other-tools).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, resolve
from django.urls.exceptions import Resolver404

from .. import text as textlib
from ..claim_import import LoadPlan, plan_rows
from ..importing import ImportRefused, load_json
from ..models import LABEL_FIELDS, TERM_FIELDS, Article

OFFSET_UNITS = ("utf16", "codepoint")
UNIT_NAMES = {"utf16": "UTF-16 code units", "codepoint": "code points"}
DEFAULT_LABELS = {"verification_status": "unassessed"}  # a claim from another tool has no verdict yet


@dataclass
class Span:
    where: str  # how the row names it: "entity 2", "result 'x1'"
    start: int | None = None  # None: place it by its text alone (a W3C TextQuoteSelector)
    end: int | None = None
    labels: list[str] = field(default_factory=list)  # the other tool's label strings, for the label map
    fields: dict[str, str] = field(default_factory=dict)  # labels the file states in our own terms (W3C)
    text: str | None = None  # the span's text as the file gives it, checked against the offsets
    prefix: str = ""
    suffix: str = ""
    annotator: str | None = None
    note: str = ""
    evidence: list[str] = field(default_factory=list)
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class Document:
    row: int
    spans: list[Span]
    text: str | None = None  # the article's text as the file has it: the offsets count into this
    external_id: str | None = None
    iri: str | None = None  # W3C: the target's source (and scope)
    scope: str | None = None
    unit: str | None = None  # the unit the format itself fixes (W3C: code points), if any


class LabelMap:
    """The other tool's label strings → our label fields and slugs, from a JSON file.

    `{"CLAIM": {"claim_type": "numerical"}, "*": {"check_worthiness": "check_worthy", …}}`:
    the "*" entry, if present, gives every span the fields its labels do not.
    """

    def __init__(self, name: str = "", mapping: dict | None = None):
        self.name, self.mapping = name, mapping or {}

    @classmethod
    def load(cls, name: str, data: bytes) -> LabelMap:
        try:
            mapping = load_json(name, textlib.decode_bytes(data).text)
        except textlib.TextError as exc:
            raise ImportRefused(name, f"the label map is not JSON: {exc.message}") from None
        except ImportRefused as refused:
            raise ImportRefused(name, f"the label map is not JSON: {refused.reason}") from None
        if not isinstance(mapping, dict):
            raise ImportRefused(name, 'the label map must be an object: {"THEIR LABEL": {"claim_type": "numerical"}, …}')
        for label, fields in mapping.items():
            if not isinstance(fields, dict) or not fields:
                raise ImportRefused(name, f"label {label!r}: map it to an object of label fields, e.g. {{\"claim_type\": \"numerical\"}}")
            for key, slug in fields.items():
                if key not in TERM_FIELDS:
                    raise ImportRefused(name, f"label {label!r}: {key!r} is not a label field (use {', '.join(LABEL_FIELDS)})")
                if not isinstance(slug, str) or not TERM_FIELDS[key].objects.filter(slug=slug).exists():
                    raise ImportRefused(name, f"label {label!r}: {slug!r} is not a value of {key}")
        return cls(name, mapping)

    def fields(self, span: Span) -> dict[str, str]:
        """The four label fields of a span; ValueError naming the label when they cannot be had."""
        found: dict[str, str] = {}
        for label in span.labels:
            if label not in self.mapping or label == "*":
                where = f"the label map {self.name}" if self.name else "a label map (--label-map)"
                raise ValueError(f"label {label!r} is not in {where}")
            for key, slug in self.mapping[label].items():
                if found.setdefault(key, slug) != slug:
                    raise ValueError(f"its labels give two values of {key}: {found[key]!r} and {slug!r}")
        result = {**DEFAULT_LABELS, **self.mapping.get("*", {}), **span.fields, **found}
        missing = [key for key in LABEL_FIELDS if key not in result]
        if missing:
            raise ValueError(
                f"its labels ({', '.join(map(repr, span.labels)) or 'none'}) give no {', '.join(missing)}; "
                'add them to the label map, for that label or under "*" for every label'
            )
        return result


@dataclass
class Options:
    name: str
    project: object = None
    label_map: LabelMap = field(default_factory=LabelMap)
    offset_unit: str | None = None
    annotator: str | None = None


def plan_foreign(tool: str, data: bytes, options: Options, *, max_bytes: int = 0) -> LoadPlan:
    """Read another tool's file, place every span exactly, and validate it as import_annotations does."""
    from . import readers

    name, plan = options.name, LoadPlan()
    if max_bytes and len(data) > max_bytes:
        plan.problems.append(ImportRefused(name, f"the file is {len(data)} bytes; the limit is {max_bytes}"))
        return plan
    try:
        documents = list(getattr(readers, tool)(name, textlib.decode_bytes(data).text, plan.warnings))
    except textlib.TextError as exc:
        documents = [ImportRefused(name, exc.message)]
    except ImportRefused as exc:
        documents = [exc]
    rows = []
    placer = _Placer(options)
    for document in documents:
        if isinstance(document, ImportRefused):
            plan.problems.append(document)
        else:
            rows.extend(placer.place(document))
    if placer.unitless:
        # One refusal for the file, not one per row: the fix is one option for the whole file.
        plan.problems.insert(0, placer.unit_refusal(documents))
    return plan_rows(name, rows, project=options.project, plan=plan)


class _Placer:
    def __init__(self, options: Options):
        self.options, self.name = options, options.name
        self.unitless: list[int] = []  # rows with astral text and no unit to count them in

    def place(self, document: Document) -> list[tuple[int, dict | ImportRefused]]:
        row = document.row
        try:
            article = self._article(document)
        except ImportRefused as refused:
            return [(row, refused)]
        raw = article.text if document.text is None else document.text
        unit = self.options.offset_unit or document.unit
        if unit is None and textlib.has_astral(raw) and any(span.start is not None for span in document.spans):
            self.unitless.append(row)
            return []
        out: list[tuple[int, dict | ImportRefused]] = []
        claims = []
        for span in document.spans:
            try:
                claims.append(self._claim(article, raw, unit or "codepoint", span))
            except ValueError as exc:
                out.append((row, ImportRefused(self.name, f"{span.where}: {exc}", row)))
        item = {"article": article, "external_id": article.external_id, "claims": claims}
        if textlib.has_astral(raw) and any(span.start is not None for span in document.spans):
            # After an emoji the two units differ: a span the claim checks refuse may be counted in the other.
            other = "codepoint" if unit == "utf16" else "utf16"
            item["offset_hint"] = (
                f"(the text has characters that UTF-16 counts twice and offsets were read as {UNIT_NAMES[unit or 'codepoint']}: "
                f"is --offset-unit {other} right?)"
            )
        out.append((row, item))
        return out

    def _claim(self, article: Article, raw: str, unit: str, span: Span) -> dict:
        text = article.text
        if span.start is None:
            start, end = _find_quote(text, span)
        else:
            start, end = (self._offset(raw, value, unit, key) for key, value in (("start", span.start), ("end", span.end)))
            quote = text[start:end] if 0 <= start < end else ""
            if span.text is not None and textlib.normalise_newlines(span.text)[0] != quote:
                raise ValueError(
                    f"its text is {span.text[:80]!r}, but {span.start}–{span.end} counted in {UNIT_NAMES[unit]} covers "
                    f"{quote[:80]!r} (is --offset-unit right?)"
                )
        annotator = self.options.annotator or span.annotator
        if not annotator:
            raise ValueError("no annotator: give --annotator USERNAME (or a creator with a nickname)")
        return {
            "annotator": annotator,
            "start": start,
            "end": end,
            "quote": text[start:end],
            **self.options.label_map.fields(span),
            "note": span.note,
            "evidence": span.evidence,
            "created_at": span.created_at,
            "updated_at": span.updated_at,
        }

    def _offset(self, raw: str, value: object, unit: str, key: str) -> int:
        if type(value) is not int:
            raise ValueError(f"{key} must be a whole number")
        try:
            if unit == "utf16":
                value = textlib.utf16_to_codepoint(raw, value)
            return textlib.offset_after_newlines(raw, value)
        except textlib.TextError as exc:
            raise ValueError(f"{key}: {exc.message}") from None

    def _article(self, document: Document) -> Article:
        articles = Article.objects.all()
        if self.options.project is not None:
            articles = articles.filter(project=self.options.project)
        row = document.row
        if document.text is None:
            return self._by_iri(articles, document)
        stored = textlib.normalise_newlines(document.text)[0]
        sha = textlib.sha256_hex(stored)
        if document.external_id is not None:
            found = list(articles.filter(external_id=document.external_id)[:2])
            if len(found) != 1:
                reason = "no article" if not found else "several articles (name one project with --project)"
                raise ImportRefused(self.name, f"{reason} with external_id {document.external_id!r}; import the article first", row)
            if found[0].text_sha256 != sha:
                raise ImportRefused(
                    self.name, f"article {document.external_id!r} has a different text in the database (compared after CRLF → LF)", row
                )
            return found[0]
        found = list(articles.filter(text_sha256=sha).order_by("pk")[:3])
        if not found:
            raise ImportRefused(
                self.name, "no article has this text (compared after CRLF → LF, nothing else changed); import the article first", row
            )
        if len(found) > 1:
            ids = ", ".join(repr(article.external_id) for article in found[:2])
            raise ImportRefused(
                self.name, f"several articles have this text ({ids}…); name the project with --project or give an external_id", row
            )
        return found[0]

    def _by_iri(self, articles, document: Document) -> Article:
        """A W3C target: this site's article page, or the article's own url (as source or scope)."""
        site = settings.ANNOTATIONS_SITE_URL.rstrip("/")
        iri = document.iri or ""
        if iri.startswith(site + "/"):
            try:
                match = resolve(iri[len(site):].split("#")[0])
            except (Resolver404, NoReverseMatch):
                match = None
            if match is not None and match.url_name == "article_detail":
                found = articles.filter(pk=match.kwargs["pk"]).first()
                if found is not None:
                    return found
        for candidate in filter(None, (document.iri, document.scope)):
            found = list(articles.filter(url=candidate).order_by("pk")[:2])
            if len(found) == 1:
                return found[0]
            if found:
                raise ImportRefused(self.name, f"several articles have the url {candidate!r}; name the project with --project", document.row)
        raise ImportRefused(self.name, f"no article is at {iri!r} (this site's article page, or an article's url)", document.row)

    def unit_refusal(self, documents: list) -> ImportRefused:
        rows = ", ".join(map(str, self.unitless[:5])) + ("…" if len(self.unitless) > 5 else "")
        hint = _unit_hint(self, [d for d in documents if isinstance(d, Document) and d.row in self.unitless])
        return ImportRefused(
            self.name,
            f"rows {rows} have characters outside the Basic Multilingual Plane (emoji, for one), after which an offset "
            "counted in UTF-16 code units (JavaScript, doccano's and Label Studio's editors) and one counted in code "
            "points (Python, this tool) differ, and the file does not say which it counts. Say which with "
            f"--offset-unit utf16 or --offset-unit codepoint; nothing is guessed.{hint}",
        )


def _unit_hint(placer: _Placer, documents: list[Document]) -> str:
    """When the spans carry their text, say which unit makes every one of them match."""
    spans = [(d, s) for d in documents for s in d.spans if s.text is not None and s.start is not None]
    if not spans:
        return ""
    fits = []
    for unit in OFFSET_UNITS:
        try:
            ok = all(
                textlib.normalise_newlines(span.text)[0]
                == textlib.normalise_newlines(d.text)[0][placer._offset(d.text, span.start, unit, "start"):placer._offset(d.text, span.end, unit, "end")]
                for d, span in spans
            )
        except ValueError:
            ok = False
        if ok:
            fits.append(unit)
    if len(fits) == 1:
        return f" (Every span's own text matches when counted in {UNIT_NAMES[fits[0]]}: --offset-unit {fits[0]}.)"
    return ""


def _find_quote(text: str, span: Span) -> tuple[int, int]:
    """A TextQuoteSelector without a position: the one place its prefix, exact and suffix fit."""
    exact = textlib.normalise_newlines(span.text or "")[0]
    if not exact:
        raise ValueError("its TextQuoteSelector has no 'exact' text")
    prefix, suffix = textlib.normalise_newlines(span.prefix)[0], textlib.normalise_newlines(span.suffix)[0]
    places = []
    at = text.find(exact)
    while at != -1 and len(places) < 2:
        if text.endswith(prefix, 0, at) and text.startswith(suffix, at + len(exact)):
            places.append(at)
        at = text.find(exact, at + 1)
    if len(places) != 1:
        raise ValueError(
            f"its quote {exact[:80]!r} with its prefix and suffix is {'not in the text' if not places else 'in the text more than once'}; "
            "give a TextPositionSelector"
        )
    return places[0], places[0] + len(exact)
