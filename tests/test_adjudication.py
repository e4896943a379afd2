"""Adjudication, the dashboard and comparing with gold, through their views."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations import reading
from annotations.models import Assignment, Claim, GoldClaim, Rejection

from . import factories
from .factories import claim_post

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_whole_flow_two_annotators_disagreement_adjudication_gold_export(client, article, annotator, other_annotator, adjudicator, two, capsysbinary):
    # Both submit.
    for user in (annotator, other_annotator):
        client.force_login(user)
        assert client.post(reverse("assignment_submit", args=[article.pk])).status_code == 302
    # The adjudicator sees both versions, grouped.
    client.force_login(adjudicator)
    page = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
    assert page.count('class="group agree"') == 1 and page.count('class="group partial"') == 1
    assert "annotator" in page and "other" in page  # names shown by the project's setting
    # Accept the unanimous group at once, then adjudicate the disagreement by editing.
    unanimous = re.search(r'name="groups" value="([^"]*)"', page).group(1)
    assert unanimous == factories.group_key(*two["agreed"])
    response = client.post(reverse("gold_accept_unanimous", args=[article.pk]), {"groups": unanimous}, **HTMX)
    assert response.status_code == 200 and 'id="decisions"' in response.content.decode()
    gold = GoldClaim.objects.get()
    assert gold.provenance == "unanimous" and set(gold.annotations.all()) == set(two["agreed"])
    group = factories.group_key(two["mine"], two["theirs"])
    data = claim_post(article, "3000 شخص", verification_status="misleading", group=group, decision_note="حسب رويترز")
    response = client.post(reverse("gold_create", args=[article.pk]), data, **HTMX)
    assert response.status_code == 200
    merged = GoldClaim.objects.get(quote="3000 شخص")
    assert merged.provenance == "adjudicated" and merged.adjudicator == adjudicator
    assert merged.decision_note == "حسب رويترز" and set(merged.annotations.all()) == {two["mine"], two["theirs"]}
    # Deciding the same group twice is refused, and changes nothing.
    response = client.post(reverse("group_accept", args=[article.pk]), {"group": group, "claim": two["mine"].pk}, **HTMX)
    assert response.status_code == 409 and GoldClaim.objects.count() == 2
    # Gold export.
    call_command("export_annotations", format="json", gold=True)
    data = json.loads(capsysbinary.readouterr().out.decode())
    assert data["gold"] is True
    claims = data["articles"][0]["claims"]
    assert [(c["quote"], c["provenance"], c["adjudicator"], c["annotators"]) for c in claims] == [
        ("مصطفى بالي", "unanimous", "adjudicator", ["annotator", "other"]),
        ("3000 شخص", "adjudicated", "adjudicator", ["annotator", "other"]),
    ]
    for claim in claims:
        assert data["articles"][0]["text"][claim["start"] : claim["end"]] == claim["quote"]
        assert "annotator" not in claim
    # Each annotator compares their claims with gold.
    client.force_login(annotator)
    page = client.get(reverse("article_compare", args=[article.pk])).content.decode()
    assert "3000 شخص غادروا" in page and "span" in page and '<span class="badge partial">Verdict</span>' in page


def test_accept_a_version_gives_majority_or_adjudicated(client, article, annotator, other_annotator, adjudicator, two):
    third = factories.make_user("third")
    factories.assign(article, third)
    factories.submit_all(article)
    client.force_login(adjudicator)
    group = factories.group_key(two["mine"], two["theirs"])
    client.post(reverse("group_accept", args=[article.pk]), {"group": group, "claim": two["theirs"].pk, "decision_note": "x"})
    gold = GoldClaim.objects.get()
    assert gold.provenance == "adjudicated" and gold.quote == "3000 شخص" and gold.verification_status_id == "mostly_false"
    # With three annotators, two identical versions of three are a majority.
    claims = [c for c in two["agreed"]]
    ids = factories.group_key(*claims)
    client.post(reverse("group_accept", args=[article.pk]), {"group": ids, "claim": claims[0].pk})
    assert GoldClaim.objects.get(quote="مصطفى بالي").provenance == "majority"


def test_reject_undo_and_reopen(client, article, annotator, other_annotator, adjudicator, two):
    factories.submit_all(article)
    client.force_login(adjudicator)
    group = factories.group_key(two["mine"], two["theirs"])
    client.post(reverse("group_reject", args=[article.pk]), {"group": group, "decision_note": "ليس ادعاءً"})
    rejection = Rejection.objects.get()
    assert rejection.decision_note == "ليس ادعاءً" and rejection.claims.count() == 2
    assert client.post(reverse("rejection_delete", args=[rejection.pk]), **HTMX).status_code == 409  # no version
    client.post(reverse("rejection_delete", args=[rejection.pk]), {"version": 1})
    assert not Rejection.objects.exists()
    assert Rejection.history.filter(history_type="-").exists()
    assignment = Assignment.objects.get(article=article, annotator=annotator)
    assignment.state = "submitted"
    assignment.save()
    client.post(reverse("assignment_reopen", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.state == "in_progress"
    client.force_login(annotator)
    data = claim_post(article, "الباغوز")
    assert client.post(reverse("claim_create", args=[article.pk]), data, **HTMX).status_code == 200


def test_edit_and_merge_form_is_prefilled(client, article, adjudicator, two):
    client.force_login(adjudicator)
    url = reverse("adjudication_detail", args=[article.pk])
    response = client.get(url, {"group": "1-2", "from": two["mine"].pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="gold-form")
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="gold-form"')
    assert f'name="start" value="{two["mine"].start}"' in body and 'name="group" value="1-2"' in body
    assert 'value="false" selected' in body


def test_anonymised_names(client, project, article, adjudicator, two):
    project.show_annotator_names = False
    project.save()
    client.force_login(adjudicator)
    page = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
    assert reading.pseudonym(project.pk, "annotator") in page and reading.pseudonym(project.pk, "other") in page
    assert ">other<" not in page and "other " not in page.split('id="decisions"')[1].split("Gold claims")[0]


class TestPermissions:
    def test_annotators_cannot_reach_adjudication_or_the_dashboard(self, client, article, annotator, project, two):
        client.force_login(annotator)
        group = f"{two['mine'].pk}-{two['theirs'].pk}"
        gets = [
            reverse("adjudication_detail", args=[article.pk]),
            reverse("project_dashboard", args=[project.pk]),
            reverse("project_dashboard", args=[project.pk]) + "?format=csv",
        ]
        for url in gets:
            for extra in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "decisions"}):
                assert client.get(url, **extra).status_code == 403, url
        posts = [
            (reverse("gold_create", args=[article.pk]), claim_post(article, "3000")),
            (reverse("group_accept", args=[article.pk]), {"group": group, "claim": two["mine"].pk}),
            (reverse("group_reject", args=[article.pk]), {"group": group}),
            (reverse("gold_accept_unanimous", args=[article.pk]), {}),
            (reverse("assignment_reopen", args=[article.assignments.first().pk]), {}),
        ]
        for url, data in posts:
            assert client.post(url, data, **HTMX).status_code == 403, url
        assert not GoldClaim.objects.exists() and not Rejection.objects.exists()

    def test_blind_mode_hides_other_annotators_everywhere_an_annotator_can_go(self, client, article, annotator, other_annotator, two):
        Claim.objects.filter(annotator=other_annotator).update(note="their secret note")
        client.force_login(annotator)
        urls = [
            reverse("article_list"),
            article.get_absolute_url(),
            reverse("claim_update", args=[two["mine"].pk]),
        ]
        for url in urls:
            for extra in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "claim-list"}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "claim-form"}):
                body = client.get(url, **extra).content.decode()
                assert "their secret note" not in body and f'id="claim-{two["theirs"].pk}"' not in body, url
        assert client.get(reverse("claim_update", args=[two["theirs"].pk])).status_code == 404
        assert client.get(reverse("export_download"), {"format": "json"}).status_code == 403
        # Before submitting, the comparison with gold is closed too.
        assert client.get(reverse("article_compare", args=[article.pk])).status_code == 403

    def test_without_blind_mode_others_claims_are_shown_read_only(self, client, project, article, annotator, two):
        project.blind = False
        project.save()
        client.force_login(annotator)
        body = client.get(article.get_absolute_url()).content.decode()
        assert 'id="others-list"' in body and f'id="other-{two["theirs"].pk}"' in body
        assert reverse("claim_update", args=[two["theirs"].pk]) not in body


def test_dashboard_page_and_csv(client, adjudicator, project, article, two):
    client.force_login(adjudicator)
    page = client.get(reverse("project_dashboard", args=[project.pk]))
    assert page.status_code == 200 and b"<svg" in page.content and b"baghuz-1" in page.content
    csv_body = b"".join(client.get(reverse("project_dashboard", args=[project.pk]), {"format": "csv"}).streaming_content).decode()
    assert csv_body.splitlines()[0].startswith("external_id,title,annotators")
    assert "baghuz-1" in csv_body


def test_gold_form_submitted_twice_makes_one_gold_claim_and_stale_removal_is_refused(client, article, adjudicator):
    import uuid

    factories.submit_all(article)
    client.force_login(adjudicator)
    data = claim_post(article, "الباغوز", client_token=str(uuid.uuid4()), verification_status="true")
    for _ in range(2):
        assert client.post(reverse("gold_create", args=[article.pk]), data, **HTMX).status_code == 200
    gold = GoldClaim.objects.get()
    assert gold.provenance == "adjudicated" and not gold.annotations.exists()
    response = client.post(reverse("gold_delete", args=[gold.pk]), {"version": 9}, **HTMX)
    assert response.status_code == 409 and GoldClaim.objects.exists()
    assert client.post(reverse("gold_delete", args=[gold.pk]), {"version": 1}, **HTMX).status_code == 200
    assert not GoldClaim.objects.exists()
