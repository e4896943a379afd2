"""Claims from other tools (`import_annotations --from`): files written by doccano's, Label Studio's
and the W3C model's own conventions (tests/data/interop/, with emoji, ZWNJ and CRLF) load exactly,
through the same validation as the export's own files, and whatever cannot be placed exactly
is refused with its file, row and reason, nothing written."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import text as textlib
from annotations.models import Claim

from . import factories
from .data.interop import make_fixtures

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "interop"
LABEL_MAP = str(DATA / "label-map.json")


@pytest.fixture
def articles(project, annotator):
    return {
        external_id: factories.make_article(text, project=project, external_id=external_id, url=make_fixtures.URL if external_id == "interop-1" else "")
        for external_id, text in make_fixtures.TEXTS.items()
    }


def load(path, **options) -> str:
    out = StringIO()
    call_command("import_annotations", str(path), stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def refused(path, **options) -> str:
    before = Claim.objects.count()
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_annotations", str(path), stdout=StringIO(), stderr=err, **options)
    assert Claim.objects.count() == before
    return err.getvalue() + str(error.value)


def spans() -> set:
    return {
        (c.article.external_id, c.quote, c.claim_type_id, c.attribution_id, c.check_worthiness_id, c.verification_status_id)
        for c in Claim.objects.select_related("article")
    }


def expected() -> set:
    labels = {"CLAIM": ("numerical", "unattributed"), "QUOTE": ("quote", "direct_quote")}
    return {
        (external_id, quote, *labels[label], "check_worthy", "unassessed")
        for external_id, pairs in make_fixtures.SPANS.items()
        for quote, label in pairs
    }


def test_fixtures_are_current():
    assert (DATA / "doccano.jsonl").read_text(encoding="utf-8") == make_fixtures.doccano()
    assert (DATA / "labelstudio.json").read_text(encoding="utf-8") == make_fixtures.labelstudio()
    assert (DATA / "w3c-annotations.jsonld").read_text(encoding="utf-8") == make_fixtures.w3c()


def test_offsets_refused_inside_a_surrogate_pair_or_a_crlf():
    with pytest.raises(textlib.TextError) as error:
        textlib.utf16_to_codepoint("😀x", 1)
    assert error.value.code == "splits_pair"
    with pytest.raises(textlib.TextError) as error:
        textlib.offset_after_newlines("a\r\nb", 2)
    assert error.value.code == "splits_crlf"
    assert textlib.offset_after_newlines("a\r\nb\r\nc", 6) == 4


# doccano


def test_doccano_utf16_offsets_on_crlf_text_load_exactly(articles, annotator):
    out = load(DATA / "doccano.jsonl", tool="doccano", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator")
    assert spans() == expected()
    assert "row 2: 1 relation(s) ignored" in out
    for claim in Claim.objects.all():
        assert claim.article.text[claim.start : claim.end] == claim.quote
        assert claim.annotator == annotator
    # Loading again skips what is there.
    assert "already present" in load(DATA / "doccano.jsonl", tool="doccano", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator")
    assert Claim.objects.count() == len(expected())


def test_doccano_with_astral_text_and_no_unit_is_refused_explaining_the_choice(articles, annotator):
    message = refused(DATA / "doccano.jsonl", tool="doccano", label_map=LABEL_MAP, annotator="annotator")
    assert "doccano.jsonl" in message and "rows 1, 2" in message
    assert "--offset-unit utf16 or --offset-unit codepoint" in message and "UTF-16 code units" in message


def test_doccano_read_in_the_wrong_unit_is_refused_with_a_hint_at_the_unit(articles, annotator):
    message = refused(DATA / "doccano.jsonl", tool="doccano", label_map=LABEL_MAP, offset_unit="codepoint", annotator="annotator")
    assert "doccano.jsonl, row 1" in message and "offsets were read as code points: is --offset-unit utf16 right?" in message


def test_doccano_without_astral_characters_needs_no_unit(project, annotator, tmp_path):
    text = "قال الوزير\r\nإن 3000 شخص غادروا."
    factories.make_article(text.replace("\r\n", "\n"), project=project)
    start = text.index("3000")
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[start, start + 8, "CLAIM"]]}) + "\n", encoding="utf-8")
    load(path, tool="doccano", label_map=LABEL_MAP, annotator="annotator")
    assert Claim.objects.get().quote == "3000 شخص"


def test_doccano_refusals_name_file_row_and_reason(articles, annotator, tmp_path):
    rows = [json.loads(line) for line in (DATA / "doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["label"][0][2] = "OPINION"  # a label the map does not know
    rows[1]["text"] = rows[1]["text"].replace("120", "121")  # no article has this text
    raw = make_fixtures.crlf(make_fixtures.TEXTS["interop-1"])
    between = make_fixtures.utf16(raw, raw.index("\r\n") + 1)
    rows.append({"text": raw, "label": [[between - 8, between, "CLAIM"]]})  # ends between CR and LF
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    message = refused(path, tool="doccano", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator")
    assert "bad.jsonl, row 1: label 1: label 'OPINION' is not in the label map" in message
    assert "bad.jsonl, row 2: no article has this text" in message
    assert "bad.jsonl, row 3: label 1: end: the offset" in message and "between a CR and its LF" in message


def test_doccano_without_a_label_map_or_annotator_is_refused(articles, annotator):
    assert "is not in a label map (--label-map)" in refused(DATA / "doccano.jsonl", tool="doccano", offset_unit="utf16", annotator="annotator")
    assert "--annotator" in refused(DATA / "doccano.jsonl", tool="doccano", offset_unit="utf16")
    assert "add --from" in refused(DATA / "doccano.jsonl", offset_unit="utf16")


def test_a_bad_label_map_is_refused_naming_it(articles, annotator, tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"CLAIM": {"claim_kind": "numerical"}}), encoding="utf-8")
    message = refused(DATA / "doccano.jsonl", tool="doccano", label_map=str(path), offset_unit="utf16", annotator="annotator")
    assert "map.json: label 'CLAIM': 'claim_kind' is not a label field" in message
    path.write_text(json.dumps({"CLAIM": {"claim_type": "numbers"}}), encoding="utf-8")
    assert "'numbers' is not a value of claim_type" in refused(
        DATA / "doccano.jsonl", tool="doccano", label_map=str(path), offset_unit="utf16", annotator="annotator"
    )


# Label Studio


def test_label_studio_spans_are_checked_against_their_text_and_load(articles, annotator):
    load(DATA / "labelstudio.json", tool="labelstudio", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator")
    assert spans() == expected()
    claim = Claim.objects.get(quote__startswith="الباغوز")
    assert claim.quote == "الباغوز.\nمی\u200cگویند"  # the CRLF inside the span became the stored LF
    assert claim.created_at.isoformat().startswith("2024-03-05T10:11:12")


def test_label_studio_counted_in_the_wrong_unit_is_refused_span_by_span(articles, annotator):
    message = refused(DATA / "labelstudio.json", tool="labelstudio", label_map=LABEL_MAP, offset_unit="codepoint", annotator="annotator")
    assert "labelstudio.json, row 1: result 'r1-0': its text is '3000 شخص', but 21–29 counted in code points covers" in message


def test_label_studio_without_a_unit_says_which_one_its_texts_fit(articles, annotator):
    message = refused(DATA / "labelstudio.json", tool="labelstudio", label_map=LABEL_MAP, annotator="annotator")
    assert "--offset-unit utf16 or --offset-unit codepoint" in message
    assert "matches when counted in UTF-16 code units: --offset-unit utf16" in message


def test_label_studio_task_with_two_annotators_is_refused(articles, annotator, tmp_path):
    tasks = json.loads((DATA / "labelstudio.json").read_text(encoding="utf-8"))
    tasks[0]["annotations"].append(dict(tasks[0]["annotations"][0], id=99, completed_by=2))
    path = tmp_path / "two.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    message = refused(path, tool="labelstudio", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator")
    assert "two.json, row 1: the task has 2 annotations" in message


# W3C


def test_w3c_annotations_of_another_tool_load_by_url_and_quote(articles, annotator):
    load(DATA / "w3c-annotations.jsonld", tool="w3c", label_map=LABEL_MAP)
    claims = Claim.objects.order_by("start")
    assert [c.quote for c in claims] == ["3000 شخص", "۳۰۰۰ نفر", "50٪ زن"]  # the second placed by its quote alone
    assert {c.note for c in claims} == {"رقم يحتاج إلى مصدر"}
    assert {c.annotator for c in claims} == {annotator}  # the creator's nickname
    again = load(DATA / "w3c-annotations.jsonld", tool="w3c", label_map=LABEL_MAP)
    # One annotation per row, each its row's "claim 1": the row tells them apart.
    present = [line for line in again.splitlines() if line.strip().endswith("already present")]
    assert len(present) == 3 and len(set(present)) == 3 and all("w3c-annotations.jsonld, row " in line for line in present)
    assert Claim.objects.count() == 3


def test_w3c_quote_that_does_not_fit_or_unknown_source_is_refused(articles, annotator, tmp_path):
    items = json.loads((DATA / "w3c-annotations.jsonld").read_text(encoding="utf-8"))
    items[0]["target"]["selector"][1]["exact"] = "3000 نفر"
    items[1]["target"]["selector"][0]["prefix"] = "nowhere"
    items[2]["target"]["source"] = "https://example.org/elsewhere"
    path = tmp_path / "bad.jsonld"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    message = refused(path, tool="w3c", label_map=LABEL_MAP)
    assert "bad.jsonld, row 1: annotation 'https://annotations.example.org/anno/1': its text is '3000 نفر'" in message
    assert "bad.jsonld, row 2: annotation 'https://annotations.example.org/anno/2': its quote '۳۰۰۰ نفر' with its prefix and suffix is not in the text" in message
    assert "bad.jsonld, row 3: no article is at 'https://example.org/elsewhere'" in message


def test_the_label_map_file_is_read_by_its_own_path(articles, annotator, tmp_path):
    shutil.copy(LABEL_MAP, tmp_path / "ours.json")
    load(DATA / "w3c-annotations.jsonld", tool="w3c", label_map=str(tmp_path / "ours.json"))
    assert Claim.objects.count() == 3


def test_dry_run_and_project_scope(articles, annotator):
    out = load(DATA / "labelstudio.json", tool="labelstudio", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator", dry_run=True)
    assert "Dry run: would load 6 claim(s)" in out and Claim.objects.count() == 0
    factories.make_project("Elsewhere")
    message = refused(DATA / "labelstudio.json", tool="labelstudio", label_map=LABEL_MAP, offset_unit="utf16", annotator="annotator", project="Elsewhere")
    assert "labelstudio.json, row 1: no article has this text" in message
