"""Search across articles: the index terms, the index on each database, `search()` and the `search` command.

The corpus holds the spellings a desk meets: Arabic and Persian yeh and kaf,
harakat inside words, tatweel, ZWNJ, three digit scripts with their separators,
clitic prefixes, emoji and flags before the hits, and a CRLF file. Expected
offsets are found in the stored text by the test itself, never by folding.
"""

import json
import sys
from io import StringIO
from types import SimpleNamespace

import pytest
import regex
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from annotations import folding, search
from annotations.models import Article, SearchDocument
from annotations.search import index

from . import factories

CORPUS = {
    "ar-news": "قال مصطفى بالي إن 3000 شخص غادروا الباغوز، وأكد المرصد خروج ٤٩٠٠ شخص.",
    "fa-news": "مصطفی بالی گفت که ۳۰۰۰ نفر از الباغوز خارج شدند و آنها می\u200cگویند که ۳٬۰۰۰ نفر تسلیم شدند.",
    "vocalised": "قَالَ مُصْطَفَى بَالِي إِنَّ ٣٠٠٠ شَخْصٍ غَادَرُوا الْبَاغُوزَ",
    "tatweel": "أكـد مصـطـفى بـالـي أن الـبـاغـوز سقطت",
    "emoji": "😀🇸🇾 عاجل: 3,000 شخص غادروا بالباغوز 👨\u200d👩\u200d👧 ثم مصطفى بالي",
    "clitics": "وللباغوز والباغوز فالباغوز كالباغوز بباغوز الباغوزية",
    "numbers": "٣٠٠٠ و3000 و۳۰۰۰ و3,000 و٣٬٠٠٠ 30000 ٣٠٠ 3.000 3,0001",
    "kaf": "كشته شدند و کشته شدند",
    "marbuta": "في مدينة الرقة وفي مدينه أخرى أعلن المتحدث",
}
# Imported from a file with CRLF line endings: stored with LF, offsets count the stored text.
CRLF = "سطر أول\r\nوقال المرصد إن ٤٩٠٠ شخص\r\nخرجوا من الباغوز"
STORED = {**CORPUS, "crlf": CRLF.replace("\r\n", "\n")}

# query → (external id, quote) of every hit, in article order then text order; a
# quote that occurs more than once in one article is listed once per occurrence.
EXPECTED = {
    "الباغوز": [
        ("ar-news", "الباغوز"), ("fa-news", "الباغوز"), ("vocalised", "الْبَاغُوزَ"), ("tatweel", "الـبـاغـوز"),
        ("emoji", "بالباغوز"), ("clitics", "وللباغوز"), ("clitics", "والباغوز"), ("clitics", "فالباغوز"),
        ("clitics", "كالباغوز"), ("crlf", "الباغوز"),
    ],
    "باغوز": [
        ("ar-news", "الباغوز"), ("fa-news", "الباغوز"), ("vocalised", "الْبَاغُوزَ"), ("tatweel", "الـبـاغـوز"),
        ("emoji", "بالباغوز"), ("clitics", "وللباغوز"), ("clitics", "والباغوز"), ("clitics", "فالباغوز"),
        ("clitics", "كالباغوز"), ("clitics", "بباغوز"), ("crlf", "الباغوز"),
    ],
    "مصطفی بالی": [
        ("ar-news", "مصطفى بالي"), ("fa-news", "مصطفی بالی"), ("vocalised", "مُصْطَفَى بَالِي"),
        ("tatweel", "مصـطـفى بـالـي"), ("emoji", "مصطفى بالي"),
    ],
    "3000": [
        ("ar-news", "3000"), ("fa-news", "۳۰۰۰"), ("fa-news", "۳٬۰۰۰"), ("vocalised", "٣٠٠٠"), ("emoji", "3,000"),
        ("numbers", "٣٠٠٠"), ("numbers", "و3000"), ("numbers", "و۳۰۰۰"), ("numbers", "و3,000"), ("numbers", "و٣٬٠٠٠"),
    ],
    "۴۹۰۰ شخص": [("ar-news", "٤٩٠٠ شخص"), ("crlf", "٤٩٠٠ شخص")],
    "شخص خرجوا": [("crlf", "شخص\nخرجوا")],
    "میگویند": [("fa-news", "می\u200cگویند")],
    "کشته": [("kaf", "كشته"), ("kaf", "کشته")],
    "مدينه": [("marbuta", "مدينة"), ("marbuta", "مدينه")],
    "اعلن": [("marbuta", "أعلن")],
    "غادروا الباغوز": [("ar-news", "غادروا الباغوز"), ("vocalised", "غَادَرُوا الْبَاغُوزَ"), ("emoji", "غادروا بالباغوز")],
    "بالباغوز": [("emoji", "بالباغوز")],
    "شدند تسلیم": [],
}
ORDER = list(STORED)


def expected_hits(query: str) -> list[dict]:
    """Each expected quote located in the stored text by plain string search, occurrence by occurrence."""
    hits, seen = [], {}
    for external_id, quote in EXPECTED[query]:
        text = STORED[external_id]
        start = text.index(quote, seen.get((external_id, quote), 0))
        seen[(external_id, quote)] = start + 1
        hits.append({"external_id": external_id, "start": start, "end": start + len(quote), "text": quote})
    return sorted(hits, key=lambda hit: (ORDER.index(hit["external_id"]), hit["start"]))


def run_search(*args, **options) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def corpus(db, tmp_path):
    """The corpus imported with import_articles, in ORDER (so article ids follow it)."""
    for number, external_id in enumerate(ORDER):
        folder = tmp_path / f"{number:02d}"
        folder.mkdir()
        data = CRLF.encode() if external_id == "crlf" else STORED[external_id].encode()
        (folder / f"{external_id}.txt").write_bytes(data)
        call_command("import_articles", str(folder), project="Variants", stdout=StringIO())
    assert {a.external_id: a.text for a in Article.objects.all()} == STORED
    return {a.external_id: a for a in Article.objects.all()}


class TestTerms:
    @given(
        st.text(alphabet=st.sampled_from(list("الوفبكلباغز3")), max_size=9),
        st.text(alphabet=st.sampled_from(list("الوفبكلباغز3")), max_size=12),
    )
    def test_a_query_word_matches_exactly_the_words_whose_terms_hold_it(self, query_word, text_word):
        assert folding.tokens_match(query_word, text_word) == (query_word in folding.word_terms(text_word))

    @given(st.text(max_size=8), st.text(max_size=12))
    def test_the_same_for_any_strings(self, query_word, text_word):
        assert folding.tokens_match(query_word, text_word) == (query_word in folding.word_terms(text_word))

    @given(st.lists(st.text(alphabet=st.sampled_from(list("الوفبكلباغز")), max_size=8), max_size=6))
    def test_terms_of_many_words_are_those_of_each(self, words):
        assert folding.words_terms(words) == set().union(*(folding.word_terms(word) for word in words))

    def test_terms_of_a_prefixed_word(self):
        assert folding.word_terms("وللباغوز") == {"وللباغوز", "للباغوز", "لباغوز", "باغوز", "الباغوز"}
        assert folding.word_terms("وبالباغوز") == {"وبالباغوز", "بالباغوز", "الباغوز", "باغوز"}

    @given(st.text(max_size=60))
    def test_document_terms_are_the_terms_of_the_folded_texts_words(self, text):
        terms = index.document_terms(text)
        found = terms.split(" ") if terms else []
        assert len(found) == len(set(found))
        assert set(found) == folding.words_terms(word for word, _, _ in folding.words(folding.fold(text).text))

    def test_document_terms(self):
        assert set(index.document_terms("الباغوز وبالباغوز ۳۰۰۰ ٣٠٠٠ Straße، 3.5").split(" ")) == {
            "الباغوز", "باغوز", "وبالباغوز", "بالباغوز", "3000", "strasse", "3.5",
        }

    def test_a_piece_of_letters_and_digits_is_always_one_word(self):
        # distinct_words takes str.isalnum pieces whole: that must never take a character
        # the regex's word (Unicode letters, marks, digits) would not.
        word = regex.compile(r"[\p{L}\p{M}\p{N}]")
        assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isalnum() and not word.match(c)] == []

    def test_overlong_words_stay_out_of_the_index_and_out_of_searches(self, db):
        long_word = "ع" * (index.MAX_WORD_CHARS + 1)
        assert index.document_terms(f"{long_word} قال") == "قال"
        # Its terms without و (and without وب) are short enough; the word itself is not.
        assert set(index.document_terms("و" + "ب" * index.MAX_WORD_CHARS).split(" ")) == {"ب" * index.MAX_WORD_CHARS, "ب" * (index.MAX_WORD_CHARS - 1)}
        with pytest.raises(search.SearchError) as refused:
            search.query_terms(long_word)
        assert refused.value.code == "word_too_long"


class TestSearchCommand:
    @pytest.mark.parametrize("query", list(EXPECTED))
    def test_every_variant_is_found_at_its_offsets(self, corpus, query):
        found = json.loads(run_search(query, json=True))
        assert found["query"] == query
        assert [{key: hit[key] for key in ("external_id", "start", "end", "text")} for hit in found["hits"]] == expected_hits(query)
        for hit in found["hits"]:
            assert STORED[hit["external_id"]][hit["start"] : hit["end"]] == hit["text"]

    def test_the_query_in_another_script_finds_the_same(self, corpus):
        hits = [json.loads(run_search(query, json=True))["hits"] for query in ("3000", "٣٠٠٠", "۳۰۰۰", "3,000")]
        assert hits[0] == hits[1] == hits[2] == hits[3]

    def test_json_is_exactly_the_documented_shape(self, corpus):
        output = run_search("کشته", json=True)
        assert "کشته" in output  # not \\u escapes
        assert json.loads(output) == {
            "query": "کشته",
            "hits": [
                {"external_id": "kaf", "start": 0, "end": 4, "text": "كشته", "project": "Variants"},
                {"external_id": "kaf", "start": 12, "end": 16, "text": "کشته", "project": "Variants"},
            ],
        }

    def test_limit_and_project(self, corpus):
        assert len(json.loads(run_search("3000", json=True, limit=3))["hits"]) == 3
        other = factories.make_article("غادر 3000 شخص", project=factories.make_project("Other"), external_id="elsewhere")
        everywhere = json.loads(run_search("3000", json=True))["hits"]
        assert everywhere[-1] == {"external_id": "elsewhere", "start": 5, "end": 9, "text": "3000", "project": "Other"}
        assert [h["external_id"] for h in json.loads(run_search("3000", json=True, project="Other"))["hits"]] == [other.external_id]

    def test_every_hit_without_a_limit_read_in_batches(self, corpus, monkeypatch):
        pages = []
        real = search.search

        def counting(*args, **kwargs):
            pages.append(kwargs["limit"])
            return real(*args, **{**kwargs, "limit": 2})

        monkeypatch.setattr(search, "search", counting)
        assert len(json.loads(run_search("باغوز", json=True))["hits"]) == len(EXPECTED["باغوز"])
        assert len(pages) == 4  # 7 candidate articles, 2 at a time

    def test_table(self, corpus):
        lines = run_search("مصطفی بالی").splitlines()
        assert lines[0] == "external_id\toffsets\thit in context"
        # Context is cut between words, never inside one.
        assert lines[1] == "ar-news\t4–14\tقال [مصطفى بالي] إن 3000 شخص غادروا الباغوز،…"
        assert len(lines) == 1 + len(EXPECTED["مصطفی بالی"])

    @pytest.mark.parametrize(
        "query, options, message",
        [
            ("3000", {"project": "Nowhere"}, "no project named 'Nowhere'"),
            ("", {}, "no words to look for"),
            (" ؟،.. ", {}, "no words to look for"),
            ("ب" * 101, {}, "longer than 100 characters"),
            ("3000", {"limit": 0}, "--limit must be 1 or more"),
        ],
    )
    def test_refusals(self, db, query, options, message):
        with pytest.raises(CommandError, match=message):
            run_search(query, **options)

    def test_unknown_project_exits_non_zero(self, db):
        from django.core.management import ManagementUtility

        utility = ManagementUtility(["manage.py", "search", "3000", "--project", "Nowhere"])
        with pytest.raises(SystemExit) as exited:
            utility.execute()
        assert exited.value.code == 1


class TestIndex:
    def test_an_article_outside_the_index_is_not_found(self, db):
        article = factories.make_article("غادر 3000 شخص الباغوز")
        assert [r.article.pk for r in search.search("الباغوز").results] == [article.pk]
        SearchDocument.objects.filter(article=article).delete()
        assert search.search("الباغوز").results == []  # the text is not scanned
        index.write_document(article.pk, article.text)
        assert [r.article.pk for r in search.search("الباغوز").results] == [article.pk]

    def test_imports_are_indexed(self, corpus):
        assert SearchDocument.objects.count() == len(STORED)
        for doc in SearchDocument.objects.select_related("article"):
            assert set(doc.terms.split(" ")) == set(index.document_terms(doc.article.text).split(" "))

    def test_an_edited_text_is_indexed_again_and_a_deleted_article_leaves_the_index(self, db):
        article = factories.make_article("غادر 3000 شخص الباغوز")
        article.text = "سقطت الرقة"
        article.save()
        assert search.search("الباغوز").results == []
        assert [r.article.pk for r in search.search("الرقه").results] == [article.pk]
        article.title = "عنوان"
        article.save(update_fields=["title"])  # no text: the document is left as it is
        article.delete()
        assert not SearchDocument.objects.exists()
        assert search.search("الرقه").results == []
        # The full-text index holds nothing for it either: a new article reusing words is found alone.
        again = factories.make_article("سقطت الرقة مرة أخرى")
        assert [r.article.pk for r in search.search("الرقه").results] == [again.pk]

    def test_rebuild_and_the_migration_index_every_article(self, corpus, monkeypatch):
        monkeypatch.setattr(index, "BATCH", 3)  # reading the next articles between two writes
        SearchDocument.objects.all().delete()
        assert search.search("باغوز").results == []
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        assert out.getvalue().strip() == f"Indexed {len(STORED)} article(s) and 0 canonical claim(s)."
        assert len(search.search("باغوز").results) == 7
        SearchDocument.objects.all().delete()
        from importlib import import_module

        from django.apps import apps

        migration = import_module("annotations.migrations.0012_search_index")
        migration.index_articles(apps, SimpleNamespace(connection=connection))
        assert len(search.search("باغوز").results) == 7

    def test_the_database_index_is_used(self, corpus):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT count(*) FROM {index.FTS_TABLE} WHERE {index.FTS_TABLE} MATCH %s", ['"باغوز"'])
                assert cursor.fetchone()[0] == 7
            else:
                cursor.execute("SELECT * FROM annotations_search_candidates(%s::text[], 0, NULL)", [["باغوز"]])
                assert sorted(row[0] for row in cursor.fetchall()) == sorted(corpus[e].pk for e in {e for e, _ in EXPECTED["باغوز"]})
                cursor.execute("SELECT * FROM annotations_search_candidates(%s::text[], %s, 2)", [["باغوز"], corpus["ar-news"].pk])
                assert [row[0] for row in cursor.fetchall()] == [corpus["fa-news"].pk, corpus["vocalised"].pk]
                # What the function runs, as it runs it: through the GIN index.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute(
                    "EXPLAIN SELECT article_id FROM annotations_searchdocument WHERE string_to_array(terms COLLATE \"C\", ' ') @> %s::text[]",
                    [["باغوز"]],
                )
                assert "annotations_searchdocument_terms" in " ".join(row[0] for row in cursor.fetchall())


class TestSearchFunction:
    def test_one_query_per_page_whatever_the_number_of_articles(self, corpus, django_assert_num_queries):
        with django_assert_num_queries(1):
            few = search.search("شخص خرجوا")
        with django_assert_num_queries(1):
            many = search.search("باغوز")
        assert len(few.results) == 1 and len(many.results) == 7

    def test_pages_follow_article_ids(self, corpus):
        first = search.search("باغوز", limit=3)
        assert first.candidates == 3 and first.next_after == corpus["vocalised"].pk
        rest = search.search("باغوز", limit=10, after=first.next_after)
        assert rest.next_after is None
        found = [r.article.external_id for r in first.results + rest.results]
        assert found == [external_id for external_id in ORDER if any(e == external_id for e, _ in EXPECTED["باغوز"])]

    def test_candidates_without_the_phrase_give_an_empty_page_that_goes_on(self, corpus):
        # Four articles hold both words, none of them side by side.
        page = search.search("شخص الباغوز", limit=1)
        assert page.results == [] and page.candidates == 1 and page.next_after == corpus["ar-news"].pk
        assert list(search.all_hits("شخص الباغوز", batch=1)) == []

    def test_context_is_whole_graphemes_of_the_text(self, corpus):
        (result,) = search.search("شخص", context=5, project=corpus["vocalised"].project, after=corpus["fa-news"].pk).results[:1]
        assert result.article.external_id == "vocalised"
        (hit,) = result.hits
        assert hit.text == "شَخْصٍ"
        assert hit.before + hit.text + hit.after in STORED["vocalised"]
        assert not hit.before.startswith(("\u064e", "\u0650", "\u0651", "\u0652"))  # no mark without its letter

    def test_annotators_find_only_their_articles(self, corpus, annotator, adjudicator):
        factories.assign(corpus["fa-news"], annotator)
        assert [r.article.external_id for r in search.search("3000", user=annotator).results] == ["fa-news"]
        assert all(r.article.assigned for r in search.search("3000", user=annotator).results)
        seen = search.search("3000", user=adjudicator).results
        assert len(seen) == 5 and not any(r.article.assigned for r in seen)


class TestAdminEdits:
    def post(self, client, url, project, text):
        data = {
            "project": project.pk, "external_id": "from-admin", "title": "", "text": text, "language": "ar",
            "outlet": "", "url": "", "published_at": "", "_save": "Save",
        }
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]

    def test_an_article_added_or_edited_in_the_admin_is_found_by_its_new_text(self, admin_client, project):
        from django.urls import reverse

        self.post(admin_client, reverse("admin:annotations_article_add"), project, "خرج ۳۰۰۰ شخص من الباغوز")
        article = Article.objects.get(external_id="from-admin")
        assert [r.article.pk for r in search.search("3000").results] == [article.pk]
        self.post(admin_client, reverse("admin:annotations_article_change", args=[article.pk]), project, "سقطت الرقة")
        assert search.search("3000").results == []
        assert [r.article.pk for r in search.search("الرقه").results] == [article.pk]
