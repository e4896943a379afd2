"""Gold that can be trusted: decisions on what was seen, frozen claims and text, versioned admin writes."""

import re

import pytest
from django.urls import reverse

from annotations import reading, workflow
from annotations.models import Assignment, Claim, GoldClaim, Rejection

from . import factories
from .factories import claim_post

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


class TestDecisionsOnWhatWasSeen:
    def test_accepting_a_version_that_changed_since_is_refused(self, client, admin_client, article, adjudicator, submitted):
        key = factories.group_key(submitted["mine"], submitted["theirs"])
        # An admin changes the verdict of one version after the adjudicator opened the page.
        url = reverse("admin:annotations_claim_change", args=[submitted["mine"].pk])
        assert admin_client.post(url, factories.admin_claim_data(submitted["mine"], verification_status="true")).status_code == 302
        client.force_login(adjudicator)
        response = client.post(reverse("group_accept", args=[article.pk]), {"group": key, "claim": submitted["mine"].pk}, **HTMX)
        body = response.content.decode()
        assert response.status_code == 409 and 'id="error-message"' in body and 'id="decisions"' in body
        assert not GoldClaim.objects.exists()
        # The refusal shows the group as it is now: taken on that, the decision stands.
        fresh = re.search(rf'name="group" value="({submitted["mine"].pk}\.\d+-{submitted["theirs"].pk}\.\d+)"', body).group(1)
        assert fresh == factories.group_key(submitted["mine"], submitted["theirs"]) != key
        response = client.post(reverse("group_accept", args=[article.pk]), {"group": fresh, "claim": submitted["mine"].pk}, **HTMX)
        assert response.status_code == 200
        assert GoldClaim.objects.get().verification_status_id == "true"

    @pytest.mark.parametrize("action", ["group_accept", "group_reject", "gold_create"])
    def test_every_decision_needs_the_versions_seen(self, client, article, adjudicator, submitted, action):
        client.force_login(adjudicator)
        bare = f"{submitted['mine'].pk}-{submitted['theirs'].pk}"  # ids without versions: "any version" is not accepted
        data = claim_post(article, "3000 شخص", group=bare, claim=submitted["mine"].pk)
        response = client.post(reverse(action, args=[article.pk]), data, **HTMX)
        assert response.status_code == 409
        assert not GoldClaim.objects.exists() and not Rejection.objects.exists()

    def test_a_deleted_claim_makes_the_group_stale(self, client, article, annotator, adjudicator, submitted):
        key = factories.group_key(*submitted["agreed"])
        Claim.objects.filter(pk=submitted["agreed"][1].pk).delete()
        client.force_login(adjudicator)
        for url, data in [
            (reverse("gold_accept_unanimous", args=[article.pk]), {"groups": key}),
            (reverse("group_reject", args=[article.pk]), {"group": key}),
        ]:
            assert client.post(url, data, **HTMX).status_code == 409
        assert not GoldClaim.objects.exists() and not Rejection.objects.exists()

    def test_accept_every_unanimous_group_is_all_or_nothing_and_twice_is_409(self, client, article, annotator, other_annotator, adjudicator, submitted):
        more = [factories.make_claim(article, user, "الباغوز", verification_status_id="false") for user in (annotator, other_annotator)]
        client.force_login(adjudicator)
        page = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
        groups = re.search(r'name="groups" value="([^"]*)"', page).group(1)
        assert sorted(groups.split()) == sorted([factories.group_key(*submitted["agreed"]), factories.group_key(*more)])
        # One of the two groups changes: nothing is accepted.
        Claim.objects.filter(pk=more[0].pk).update(version=2)
        response = client.post(reverse("gold_accept_unanimous", args=[article.pk]), {"groups": groups}, **HTMX)
        assert response.status_code == 409 and not GoldClaim.objects.exists()
        Claim.objects.filter(pk=more[0].pk).update(version=1)
        first = client.post(reverse("gold_accept_unanimous", args=[article.pk]), {"groups": groups}, **HTMX)
        again = client.post(reverse("gold_accept_unanimous", args=[article.pk]), {"groups": groups}, **HTMX)
        assert (first.status_code, again.status_code) == (200, 409)
        assert GoldClaim.objects.filter(provenance="unanimous").count() == 2

    def test_decisions_wait_until_every_annotator_has_submitted(self, client, article, annotator, adjudicator, submitted):
        Assignment.objects.filter(annotator=annotator).update(state=Assignment.State.IN_PROGRESS)
        client.force_login(adjudicator)
        page = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
        assert "1 annotator has not submitted this article yet" in page and "Accept this version" not in page
        key = factories.group_key(submitted["mine"], submitted["theirs"])
        response = client.post(reverse("group_accept", args=[article.pk]), {"group": key, "claim": submitted["mine"].pk}, **HTMX)
        assert response.status_code == 409 and "has not submitted" in response.content.decode()
        response = client.post(reverse("gold_create", args=[article.pk]), claim_post(article, "الباغوز"), **HTMX)
        assert response.status_code == 409 and not GoldClaim.objects.exists()

    def test_reopening_twice_is_a_refusal_not_an_error(self, client, article, annotator, adjudicator, submitted):
        assignment = Assignment.objects.get(article=article, annotator=annotator)
        client.force_login(adjudicator)
        url = reverse("assignment_reopen", args=[assignment.pk])
        assert client.post(url, **HTMX).status_code == 200
        assert client.post(url, **HTMX).status_code == 409


class TestGoldKeepsItsClaims:
    def test_claims_under_gold_are_frozen_for_their_annotator(self, client, article, annotator, adjudicator, submitted):
        gold = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        workflow.reopen_assignment(user=adjudicator, assignment=Assignment.objects.get(article=article, annotator=annotator))
        client.force_login(annotator)
        mine = submitted["mine"]
        page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
        item = page.split(f'id="claim-{mine.pk}"')[1].split("</li>")[0]
        assert "frozen" in item and "/edit/" not in item
        assert client.get(reverse("claim_update", args=[mine.pk])).status_code == 403
        edit = claim_post(article, "3000 شخص غادروا", verification_status="true", version=1)
        assert client.post(reverse("claim_update", args=[mine.pk]), edit, **HTMX).status_code == 403
        assert client.post(reverse("claim_delete", args=[mine.pk]), {"version": 1}, **HTMX).status_code == 403
        mine.refresh_from_db()
        assert mine.verification_status_id == "false" and set(gold.annotations.all()) == {submitted["mine"], submitted["theirs"]}
        # Taking the decision back unfreezes it.
        workflow.undo_decision(user=adjudicator, decision=gold, version=1)
        assert client.post(reverse("claim_update", args=[mine.pk]), edit, **HTMX).status_code == 200

    def test_the_admin_cannot_change_or_delete_a_decided_claim(self, admin_client, article, adjudicator, submitted):
        workflow.reject_group(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]))
        claim = submitted["mine"]
        response = admin_client.post(reverse("admin:annotations_claim_change", args=[claim.pk]), factories.admin_claim_data(claim, note="x"))
        assert response.status_code == 200 and "frozen" in response.content.decode()
        response = admin_client.post(reverse("admin:annotations_claim_delete", args=[claim.pk]), {"post": "yes", "seen_version": 1})
        assert response.status_code == 200 and Claim.objects.filter(pk=claim.pk).exists()
        assert "part of a gold claim or a rejection" in response.content.decode()
        response = admin_client.post(
            reverse("admin:annotations_claim_changelist"), {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"}
        )
        assert Claim.objects.filter(pk=claim.pk).exists() and Rejection.objects.get().claims.count() == 2

    def test_gold_provenance_and_from_claims_cannot_be_edited_in_the_admin(self, admin_client, article, adjudicator, annotator, submitted):
        gold = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        other = factories.make_claim(article, annotator, "الباغوز")
        data = factories.admin_claim_data(gold, provenance="unanimous", annotations=[other.pk], decision_note="edited")
        response = admin_client.post(reverse("admin:annotations_goldclaim_change", args=[gold.pk]), data)
        assert response.status_code == 302
        gold.refresh_from_db()
        assert gold.provenance == "adjudicated" and set(gold.annotations.all()) == {submitted["mine"], submitted["theirs"]}
        assert gold.decision_note == "edited" and gold.version == 2


class TestRestoreFromHistory:
    def restore(self, admin_client, model, pk, data):
        record = model.history.filter(id=pk).exclude(history_type="-").latest("history_date")
        url = reverse(f"admin:annotations_{model._meta.model_name}_simple_history", args=[pk, record.history_id])
        return admin_client.post(url, data)

    def test_a_gold_claim_taken_back_is_restored_with_its_claims(self, admin_client, article, adjudicator, submitted):
        gold = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        pk = gold.pk
        workflow.undo_decision(user=adjudicator, decision=gold, version=1)
        response = self.restore(admin_client, GoldClaim, pk, factories.admin_claim_data(gold, decision_note="back", seen_version=""))
        assert response.status_code == 302, response.content.decode()[:3000]
        restored = GoldClaim.objects.get(pk=pk)
        assert set(restored.annotations.all()) == {submitted["mine"], submitted["theirs"]} and restored.version == 2

    def test_a_decision_whose_claims_changed_since_is_not_restored(self, admin_client, article, annotator, adjudicator, submitted):
        gold = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        pk = gold.pk
        workflow.undo_decision(user=adjudicator, decision=gold, version=1)
        workflow.reopen_assignment(user=adjudicator, assignment=Assignment.objects.get(article=article, annotator=annotator))
        workflow.update_claim(user=annotator, claim=submitted["mine"], data={**factories.cleaned_claim(article, "3000 شخص غادروا"), "version": 1})
        factories.submit_all(article)
        response = self.restore(admin_client, GoldClaim, pk, factories.admin_claim_data(gold, seen_version=""))
        assert response.status_code == 200 and "cannot be restored" in response.content.decode()
        assert not GoldClaim.objects.filter(pk=pk).exists()

    def test_a_claim_under_gold_is_not_restored_to_an_older_version(self, admin_client, article, annotator, adjudicator, submitted):
        workflow.reopen_assignment(user=adjudicator, assignment=Assignment.objects.get(article=article, annotator=annotator))
        workflow.update_claim(user=annotator, claim=submitted["mine"], data={**factories.cleaned_claim(article, "3000 شخص غادروا"), "version": 1})
        factories.submit_all(article)
        workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        mine = Claim.objects.get(pk=submitted["mine"].pk)
        record = Claim.history.filter(id=mine.pk, version=1).first()
        url = reverse("admin:annotations_claim_simple_history", args=[mine.pk, record.history_id])
        response = admin_client.post(url, factories.admin_claim_data(mine))
        assert response.status_code == 200 and "frozen" in response.content.decode()
        assert Claim.objects.get(pk=mine.pk).version == 2


class TestAccessFollowsTheAssignment:
    def test_a_removed_assignment_closes_every_page_of_the_article(self, client, article, annotator):
        claim = factories.make_claim(article, annotator, "3000")
        client.force_login(annotator)
        assert client.get(reverse("claim_update", args=[claim.pk])).status_code == 200
        Assignment.objects.filter(annotator=annotator).delete()
        for url in [
            reverse("article_detail", args=[article.pk]),
            reverse("claim_update", args=[claim.pk]),
            reverse("article_compare", args=[article.pk]),
        ]:
            for extra in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "claim-form"}):
                assert client.get(url, **extra).status_code == 404, url
        for url, data in [
            (reverse("claim_update", args=[claim.pk]), claim_post(article, "3000", version=1)),
            (reverse("claim_delete", args=[claim.pk]), {"version": 1}),
            (reverse("claim_create", args=[article.pk]), claim_post(article, "الباغوز")),
        ]:
            assert client.post(url, data, **HTMX).status_code == 404, url
        assert list(Claim.objects.values_list("quote", "version")) == [("3000", 1)]

    def test_hidden_names_hold_on_the_dashboard_and_its_csv(self, client, project, article, adjudicator, submitted):
        project.show_annotator_names = False
        project.save()
        client.force_login(adjudicator)
        alias = reading.pseudonym(project.pk, "annotator")
        adjudication = client.get(reverse("adjudication_detail", args=[article.pk])).content.decode()
        dashboard = client.get(reverse("project_dashboard", args=[project.pk])).content.decode()
        csv_body = b"".join(client.get(reverse("project_dashboard", args=[project.pk]) + "?format=csv").streaming_content).decode()
        for body in (adjudication.split('id="decisions"')[1].split("Gold claims")[0], dashboard.split("<main")[1], csv_body):
            assert alias in body and ">annotator<" not in body and ">other<" not in body
        assert "annotator" not in csv_body.replace(alias, "").replace("annotators", "")
        assert alias != reading.pseudonym(project.pk, "other") and not alias.endswith(("1", "2"))
