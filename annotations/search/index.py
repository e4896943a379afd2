"""The search index: each article's folded word terms, and the database index over them.

`SearchDocument.terms` holds an article's distinct terms: `folding.word_terms` of
every word of its folded text (the word, and the word without each clitic prefix
it has), separated by spaces. A query word matches a text word exactly when it is
one of the word's terms, so the articles whose terms hold every query word are
exactly those where each query word matches some word: the candidates, which
`folding.find` then searches for the words side by side and their offsets.

Each database indexes the terms its own way (created by migration 0010; see
docs/search.md): SQLite an FTS5 table with external content over
`annotations_searchdocument` (rowid = article id), kept in step by triggers on
that table; PostgreSQL a GIN index on `string_to_array(terms COLLATE "C", ' ')`, read by the
function `annotations_search_candidates` (a tsvector would refuse an article
whose terms pass 1 MB). Documents are written for every article saved (a
post_save signal) and for every article an import creates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import NotSupportedError, connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.dispatch import receiver

from .. import folding
from ..models import Article

# Longer terms are left out of the index (a PostgreSQL GIN entry holds at most about
# 2,700 bytes) and a longer query word is refused, so no match is lost.
MAX_WORD_CHARS = 100
FTS_TABLE = "annotations_search_fts"
DOCUMENT_TABLE = "annotations_searchdocument"  # SearchDocument's table, also for the migration
BATCH = 500
BATCH_CHARS = 20_000_000


def document_terms(text: str) -> str:
    """An article's index terms: its folded words' distinct terms, space-separated, in no order."""
    words = folding.distinct_words(folding.fold_text(text))
    terms = folding.words_terms(words)
    if max(map(len, words), default=0) > MAX_WORD_CHARS:  # no term is longer than its word
        terms = {term for term in terms if len(term) <= MAX_WORD_CHARS}
    return " ".join(terms)


def add_documents(pairs: Iterable[tuple[int, str]], *, using: str = "default") -> int:
    """Write the documents of (article id, text) pairs for articles that have none yet; return how many.

    For imports: on PostgreSQL through COPY (Django's bulk insert quotes every
    value in Python, as long as computing the terms); on SQLite one executemany.
    Written in batches, so memory does not grow with the number of articles.
    """
    connection = connections[using]
    written = 0
    with connection.cursor() as cursor:
        for batch in _batches(pairs):  # read before writing: no other query may run during a COPY
            rows = ((article_id, document_terms(text)) for article_id, text in batch)
            if connection.vendor == "postgresql":
                # Row by row as they are computed: the server indexes one while Python folds the next.
                with cursor.cursor.copy(f"COPY {DOCUMENT_TABLE} (article_id, terms) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {DOCUMENT_TABLE} (article_id, terms) VALUES (%s, %s)", rows)
            written += len(batch)
    return written


def write_document(article_id: int, text: str, *, using: str = "default") -> None:
    """Write (or rewrite) one article's document."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DOCUMENT_TABLE} (article_id, terms) VALUES (%s, %s) "
            "ON CONFLICT (article_id) DO UPDATE SET terms = excluded.terms",
            [article_id, document_terms(text)],
        )


def _batches(pairs: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """BATCH pairs at a time, fewer when their texts pass BATCH_CHARS (articles may be long)."""
    batch: list[tuple[int, str]] = []
    size = 0
    for pair in pairs:
        batch.append(pair)
        size += len(pair[1])
        if len(batch) == BATCH or size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def rebuild(*, using: str = "default") -> int:
    """Write every article's document anew (call inside a transaction); return how many."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")
    rows = Article.objects.using(using).order_by("pk").values_list("pk", "text").iterator(chunk_size=BATCH)
    written = add_documents(rows, using=using)
    connection = connections[using]
    if connection.vendor == "sqlite":
        # Also rebuilds the full-text table from the documents, whatever state it was in.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return written


def matching(words: list[str], *, after: int, first: int | None = None, using: str = "default") -> RawSQL:
    """A condition on articles: their terms hold every word, and their id is above `after`. With
    `first`, only the first that many such articles in id order (for a search that every
    article is in scope of: the database can stop early)."""
    vendor = connections[using].vendor
    article_id = f'"{Article._meta.db_table}"."id"'
    if vendor == "sqlite":
        # FTS5 strings are in double quotes, a quote doubled; a term is one token of the ascii
        # tokenizer (non-ASCII characters and "." are token characters). Rows come in rowid
        # order; LIMIT -1 is no limit.
        match = " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
        sql = f"{article_id} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid > %s ORDER BY rowid LIMIT %s)"
        return RawSQL(sql, [match, after, -1 if first is None else first], output_field=BooleanField())
    if vendor == "postgresql":
        # The function reads only the GIN index (migration 0010 says why).
        sql = f"{article_id} IN (SELECT * FROM annotations_search_candidates(%s::text[], %s, %s)) AND {article_id} > %s"
        return RawSQL(sql, [list(words), after, first, after], output_field=BooleanField())
    raise NotSupportedError(f"search needs SQLite or PostgreSQL, not {vendor}")


@receiver(post_save, sender=Article, dispatch_uid="annotations.search.index_saved_article")
def index_saved_article(sender, instance: Article, update_fields=None, using: str = "default", **kwargs) -> None:
    """Every article saved one at a time (admin, history restore, tests) is indexed in the same transaction."""
    if update_fields is not None and "text" not in update_fields:
        return
    write_document(instance.pk, instance.text, using=using)
