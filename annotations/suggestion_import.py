"""Suggestions from a file (`import_suggestions`) or a suggester run (`suggest_claims`): all or nothing.

Every suggestion goes through `forms.SuggestionForm`, the claim form's own span
and claimant validation (offsets in range, `text[start:end] == quote`, whole
characters, known vocabulary values), so a suggestion can always become a claim.

A file is JSON lines (or a JSON list, or {"suggestions": [...]}), one suggestion
per object: `external_id`, `start`, `end`, `quote`, `labels` ({"claim_type",
"check_worthiness", "attribution"}, each optional), `source` ({"name", "kind",
"start", "end"} or null), `model`, `model_version`, `score` (0 to 1), `rationale`,
and `offset_unit`: "codepoint" (the default) or "utf16" (what JavaScript tools
count), converted here with `text.utf16_to_codepoint` and never stored as such.
A JSONL line holding only `offset_unit` (no `external_id`) sets the file's default
for the lines after it; a line's own `offset_unit` wins over both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import text as textlib
from .claim_import import _article, form_reasons
from .forms import SuggestionForm
from .importing import ImportRefused, json_objects, load_json
from .models import SUGGESTED_LABELS, Article, Suggestion

OFFSET_UNITS = {
    "codepoint": "codepoint", "code_point": "codepoint", "unicode_code_point": "codepoint",
    "utf16": "utf16", "utf-16": "utf16", "utf16_code_unit": "utf16",
}
FIELDS = ("start", "end", "quote", "model", "model_version", "score")


@dataclass
class SuggestionPlan:
    suggestions: list[Suggestion] = field(default_factory=list)  # validated, not saved
    problems: list[ImportRefused] = field(default_factory=list)


def validated(article: Article, values: dict, *, where: str, file: str, row: int | None = None) -> Suggestion:
    """An unsaved Suggestion from form-shaped values, or ImportRefused naming why."""
    form = SuggestionForm(values, article=article, restoring=True)
    if not form.is_valid():
        raise ImportRefused(file, f"{where}: {form_reasons(form)}", row)
    data = form.cleaned_data
    anchored = data.get("source_start") is not None
    return Suggestion(
        article=article,
        start=data["start"],
        end=data["end"],
        quote=data["quote"],
        **{name: data.get(name) for name in SUGGESTED_LABELS},
        source_name=(data.get("source_name") or "").strip(),
        source_kind=data["source_kind"],
        source_start=data["source_start"] if anchored else None,
        source_end=data["source_end"] if anchored else None,
        suggester=data["suggester"],
        model_version=data["model_version"],
        score=data["score"],
        rationale=data.get("rationale") or "",
    )


def plan_run(suggester, articles) -> SuggestionPlan:
    """Run a suggester over articles and validate every proposal (a proposal the form refuses is a problem)."""
    plan = SuggestionPlan()
    name = f"{suggester.name} {suggester.version}"
    for article in articles:
        for number, proposal in enumerate(suggester.suggest(article), start=1):
            values = {
                "start": proposal.start, "end": proposal.end, "quote": proposal.quote,
                "claim_type": proposal.claim_type or "", "check_worthiness": proposal.check_worthiness or "",
                "attribution": proposal.attribution or "",
                "source_name": proposal.source_name, "source_kind": proposal.source_kind,
                "source_start": proposal.source_start, "source_end": proposal.source_end,
                "source_quote": _quote(article.text, proposal.source_start, proposal.source_end),
                "suggester": suggester.name, "model_version": suggester.version,
                "score": proposal.score, "rationale": proposal.rationale,
            }
            values = {key: value for key, value in values.items() if value is not None}
            try:
                plan.suggestions.append(validated(article, values, where=f"article {article.external_id!r}, proposal {number}", file=name))
            except ImportRefused as refused:
                plan.problems.append(refused)
    return plan


def plan_file(name: str, data: bytes, *, offset_unit: str = "codepoint", project=None) -> SuggestionPlan:
    """Read and validate every suggestion in a file; write nothing."""
    plan = SuggestionPlan()
    try:
        text = textlib.decode_bytes(data).text
        rows = _rows(name, text)
    except (ImportRefused, textlib.TextError) as exc:
        plan.problems.append(exc if isinstance(exc, ImportRefused) else ImportRefused(name, exc.message))
        return plan
    default = offset_unit
    for row, item in rows:
        if isinstance(item, ImportRefused):
            plan.problems.append(item)
            continue
        if "external_id" not in item and set(item) <= {"offset_unit", "schema_version"}:
            try:  # a header line: the default unit for the lines after it
                default = _unit(name, row, item["offset_unit"])
            except (ImportRefused, KeyError) as exc:
                plan.problems.append(exc if isinstance(exc, ImportRefused) else ImportRefused(name, "a header line needs 'offset_unit'", row))
            continue
        try:
            plan.suggestions.append(_suggestion(name, row, item, default, project))
        except ImportRefused as exc:
            plan.problems.append(exc)
    return plan


def _rows(name: str, text: str):
    if Path(name).suffix.lower() == ".json":
        data = load_json(name, text) if text.strip().startswith("{") else None
        if isinstance(data, dict) and isinstance(data.get("suggestions"), list):
            unit = data.get("offset_unit")
            head = [(0, {"offset_unit": unit})] if unit is not None else []
            return head + [(number, item) for number, item in enumerate(data["suggestions"], start=1)]
        return list(json_objects(name, text, lines=False))
    return list(json_objects(name, text, lines=True))


def _unit(name: str, row: int, value: object) -> str:
    unit = OFFSET_UNITS.get(value) if isinstance(value, str) else None
    if unit is None:
        raise ImportRefused(name, f"'offset_unit' must be 'codepoint' or 'utf16', not {str(value)[:40]!r}", row)
    return unit


def _quote(text: str, start, end) -> str:
    return text[start:end] if type(start) is int and type(end) is int and 0 <= start < end else ""


def _suggestion(name: str, row: int, item: object, default: str, project) -> Suggestion:
    if not isinstance(item, dict):
        raise ImportRefused(name, "expected an object", row)
    article = _article(name, row, item, project, require_hash=False)
    where = f"article {article.external_id!r}"
    unit = _unit(name, row, item["offset_unit"]) if "offset_unit" in item else default
    missing = [key for key in FIELDS if key not in item]
    if missing:
        raise ImportRefused(name, f"{where}: missing {', '.join(repr(key) for key in missing)}", row)
    labels = item.get("labels") or {}
    source = item.get("source") or {}
    if not isinstance(labels, dict) or not isinstance(source, dict):
        raise ImportRefused(name, f"{where}: 'labels' and 'source' must be objects (or null)", row)
    offsets = {"start": item["start"], "end": item["end"], "source_start": source.get("start"), "source_end": source.get("end")}
    for key, value in offsets.items():
        if value is None:
            continue
        if type(value) is not int:
            raise ImportRefused(name, f"{where}: '{key}' must be a whole number", row)
        if unit == "utf16":
            try:
                offsets[key] = textlib.utf16_to_codepoint(article.text, value)
            except textlib.TextError as exc:
                raise ImportRefused(name, f"{where}: '{key}': {exc.message}", row) from None
    if type(item["score"]) not in (int, float):
        raise ImportRefused(name, f"{where}: 'score' must be a number from 0 to 1", row)
    values = {
        **{key: value for key, value in offsets.items() if value is not None},
        "quote": item["quote"],
        "source_quote": _quote(article.text, offsets["source_start"], offsets["source_end"]),
        **{label: labels.get(label, item.get(label)) or "" for label in SUGGESTED_LABELS},
        "source_name": source.get("name") or "",
        "source_kind": source.get("kind") or "person",
        "suggester": item["model"],
        "model_version": item["model_version"],
        "score": item["score"],
        "rationale": item.get("rationale") or "",
    }
    if not all(isinstance(values[key], str) for key in ("quote", "suggester", "model_version", "rationale", "source_name", "source_kind")):
        raise ImportRefused(name, f"{where}: 'quote', 'model', 'model_version', 'rationale' and the claimant must be text", row)
    return validated(article, values, where=where, file=name, row=row)
