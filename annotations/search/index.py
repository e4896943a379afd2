"""The search index: each article's folded word terms, and the database index over them.

`SearchDocument.terms` holds an article's distinct terms (`folding.word_terms`
of every folded word), separated by spaces. Each database indexes them its own
way (created by migration 0010, see docs/search.md):

- SQLite: an FTS5 table with external content over `annotations_searchdocument`
  (rowid = article id), kept in step by triggers on that table;
- PostgreSQL: a GIN index on `string_to_array(terms, ' ')`, queried with `@>`
  (a tsvector would refuse an article whose terms pass 1 MB).

An article is a candidate for a query when every query word is one of its
terms; `folding.find` then finds the matches and their offsets. Documents are
written for every article saved (a post_save signal) or bulk-created by import.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, Model
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.dispatch import receiver

from .. import folding
from ..models import Article, SearchDocument

# Longer terms are left out of the index (a PostgreSQL GIN entry holds at most about
# 2,700 bytes); a query word longer than this is refused, so no match is lost.
MAX_TERM_CHARS = 200
FTS_TABLE = "annotations_search_fts"
BATCH = 500


def document_terms(text: str) -> str:
    """An article's index terms: every distinct term of its folded words, space-separated, sorted."""
    terms: set[str] = set()
    for word in folding.distinct_words(folding.fold(text).text):
        terms |= folding.word_terms(word)
    return " ".join(sorted(term for term in terms if len(term) <= MAX_TERM_CHARS))


def write_documents(pairs: Iterable[tuple[int, str]], *, model: type[Model] = SearchDocument, using: str = "default") -> int:
    """Write (or rewrite) the documents of (article id, text) pairs, in batches; return how many.

    `model` is the historical model when a migration calls this.
    """
    written = 0
    batch: list[Model] = []
    for article_id, text in pairs:
        batch.append(model(article_id=article_id, terms=document_terms(text)))
        if len(batch) == BATCH:
            written += _upsert(model, batch, using)
            batch = []
    if batch:
        written += _upsert(model, batch, using)
    return written


def _upsert(model: type[Model], batch: list[Model], using: str) -> int:
    model._default_manager.using(using).bulk_create(
        batch, update_conflicts=True, unique_fields=["article"], update_fields=["terms"]
    )
    return len(batch)


def rebuild(*, using: str = "default") -> int:
    """Rewrite every article's document, and on SQLite the FTS5 table from them; return how many."""
    rows = Article.objects.using(using).order_by("pk").values_list("pk", "text").iterator(chunk_size=BATCH)
    written = write_documents(rows, using=using)
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return written


def matching(words: list[str], *, after: int, using: str = "default") -> RawSQL:
    """A condition on articles: every word is one of the article's terms, and its id is above `after`."""
    vendor = connections[using].vendor
    article_id = f'"{Article._meta.db_table}"."id"'
    if vendor == "sqlite":
        # FTS5 strings are in double quotes, a quote doubled; a term is one token of the
        # ascii tokenizer (non-ASCII characters and "." are token characters).
        match = " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
        sql = f"{article_id} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid > %s)"
        return RawSQL(sql, [match, after], output_field=BooleanField())
    if vendor == "postgresql":
        table = SearchDocument._meta.db_table
        sql = f"{article_id} IN (SELECT article_id FROM {table} WHERE string_to_array(terms, ' ') @> %s::text[] AND article_id > %s)"
        return RawSQL(sql, [list(words), after], output_field=BooleanField())
    raise NotSupportedError(f"search needs SQLite or PostgreSQL, not {vendor}")


@receiver(post_save, sender=Article, dispatch_uid="annotations.search.index_saved_article")
def index_saved_article(sender, instance: Article, update_fields=None, using: str = "default", **kwargs) -> None:
    """Every article saved one at a time (admin, history restore, tests) is indexed in the same transaction."""
    if update_fields is not None and "text" not in update_fields:
        return
    write_documents([(instance.pk, instance.text)], using=using)
