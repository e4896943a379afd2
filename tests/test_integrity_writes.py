"""Gold that can be trusted, on the admin and import paths: frozen text, versioned writes, what a trial found."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations import reading, workflow
from annotations.models import Article, Assignment, Claim, GoldClaim, Source

from . import factories
from .factories import claim_post

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


class TestTextIsFrozen:
    def article_data(self, article, **changes) -> dict:
        data = {
            "project": article.project_id, "external_id": article.external_id, "title": article.title, "text": article.text,
            "language": article.language, "outlet": "", "url": "", "published_at": "", "_save": "Save",
        }
        data.update(changes)
        return data

    def test_text_edit_is_refused_once_anything_points_into_it(self, admin_client, article, annotator):
        url = reverse("admin:annotations_article_change", args=[article.pk])
        assert 'name="text"' in admin_client.get(url).content.decode()
        claim = factories.make_claim(article, annotator, "3000")
        # The form was opened before the claim was made: the save is refused, not a 500.
        response = admin_client.post(url, self.article_data(article, text="نص آخر تماما"))
        assert response.status_code == 200 and "can no longer be changed" in response.content.decode()
        # A deleted claim's history can be restored into the text: it stays frozen.
        workflow.delete_claim(user=annotator, claim=claim, version=1)
        assert not Claim.objects.exists()
        assert 'name="text"' not in admin_client.get(url).content.decode()
        article.refresh_from_db()
        assert article.text.startswith("مصطفى بالي")

    def test_admin_article_fields_are_checked_as_an_import_row_is(self, admin_client, article, project):
        url = reverse("admin:annotations_article_change", args=[article.pk])
        for changes, reason in [
            ({"language": "ar<script>"}, "language"),
            ({"external_id": "   "}, "This field is required"),
            ({"text": article.text + "\u200c" * 3, "title": "x"}, None),  # allowed: invisible characters inside real text
        ]:
            response = admin_client.post(url, self.article_data(article, **changes))
            if reason is None:
                continue
            assert response.status_code == 200 and reason in response.content.decode(), changes
        article.refresh_from_db()
        assert article.language == "ar" and article.external_id == "baghuz-1"
        # A valid edit goes through, and the language is stored as the import would store it.
        response = admin_client.post(url, self.article_data(article, language="AR", title="عنوان"))
        assert response.status_code == 302
        article.refresh_from_db()
        assert (article.language, article.title) == ("ar", "عنوان")

    def test_duplicate_text_in_a_project_is_a_form_error(self, admin_client, article, project):
        twin = factories.make_article("نص مختلف", project=project, external_id="twin")
        url = reverse("admin:annotations_article_change", args=[twin.pk])
        response = admin_client.post(url, self.article_data(twin, text=article.text))
        assert response.status_code == 200 and "has exactly this text already" in response.content.decode()
        twin.refresh_from_db()
        assert twin.text == "نص مختلف"


class TestEveryWriteIsVersioned:
    def test_an_admin_edit_bumps_the_version_so_a_stale_save_is_refused(self, admin_client, annotator_client, article, annotator):
        claim = factories.make_claim(article, annotator, "3000")
        url = reverse("admin:annotations_claim_change", args=[claim.pk])
        assert admin_client.post(url, factories.admin_claim_data(claim, note="admin")).status_code == 302
        claim.refresh_from_db()
        assert (claim.note, claim.version) == ("admin", 2)
        response = annotator_client.post(
            reverse("claim_update", args=[claim.pk]), claim_post(article, "3000", note="mine", version=1), **HTMX
        )
        assert 'data-code="stale"' in response.content.decode()
        claim.refresh_from_db()
        assert claim.note == "admin"
        # A stale admin form is refused too.
        response = admin_client.post(url, factories.admin_claim_data(claim, note="old tab", seen_version=1))
        assert response.status_code == 200 and "nothing was saved" in response.content.decode()
        claim.refresh_from_db()
        assert claim.note == "admin"

    def test_clearing_an_anchored_claimant_is_a_form_error(self, admin_client, article, annotator):
        source = Source.objects.create(name="مصطفى بالي")
        claim = factories.make_claim(article, annotator, "3000", source=source, source_start=0, source_end=10)
        response = admin_client.post(reverse("admin:annotations_claim_change", args=[claim.pk]), factories.admin_claim_data(claim, source=""))
        assert response.status_code == 200 and "marked in the text" in response.content.decode()
        claim.refresh_from_db()
        assert claim.source == source

    def test_admin_evidence_and_notes_obey_the_form_limits(self, admin_client, article, annotator):
        claim = factories.make_claim(article, annotator, "3000")
        url = reverse("admin:annotations_claim_change", args=[claim.pk])
        for changes in ({"evidence": json.dumps(["javascript:alert(1)"])}, {"evidence": json.dumps({"a": 1})}, {"note": "x" * 5001}):
            assert admin_client.post(url, factories.admin_claim_data(claim, **changes)).status_code == 200
        claim.refresh_from_db()
        assert claim.version == 1 and claim.evidence == [] and claim.note == ""

    def test_removals_need_the_version_seen(self, client, annotator_client, article, annotator, adjudicator):
        claim = factories.make_claim(article, annotator, "3000")
        for data in ({}, {"version": ""}, {"version": "2"}, {"version": "9" * 40}):
            assert annotator_client.post(reverse("claim_delete", args=[claim.pk]), data, **HTMX).status_code == 409
        assert Claim.objects.filter(pk=claim.pk).exists()
        factories.submit_all(article)
        gold = workflow.create_gold(user=adjudicator, article=article, seen={}, data={**factories.cleaned_claim(article, "الباغوز")})[0]
        client.force_login(adjudicator)
        assert client.post(reverse("gold_delete", args=[gold.pk]), **HTMX).status_code == 409
        assert GoldClaim.objects.filter(pk=gold.pk).exists()

    def test_a_reused_form_token_with_other_content_is_refused(self, client, annotator_client, article, annotator, adjudicator):
        token = str(uuid.uuid4())
        url = reverse("claim_create", args=[article.pk])
        assert annotator_client.post(url, claim_post(article, "3000", client_token=token), **HTMX).status_code == 200
        again = annotator_client.post(url, claim_post(article, "3000", client_token=token), **HTMX)
        assert again.status_code == 200 and Claim.objects.count() == 1  # a retry: the same claim
        other = annotator_client.post(url, claim_post(article, "الباغوز", client_token=token), **HTMX)
        body = other.content.decode()
        assert 'data-code="token_reused"' in body and token not in body  # a fresh token to save it anew
        assert list(Claim.objects.values_list("quote", flat=True)) == ["3000"]
        # The same for gold: never "saved" when nothing was.
        client.force_login(adjudicator)
        Assignment.objects.update(state=Assignment.State.SUBMITTED)
        gold_url = reverse("gold_create", args=[article.pk])
        token = str(uuid.uuid4())
        assert client.post(gold_url, claim_post(article, "الباغوز", client_token=token), follow=True).status_code == 200
        response = client.post(gold_url, claim_post(article, "3000", client_token=token), follow=True)
        body = response.content.decode()
        assert 'data-code="token_reused"' in body and "Gold claim saved" not in body
        assert list(GoldClaim.objects.values_list("quote", flat=True)) == ["الباغوز"]


def test_an_export_with_retired_terms_and_twin_claims_loads_back(tmp_path, article, annotator):
    from django.core.management import call_command

    factories.make_claim(article, annotator, "3000", claim_type_id="prediction")
    factories.make_claim(article, annotator, "3000", claim_type_id="prediction")  # the same claim twice, by mistake
    Claim._meta.get_field("claim_type").related_model.objects.filter(pk="prediction").update(active=False)
    path = tmp_path / "claims.json"
    call_command("export_annotations", format="json", output=str(path))
    Claim.objects.all().delete()
    call_command("import_annotations", str(path))
    assert list(Claim.objects.values_list("quote", "claim_type_id")) == [("3000", "prediction")] * 2
    assert Article.objects.count() == 1



class TestWhatATrialFound:
    def test_a_huge_json_number_in_admin_evidence_is_a_form_error(self, admin_client, article, annotator):
        claim = factories.make_claim(article, annotator, "3000")
        for evidence in ("[" + "9" * 5000 + "]", "[" * 100_000):
            response = admin_client.post(reverse("admin:annotations_claim_change", args=[claim.pk]), factories.admin_claim_data(claim, evidence=evidence))
            assert response.status_code == 200 and "errornote" in response.content.decode()
        claim.refresh_from_db()
        assert claim.version == 1

    def test_hidden_names_hold_on_the_annotation_page_too(self, client, project, article, adjudicator, other_annotator, submitted):
        project.show_annotator_names, project.blind = False, False
        project.save()
        for user in (adjudicator, other_annotator):
            client.force_login(user)
            page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
            others = page.split('id="others-list"')[1].split("</ol>")[0]
            assert reading.pseudonym(project.pk, "annotator") in others and ">annotator<" not in others

    def test_a_decision_is_not_restored_while_an_annotator_works_again(self, admin_client, article, annotator, adjudicator, submitted):
        gold = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        pk = gold.pk
        workflow.undo_decision(user=adjudicator, decision=gold, version=1)
        workflow.reopen_assignment(user=adjudicator, assignment=Assignment.objects.get(article=article, annotator=annotator))
        record = GoldClaim.history.filter(id=pk).exclude(history_type="-").latest("history_date")
        url = reverse("admin:annotations_goldclaim_simple_history", args=[pk, record.history_id])
        response = admin_client.post(url, factories.admin_claim_data(gold, seen_version=""))
        assert response.status_code == 200 and "working on this article again" in response.content.decode()
        assert not GoldClaim.objects.filter(pk=pk).exists()

    @pytest.mark.parametrize("model", ["goldclaim", "rejection", "claim"])
    def test_admin_deletions_are_made_from_the_version_shown(self, admin_client, article, annotator, adjudicator, submitted, model):
        if model == "goldclaim":
            row = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        elif model == "rejection":
            row = workflow.reject_group(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]))
        else:
            row = factories.make_claim(article, annotator, "الباغوز")
        url = reverse(f"admin:annotations_{model}_delete", args=[row.pk])
        page = admin_client.get(url).content.decode()
        assert 'name="seen_version" value="1"' in page
        type(row).objects.filter(pk=row.pk).update(version=2)  # another admin's edit meanwhile
        for seen in ("", "1", "x" * 20):
            response = admin_client.post(url, {"post": "yes", "seen_version": seen})
            assert response.status_code == 302 and type(row).objects.filter(pk=row.pk).exists()
        admin_client.post(url, {"post": "yes", "seen_version": "2"})
        assert not type(row).objects.filter(pk=row.pk).exists()
        changelist = admin_client.get(reverse(f"admin:annotations_{model}_changelist")).content.decode()
        assert 'value="delete_selected"' not in changelist

    def test_taking_back_twice_is_a_refusal_with_the_page(self, client, article, adjudicator, submitted):
        gold = workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(submitted["mine"], submitted["theirs"]), chosen_id=submitted["mine"].pk)
        client.force_login(adjudicator)
        url = reverse("gold_delete", args=[gold.pk])
        assert client.post(url, {"version": 1}, **HTMX).status_code == 200
        again = client.post(url, {"version": 1}, **HTMX)
        assert again.status_code == 409 and "already taken back" in again.content.decode()
        assert client.post(reverse("gold_delete", args=[10**9]), {"version": 1}, **HTMX).status_code == 404

    def test_a_vocabulary_exported_from_the_admin_imports_back(self, admin_client):
        from annotations.models import ClaimType

        export = admin_client.post(
            reverse("admin:annotations_claimtype_export"), {"format": "0", **{f"claimtyperesource_{f}": "on" for f in ("slug", "label", "label_ar", "label_fa", "position", "active")}}
        )
        assert export.status_code == 200
        body = export.content
        assert b"numerical" in body
        response = admin_client.post(
            reverse("admin:annotations_claimtype_import"),
            {"format": "0", "import_file": SimpleUploadedFile("types.csv", body, content_type="text/csv")},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "Line number" not in page and "errorlist" not in page, page[:3000]
        assert ClaimType.objects.count() == 9

    def test_digits_of_other_scripts_in_parameters_are_refused_not_a_500(self, client, admin_client, article, annotator, adjudicator, submitted):
        # str.isdigit() is true for "²" and "٣"; int() refuses the first: no parameter may reach int() unchecked.
        client.force_login(adjudicator)
        for odd in ("²", "٣", "³²"):
            assert client.get(reverse("article_list"), {"project": odd}).status_code == 200
            assert client.get(reverse("adjudication_detail", args=[article.pk]), {"from": odd, "group": odd}).status_code == 200
            assert admin_client.get(reverse("export_download"), {"project": odd, "format": "csv"}).status_code == 200
            gold = GoldClaim.objects.create(article=article, adjudicator=adjudicator, provenance="adjudicated", start=0, end=5, quote=article.text[0:5], claim_type_id="numerical", check_worthiness_id="check_worthy", verification_status_id="true", attribution_id="direct_quote")
            assert client.post(reverse("gold_delete", args=[gold.pk]), {"version": odd}, **HTMX).status_code == 409
        client.force_login(annotator)
        Assignment.objects.filter(annotator=annotator).update(state=Assignment.State.IN_PROGRESS)
        claim = factories.make_claim(article, annotator, "الباغوز")
        assert client.post(reverse("claim_delete", args=[claim.pk]), {"version": "¹"}, **HTMX).status_code == 409
