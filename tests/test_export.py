"""export_annotations and the staff download: shape, the offset contract, CSV safety, streaming."""

import csv
import io
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import exporting
from annotations.models import Appearance, Source

from . import factories

pytestmark = pytest.mark.django_db

TRICKY = (
    "می\u200cخواهم بگویم ۳۰۰۰ نفر 👨\u200d👩\u200d👧 رفتند.\n"
    "بِسْمِ اللَّهِ 🇸🇾 قال \u200fالمتحدث\u200f: «=SUM(1)» و+3000 و-5 و@x\n"
    "e\u0301 <b>&amp;</b> \U0001d400"
)
QUOTES = ["می\u200cخواهم", "۳۰۰۰ نفر", "👨\u200d👩\u200d👧", "بِسْمِ اللَّهِ", "🇸🇾", "المتحدث", "=SUM(1)", "+3000", "-5", "@x", "e\u0301", "<b>&amp;</b>", "\U0001d400"]


@pytest.fixture
def exported(project, annotator, other_annotator):
    article = factories.make_article(TRICKY, project=project, external_id="tricky", title="=HYPERLINK(1)")
    empty = factories.make_article("مقال بلا ادعاءات", project=project, external_id="empty")
    source = Source.objects.create(name="المتحدث", kind="government_body")
    for quote in QUOTES:
        factories.make_claim(article, annotator, quote)
    # An overlapping claim by another annotator, with an anchored claimant.
    factories.make_claim(
        article, other_annotator, "قال \u200fالمتحدث", source=source,
        source_start=TRICKY.index("المتحدث"), source_end=TRICKY.index("المتحدث") + 7,
        evidence=["https://example.org/a", "https://example.org/b"], note="-note",
    )
    return article, empty


def export(fmt, **options) -> str:
    out = StringIO()
    call_command("export_annotations", format=fmt, stdout=out, **options)
    return out.getvalue()


def export_bytes(fmt, capsysbinary, **options) -> str:
    call_command("export_annotations", format=fmt, **options)
    return capsysbinary.readouterr().out.decode("utf-8")


def test_json_shape_and_offsets(exported, capsysbinary):
    data = json.loads(export_bytes("json", capsysbinary))
    assert data["schema_version"] == 1
    assert data["offset_unit"] == "unicode_code_point"
    articles = {a["external_id"]: a for a in data["articles"]}
    assert set(articles) == {"tricky", "empty"}
    assert articles["empty"]["claims"] == []
    tricky = articles["tricky"]
    assert tricky["text"] == TRICKY and tricky["language"] == "fa"
    assert len(tricky["claims"]) == len(QUOTES) + 1
    for claim in tricky["claims"]:
        assert tricky["text"][claim["start"] : claim["end"]] == claim["quote"]
        assert {"claim_type", "check_worthiness", "verification_status", "attribution", "source", "evidence", "note", "annotator"} <= claim.keys()
    anchored = next(c for c in tricky["claims"] if c["source"])
    assert anchored["source"] == {"name": "المتحدث", "kind": "government_body", "start": TRICKY.index("المتحدث"), "end": TRICKY.index("المتحدث") + 7}
    assert tricky["text"][anchored["source"]["start"] : anchored["source"]["end"]] == "المتحدث"
    assert anchored["evidence"] == ["https://example.org/a", "https://example.org/b"]
    assert anchored["annotator"] == "other"


def test_jsonl_one_article_per_line(exported, capsysbinary):
    lines = export_bytes("jsonl", capsysbinary).splitlines()
    assert len(lines) == 2
    for line in lines:
        article = json.loads(line)
        assert article["offset_unit"] == "unicode_code_point"
        for claim in article["claims"]:
            assert article["text"][claim["start"] : claim["end"]] == claim["quote"]


def test_csv_rows_offsets_and_formula_safety(exported, capsysbinary):
    text = export_bytes("csv", capsysbinary)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0].keys()) == list(exporting.CSV_COLUMNS)
    claims = [row for row in rows if row["claim_id"]]
    assert len(claims) == len(QUOTES) + 1
    assert [row["article_external_id"] for row in rows if not row["claim_id"]] == ["empty"]
    for row in claims:
        quote = row["quote"]
        if quote.startswith("'") and quote[1:2] in ("=", "+", "-", "@"):
            quote = quote[1:]  # documented: one apostrophe is prefixed to formula-like cells
        assert TRICKY[int(row["start"]) : int(row["end"])] == quote
        assert row["offset_unit"] == "unicode_code_point"
    by_quote = {row["quote"] for row in claims}
    assert {"'=SUM(1)", "'+3000", "'-5", "'@x"} <= by_quote
    assert "=SUM(1)" not in by_quote
    assert any(row["note"] == "'-note" for row in claims)


def test_formula_safe():
    for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert exporting.formula_safe(risky) == "'" + risky
    assert exporting.formula_safe("3000") == "3000"
    assert exporting.formula_safe(5) == 5


def test_output_file_keeps_text_exactly(exported, tmp_path):
    path = tmp_path / "out.json"
    call_command("export_annotations", format="json", output=str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert next(a for a in data["articles"] if a["external_id"] == "tricky")["text"] == TRICKY


def test_project_and_annotator_filters(exported, project):
    other_project = factories.make_project("Other")
    factories.make_article("خبر آخر", project=other_project)
    data = json.loads(export("json", project="Baghuz", annotator="other"))
    assert {a["external_id"] for a in data["articles"]} == {"tricky", "empty"}
    assert [c["annotator"] for a in data["articles"] for c in a["claims"]] == ["other"]


def test_streams_with_two_queries_whatever_the_size(project, annotator, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 10)
    for i in range(25):
        article = factories.make_article(f"خبر رقم {i} فيه 3000", project=project, external_id=f"a{i:02}")
        factories.make_claim(article, annotator, "3000")
        factories.make_claim(article, annotator, "خبر")
    stream = exporting.stream("jsonl")
    with CaptureQueriesContext(connection) as queries:
        first = json.loads(next(stream))
        rest = [json.loads(line) for line in stream]
    # One ordered stream of articles and one of claims, read as the output is written.
    assert len(queries.captured_queries) == 2
    assert [a["external_id"] for a in [first, *rest]] == [f"a{i:02}" for i in range(25)]
    assert all([c["quote"] for c in a["claims"]] == ["خبر", "3000"] for a in [first, *rest])


def test_staff_download_streams_and_others_are_refused(exported, client, annotator, staff):
    url = reverse("export_download")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(annotator)
    assert client.get(url, {"format": "csv"}).status_code == 403
    client.force_login(staff)
    response = client.get(url, {"format": "jsonl"})
    assert response.status_code == 200 and response.streaming
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert len(body.splitlines()) == 2
    assert client.get(url, {"format": "xml"}).status_code == 400


# Canonical claims: each claim's id, and the JSON export's list.


@pytest.fixture
def linked(exported, project, annotator, other_annotator, adjudicator):
    """Two canonical claims seen in the exported project, one only elsewhere."""
    article, _empty = exported
    mine = article.claims.get(annotator=annotator, quote="۳۰۰۰ نفر")
    theirs = article.claims.get(annotator=other_annotator)
    gold = factories.make_gold(article, adjudicator, "۳۰۰۰ نفر", from_claims=[mine], verification_status_id="false")
    elsewhere = factories.make_article("قال المتحدث إن 3000 شخص غادروا.", project=factories.make_project("Elsewhere"), external_id="elsewhere")
    far = factories.make_claim(elsewhere, annotator, "3000 شخص")
    source = Source.objects.get(name="المتحدث")
    numbers = factories.make_canonical(
        "۳۰۰۰ نفر از باغوز خارج شدند", created_by=adjudicator, translation="3,000 people left al-Baghuz",
        translation_language="en", claimant=source, verdict_id="false", first_appearance_url="https://example.org/first",
        first_appeared_on=date(2019, 3, 4), note="=the Reuters figure",
    )
    factories.make_evidence(numbers, "https://example.org/undated", title="بدون تاریخ")
    factories.make_evidence(
        numbers, "https://example.org/report", title="گزارش", published_on=date(2019, 3, 6),
        archived_url="https://web.archive.org/x", checked_on=date(2019, 3, 7),
    )
    spokesman = factories.make_canonical("المتحدث قال", created_by=adjudicator, language="ar")
    only_elsewhere = factories.make_canonical("3000 شخص غادروا", created_by=adjudicator)
    factories.link(numbers, gold)
    factories.link(numbers, mine)
    factories.link(numbers, far)  # in another project: not listed with --project
    factories.link(spokesman, theirs)
    other_far = factories.make_claim(elsewhere, other_annotator, "قال")
    factories.link(only_elsewhere, other_far)
    return {"numbers": numbers, "spokesman": spokesman, "elsewhere": only_elsewhere, "mine": mine, "theirs": theirs, "gold": gold}


def test_json_carries_canonical_ids_and_the_canonical_claims(linked, adjudicator):
    numbers, spokesman = linked["numbers"], linked["spokesman"]
    data = json.loads(export("json", project="Baghuz"))
    assert data["schema_version"] == 1
    assert list(data) == ["schema_version", "offset_unit", "gold", "exported_at", "articles", "canonical_claims"]
    claims = {c["id"]: c for a in data["articles"] for c in a["claims"]}
    assert claims[linked["mine"].pk]["canonical_claim"] == numbers.pk
    assert claims[linked["theirs"].pk]["canonical_claim"] == spokesman.pk
    assert all(c["canonical_claim"] is None for pk, c in claims.items() if pk not in (linked["mine"].pk, linked["theirs"].pk))
    by_id = {c["id"]: c for c in data["canonical_claims"]}
    assert list(by_id) == [numbers.pk, spokesman.pk]  # by id; the one seen only elsewhere is not listed
    tricky = TRICKY.index("۳۰۰۰ نفر")
    assert by_id[numbers.pk] == {
        "id": numbers.pk,
        "statement": "۳۰۰۰ نفر از باغوز خارج شدند",
        "language": "fa",
        "translation": "3,000 people left al-Baghuz",
        "translation_language": "en",
        "claimant": {"name": "المتحدث", "kind": "government_body"},
        "verdict": "false",
        "verdict_override_note": "",
        "first_appearance_url": "https://example.org/first",
        "first_appeared_on": "2019-03-04",
        "note": "=the Reuters figure",
        "evidence": [
            {"url": "https://example.org/report", "title": "گزارش", "published_on": "2019-03-06",
             "archived_url": "https://web.archive.org/x", "checked_on": "2019-03-07"},
            {"url": "https://example.org/undated", "title": "بدون تاریخ", "published_on": None, "archived_url": "", "checked_on": None},
        ],
        # Only the appearances in the exported project: gold first, then annotators' claims.
        "appearances": [
            {"external_id": "tricky", "start": tricky, "end": tricky + 8, "gold": True, "annotator": None},
            {"external_id": "tricky", "start": tricky, "end": tricky + 8, "gold": False, "annotator": "annotator"},
        ],
    }
    theirs = linked["theirs"]
    assert by_id[spokesman.pk]["claimant"] is None and by_id[spokesman.pk]["verdict"] is None
    assert by_id[spokesman.pk]["appearances"] == [
        {"external_id": "tricky", "start": theirs.start, "end": theirs.end, "gold": False, "annotator": "other"}
    ]
    everything = json.loads(export("json"))
    assert [c["id"] for c in everything["canonical_claims"]] == [numbers.pk, spokesman.pk, linked["elsewhere"].pk]
    assert [a["external_id"] for a in next(c for c in everything["canonical_claims"] if c["id"] == numbers.pk)["appearances"]] == ["tricky", "tricky", "elsewhere"]


def test_gold_json_carries_canonical_ids_and_the_same_list(linked):
    data = json.loads(export("json", project="Baghuz", gold=True))
    golds = [c for a in data["articles"] for c in a["claims"]]
    assert [(c["id"], c["canonical_claim"]) for c in golds] == [(linked["gold"].pk, linked["numbers"].pk)]
    plain = json.loads(export("json", project="Baghuz"))
    assert data["canonical_claims"] == plain["canonical_claims"]


def test_json_without_canonical_claims_has_an_empty_list(exported):
    data = json.loads(export("json"))
    assert data["canonical_claims"] == []
    assert all(c["canonical_claim"] is None for a in data["articles"] for c in a["claims"])


def test_jsonl_carries_canonical_ids_only(linked):
    for gold in (False, True):
        lines = export("jsonl", project="Baghuz", gold=gold).splitlines()
        articles = [json.loads(line) for line in lines]
        assert [a["external_id"] for a in articles] == ["tricky", "empty"]  # still one article per line
        ids = {c["id"]: c["canonical_claim"] for a in articles for c in a["claims"]}
        expected = linked["gold"] if gold else linked["mine"]
        assert ids[expected.pk] == linked["numbers"].pk
        assert "canonical_claims" not in articles[-1]


def test_csv_canonical_claim_follows_the_earlier_columns(linked):
    rows = list(csv.DictReader(io.StringIO(export("csv", project="Baghuz"), newline="")))
    # Columns are only ever added at the end: canonical_claim after annotator, then the suggestion's.
    assert list(rows[0]) == list(exporting.CSV_COLUMNS)
    assert list(rows[0])[-4:] == ["canonical_claim", "suggestion_model", "suggestion_model_version", "suggestion_score"]
    by_id = {row["claim_id"]: row["canonical_claim"] for row in rows}
    assert by_id[str(linked["mine"].pk)] == str(linked["numbers"].pk)
    assert by_id[str(linked["theirs"].pk)] == str(linked["spokesman"].pk)
    assert by_id[""] == ""  # the article without claims
    assert sum(1 for value in by_id.values() if value) == 2
    gold = list(csv.DictReader(io.StringIO(export("csv", project="Baghuz", gold=True), newline="")))
    assert list(gold[0]) == list(exporting.CSV_GOLD_COLUMNS) and list(gold[0])[-1] == "canonical_claim"
    assert [(row["claim_id"], row["canonical_claim"]) for row in gold if row["claim_id"]] == [
        (str(linked["gold"].pk), str(linked["numbers"].pk))
    ]


@pytest.mark.parametrize("gold", [False, True])
def test_canonical_claims_stream_in_constant_queries_per_chunk(project, annotator, adjudicator, monkeypatch, gold):
    monkeypatch.setattr(exporting, "CHUNK", 10)
    for i in range(25):
        article = factories.make_article(f"خبر رقم {i} فيه 3000", project=project, external_id=f"a{i:02}")
        claim = factories.make_claim(article, annotator, "3000")
        canonical = factories.make_canonical(f"ادعاء {i}", created_by=adjudicator)
        factories.make_evidence(canonical, f"https://example.org/{i}")
        factories.link(canonical, factories.make_gold(article, adjudicator, "3000", from_claims=[claim]) if gold else claim)
    with CaptureQueriesContext(connection) as queries:
        data = json.loads("".join(exporting.stream("json", gold=gold)))
    # Articles and claims: one stream each (gold: plus the claims each came from, per chunk of 10
    # articles); canonical claims: one stream, and their evidence and appearances per chunk of 10.
    assert len(queries.captured_queries) == 2 + (3 if gold else 0) + 1 + 2 * 3
    assert len(data["canonical_claims"]) == 25
    assert all(len(c["evidence"]) == 1 and len(c["appearances"]) == 1 for c in data["canonical_claims"])
    assert all(a["claims"][0]["canonical_claim"] == c["id"] for a, c in zip(data["articles"], data["canonical_claims"], strict=True))


def test_an_export_with_canonical_claims_loads_back(linked, tmp_path):
    claims_file, gold_file = tmp_path / "claims.json", tmp_path / "gold.json"
    call_command("export_annotations", format="json", project="Baghuz", output=str(claims_file))
    call_command("export_annotations", format="json", project="Baghuz", gold=True, output=str(gold_file))
    assert json.loads(claims_file.read_text(encoding="utf-8"))["canonical_claims"]
    article = linked["mine"].article
    article.goldclaims.all().delete()
    article.claims.all().delete()
    out = StringIO()
    call_command("import_annotations", str(claims_file), project="Baghuz", stdout=out, stderr=StringIO())
    call_command("import_annotations", str(gold_file), project="Baghuz", stdout=out, stderr=StringIO())
    assert article.claims.count() == len(QUOTES) + 1
    assert list(article.goldclaims.values_list("quote", flat=True)) == ["۳۰۰۰ نفر"]
    # The claims file linked the annotator's claim, the gold file its gold claim, to one canonical claim.
    restored = Appearance.objects.filter(article=article).select_related("canonical")
    assert {(a.claim_id is None, a.canonical.statement) for a in restored} == {
        (True, "۳۰۰۰ نفر از باغوز خارج شدند"), (False, "۳۰۰۰ نفر از باغوز خارج شدند"), (False, "المتحدث قال"),
    }
    assert len({a.canonical_id for a in restored if a.canonical.statement.startswith("۳۰۰۰")}) == 1
