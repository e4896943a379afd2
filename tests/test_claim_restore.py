"""Undoing a deletion and restoring deleted claims (issue 12), and the annotation page's other
everyday fixes seen from the server: submitting goes on to the next article, offsets are not shown."""

import pytest
from django.urls import reverse

from annotations.models import Assignment, Claim

from . import factories

HTMX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def deleted(annotator_client, article, annotator):
    """One of the annotator's claims, edited once (version 2) and then deleted on the page."""
    claim = factories.make_claim(article, annotator, "3000", note="مهم")
    annotator_client.post(reverse("claim_update", args=[claim.pk]), factories.claim_post(article, "3000", version=1, note="مهم جدا"))
    response = annotator_client.post(reverse("claim_delete", args=[claim.pk]), {"version": 2}, **HTMX)
    assert response.status_code == 200 and not Claim.objects.filter(pk=claim.pk).exists()
    return claim, response


def restore(client, pk: int, version, **extra):
    return client.post(reverse("claim_restore", args=[pk]), {"version": version}, **extra)


def test_a_deletion_answers_with_undo_at_the_deleted_version(deleted):
    claim, response = deleted
    body = response.content.decode()
    assert '<div id="undo" role="status" hx-swap-oob="true">' in body
    assert f'action="{reverse("claim_restore", args=[claim.pk])}"' in body and 'name="version" value="2"' in body
    assert 'id="claim-form"' not in body  # a new claim being made in the form is not wiped


def test_undo_puts_the_claim_back_as_it_was_with_its_history(annotator_client, deleted, article):
    claim, _response = deleted
    response = restore(annotator_client, claim.pk, 2, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="claim-{claim.pk}"' in body and '<div id="undo" role="status" hx-swap-oob="true" hidden>' in body
    back = Claim.objects.get(pk=claim.pk)
    assert (back.start, back.end, back.quote, back.note, back.annotator_id) == (claim.start, claim.end, "3000", "مهم جدا", claim.annotator_id)
    assert article.text[back.start : back.end] == back.quote
    assert back.version == 3  # after the newest version its history knows
    assert back.created_at == claim.created_at
    assert [record.history_type for record in Claim.history.filter(id=claim.pk).order_by("history_id")] == ["+", "~", "-", "+"]


def test_a_stale_restore_is_refused_and_changes_nothing(annotator_client, deleted):
    claim, _response = deleted
    wrong = restore(annotator_client, claim.pk, 1, **HTMX)  # not the version that was deleted
    assert wrong.status_code == 409 and b'id="error-message"' in wrong.content and wrong["HX-Reswap"] == "none"
    assert restore(annotator_client, claim.pk, "", **HTMX).status_code == 409
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert restore(annotator_client, claim.pk, 2, **HTMX).status_code == 200
    again = restore(annotator_client, claim.pk, 2, **HTMX)  # a second tab's Undo
    assert again.status_code == 409 and Claim.objects.filter(pk=claim.pk).count() == 1
    assert Claim.history.filter(id=claim.pk).count() == 4


def test_only_its_own_annotator_restores_it(client, deleted, other_annotator, article):
    claim, _response = deleted
    factories.assign(article, other_annotator)
    client.force_login(other_annotator)
    assert restore(client, claim.pk, 2, **HTMX).status_code == 404
    assert restore(client, claim.pk, 2).status_code == 404
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_no_restore_once_the_article_is_submitted(annotator_client, deleted, article):
    claim, _response = deleted
    Assignment.objects.filter(article=article).update(state=Assignment.State.SUBMITTED)
    assert restore(annotator_client, claim.pk, 2, **HTMX).status_code == 403
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_a_live_claim_is_not_restored(annotator_client, article, annotator):
    claim = factories.make_claim(article, annotator, "3000")
    assert restore(annotator_client, claim.pk, 1, **HTMX).status_code == 409  # nothing deleted to undo
    annotator_client.post(reverse("claim_update", args=[claim.pk]), factories.claim_post(article, "3000", version=1))
    assert restore(annotator_client, claim.pk, 2, **HTMX).status_code == 409
    assert Claim.objects.get(pk=claim.pk).version == 2


def test_deleted_claims_are_listed_on_demand_and_restored_later(annotator_client, deleted, article):
    claim, _response = deleted
    page = annotator_client.get(article.get_absolute_url()).content.decode()
    assert 'id="deleted-claims"' in page and 'hx-trigger="intersect once"' in page and "مهم" not in page.split('id="deleted-claims"')[1][:300]
    listed = annotator_client.get(article.get_absolute_url(), HTTP_HX_TARGET="deleted-claims", **HTMX).content.decode()
    assert listed.startswith('\n      <div id="deleted-claims">') or '<div id="deleted-claims">' in listed
    assert f'action="{reverse("claim_restore", args=[claim.pk])}"' in listed and 'name="version" value="2"' in listed
    # Without JavaScript: the same list on the page, and the form posts back to it.
    plain = annotator_client.get(article.get_absolute_url() + "?deleted=1").content.decode()
    assert f'action="{reverse("claim_restore", args=[claim.pk])}"' in plain
    response = restore(annotator_client, claim.pk, 2)
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    emptied = annotator_client.get(article.get_absolute_url(), HTTP_HX_TARGET="deleted-claims", **HTMX).content.decode()
    assert "claim_restore" not in emptied and reverse("claim_restore", args=[claim.pk]) not in emptied


def test_offsets_and_versions_are_not_shown_but_stay_in_attributes(annotator_client, article, annotator):
    claim = factories.make_claim(article, annotator, "3000")
    page = annotator_client.get(article.get_absolute_url()).content.decode()
    assert f'data-start="{claim.start}" data-end="{claim.end}"' in page
    assert f"{claim.start}–{claim.end}" not in page and "· v1" not in page


def test_submitting_goes_on_to_the_next_article_in_the_queue(annotator_client, article, annotator, project):
    later = factories.make_article("مقال آخر في الطابور", project=project)
    factories.assign(later, annotator)
    page = annotator_client.get(article.get_absolute_url()).content.decode()
    assert 'data-confirm="' in page and f'href="{later.get_absolute_url()}" id="next-article" rel="next"' in page
    response = annotator_client.post(reverse("assignment_submit", args=[article.pk]))
    assert response.status_code == 302 and response["Location"] == later.get_absolute_url()
    response = annotator_client.post(reverse("assignment_submit", args=[later.pk]))
    assert response["Location"] == reverse("article_list")  # the queue is done
