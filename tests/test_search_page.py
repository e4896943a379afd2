"""The search page: hits grouped by article, who finds what, links that open a hit as a selection, bad input."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.search import PAGE_ARTICLES
from annotations.views.search import HITS_SHOWN

from . import factories

pytestmark = pytest.mark.django_db

URL = reverse("search")
TEXT = "قال مصطفى بالي إن ۳۰۰۰ شخص غادروا الباغوز.\nوأكّد المرصد أن 3,000 خرجوا من الباغوز."


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def hit_links(content: str) -> list[tuple[str, int, int]]:
    return [(href, int(s), int(e)) for href, s, e in re.findall(r'class="hit" href="([^"]+)" data-start="(\d+)" data-end="(\d+)"', content)]


def marks(content: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", content, re.S)]


@pytest.fixture
def mine(project, annotator):
    article = factories.make_article(TEXT, project=project, external_id="mine", title="الباغوز", outlet="ISNA")
    factories.assign(article, annotator)
    return article


@pytest.fixture
def theirs(project, other_annotator):
    article = factories.make_article("سقطت الباغوز بعد خروج ٣٠٠٠ شخص", project=project, external_id="theirs")
    factories.assign(article, other_annotator)
    return article


class TestResults:
    def test_anonymous_users_log_in_first(self, client):
        response = client.get(URL, {"q": "3000"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_hits_grouped_by_article_highlighted_in_the_articles_own_direction(self, annotator_client, mine):
        content = page(annotator_client, q="3000")
        assert marks(content) == ["۳۰۰۰", "3,000"]
        assert 'data-external-id="mine"' in content and "ISNA" in content and "2 hits" in content
        assert mine.direction == "rtl"
        assert content.count(f'class="context" lang="{mine.language}" dir="rtl"') == 2
        expected = [(TEXT.index(quote), TEXT.index(quote) + len(quote)) for quote in ("۳۰۰۰", "3,000")]
        assert [(s, e) for _href, s, e in hit_links(content)] == expected
        for href, start, end in hit_links(content):
            assert href == f"{mine.get_absolute_url()}?start={start}&amp;end={end}"
            assert mine.text[start:end] in ("۳۰۰۰", "3,000")

    def test_annotators_find_only_their_articles_and_no_one_elses_work(self, annotator_client, mine, theirs, other_annotator):
        claim = factories.make_claim(theirs, other_annotator, "٣٠٠٠", note="a private note")
        content = page(annotator_client, q="الباغوز")
        assert 'data-external-id="mine"' in content and 'data-external-id="theirs"' not in content
        assert claim.note not in content and other_annotator.username not in content

    def test_adjudicators_find_every_article_and_open_it_where_they_can_act(self, client, adjudicator, mine, theirs):
        client.force_login(adjudicator)
        content = page(client, q="3000")
        links = hit_links(content)
        assert {href.split("?")[0] for href, _s, _e in links} == {
            reverse("adjudication_detail", args=[mine.pk]),
            reverse("adjudication_detail", args=[theirs.pk]),
        }
        factories.assign(mine, adjudicator)  # an adjudicator who also annotates it
        links = hit_links(page(client, q="3000"))
        assert links[0][0].startswith(mine.get_absolute_url() + "?")

    def test_staff_open_the_annotation_page(self, admin_client, mine):
        assert hit_links(page(admin_client, q="3000"))[0][0].startswith(mine.get_absolute_url() + "?")

    def test_a_hit_opens_as_the_claim_selection(self, annotator_client, mine):
        href, start, end = hit_links(page(annotator_client, q="مصطفی بالی"))[0]
        content = annotator_client.get(html.unescape(href)).content.decode()
        assert f'name="start" value="{start}"' in content and f'name="end" value="{end}"' in content
        assert f'name="quote" value="{mine.text[start:end]}"' in content

    def test_a_hit_opens_as_the_gold_selection_for_an_adjudicator(self, client, adjudicator, mine):
        client.force_login(adjudicator)
        href, start, end = hit_links(page(client, q="غادروا الباغوز"))[0]
        content = client.get(html.unescape(href)).content.decode()
        assert 'id="gold-form"' in content
        assert f'name="start" value="{start}"' in content and f'name="quote" value="{mine.text[start:end]}"' in content

    def test_article_text_is_shown_as_text(self, annotator_client, project, annotator):
        article = factories.make_article('<script>alert(1)</script> قال <b onclick="x()">الباغوز</b>', project=project)
        factories.assign(article, annotator)
        content = page(annotator_client, q="الباغوز")
        assert "<script>alert" not in content and "&lt;script&gt;" in content and "<b onclick" not in content

    def test_many_hits_in_one_article_are_summed_up(self, annotator_client, project, annotator):
        article = factories.make_article(" ".join(["الباغوز"] * (HITS_SHOWN + 3)), project=project)
        factories.assign(article, annotator)
        content = page(annotator_client, q="الباغوز")
        assert len(marks(content)) == HITS_SHOWN and "and 3 more hits in this article" in content


class TestPages:
    def articles(self, project, annotator, count):
        for number in range(count):
            article = factories.make_article(f"خبر {number}: خرج ۳۰۰۰ شخص من الباغوز", project=project, external_id=f"a{number:03d}")
            factories.assign(article, annotator)

    def test_pages_of_articles_with_the_same_queries_however_many(self, annotator_client, project, annotator):
        self.articles(project, annotator, 2)
        with CaptureQueriesContext(connection) as few:
            content = page(annotator_client, q="3000", project=project.pk)
        assert len(marks(content)) == 2 and 'id="next-page"' not in content
        self.articles_more(project, annotator)
        with CaptureQueriesContext(connection) as many:
            content = page(annotator_client, q="3000", project=project.pk)
        assert len(marks(content)) == PAGE_ARTICLES and 'id="next-page"' in content
        assert len(few) == len(many)

    def articles_more(self, project, annotator):
        for number in range(2, 3 * PAGE_ARTICLES):
            article = factories.make_article(f"خبر {number}: خرج ۳۰۰۰ شخص من الباغوز", project=project, external_id=f"a{number:03d}")
            factories.assign(article, annotator)

    def test_next_and_first_page(self, annotator_client, project, annotator, django_assert_max_num_queries):
        self.articles(project, annotator, PAGE_ARTICLES + 5)
        first = page(annotator_client, q="الباغوز")
        next_url = html.unescape(re.search(r'href="([^"]+)" id="next-page"', first).group(1))
        with django_assert_max_num_queries(6):
            second = annotator_client.get(URL + next_url).content.decode()
        assert len(marks(first)) == PAGE_ARTICLES and len(marks(second)) == 5
        assert "First page" in second and 'id="next-page"' not in second
        found = re.findall(r'data-external-id="(a\d+)"', first + second)
        assert found == [f"a{number:03d}" for number in range(PAGE_ARTICLES + 5)]

    def test_past_the_last_article(self, annotator_client, mine):
        assert "No more hits." in page(annotator_client, q="3000", after=mine.pk)


class TestBadInput:
    @pytest.mark.parametrize(
        "params, message",
        [
            ({"q": ""}, "Type a word or a phrase to search for."),
            ({"q": "   "}, "Type a word or a phrase to search for."),
            ({"q": "؟ ، ..."}, "The search has no words to look for"),
            ({"q": "ب" * 201}, "The search is longer than 200 characters."),
            ({"q": "3000", "after": "x"}, "There is no such page of results."),
            ({"q": "3000", "after": "-1"}, "There is no such page of results."),
            ({"q": "3000", "after": "9" * 30}, "There is no such page of results."),
            ({"q": "3000", "project": "999999"}, "There is no such project."),
            ({"q": "3000", "project": "x"}, "There is no such project."),
            ({"q": "a\x00b"}, "Null characters are not allowed."),
        ],
    )
    def test_a_clear_message_and_no_results(self, annotator_client, mine, params, message):
        content = page(annotator_client, **params)
        assert 'id="search-errors"' in content and message in html.unescape(content)
        assert "<mark>" not in content

    def test_no_question_is_just_the_form(self, annotator_client):
        content = page(annotator_client)
        assert 'id="search-form"' in content and 'id="search-errors"' not in content and 'id="search-results"' not in content


class TestSearchBoxes:
    def test_the_header_has_a_search_box(self, annotator_client, mine):
        content = annotator_client.get(mine.get_absolute_url()).content.decode()
        assert f'action="{URL}"' in content and 'id="site-search"' in content

    def test_the_article_list_searches_its_project(self, annotator_client, mine, project):
        content = annotator_client.get(reverse("article_list"), {"project": project.pk}).content.decode()
        form = re.search(r'<form[^>]*id="article-search".*?</form>', content, re.S).group()
        assert f'action="{URL}"' in form and f'name="project" value="{project.pk}"' in form
        assert "Baghuz" in page(annotator_client, q="3000", project=project.pk)
