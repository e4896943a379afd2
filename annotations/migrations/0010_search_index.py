"""The search index over SearchDocument.terms (docs/search.md), and a document for every existing article.

SQLite: an FTS5 table with external content (rowid = article id) and triggers that
keep it in step with annotations_searchdocument. A later migration that makes Django
rebuild that table on SQLite drops the triggers: it must create them again.
PostgreSQL: a GIN index on the terms as an array (annotations_search_terms(terms)).
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
# The terms as an array, behind a function the planner does not inline (the SET clause) and
# knows to be dear (COST): otherwise it would rather filter every row, each one a detoasted
# and split text, than read the index, whenever the table looks small or a word common.
POSTGRESQL_CREATE = [
    "CREATE FUNCTION annotations_search_terms(terms text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE COST 1000 SET search_path = pg_catalog AS $$ SELECT string_to_array(terms, ' ') $$",
    "CREATE INDEX annotations_searchdocument_terms ON annotations_searchdocument USING gin (annotations_search_terms(terms))",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS annotations_searchdocument_terms",
    "DROP FUNCTION IF EXISTS annotations_search_terms(text)",
]


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


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
        ("annotations", "0009_canonical_claims_and_search"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_articles, remove_documents),
    ]
