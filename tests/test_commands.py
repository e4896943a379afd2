"""The commands: assign_articles, agreement, import_annotations, and options that name things.

A mistyped name must not pass for an empty result: an export with no claims,
or figures over nothing, look like real answers.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import agreement, reading
from annotations.models import Appearance, Assignment, CanonicalClaim, Claim, Project

from . import factories

pytestmark = pytest.mark.django_db


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "command, options, message",
    [
        ("export_annotations", {"annotator": "nobody"}, "no user named 'nobody'"),
        ("export_annotations", {"project": "Nowhere"}, "no project named 'Nowhere'"),
        ("export_annotations", {"project": "Nowhere", "gold": True}, "no project named 'Nowhere'"),
        ("agreement", {"project": "Nowhere"}, "no project named 'Nowhere'"),
        ("assign_articles", {"project": "Nowhere"}, "no project named 'Nowhere'"),
        ("assign_articles", {"project": "Baghuz", "annotators": "annotator,nobody"}, "nobody"),
    ],
)
def test_unknown_names_are_refused(tmp_path, project, annotator, command, options, message):
    output = tmp_path / "out.json"
    if command == "export_annotations":
        options = {**options, "output": str(output)}
    with pytest.raises(CommandError, match=message):
        run(command, **options)
    assert not output.exists()  # nothing half-written for the caller to mistake for an export


def test_import_annotations_refuses_an_unknown_project(tmp_path):
    path = tmp_path / "claims.json"
    path.write_text('{"articles": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="no project named 'Nowhere'"):
        run("import_annotations", str(path), project="Nowhere")


def test_export_of_a_known_annotator_without_claims_is_empty_not_refused(tmp_path, article, annotator):
    factories.make_user("quiet")
    factories.make_claim(article, annotator, "3000")
    output = tmp_path / "out.json"
    run("export_annotations", annotator="quiet", output=str(output))
    assert '"claims": []' in output.read_text(encoding="utf-8")


def command(name, *args, **options) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


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
        expected = agreement.project_figures(reading.agreement_articles(project.articles.all()))
        assert data == json.loads(json.dumps(expected))

    def test_table(self, project, article, two):
        out = command("agreement", project=project.name)
        assert "span F1, overlap" in out and "1.0000" in out


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
        assert "Loaded 4 claim(s) and 0 gold claim(s) on 1 article(s); 0 already present." in command("import_annotations", str(path))
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


def test_the_demo_comes_with_claims_ready_to_adjudicate(settings, client):
    """bin/run: seeds, demo logins, and both demo annotators' claims on one article, submitted."""
    settings.DEBUG = True  # setup_demo creates known passwords: development only
    command("import_articles", str(settings.BASE_DIR / "seeds"))
    command("setup_demo")
    claims = Claim.objects.select_related("article")
    assert claims.count() == 16 and all(c.article.text[c.start : c.end] == c.quote for c in claims)
    article = claims.first().article
    assert set(Assignment.objects.filter(article=article).values_list("state", flat=True)) == {"submitted"}
    from django.contrib.auth import get_user_model

    adjudicator = get_user_model().objects.get(username="adjudicator")
    assert adjudicator.check_password("adjudicate-demo")
    client.force_login(adjudicator)
    page = client.get(f"/articles/{article.pk}/adjudicate/").content.decode()
    groups = [g.status for g in agreement.group_claims(reading.article_claims(article))]
    assert sorted(groups) == ["agree", "agree", "partial", "partial", "single"] and "Accept this version" in page
    # One canonical claim, with a verdict and dated evidence, appears in an Arabic and a Persian article.
    canonical = CanonicalClaim.objects.get()
    assert canonical.verdict_id == "mostly_true" and canonical.evidence.filter(published_on__isnull=False).exists()
    assert {a.article.language for a in canonical.appearances.select_related("article")} == {"ar", "fa"}
    assert Project.objects.get().annotators_link_claims
    # Running it again adds nothing.
    command("setup_demo")
    assert Claim.objects.count() == 16 and CanonicalClaim.objects.count() == 1 and Appearance.objects.count() == 4
