"""The search index over SearchDocument.terms (docs/search.md), and a document for every existing article.

SQLite: an FTS5 table with external content (rowid = article id) and triggers that
keep it in step with annotations_searchdocument. A later migration that makes Django
rebuild that table on SQLite drops the triggers: it must create them again.
PostgreSQL: a GIN index on the terms as an array, read by annotations_search_candidates().
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE annotations_search_fts USING fts5("
    "terms, content='annotations_searchdocument', content_rowid='article_id', "
    "tokenize=\"ascii tokenchars '.'\", detail=none, columnsize=0)",
    "CREATE TRIGGER annotations_search_fts_insert AFTER INSERT ON annotations_searchdocument BEGIN "
    "INSERT INTO annotations_search_fts(rowid, terms) VALUES (new.article_id, new.terms); END",
    "CREATE TRIGGER annotations_search_fts_delete AFTER DELETE ON annotations_searchdocument BEGIN "
    "INSERT INTO annotations_search_fts(annotations_search_fts, rowid, terms) VALUES ('delete', old.article_id, old.terms); END",
    "CREATE TRIGGER annotations_search_fts_update AFTER UPDATE ON annotations_searchdocument BEGIN "
    "INSERT INTO annotations_search_fts(annotations_search_fts, rowid, terms) VALUES ('delete', old.article_id, old.terms); "
    "INSERT INTO annotations_search_fts(rowid, terms) VALUES (new.article_id, new.terms); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS annotations_search_fts_update",
    "DROP TRIGGER IF EXISTS annotations_search_fts_delete",
    "DROP TRIGGER IF EXISTS annotations_search_fts_insert",
    "DROP TABLE IF EXISTS annotations_search_fts",
]
# The terms as an array, in a GIN index; the candidates of a search come from a function
# that may only read that index (sequential and plain index scans are off inside it):
# otherwise the planner, misled by a word's estimated frequency, may rather test the terms
# row by row, each row a detoasted and split text (half a second per 1,000 articles). It
# gives the articles holding every word, in id order, after `after`, at most `max_rows`
# (NULL: all); the "+ 0" keeps the primary key's index out of it, for the same reason.
# The terms go out of line (TOAST) as soon as they pass 128 bytes, so the table's own rows
# stay small: the index's bitmap scan visits one page for hundreds of articles. Terms compare
# byte by byte (COLLATE "C"): a fifth faster to index than in a C.UTF-8 database, and far
# faster than in one whose collation is a language's.
POSTGRESQL_CREATE = [
    "ALTER TABLE annotations_searchdocument SET (toast_tuple_target = 128)",
    "CREATE INDEX annotations_searchdocument_terms ON annotations_searchdocument USING gin (string_to_array(terms COLLATE \"C\", ' '))",
    """CREATE FUNCTION annotations_search_candidates(words text[], after bigint, max_rows integer)
    RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off SET enable_indexscan = off SET enable_indexonlyscan = off
    AS $$
        SELECT article_id FROM annotations_searchdocument
        WHERE string_to_array(terms COLLATE "C", ' ') @> words AND article_id + 0 > after
        ORDER BY article_id LIMIT max_rows
    $$""",
]
POSTGRESQL_DROP = [
    "DROP FUNCTION IF EXISTS annotations_search_candidates(text[], bigint, integer)",
    "DROP INDEX IF EXISTS annotations_searchdocument_terms",
    "ALTER TABLE annotations_searchdocument RESET (toast_tuple_target)",
]


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, None)


def create_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


def index_articles(apps, schema_editor):
    from annotations.search.index import add_documents

    alias = schema_editor.connection.alias
    Article = apps.get_model("annotations", "Article")
    rows = Article.objects.using(alias).order_by("pk").values_list("pk", "text").iterator(chunk_size=500)
    add_documents(rows, using=alias)


def remove_documents(apps, schema_editor):
    apps.get_model("annotations", "SearchDocument").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0011_preferences"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_articles, remove_documents),
    ]
