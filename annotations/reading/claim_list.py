"""An annotator's own claims as the annotation page lists them, as plain rows.

The page lists hundreds of claims, and this is its one query whose cost grows
with them. Profiled with bench/settings.py (in-process, 500 claims):

- building a Claim and a Source instance per row was a quarter of the page
  (28-30 ms of CPU with model instances, 21 ms with values_list rows); the
  list needs none of what an instance gives, only these values;
- the ORM then still spent 1.3 ms building and compiling the query (two
  EXISTS subqueries for `decided`) and ~3 µs a row on its iteration, for a
  query the database answers in 1.4 ms: so its SQL is compiled by the ORM
  once per kind of database and the rows are read straight from the cursor.

The rows have the attributes the list item renderer (templatetags/claims.py)
reads from a claim, so the markup keeps one definition.
"""

from __future__ import annotations

import json

from django.db import connections
from django.db.models import Exists, OuterRef

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

    def __init__(self, row):
        (
            self.pk, self.start, self.end, self.quote, self.verification_status_id, self.claim_type_id,
            self.check_worthiness_id, self.attribution_id, self.source_id, name, kind, self.source_start,
            self.source_end, evidence, self.note, self.version, decided,
        ) = row
        self.source = Claimant(name, kind) if self.source_id is not None else None
        # What the ORM's converters do with these two columns (tests/test_claim_list.py compares);
        # most claims have no evidence, and parsing their "[]" was a quarter of reading the rows.
        if evidence == "[]":
            self.evidence = []
        else:
            self.evidence = json.loads(evidence) if isinstance(evidence, str) else evidence
        self.decided = bool(decided)

    @property
    def id(self) -> int:
        return self.pk


def rows_query(article_id: int, user_id: int):
    """The ORM's query for the list, in text order (the Meta ordering would join the
    article and its project only to sort by them)."""
    return (
        Claim.objects.filter(article_id=article_id, annotator_id=user_id)
        .order_by("start", "end", "pk")
        .with_decided()
        .values_list(*FIELDS)
    )


# Stand-ins for the two ids while the SQL is compiled; no row has a negative id.
_ARTICLE, _USER = -7001, -7002
_SQL: dict[str, tuple[str, tuple]] = {}


def _sql(connection) -> tuple[str, tuple]:
    if connection.vendor not in _SQL:
        sql, params = rows_query(_ARTICLE, _USER).query.get_compiler(connection=connection).as_sql()
        _SQL[connection.vendor] = sql, tuple(params)
    return _SQL[connection.vendor]


def own_claims(article, user) -> list[ListedClaim]:
    """The user's claims on the article in text order, each with `decided` (frozen by a decision). One query."""
    connection = connections[Claim.objects.db]
    sql, params = _sql(connection)
    ids = {_ARTICLE: article.pk, _USER: user.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids.get(value, value) for value in params])
        return [ListedClaim(row) for row in cursor.fetchall()]


def deleted_claims(article, user):
    """The user's claims on an article that are deleted now (their deletion records), newest first.

    Read only when the page's "Deleted claims" section is opened: the history table has
    no index on article or annotator (models/history.py), and the page's own load stays as it was.
    """
    later = Claim.history.filter(id=OuterRef("id"), history_id__gt=OuterRef("history_id"))
    return (
        Claim.history.filter(article=article, annotator=user, history_type="-")
        .exclude(Exists(later))
        .order_by("-history_date", "-history_id")
    )
