"""An annotator's own claims as the annotation page lists them, as plain rows.

The page lists hundreds of claims. Building a Claim instance per row (plus its
Source) was a quarter of the page: 500 claims took 28-30 ms of CPU with model
instances and 21 ms with these rows (bench/settings.py, in-process). The list
needs none of what a model instance gives, only these values. The rows have
the attributes the list item renderer (templatetags/claims.py) reads from a
claim, so the markup keeps one definition.
"""

from __future__ import annotations

from ..models import Claim, SourceKind

FIELDS = (
    "pk", "start", "end", "quote", "verification_status_id", "claim_type_id", "check_worthiness_id", "attribution_id",
    "source_id", "source__name", "source__kind", "source_start", "source_end", "evidence", "note", "version", "decided",
)
_KIND_LABELS = dict(SourceKind.choices)


class Claimant:
    """What a list item shows of a claim's source."""

    __slots__ = ("name", "kind")

    def __init__(self, name: str, kind: str):
        self.name, self.kind = name, kind

    def get_kind_display(self):
        return _KIND_LABELS.get(self.kind, self.kind)


class ListedClaim:
    """One row of the list: a claim's values under the names a Claim has."""

    __slots__ = (
        "pk", "start", "end", "quote", "verification_status_id", "claim_type_id", "check_worthiness_id",
        "attribution_id", "source_id", "source", "source_start", "source_end", "evidence", "note", "version", "decided",
    )

    def __init__(self, row: tuple):
        (
            self.pk, self.start, self.end, self.quote, self.verification_status_id, self.claim_type_id,
            self.check_worthiness_id, self.attribution_id, self.source_id, name, kind, self.source_start,
            self.source_end, self.evidence, self.note, self.version, self.decided,
        ) = row
        self.source = Claimant(name, kind) if self.source_id is not None else None

    @property
    def id(self) -> int:
        return self.pk


def own_claims(article, user) -> list[ListedClaim]:
    """The user's claims on the article in text order, each with `decided` (frozen by a decision). One query."""
    rows = Claim.objects.for_article(article).filter(annotator=user).with_decided().values_list(*FIELDS)
    return [ListedClaim(row) for row in rows]
