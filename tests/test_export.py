"""export_annotations and the staff download: shape, the offset contract, CSV safety, streaming."""

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import exporting
from annotations.models import Source

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
