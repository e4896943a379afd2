"""Suggesters: pluggable producers of proposed claims (docs/suggestions.md).

A suggester is any object with a `name`, a `version` and a `suggest(article)`
method that yields `Proposal`s: spans in Unicode code points into
`article.text`, each with the quote it covers, optional labels (vocabulary
slugs), an optional claimant, a score between 0 and 1 and a rationale.
Proposals are validated like claims before anything is stored, so a suggester
cannot store a span the annotation form would refuse.

`suggesters()` reads the registry: the setting ANNOTATIONS_SUGGESTERS maps a
name (what `suggest_claims --suggester NAME` takes) to a dotted path of a class
(or factory) that takes no arguments. The shipped suggester, `attribution`, is
always there unless the setting names another under that name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SUGGESTERS = {"attribution": "annotations.suggesting.attribution.AttributionSuggester"}


@dataclass(frozen=True)
class Proposal:
    """One proposed claim: a span in code points, its quote, labels (slugs or None), claimant, score, why."""

    start: int
    end: int
    quote: str
    score: float
    rationale: str = ""
    claim_type: str | None = None
    check_worthiness: str | None = None
    attribution: str | None = None
    source_name: str = ""
    source_kind: str = "person"
    source_start: int | None = None
    source_end: int | None = None


@runtime_checkable
class Suggester(Protocol):
    """What `suggest_claims` runs. `name` and `version` are stored with every suggestion it makes:
    re-running the same version adds nothing, a new version adds its own."""

    name: str
    version: str

    def suggest(self, article) -> Iterable[Proposal]:
        """Proposals for one article (an `annotations.models.Article`; read `article.text` and
        `article.language`). Deterministic for the same text and version."""
        ...


def registry() -> dict[str, str]:
    """Suggester names and the dotted paths that make them."""
    return {**DEFAULT_SUGGESTERS, **getattr(settings, "ANNOTATIONS_SUGGESTERS", {})}


def get_suggester(name: str) -> Suggester:
    """The registered suggester called `name`; KeyError if there is none."""
    path = registry()[name]
    suggester = import_string(path)()
    if not isinstance(suggester, Suggester):
        raise TypeError(f"{path} does not make a suggester (name, version, suggest(article))")
    return suggester
