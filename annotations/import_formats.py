"""Claim and suggestion import formats, each defined once here (FORMATS).

`import_annotations` (its own files, and `--from` another tool's),
`import_suggestions` and the admin's "Import claims" screen all read this
registry: which formats there are, what each adds (its model, whose add
permission an import needs), which options it takes, how its file is planned
(read and validated, nothing written) and how a plan is written. The planning
is the modules' own (`claim_import`, `interop`, `suggestion_import`), so an
upload is validated exactly as the commands validate a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import claim_import, interop, suggestion_import, workflow
from .interop import Options
from .models import Claim, Suggestion

__all__ = ["FORMATS", "TOOLS", "ImportFormat", "Options"]

REQUIRED, OPTIONAL = "required", "optional"


@dataclass(frozen=True)
class ImportFormat:
    """One import format: its name, what it adds, the options it takes, how it is planned and written."""

    label: str
    adds: type  # the model it writes rows of: an import needs that model's add permission
    plan: Callable  # (file name, bytes, Options) -> a plan with .problems; writes nothing
    write: Callable  # (plan) -> {what: count written}
    summary: Callable  # (plan) -> {what: count a dry run would write}
    report: Callable  # (summary, written or None for a dry run) -> the lines the commands and the admin say
    tool: bool = False  # another tool's file: `import_annotations --from KEY`
    annotator: str = ""  # REQUIRED, OPTIONAL or "" (not taken): whose claims they are
    label_map: bool = False  # takes a label map (their labels → ours)
    offset_units: tuple[str, ...] = ()  # the units its offsets may be said to count; () when not taken


def _claims_summary(plan) -> dict:
    gold = sum(load.gold for load in plan.claims)
    return {
        "claims": len(plan.claims) - gold,
        "gold": gold,
        "articles": len({load.article.pk for load in plan.claims}),
        "skipped": len(plan.skipped),
        "canonical": sum(load.existing is None for load in plan.canonical),
        "links": sum(len(load.targets) for load in plan.canonical),
        "canonical_rows": len(plan.canonical),
    }


def _claims_report(counts: dict, written: dict | None = None) -> list[str]:
    if written is None:
        lines = [
            gettext(
                "Dry run: would load %(claims)d claim(s) and %(gold)d gold claim(s) on %(articles)d article(s); "
                "%(skipped)d already present. Nothing was written."
            )
            % counts
        ]
        canonical = gettext("Dry run: would load %(count)d canonical claim(s) and %(links)d link(s) to them.")
        count = counts["canonical"]
    else:
        # Articles that got a claim or a gold claim, not every article the file names.
        lines = [
            gettext("Loaded %(claims)d claim(s) and %(gold)d gold claim(s) on %(articles)d article(s); %(skipped)d already present.")
            % {**written, "skipped": counts["skipped"]}
        ]
        canonical = gettext("Loaded %(count)d canonical claim(s) and %(links)d link(s) to them.")
        count = written["canonical"]
    if counts["canonical_rows"]:
        lines.append(canonical % {"count": count, "links": counts["links"]})
    return lines


def _write_claims(plan) -> dict:
    loaded = workflow.load_claims(loads=plan.claims, canonical=plan.canonical)
    return {"claims": loaded.claims, "gold": loaded.gold, "articles": loaded.articles, "canonical": loaded.canonical}


def _plan_export(name: str, data: bytes, options: Options):
    return claim_import.plan_load(name, data, project=options.project, max_bytes=settings.ANNOTATIONS_MAX_IMPORT_BYTES)


def _plan_tool(tool: str) -> Callable:
    def plan(name: str, data: bytes, options: Options):
        return interop.plan_foreign(tool, data, options, max_bytes=settings.ANNOTATIONS_MAX_IMPORT_BYTES)

    return plan


def _plan_suggestions(name: str, data: bytes, options: Options):
    # A line may name its own unit; the option is the default for those that do not.
    return suggestion_import.plan_file(name, data, offset_unit=options.offset_unit or "codepoint", project=options.project)


def _suggestions_report(counts: dict, written: dict | None = None) -> list[str]:
    if written is None:
        return [gettext("Dry run: %(count)d suggestion(s) are valid. Nothing was written.") % {"count": counts["suggestions"]}]
    return [
        gettext("Loaded %(written)d suggestion(s); %(skipped)d already present.")
        % {"written": written["suggestions"], "skipped": written["skipped"]}
    ]


def _write_suggestions(plan) -> dict:
    written, skipped = workflow.store_suggestions(loads=plan.suggestions)
    return {"suggestions": written, "skipped": skipped}


def _tool(label, tool: str, *, annotator: str) -> ImportFormat:
    return ImportFormat(
        label, Claim, _plan_tool(tool), _write_claims, _claims_summary, _claims_report, tool=True, annotator=annotator, label_map=True,
        offset_units=interop.OFFSET_UNITS,
    )


FORMATS = {
    "export": ImportFormat(
        _("This tool's export (JSON or JSONL)"), Claim, _plan_export, _write_claims, _claims_summary, _claims_report
    ),
    "doccano": _tool(_("doccano JSONL"), "doccano", annotator=REQUIRED),
    "labelstudio": _tool(_("Label Studio JSON"), "labelstudio", annotator=REQUIRED),
    "w3c": _tool(_("W3C Web Annotation"), "w3c", annotator=OPTIONAL),
    "suggestions": ImportFormat(
        _("Suggestions JSONL"), Suggestion, _plan_suggestions, _write_suggestions,
        lambda plan: {"suggestions": len(plan.suggestions)}, _suggestions_report, offset_units=("codepoint", "utf16"),
    ),
}
# Other tools' files: the choices of `import_annotations --from`.
TOOLS = tuple(key for key, spec in FORMATS.items() if spec.tool)
