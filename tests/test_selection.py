"""Selections: the page sends a raw selection and the server answers with the span it will store.

The annotation page and the adjudication page each snap selections at their own URL
(`?start=&end=`, `?source_start=&source_end=`, `words=1`): a full request gets the page with
the form filled, htmx gets the partial holding that selection's fields. The save path is not
changed by any of this: it still refuses every span that is not canonical.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import text as textlib
from annotations.models import Claim

from . import factories
from .factories import claim_post

# Vocalised Arabic, a Persian word with ZWNJ, an emoji ZWJ sequence, a flag and و2024.
TEXT = "قالَ المُتَحَدِّثُ إن کتاب‌ها 👨\u200d👩\u200d👧 و🇸🇾 صدرت و2024 أمس."
HARAKA = TEXT.index("المُتَحَدِّثُ") + 3  # the first letter's mark, after ال and a letter
FAMILY = TEXT.index("👨")
FLAG = TEXT.index("🇸🇾")


def htmx(target: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target}


def fields(body: str) -> dict[str, str]:
    """The hidden inputs a response holds, by name (values unescaped as a browser would)."""
    from html import unescape

    return {name: unescape(value) for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body)}


@pytest.fixture
def scene(project, annotator, adjudicator, other_annotator):
    article = factories.make_article(TEXT, project=project, external_id="mixed")
    factories.assign(article, annotator)
    return {"article": article, "page": article.get_absolute_url(), "gold": reverse("adjudication_detail", args=[article.pk])}


def snapped(start: int, end: int, *, words: bool = False) -> tuple[int, int, str]:
    span = textlib.snap_span(TEXT, start, end, words=words)
    return span[0], span[1], TEXT[span[0] : span[1]]


@pytest.mark.django_db
class TestAnswers:
    @pytest.mark.parametrize(
        "start, end",
        [
            (HARAKA, HARAKA + 3),  # from a letter's haraka into the middle of the word
            (FAMILY + 2, FAMILY + 3),  # inside the ZWJ sequence
            (FLAG + 1, FLAG + 2),  # the second half of a flag
            (TEXT.index("2024"), TEXT.index("2024") + 4),  # 2024 out of و2024
            (TEXT.index("کتاب") - 1, TEXT.index("کتاب") + 4),  # a space and a word ending at its ZWNJ
        ],
    )
    def test_htmx_gets_the_snapped_span_as_the_partial_of_its_fields(self, client, annotator, scene, start, end):
        client.force_login(annotator)
        response = client.get(scene["page"], {"start": start, "end": end}, **htmx("claim-span"))
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<div id="claim-span"') and "<html" not in body
        s, e, quote = snapped(start, end)
        assert fields(body) == {"start": str(s), "end": str(e), "quote": quote}
        textlib.validate_span(TEXT, s, e, quote)  # what the save will accept
        assert f"{s}–{e}" in body  # shown beside the form

    def test_a_full_request_gets_the_page_with_the_form_filled(self, client, annotator, scene):
        client.force_login(annotator)
        response = client.get(scene["page"], {"start": HARAKA, "end": HARAKA + 3})
        body = response.content.decode()
        assert response.status_code == 200 and "<html" in body and 'id="claim-list"' in body
        s, e, quote = snapped(HARAKA, HARAKA + 3)
        form = fields(body.split('id="claim-form"')[1])
        assert (form["start"], form["end"], form["quote"]) == (str(s), str(e), quote)

    def test_the_claimant_selection_fills_the_claimant_fields(self, client, annotator, scene):
        client.force_login(annotator)
        start = TEXT.index("المُتَحَدِّثُ") + 1
        response = client.get(scene["page"], {"source_start": start, "source_end": start + 2}, **htmx("source-span"))
        body = response.content.decode()
        assert body.lstrip().startswith('<span id="source-span"')
        s, e, quote = snapped(start, start + 2)
        assert fields(body) == {"source_start": str(s), "source_end": str(e), "source_quote": quote}
        full = client.get(scene["page"], {"source_start": start, "source_end": start + 2}).content.decode()
        assert fields(full.split('id="claim-form"')[1])["source_quote"] == quote

    def test_words_widens_on_the_server(self, client, annotator, scene):
        client.force_login(annotator)
        digits = TEXT.index("2024")
        cases = [((digits, digits + 2), "و2024"), ((HARAKA, HARAKA + 1), "المُتَحَدِّثُ"), ((TEXT.index("ها"), TEXT.index("ها") + 1), "کتاب\u200cها")]
        for (start, end), quote in cases:
            response = client.get(scene["page"], {"start": start, "end": end, "words": "1"}, **htmx("claim-span"))
            assert fields(response.content.decode())["quote"] == quote
            assert quote == snapped(start, end, words=True)[2]

    def test_nothing_visible_leaves_the_form_as_it_was(self, client, annotator, scene):
        client.force_login(annotator)
        space = TEXT.index(" ")
        response = client.get(scene["page"], {"start": space, "end": space + 1}, **htmx("claim-span"))
        assert response.status_code == 204 and response.content == b""
        full = client.get(scene["page"], {"start": space, "end": space + 1})
        assert full.status_code == 200 and fields(full.content.decode().split('id="claim-form"')[1]).get("start") is None

    def test_the_gold_form_gets_its_own_answer(self, client, adjudicator, scene):
        client.force_login(adjudicator)
        response = client.get(scene["gold"], {"start": FAMILY + 1, "end": FAMILY + 4}, **htmx("claim-span"))
        assert response.status_code == 200
        s, e, quote = snapped(FAMILY + 1, FAMILY + 4)
        assert fields(response.content.decode()) == {"start": str(s), "end": str(e), "quote": quote}
        full = client.get(scene["gold"], {"start": FAMILY + 1, "end": FAMILY + 4}).content.decode()
        assert fields(full.split('id="gold-form"')[1])["quote"] == quote

    def test_edit_and_merge_with_a_new_selection_keeps_the_group(self, client, adjudicator, scene, annotator):
        claim = factories.make_claim(scene["article"], annotator, "صدرت")
        client.force_login(adjudicator)
        body = client.get(scene["gold"], {"from": claim.pk, "group": f"{claim.pk}.1", "start": FLAG, "end": FLAG + 1}).content.decode()
        form = fields(body.split('id="gold-form"')[1])
        assert (form["group"], form["quote"]) == (f"{claim.pk}.1", "🇸🇾")


@pytest.mark.django_db
class TestRefusals:
    BAD = [
        {"start": "abc", "end": "5"},
        {"start": "1.5", "end": "5"},
        {"start": "-1", "end": "5"},
        {"start": "٣", "end": "5"},  # digits of another script are not offsets
        {"start": "0", "end": "9" * 5000},  # longer than Python's int-string limit
        {"start": "0", "end": "99999999999"},
        {"start": "0", "end": str(len(TEXT) + 1)},  # outside the text
        {"start": "5", "end": "2"},  # reversed
        {"start": "5", "end": "5"},  # empty
        {"start": "5"},  # half a selection
        {"end": "5"},
        {"source_start": "0", "source_end": "x"},
    ]

    @pytest.mark.parametrize("query", BAD)
    @pytest.mark.parametrize("page", ["page", "gold"])
    def test_bad_selections_are_400_with_a_message(self, client, adjudicator, scene, query, page):
        client.force_login(adjudicator)
        for extra in ({}, htmx("claim-span"), htmx("source-span")):
            response = client.get(scene[page], query, **extra)
            assert response.status_code == 400, (query, extra)
            assert b'<p id="error-message">' in response.content

    def test_asking_for_a_span_without_a_selection_is_refused(self, client, annotator, scene):
        client.force_login(annotator)
        assert client.get(scene["page"], **htmx("claim-span")).status_code == 400
        assert client.get(scene["page"], {"start": 0, "end": 3}, **htmx("source-span")).status_code == 400

    def test_a_claimant_longer_than_its_field_is_refused_before_saving(self, client, annotator, project):
        article = factories.make_article("قال " * 400, project=project)
        factories.assign(article, annotator)
        client.force_login(annotator)
        url = article.get_absolute_url()
        response = client.get(url, {"source_start": 0, "source_end": 1500}, **htmx("source-span"))
        assert response.status_code == 400 and b"1000" in response.content
        assert client.get(url, {"start": 0, "end": 1500}, **htmx("claim-span")).status_code == 200


@pytest.mark.django_db
class TestPermissions:
    QUERY = {"start": 0, "end": 4}

    def test_anonymous_users_go_to_the_login_page(self, client, scene):
        for url in (scene["page"], scene["gold"]):
            for extra in ({}, htmx("claim-span")):
                response = client.get(url, self.QUERY, **extra)
                assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_an_annotator_only_for_an_article_assigned_to_them(self, client, other_annotator, annotator, scene):
        client.force_login(other_annotator)  # not assigned to it
        for extra in ({}, htmx("claim-span"), htmx("source-span")):
            assert client.get(scene["page"], self.QUERY, **extra).status_code == 404
            assert client.get(scene["page"], {"source_start": 0, "source_end": 4}, **extra).status_code == 404
        client.force_login(annotator)
        for extra in ({}, htmx("claim-span")):
            assert client.get(scene["gold"], self.QUERY, **extra).status_code == 403  # not an adjudicator
            assert client.get(scene["page"], self.QUERY, **extra).status_code == 200

    def test_adjudicators_for_any_article(self, client, adjudicator, project):
        article = factories.make_article("خبر عاجل", project=project)  # assigned to no one
        client.force_login(adjudicator)
        for url in (article.get_absolute_url(), reverse("adjudication_detail", args=[article.pk])):
            response = client.get(url, self.QUERY, **htmx("claim-span"))
            assert response.status_code == 200 and fields(response.content.decode())["quote"] == "خبر"


@pytest.mark.django_db
class TestCheapAndReadOnly:
    def test_a_handful_of_reads_however_many_claims(self, client, annotator, adjudicator, scene):
        counts = []
        for claims in (0, 40):
            Claim.objects.all().delete()
            for _ in range(claims):
                factories.make_claim(scene["article"], annotator, "صدرت")
            for user, url in ((annotator, scene["page"]), (adjudicator, scene["gold"])):
                client.force_login(user)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, {"start": HARAKA, "end": HARAKA + 3}, **htmx("claim-span"))
                assert response.status_code == 200
                statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
                assert set(statements) == {"SELECT"}, queries.captured_queries  # nothing written
                counts.append(len(statements))
        assert counts[:2] == counts[2:] and max(counts) <= 5, counts


@pytest.mark.django_db
class TestTheSaveStaysStrict:
    def test_a_raw_selection_is_refused_at_save_and_its_snapped_span_saved(self, client, annotator, scene):
        client.force_login(annotator)
        raw = claim_post(scene["article"], "المُتَحَدِّثُ")
        raw.update(start=HARAKA, end=HARAKA + 3, quote=TEXT[HARAKA : HARAKA + 3])  # a mark and half a word
        response = client.post(reverse("claim_create", args=[scene["article"].pk]), raw, HTTP_HX_REQUEST="true")
        assert 'data-code="not_canonical"' in response.content.decode() and not Claim.objects.exists()
        answer = client.get(scene["page"], {"start": HARAKA, "end": HARAKA + 3}, **htmx("claim-span"))
        raw.update(fields(answer.content.decode()))
        response = client.post(reverse("claim_create", args=[scene["article"].pk]), raw, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        claim = Claim.objects.get()
        assert (claim.start, claim.end, claim.quote) == snapped(HARAKA, HARAKA + 3)
        assert TEXT[claim.start : claim.end] == claim.quote

    def test_a_raw_claimant_selection_is_refused_at_save(self, client, annotator, scene):
        client.force_login(annotator)
        data = claim_post(scene["article"], "صدرت", source_start=FAMILY + 2, source_end=FAMILY + 3, source_quote=TEXT[FAMILY + 2 : FAMILY + 3])
        response = client.post(reverse("claim_create", args=[scene["article"].pk]), data, HTTP_HX_REQUEST="true")
        assert 'data-code="source_not_canonical"' in response.content.decode() and not Claim.objects.exists()
