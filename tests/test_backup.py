"""Backup (export everything, gold included) and restore (re-import) round-trip to identical data."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from annotations import agreement, reading, workflow
from annotations.models import Article, Assignment, Claim, GoldClaim, Project, Rejection, Source

from . import factories

pytestmark = pytest.mark.django_db

TEXT = "😀 قال \u200fمصطفى بالي\u200f لرويترز إن «3000» شخص غادروا الباغوز.\r\nمی\u200cگویند ۳۰۰۰ نفر =SUM(1)"


def export(path, **options) -> dict:
    call_command("export_annotations", format="json", project="Backup", output=str(path), **options)
    return json.loads(path.read_text(encoding="utf-8"))


def comparable(data: dict) -> dict:
    """The export without what a restore cannot keep: database ids, timestamps."""
    data = {key: value for key, value in data.items() if key != "exported_at"}
    for article in data["articles"]:
        for claim in article["claims"]:
            for key in ("id", "created_at", "updated_at"):
                claim.pop(key)
        article["claims"].sort(key=lambda c: json.dumps(c, sort_keys=True, ensure_ascii=False))
    data["articles"].sort(key=lambda a: a["external_id"])
    return data


def command(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_backup_and_restore_round_trip(tmp_path, annotator, other_annotator, adjudicator):
    project = factories.make_project("Backup")
    text = TEXT.replace("\r\n", "\n")
    article = factories.make_article(text, project=project, external_id="a1", title="عنوان", url="https://example.org/a1", outlet="وهج")
    factories.make_article("مقال بلا ادعاءات", project=project, external_id="a2")
    for user in (annotator, other_annotator):
        factories.assign(article, user)
    source = Source.objects.create(name="مصطفى بالي", kind="person")
    name_at = text.index("مصطفى بالي")
    agreed = [
        factories.make_claim(article, user, "«3000» شخص", verification_status_id="mostly_true", source=source,
                             source_start=name_at, source_end=name_at + 10, evidence=["https://example.org/e"], note="-5 ملاحظة")
        for user in (annotator, other_annotator)
    ]
    mine = factories.make_claim(article, annotator, "۳۰۰۰ نفر", verification_status_id="false")
    theirs = factories.make_claim(article, other_annotator, "نفر =SUM(1)", verification_status_id="mixed")
    factories.make_claim(article, annotator, "😀", claim_type_id="media_authenticity")
    factories.submit_all(article)
    agreeing = [g for g in agreement.group_claims(reading.article_claims(article)) if g.status == agreement.AGREE]
    workflow.accept_unanimous(user=adjudicator, article=article, seen_groups=[agreement.parse_group_key(g.key) for g in agreeing])
    workflow.create_gold(
        user=adjudicator, article=article, seen=factories.seen(mine, theirs),
        data={**_form_data(article, "۳۰۰۰ نفر"), "verification_status": _verdict("misleading"), "decision_note": "تصمیم"},
    )
    assert GoldClaim.objects.count() == 2 and set(GoldClaim.objects.get(provenance="unanimous").annotations.all()) == set(agreed)

    claims_file, gold_file = tmp_path / "claims.json", tmp_path / "gold.json"
    before = comparable(export(claims_file)), comparable(export(gold_file, gold=True))

    # Lose everything but the users and the vocabularies.
    GoldClaim.objects.all().delete()
    Rejection.objects.all().delete()
    Claim.objects.all().delete()
    Assignment.objects.all().delete()
    Article.objects.all().delete()
    Source.objects.all().delete()
    Project.objects.all().delete()

    # Restore, as the README says.
    assert "Imported 2 article(s)" in command("import_articles", str(claims_file), project="Backup")
    assert "Loaded 5 claim(s)" in command("import_annotations", str(claims_file), project="Backup")
    assert "Loaded 2 claim(s)" in command("import_annotations", str(gold_file), project="Backup")

    after = comparable(export(tmp_path / "claims2.json")), comparable(export(tmp_path / "gold2.json", gold=True))
    for was, now in zip(before, after):
        assert json.dumps(now, indent=1, ensure_ascii=False, sort_keys=True).splitlines() == json.dumps(was, indent=1, ensure_ascii=False, sort_keys=True).splitlines()
    # Restoring again changes nothing.
    assert "Loaded 0 claim(s)" in command("import_annotations", str(claims_file), project="Backup")
    assert "Loaded 0 claim(s)" in command("import_annotations", str(gold_file), project="Backup")
    assert GoldClaim.objects.count() == 2


def test_gold_before_its_claims_is_refused(tmp_path, annotator, adjudicator):
    project = factories.make_project("Backup")
    article = factories.make_article("خبر فيه 3000 شخص", project=project, external_id="g1")
    claim = factories.make_claim(article, annotator, "3000")
    workflow.accept_version(user=adjudicator, article=article, seen=factories.seen(claim), chosen_id=claim.pk)
    gold_file = tmp_path / "gold.json"
    export(gold_file, gold=True)
    GoldClaim.objects.all().delete()
    Claim.objects.all().delete()
    err = StringIO()
    with pytest.raises(Exception, match="nothing was loaded"):
        call_command("import_annotations", str(gold_file), stdout=StringIO(), stderr=err)
    assert "load the annotators' claims first" in err.getvalue()
    assert not GoldClaim.objects.exists()


def _verdict(slug):
    from annotations.models import Verdict

    return Verdict.objects.get(pk=slug)


def _form_data(article, quote) -> dict:
    from annotations.forms import GoldForm

    form = GoldForm(factories.claim_post(article, quote), article=article)
    assert form.is_valid(), form.errors
    return form.cleaned_data
