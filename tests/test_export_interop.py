"""The exports for other tools: W3C Web Annotation (expanded with pyld against the W3C context shipped
in tests/data), UIMA CAS XMI read back with dkpro-cassis, and the CheckThat! TSV of gold; and the
W3C export loads back through `import_annotations --from w3c`."""

import csv
import io
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyld import jsonld

from annotations import exporting
from annotations.exporting.checkthat import sentences
from annotations.models import Claim

from . import factories

pytestmark = pytest.mark.django_db

CONTEXT = json.loads((Path(__file__).parent / "data" / "w3c-anno-context.jsonld").read_text(encoding="utf-8"))
OA = "http://www.w3.org/ns/oa#"
# Emoji (one astral, one ZWJ family), a ZWNJ inside a claim, a line break between claims.
TEXT = "😀 قال مصطفى بالي إن 3000 شخص غادروا الباغوز.\nمی\u200cگویند ۳۰۰۰ نفر خارج شدند 👩\u200d👩\u200d👧 و 50٪ زن بودند."
QUOTES = ["3000 شخص", "می\u200cگویند ۳۰۰۰ نفر", "50٪ زن"]


def offline_loader(url, options=None):
    assert url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"), url
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


@pytest.fixture
def claims(project, annotator, other_annotator):
    article = factories.make_article(TEXT, project=project, external_id="a/1", url="https://example.org/a1")
    factories.make_article("مقال بلا ادعاءات.", project=project, external_id="a2")
    made = [
        factories.make_claim(article, annotator, QUOTES[0], verification_status_id="false", note="يحتاج مصدراً", evidence=["https://example.org/e"]),
        factories.make_claim(article, annotator, QUOTES[1], claim_type_id="quote", attribution_id="paraphrase"),
        factories.make_claim(article, other_annotator, QUOTES[2], check_worthiness_id="not_factual"),
    ]
    return article, made


def export(tmp_path, fmt, **options) -> Path:
    path = tmp_path / f"out.{exporting.FORMATS[fmt].extension}"
    call_command("export_annotations", format=fmt, output=str(path), stdout=StringIO(), **options)
    return path


def test_w3c_is_json_ld_with_code_point_positions_quotes_and_an_assessing_verdict(claims, tmp_path):
    article, made = claims
    document = json.loads(export(tmp_path, "w3c").read_text(encoding="utf-8"))
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert len(document["@graph"]) == 3  # one annotation per claim
    expanded = jsonld.expand(document, {"documentLoader": offline_loader})
    by_id = {node["@id"]: node for node in jsonld.flatten(expanded, None, {"documentLoader": offline_loader})}
    annotations = [node for node in by_id.values() if node.get("@type") == [OA + "Annotation"]]
    assert len(annotations) == 3
    first = next(a for a in annotations if a["@id"].endswith(f"#claim-{made[0].pk}"))
    assert first[OA + "motivatedBy"] == [{"@id": OA + "classifying"}]
    bodies = [by_id[body["@id"]] for body in first[OA + "hasBody"]]
    purposes = {(b[OA + "hasPurpose"][0]["@id"], (b.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#value") or [{}])[0].get("@value")) for b in bodies}
    assert (OA + "assessing", "false") in purposes
    assert (OA + "classifying", "claim_type:numerical") in purposes
    assert (OA + "commenting", "يحتاج مصدراً") in purposes
    assert any(b[OA + "hasPurpose"][0]["@id"] == OA + "linking" and b[OA + "hasSource"] == [{"@id": "https://example.org/e"}] for b in bodies)
    target = by_id[first[OA + "hasTarget"][0]["@id"]]
    assert target[OA + "hasSource"][0]["@id"].endswith(f"/articles/{article.pk}/")
    assert target[OA + "hasScope"] == [{"@id": "https://example.org/a1"}]
    selectors = {by_id[s["@id"]]["@type"][0]: by_id[s["@id"]] for s in target[OA + "hasSelector"]}
    position, quote = selectors[OA + "TextPositionSelector"], selectors[OA + "TextQuoteSelector"]
    start, end = int(position[OA + "start"][0]["@value"]), int(position[OA + "end"][0]["@value"])
    assert TEXT[start:end] == quote[OA + "exact"][0]["@value"] == QUOTES[0]  # code points, after the emoji
    assert TEXT[:start].endswith(quote[OA + "prefix"][0]["@value"])
    assert TEXT[end:].startswith(quote[OA + "suffix"][0]["@value"])


def test_w3c_export_loads_back_unchanged(claims, tmp_path):
    def state():
        return sorted(
            (c.annotator.username, c.start, c.end, c.quote, c.claim_type_id, c.check_worthiness_id, c.verification_status_id,
             c.attribution_id, c.note, tuple(c.evidence), c.created_at)
            for c in Claim.objects.select_related("annotator")
        )

    before = state()
    path = export(tmp_path, "w3c")
    Claim.objects.all().delete()
    call_command("import_annotations", str(path), tool="w3c", stdout=StringIO(), stderr=StringIO())
    assert state() == before


def test_xmi_reads_back_with_cassis_to_the_same_covered_text(claims, tmp_path):
    from cassis import load_cas_from_xmi, load_typesystem

    article, made = claims
    with zipfile.ZipFile(export(tmp_path, "xmi")) as archive:
        names = archive.namelist()
        assert names == ["TypeSystem.xml", "a_1.xmi", "a2.xmi"]
        system = load_typesystem(archive.read("TypeSystem.xml").decode("utf-8"))
        cas = load_cas_from_xmi(archive.read("a_1.xmi").decode("utf-8"), typesystem=system)
        raw = archive.read("a_1.xmi").decode("utf-8")
    assert cas.sofa_string == TEXT
    assert cas.document_language == "fa"
    read = {(a.get_covered_text(), a.claimType, a.annotator) for a in cas.select("webanno.custom.Claim")}
    assert read == {(c.quote, c.claim_type_id, c.annotator.username) for c in made}
    # UIMA counts UTF-16 in the file: after the emoji, its begin is one more than the code point.
    assert f'begin="{made[0].start + 1}"' in raw


def test_xmi_needs_an_output_file(claims):
    with pytest.raises(CommandError, match="--output"):
        call_command("export_annotations", format="xmi", stdout=StringIO())


def test_sentence_segmentation_rule():
    text = "قال: «غادر 3000 شخص.» ثم عاد؟ نعم!\nسطر ثانٍ 3.5 بالمئة\n\n  Dr. Smith said so… yes"
    assert [text[s:e] for s, e in sentences(text)] == [
        "قال: «غادر 3000 شخص.»", "ثم عاد؟", "نعم!", "سطر ثانٍ 3.5 بالمئة", "Dr.", "Smith said so…", "yes",
    ]


def test_checkthat_tsv_labels_sentences_from_gold(claims, adjudicator, tmp_path):
    article, made = claims
    factories.make_gold(article, adjudicator, QUOTES[0])
    factories.make_gold(article, adjudicator, QUOTES[2], check_worthiness_id="not_factual")
    path = export(tmp_path, "checkthat")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t"))
    assert rows == [
        ["sentence_id", "sentence", "label"],
        ["a/1_1", "😀 قال مصطفى بالي إن 3000 شخص غادروا الباغوز.", "Yes"],
        ["a/1_2", "می\u200cگویند ۳۰۰۰ نفر خارج شدند 👩\u200d👩\u200d👧 و 50٪ زن بودند.", "No"],
    ]  # a2 has no gold decision: left out
    with pytest.raises(CommandError, match="--annotator"):
        call_command("export_annotations", format="checkthat", annotator="annotator", stdout=StringIO())


def test_admin_and_staff_download_offer_the_formats(claims, admin_client, client, staff):
    article, _made = claims
    response = admin_client.post(
        "/admin/annotations/article/", {"action": "export_gold_checkthat", "_selected_action": [article.pk]}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/tab-separated-values")
    response = admin_client.post("/admin/annotations/article/", {"action": "export_xmi", "_selected_action": [article.pk]})
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist() == ["TypeSystem.xml", "a_1.xmi"]
    response = admin_client.get("/export/?format=w3c")
    assert response["Content-Disposition"].endswith('.jsonld"')
    assert len(json.loads(b"".join(response.streaming_content))["@graph"]) == 3
