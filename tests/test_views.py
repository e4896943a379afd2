"""Views: full pages and htmx partials, permissions, and every claim write path."""

import re
import uuid

import pytest
from django.urls import reverse

from annotations.models import Assignment, Claim, Source

from . import factories
from .factories import claim_post

HTMX = {"HTTP_HX_REQUEST": "true"}


def error_codes(response) -> list[str]:
    """The stable error codes the re-rendered claim form shows."""
    return re.findall(r'data-code="([^"]+)"', response.content.decode())


def htmx(target: str) -> dict:
    return {**HTMX, "HTTP_HX_TARGET": target}


@pytest.mark.django_db
class TestAnonymous:
    def test_every_page_redirects_to_login(self, client, article):
        claim = factories.make_claim(article, article.assignments.get().annotator, "3000")
        for url in [
            reverse("home"),
            reverse("article_list"),
            article.get_absolute_url(),
            reverse("claim_update", args=[claim.pk]),
            reverse("export_download"),
        ]:
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        for url in [
            reverse("claim_create", args=[article.pk]),
            reverse("claim_update", args=[claim.pk]),
            reverse("claim_delete", args=[claim.pk]),
            reverse("assignment_submit", args=[article.pk]),
        ]:
            response = client.post(url, claim_post(article, "3000"), **HTMX)
            assert response.status_code == 302, url
        assert Claim.objects.count() == 1

    def test_login_page_has_the_documented_fields(self, client):
        response = client.get(reverse("login"))
        assert b'name="username"' in response.content and b'name="password"' in response.content

    def test_login_works(self, client, annotator):
        response = client.post(reverse("login"), {"username": "annotator", "password": factories.PASSWORD})
        assert response.status_code == 302 and response["Location"] == reverse("article_list")


@pytest.mark.django_db
class TestArticlePages:
    def test_list_shows_language_count_and_progress(self, annotator_client, article, annotator):
        factories.make_claim(article, annotator, "3000")
        response = annotator_client.get(reverse("article_list"))
        page = response.content.decode()
        assert response.status_code == 200
        row = next(a for a in response.context["page"] if a.pk == article.pk)
        assert (row.claim_count, row.my_state) == (1, "assigned")
        assert 'lang="ar" dir="rtl"' in page

    def test_list_only_shows_assigned_articles(self, annotator_client, project):
        hidden = factories.make_article("مقال غير مسند", project=project)
        response = annotator_client.get(reverse("article_list"))
        assert hidden not in list(response.context["page"])

    def test_annotation_page(self, annotator_client, article):
        response = annotator_client.get(article.get_absolute_url())
        page = response.content.decode()
        assert response.status_code == 200
        # The text is the element's whole content, escaped, with the article's lang and dir.
        assert '<div id="article-text" lang="ar" dir="rtl" tabindex="0"' in page and 'aria-describedby="article-text-help"' in page
        assert re.search(r'<div id="article-text" [^>]*>(.*?)</div>', page, re.S).group(1) == article.text
        assert 'id="claim-form"' in page and 'id="claim-list"' in page
        assert 'name="verification_status"' in page and 'name="start"' in page and 'name="quote"' in page
        assert "Tag numbers with their source." in page  # the guidelines
        assert "Keyboard shortcuts" in page

    def test_html_in_the_text_is_shown_as_text(self, annotator_client, project, annotator):
        article = factories.make_article("<script>alert(1)</script> & <b>خبر</b>", project=project)
        factories.assign(article, annotator)
        page = annotator_client.get(article.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;خبر&lt;/b&gt;" in page

    def test_partials_by_htmx_target(self, annotator_client, article, annotator):
        factories.make_claim(article, annotator, "3000")
        response = annotator_client.get(article.get_absolute_url(), **htmx("claim-list"))
        body = response.content.decode()
        assert body.lstrip().startswith('<ol id="claim-list"') and "<html" not in body
        response = annotator_client.get(article.get_absolute_url(), **htmx("claim-form"))
        assert response.content.decode().lstrip().startswith('<form id="claim-form"')

    def test_unassigned_annotator_gets_404_on_page_and_partial(self, client, article, other_annotator):
        client.force_login(other_annotator)
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(article.get_absolute_url(), **htmx("claim-list")).status_code == 404

    def test_adjudicator_and_staff_can_read(self, client, article, adjudicator, staff):
        for user in (adjudicator, staff):
            client.force_login(user)
            assert client.get(article.get_absolute_url()).status_code == 200

    def test_blind_partial_never_lists_another_annotators_claims(self, client, article, annotator, other_annotator):
        factories.assign(article, other_annotator)
        factories.make_claim(article, other_annotator, "مصطفى بالي", note="secret note")
        client.force_login(annotator)
        for extra in ({}, htmx("claim-list")):
            body = client.get(article.get_absolute_url(), **extra).content.decode()
            assert "secret note" not in body and 'class="claim"' not in body


@pytest.mark.django_db
class TestClaimCreate:
    def url(self, article):
        return reverse("claim_create", args=[article.pk])

    def test_htmx_save_returns_the_new_item_and_a_fresh_token(self, annotator_client, article, annotator):
        data = claim_post(article, "3000", occurrence=1, verification_status="false", source_name="مصدر آخر",
                          source_kind="unnamed_source", evidence="https://example.org/x\n", note="ملاحظة")
        response = annotator_client.post(self.url(article), data, **HTMX)
        assert response.status_code == 200
        claim = Claim.objects.get()
        assert (claim.start, claim.end, claim.quote) == (article.text.rindex("3000"), article.text.rindex("3000") + 4, "3000")
        assert article.text[claim.start : claim.end] == claim.quote
        assert claim.verification_status_id == "false" and claim.annotator == annotator
        assert claim.source == Source.objects.get(name="مصدر آخر", kind="unnamed_source")
        assert claim.evidence == ["https://example.org/x"] and claim.note == "ملاحظة"
        assert claim.prefix == article.text[claim.start - 32 : claim.start]
        body = response.content.decode()
        # Just the new item (the page puts it in order) and a new form token, out of band.
        assert body.lstrip().startswith(f'<li class="claim" id="claim-{claim.pk}"') and "ملاحظة" in body
        token = re.search(r'name="client_token" value="([^"]+)" id="id_client_token" hx-swap-oob="true"', body)
        assert token and token.group(1) != str(claim.client_token)
        assert 'id="claim-list"' not in body
        assert Assignment.objects.get(article=article, annotator=annotator).state == "in_progress"

    def test_plain_post_redirects(self, annotator_client, article):
        response = annotator_client.post(self.url(article), claim_post(article, "الباغوز"))
        assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
        assert Claim.objects.count() == 1

    def test_claimant_anchored_in_the_text(self, annotator_client, article):
        name_at = article.text.index("مصطفى بالي")
        data = claim_post(article, "3000", source_start=name_at, source_end=name_at + 10, source_quote="مصطفى بالي")
        annotator_client.post(self.url(article), data, **HTMX)
        claim = Claim.objects.get()
        assert claim.source.name == "مصطفى بالي" and (claim.source_start, claim.source_end) == (name_at, name_at + 10)

    def test_same_form_token_twice_makes_one_claim(self, annotator_client, article):
        data = claim_post(article, "3000", client_token=str(uuid.uuid4()))
        first = annotator_client.post(self.url(article), data, **HTMX)
        second = annotator_client.post(self.url(article), data, **HTMX)
        assert first.status_code == second.status_code == 200
        assert Claim.objects.count() == 1

    def test_crlf_in_a_multiline_quote_is_accepted(self, annotator_client, article):
        quote = article.text[article.text.index("الباغوز.") :][:20]
        data = claim_post(article, quote)
        data["quote"] = quote.replace("\n", "\r\n")
        annotator_client.post(self.url(article), data, **HTMX)
        assert Claim.objects.get().quote == quote

    @pytest.mark.parametrize(
        "change, code",
        [
            ({"quote": "3001"}, "quote_mismatch"),
            ({"start": 9999, "end": 10003}, "out_of_range"),
            ({"end": 0}, "empty_span"),
            ({"quote": "3000 ", "end": None}, "not_canonical"),
            ({"source_start": 0, "source_end": 3, "source_quote": "xyz"}, "source_quote_mismatch"),
            ({"source_start": 0}, "source_span"),
        ],
    )
    def test_bad_spans_come_back_as_form_errors(self, annotator_client, article, change, code):
        data = claim_post(article, "3000")
        if change.get("end", 1) is None:
            change = {"quote": "3000 ", "end": data["start"] + 5}
        data.update(change)
        response = annotator_client.post(self.url(article), data, **HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#claim-form"
        assert code in error_codes(response)
        assert response.content.decode().lstrip().startswith('<form id="claim-form"')
        assert not Claim.objects.exists()

    @pytest.mark.parametrize(
        "change",
        [
            {"verification_status": "maybe"},
            {"claim_type": ""},
            {"start": "abc"},
            {"start": -4},
            {"evidence": "javascript:alert(1)"},
            {"note": "x" * 5001},
            {"source_kind": "alien"},
            {"note": "a\x00b"},
        ],
    )
    def test_bad_fields_are_refused(self, annotator_client, article, change):
        data = claim_post(article, "3000")
        data.update(change)
        response = annotator_client.post(self.url(article), data)
        assert response.status_code == 200 and response.context["form"].errors
        assert not Claim.objects.exists()

    def test_unassigned_or_submitted_annotators_are_refused(self, client, article, annotator, other_annotator):
        client.force_login(other_annotator)
        assert client.post(self.url(article), claim_post(article, "3000"), **HTMX).status_code == 404
        assignment = Assignment.objects.get(article=article, annotator=annotator)
        assignment.state = "submitted"
        assignment.save()
        client.force_login(annotator)
        assert client.post(self.url(article), claim_post(article, "3000"), **HTMX).status_code == 403
        assert not Claim.objects.exists()

    def test_get_is_not_allowed(self, annotator_client, article):
        assert annotator_client.get(self.url(article)).status_code == 405

    def test_csrf_is_required(self, article, annotator):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(annotator)
        assert client.post(self.url(article), claim_post(article, "3000")).status_code == 403
        assert not Claim.objects.exists()


@pytest.mark.django_db
class TestClaimEditDelete:
    @pytest.fixture
    def claim(self, article, annotator):
        return factories.make_claim(article, annotator, "3000")

    def test_edit_form_full_page_and_partial(self, annotator_client, claim):
        url = reverse("claim_update", args=[claim.pk])
        page = annotator_client.get(url)
        assert page.status_code == 200 and b'data-mode="edit"' in page.content and b"<html" in page.content
        partial = annotator_client.get(url, **htmx("claim-form"))
        assert partial.content.decode().lstrip().startswith('<form id="claim-form"')

    def test_edit_bumps_version(self, annotator_client, article, claim):
        data = claim_post(article, "3000", verification_status="mostly_false", version=1)
        response = annotator_client.post(reverse("claim_update", args=[claim.pk]), data, **HTMX)
        assert response.status_code == 200
        claim.refresh_from_db()
        assert claim.verification_status_id == "mostly_false" and claim.version == 2
        assert claim.history.count() == 2

    def test_stale_edit_is_refused_and_shows_the_current_version(self, annotator_client, article, claim):
        url = reverse("claim_update", args=[claim.pk])
        annotator_client.post(url, claim_post(article, "3000", verification_status="true", version=1), **HTMX)
        response = annotator_client.post(url, claim_post(article, "3000", verification_status="false", version=1), **HTMX)
        assert response.status_code == 200 and response["HX-Retarget"] == "#claim-form"
        assert error_codes(response) == ["stale"]
        body = response.content.decode()
        assert 'name="version" value="2"' in body
        # The list is swapped too, showing what is stored now.
        list_html = body[re.search(r'<ol id="claim-list"[^>]* hx-swap-oob="true">', body).start() :]
        assert 'name="version" value="2"' in list_html  # the stored claim's Delete is at its version
        claim.refresh_from_db()
        assert claim.verification_status_id == "true" and claim.version == 2

    def test_another_annotator_cannot_edit_or_delete(self, client, article, claim, other_annotator):
        factories.assign(article, other_annotator)
        client.force_login(other_annotator)
        assert client.get(reverse("claim_update", args=[claim.pk]), **HTMX).status_code == 404
        data = claim_post(article, "3000", verification_status="false", version=1)
        assert client.post(reverse("claim_update", args=[claim.pk]), data, **HTMX).status_code == 404
        assert client.post(reverse("claim_delete", args=[claim.pk]), {"version": 1}, **HTMX).status_code == 404
        claim.refresh_from_db()
        assert claim.verification_status_id == "unassessed"

    def test_delete_keeps_a_restorable_copy(self, annotator_client, claim):
        response = annotator_client.post(reverse("claim_delete", args=[claim.pk]), {"version": 1}, **HTMX)
        assert response.status_code == 200 and f'id="claim-{claim.pk}"' not in response.content.decode()
        assert not Claim.objects.exists()
        last = Claim.history.filter(id=claim.pk).latest("history_date")
        assert last.history_type == "-"
        last.instance.save()
        assert Claim.objects.get(pk=claim.pk).quote == "3000"

    def test_stale_delete_is_refused(self, annotator_client, claim):
        response = annotator_client.post(reverse("claim_delete", args=[claim.pk]), {"version": 7}, **HTMX)
        assert response.status_code == 409 and Claim.objects.filter(pk=claim.pk).exists()


@pytest.mark.django_db
def test_submit_makes_claims_read_only(annotator_client, article, annotator):
    claim = factories.make_claim(article, annotator, "3000")
    response = annotator_client.post(reverse("assignment_submit", args=[article.pk]))
    assert response.status_code == 302
    assert Assignment.objects.get(article=article, annotator=annotator).state == "submitted"
    page = annotator_client.get(article.get_absolute_url()).content.decode()
    assert "read-only" in page and "<fieldset disabled>" in page
    data = claim_post(article, "3000", verification_status="false", version=1)
    assert annotator_client.post(reverse("claim_update", args=[claim.pk]), data, **HTMX).status_code == 403
    assert annotator_client.post(reverse("claim_delete", args=[claim.pk]), {"version": 1}, **HTMX).status_code == 403
    assert annotator_client.post(reverse("assignment_submit", args=[article.pk])).status_code == 403


def test_a_refused_request_never_replaces_the_page_even_with_debug_on(annotator_client, article, settings):
    # django-htmx's debug helper (added by {% htmx_script %} when DEBUG is on) swaps any 4xx response
    # in for the whole document: a save refused because the article was submitted in another tab
    # would wipe the unsaved form. base.html loads htmx alone; page scripts report refusals instead.
    settings.DEBUG = True
    page = annotator_client.get(article.get_absolute_url()).content.decode()
    assert "django_htmx/htmx-2.min.js" in page and "django-htmx.js" not in page
