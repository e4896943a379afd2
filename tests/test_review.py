"""Several annotators, agreement, adjudication into gold, and the commands around them."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from annotations import agreement, reports
from annotations.models import Assignment, Claim, GoldClaim, Rejection

from . import factories
from .factories import claim_post

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def command(name, *args, **options) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


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
    assert "3000 شخص غادروا" in page and "span" in page and "verification_status" in page


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
    assert reports.pseudonym(project.pk, "annotator") in page and reports.pseudonym(project.pk, "other") in page
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


class TestAssign:
    def test_even_deterministic_and_idempotent(self, project):
        users = [factories.make_user(f"a{i}") for i in range(3)]
        articles = [factories.make_article(f"خبر رقم {i}", project=project, external_id=f"x{i}") for i in range(5)]
        out = command("assign_articles", project=project.name, per_article=2)
        assert "Created 10 assignment(s)" in out
        load = [Assignment.objects.filter(annotator=u).count() for u in users]
        assert sorted(load) == [3, 3, 4]
        for article in articles:
            assert article.assignments.values("annotator").distinct().count() == 2
        first = sorted(Assignment.objects.values_list("article__external_id", "annotator__username"))
        assert "Created 0 assignment(s)" in command("assign_articles", project=project.name, per_article=2)
        Assignment.objects.all().delete()
        command("assign_articles", project=project.name, per_article=2)
        assert sorted(Assignment.objects.values_list("article__external_id", "annotator__username")) == first

    def test_refusals(self, project):
        factories.make_user("solo")
        with pytest.raises(CommandError, match="cannot give each article to 2 of 1"):
            command("assign_articles", project=project.name, per_article=2)
        with pytest.raises(CommandError, match="no project"):
            command("assign_articles", project="nope")


class TestAgreementCommand:
    def test_json_keys_and_values(self, project, article, two):
        data = json.loads(command("agreement", project=project.name, json=True))
        assert set(data) >= {"articles", "annotators", "span_f1", "verification_status", "claim_type", "check_worthiness", "unitizing_alpha"}
        assert data["annotators"] == ["annotator", "other"]
        # 2 claims each; 1 exact match, 2 overlap matches.
        assert data["span_f1"] == {"exact": pytest.approx(0.5), "overlap": pytest.approx(1.0)}
        assert list(data["verification_status"]["kappa"]) == ["annotator|other"]
        expected = agreement.project_figures(reports.agreement_articles(project.articles.all()))
        assert data == json.loads(json.dumps(expected))

    def test_table(self, project, article, two):
        out = command("agreement", project=project.name)
        assert "span F1, overlap" in out and "1.0000" in out

    def test_dashboard_page_and_csv(self, client, adjudicator, project, article, two):
        client.force_login(adjudicator)
        page = client.get(reverse("project_dashboard", args=[project.pk]))
        assert page.status_code == 200 and b"<svg" in page.content and b"baghuz-1" in page.content
        csv_body = b"".join(client.get(reverse("project_dashboard", args=[project.pk]), {"format": "csv"}).streaming_content).decode()
        assert csv_body.splitlines()[0].startswith("external_id,title,annotators")
        assert "baghuz-1" in csv_body


class TestImportAnnotations:
    def export(self, capsysbinary, **options) -> bytes:
        call_command("export_annotations", format="json", **options)
        return capsysbinary.readouterr().out

    def test_round_trip_into_an_empty_database(self, tmp_path, capsysbinary, article, two):
        data = self.export(capsysbinary)
        before = sorted(Claim.objects.values_list("annotator__username", "start", "end", "quote", "verification_status_id"))
        Claim.objects.all().delete()
        path = tmp_path / "claims.json"
        path.write_bytes(data)
        assert "Loaded 4 claim(s) on 1 article(s)" in command("import_annotations", str(path))
        assert sorted(Claim.objects.values_list("annotator__username", "start", "end", "quote", "verification_status_id")) == before
        assert "Loaded 0 claim(s)" in command("import_annotations", str(path)) and Claim.objects.count() == 4

    def test_jsonl_and_assignments_for_new_annotators(self, tmp_path, article):
        newcomer = factories.make_user("newcomer")
        start = article.text.index("الباغوز")
        line = {"external_id": "baghuz-1", "text_sha256": article.text_sha256, "claims": [
            {"start": start, "end": start + 7, "quote": "الباغوز", "claim_type": "event", "check_worthiness": "check_worthy",
             "verification_status": "true", "attribution": "paraphrase", "source": {"name": "رويترز", "kind": "news_outlet", "start": None, "end": None},
             "evidence": ["https://example.org/e"], "note": "", "annotator": "newcomer"}]}
        path = tmp_path / "claims.jsonl"
        path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        command("import_annotations", str(path))
        claim = Claim.objects.get()
        assert claim.annotator == newcomer and claim.source.name == "رويترز" and claim.evidence == ["https://example.org/e"]
        assert Assignment.objects.get(annotator=newcomer).state == "in_progress"

    @pytest.mark.parametrize(
        "change, reason",
        [
            ({"quote": "غير"}, "quote_mismatch"),
            ({"start": 10_000, "end": 10_004}, "out_of_range"),
            ({"start": "3"}, "'start' must be a whole number"),
            ({"verification_status": "probably"}, "verification_status: Select a valid choice"),
            ({"annotator": "ghost"}, "no user named 'ghost'"),
            ({"evidence": "https://x"}, "'evidence' must be a list"),
            ({"source": {"name": "x", "kind": "alien"}}, "source_kind"),
        ],
    )
    def test_any_bad_claim_refuses_the_whole_file(self, tmp_path, capsysbinary, article, two, change, reason):
        data = json.loads(self.export(capsysbinary))
        data["articles"][0]["claims"][-1].update(change)
        Claim.objects.all().delete()
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        err = StringIO()
        with pytest.raises(CommandError, match="nothing was loaded"):
            call_command("import_annotations", str(path), stdout=StringIO(), stderr=err)
        assert reason in err.getvalue()
        assert not Claim.objects.exists()

    def test_changed_text_or_unknown_article_is_refused(self, tmp_path, capsysbinary, article, two):
        data = json.loads(self.export(capsysbinary))
        data["articles"][0]["text_sha256"] = "0" * 64
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("import_annotations", str(path), stdout=StringIO(), stderr=StringIO())
        data["articles"][0]["external_id"] = "missing"
        path.write_text(json.dumps(data), encoding="utf-8")
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("import_annotations", str(path), stdout=StringIO(), stderr=err)
        assert "no article with external_id 'missing'" in err.getvalue()
        assert Claim.objects.count() == 4


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
