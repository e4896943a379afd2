"""Backup (export everything, gold included) and restore (re-import) round-trip to identical data,
timestamps included."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.timezone import now as django_now

from annotations import agreement, reading, workflow
from annotations.models import Article, Assignment, Claim, GoldClaim, Project, Rejection, Source

from . import factories

pytestmark = pytest.mark.django_db

TEXT = "😀 قال \u200fمصطفى بالي\u200f لرويترز إن «3000» شخص غادروا الباغوز.\r\nمی\u200cگویند ۳۰۰۰ نفر =SUM(1)"


def export(path, **options) -> dict:
    call_command("export_annotations", format="json", project="Backup", output=str(path), **options)
    return json.loads(path.read_text(encoding="utf-8"))


def comparable(data: dict) -> dict:
    """The export without what a restore cannot keep: database ids (and when it was exported)."""
    data = {key: value for key, value in data.items() if key != "exported_at"}
    for article in data["articles"]:
        for claim in article["claims"]:
            claim.pop("id")
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
    # Made and changed at distinct times long ago, so a restore stamped with its own time would show.
    for number, claim in enumerate(Claim.objects.order_by("pk")):
        Claim.objects.filter(pk=claim.pk).update(
            created_at=datetime(2024, 3, 1, 9, number, 7, 123456, tzinfo=UTC),
            updated_at=datetime(2024, 3, 2, 10, number, 8, 654321, tzinfo=UTC),
        )
    GoldClaim.objects.update(created_at=datetime(2024, 4, 1, 8, 0, 1, 5, tzinfo=UTC))

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
    # Exactly what was loaded: the file names two articles, but only one has claims.
    assert "Loaded 5 claim(s) and 0 gold claim(s) on 1 article(s); 0 already present." in command(
        "import_annotations", str(claims_file), project="Backup"
    )
    assert "Loaded 0 claim(s) and 2 gold claim(s) on 1 article(s); 0 already present." in command(
        "import_annotations", str(gold_file), project="Backup"
    )

    after = comparable(export(tmp_path / "claims2.json")), comparable(export(tmp_path / "gold2.json", gold=True))
    for was, now in zip(before, after, strict=True):
        assert json.dumps(now, indent=1, ensure_ascii=False, sort_keys=True).splitlines() == json.dumps(was, indent=1, ensure_ascii=False, sort_keys=True).splitlines()
    # The history's creation records carry the restored times too, so restoring one gives them back.
    for model in (Claim, GoldClaim):
        for row in model.objects.all():
            made = model.history.filter(id=row.pk, history_type="+").get()
            assert (made.created_at, made.updated_at) == (row.created_at, row.updated_at)
    # Restoring again changes nothing.
    assert "Loaded 0 claim(s) and 0 gold claim(s) on 0 article(s); 5 already present." in command(
        "import_annotations", str(claims_file), project="Backup"
    )
    assert "Loaded 0 claim(s) and 0 gold claim(s) on 0 article(s); 2 already present." in command(
        "import_annotations", str(gold_file), project="Backup"
    )
    assert GoldClaim.objects.count() == 2


def test_restore_timestamps_when_the_file_has_one_or_none(tmp_path, annotator):
    """A file from another tool may give one time or none: a missing one takes the other's, else the time of loading."""
    project = factories.make_project("Backup")
    text = "خبر فيه 3000 شخص و200 آخرون"
    article = factories.make_article(text, project=project, external_id="t1")
    at = {quote: text.index(quote) for quote in ("3000", "200", "خبر")}
    claim = {"claim_type": "numerical", "check_worthiness": "check_worthy", "verification_status": "unassessed",
             "attribution": "unattributed", "annotator": annotator.username}
    claims = [
        {**claim, "start": at["3000"], "end": at["3000"] + 4, "quote": "3000", "created_at": "2024-05-06T07:08:09"},
        {**claim, "start": at["200"], "end": at["200"] + 3, "quote": "200", "updated_at": "2024-05-06T10:00:00+03:30"},
        {**claim, "start": 0, "end": 3, "quote": "خبر"},
    ]
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps({"external_id": "t1", "text_sha256": article.text_sha256, "claims": claims}), encoding="utf-8")
    before = django_now()
    command("import_annotations", str(path))
    naive, offset, none = (Claim.objects.get(quote=quote) for quote in ("3000", "200", "خبر"))
    assert naive.created_at == naive.updated_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert offset.created_at == offset.updated_at == datetime(2024, 5, 6, 6, 30, tzinfo=UTC)
    assert none.created_at >= before and none.updated_at >= before


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01T00:00:00", 20240101])
def test_a_bad_timestamp_refuses_the_file(tmp_path, annotator, value):
    project = factories.make_project("Backup")
    article = factories.make_article("خبر فيه 3000 شخص", project=project, external_id="t2")
    claim = {"start": 8, "end": 12, "quote": "3000", "claim_type": "numerical", "check_worthiness": "check_worthy",
             "verification_status": "unassessed", "attribution": "unattributed", "annotator": annotator.username,
             "created_at": value}
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"articles": [{"external_id": "t2", "text_sha256": article.text_sha256, "claims": [claim]}]}), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("import_annotations", str(path), stdout=StringIO(), stderr=err)
    assert "'created_at' must be an ISO 8601 date and time" in err.getvalue()
    assert not Claim.objects.exists()


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
