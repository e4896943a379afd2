"""The admin's "Import claims": every format of import_formats.FORMATS through the commands' own
planning, a dry run that lists the commands' refusals or counts, "Import" from the kept file, all
or nothing; who may use it; bad files refused with a clear message, never a 500. And suggestions
in the admin: shown in their article's direction, never edited."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from annotations import exporting, import_formats
from annotations.management.commands import import_annotations
from annotations.models import Claim, ImportJob, Suggestion, SuggestionDecision

from . import factories
from .test_interop import DATA, LABEL_MAP, articles, expected, spans  # noqa: F401  (articles is a fixture)

pytestmark = pytest.mark.django_db

URL = reverse("admin:annotations_claim_import")


def fixture(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


def label_map() -> SimpleUploadedFile:
    return SimpleUploadedFile("label-map.json", (DATA / "label-map.json").read_bytes())


def upload(client, file, fmt, **fields):
    """Post the form and follow to the job's page (after running the job); the job and the page."""
    response = client.post(URL, {"file": file, "format": fmt, **fields})
    assert response.status_code == 302, response.content[:3000]
    return response


def run(client, worker, response):
    worker()
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def confirm(client, worker, page):
    job = page.context["job"]
    response = client.post(reverse("admin:annotations_claim_import_confirm", args=[job.pk]))
    assert response.status_code == 302
    return run(client, worker, response)


def command_refusals(path, **options) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_annotations", str(path), stdout=StringIO(), stderr=err, **options)
    return [line.removeprefix("refused ") for line in err.getvalue().splitlines()]


# Each format, dry run then Import


def test_doccano_dry_run_then_import_loads_the_commands_claims(admin_client, worker, articles, annotator):  # noqa: F811
    fields = {"label_map": label_map(), "offset_unit": "utf16", "annotator": "annotator", "dry_run": "on"}
    page = run(admin_client, worker, upload(admin_client, fixture("doccano.jsonl"), "doccano", **fields))
    text = page.content.decode()
    assert "Dry run: would load 6 claim(s) and 0 gold claim(s) on 2 article(s); 0 already present. Nothing was written." in text
    assert 'id="import-checked"' in text and not Claim.objects.exists()
    page = confirm(admin_client, worker, page)
    assert "Loaded 6 claim(s) and 0 gold claim(s) on 2 article(s); 0 already present." in page.content.decode()
    assert spans() == expected()
    assert all(c.article.text[c.start:c.end] == c.quote for c in Claim.objects.select_related("article"))
    # The file is not kept after its import: a second "Import" uploads nothing twice.
    dry_run = ImportJob.objects.filter(dry_run=True).get()
    again = admin_client.post(reverse("admin:annotations_claim_import_confirm", args=[dry_run.pk]), follow=True)
    assert "no longer kept" in again.content.decode() and Claim.objects.count() == 6


def test_label_studio_imports_straight_without_a_dry_run(admin_client, worker, articles, annotator):  # noqa: F811
    fields = {"label_map": label_map(), "offset_unit": "utf16", "annotator": "annotator"}
    page = run(admin_client, worker, upload(admin_client, fixture("labelstudio.json"), "labelstudio", **fields))
    assert "Loaded 6 claim(s)" in page.content.decode()
    assert spans() == expected()


def test_w3c_takes_its_annotators_from_the_file(admin_client, worker, articles, annotator):  # noqa: F811
    page = run(admin_client, worker, upload(admin_client, fixture("w3c-annotations.jsonld"), "w3c", label_map=label_map()))
    assert "Loaded 3 claim(s)" in page.content.decode()
    assert {c.annotator for c in Claim.objects.all()} == {annotator}


def test_the_export_loads_back_and_says_what_is_already_present(admin_client, worker, two, article):
    data = "".join(exporting.stream("json")).encode()
    Claim.objects.filter(pk=two["mine"].pk).delete()
    page = run(admin_client, worker, upload(admin_client, SimpleUploadedFile("backup.json", data), "export"))
    text = page.content.decode()
    assert "Loaded 1 claim(s) and 0 gold claim(s) on 1 article(s); 3 already present." in text
    assert escape("article 'baghuz-1', claim 1: already present") in text
    assert Claim.objects.filter(quote=two["mine"].quote, annotator=two["mine"].annotator).exists()


def test_suggestions_load_with_their_unit(admin_client, worker, article):
    quote = "3000 شخص"
    start = article.text.index(quote)
    line = {
        "external_id": "baghuz-1", "start": start, "end": start + len(quote), "quote": quote,
        "labels": {"claim_type": "numerical"}, "model": "attribution", "model_version": "2", "score": 0.75,
    }
    file = SimpleUploadedFile("s.jsonl", json.dumps(line, ensure_ascii=False).encode())
    page = run(admin_client, worker, upload(admin_client, file, "suggestions", offset_unit="codepoint", dry_run="on"))
    assert "Dry run: 1 suggestion(s) are valid. Nothing was written." in page.content.decode()
    page = confirm(admin_client, worker, page)
    assert "Loaded 1 suggestion(s); 0 already present." in page.content.decode()
    suggestion = Suggestion.objects.get()
    assert article.text[suggestion.start:suggestion.end] == suggestion.quote == quote


# Refusals, as the command gives them


def test_a_dry_run_lists_the_commands_refusals_and_writes_nothing(admin_client, worker, articles, annotator):  # noqa: F811
    page = run(
        admin_client, worker,
        upload(admin_client, fixture("labelstudio.json"), "labelstudio", label_map=label_map(), offset_unit="codepoint", annotator="annotator", dry_run="on"),
    )
    text = page.content.decode()
    expected_lines = command_refusals(DATA / "labelstudio.json", tool="labelstudio", label_map=LABEL_MAP, offset_unit="codepoint", annotator="annotator")
    assert expected_lines
    for line in expected_lines:
        assert escape(line.replace(str(DATA / "labelstudio.json"), "labelstudio.json")) in text
    assert f"{len(expected_lines)} problems found; nothing was imported." in text
    assert 'id="import-checked"' not in text and not Claim.objects.exists()


DEEP = b"[" * 50_000


@pytest.mark.parametrize(
    "fmt, name, content, reason",
    [
        ("export", "broken.jsonl", b'{"text": "a", ', "broken.jsonl, row 1: "),
        ("export", "binary.jsonl", b"\x00\xff\xfe" * 10, "binary.jsonl: invalid utf-8 at byte 1"),
        ("export", "deep.json", DEEP, "deep.json: the JSON is nested too deeply"),
        ("export", "numbers.json", b"[1]", "numbers.json, row 1: expected an object"),
        ("w3c", "deep.jsonld", DEEP, "deep.jsonld: the JSON is nested too deeply"),
        ("w3c", "text.jsonld", b"<html>", "text.jsonld: broken JSON at line 1, column 1"),
        ("doccano", "deep.jsonl", DEEP, "deep.jsonl, row 1: the JSON is nested too deeply"),
        ("labelstudio", "tasks.json", b'[{"data": 1}]', "tasks.json, row 1: expected a Label Studio task"),
        ("suggestions", "deep.json", b'{"suggestions": ' + DEEP, "deep.json: the JSON is nested too deeply"),
        ("suggestions", "s.jsonl", b'{"external_id": "nowhere"}', "s.jsonl, row 1: no article with external_id 'nowhere'"),
    ],
)
def test_malformed_files_fail_with_a_reason_and_import_nothing(admin_client, worker, article, annotator, fmt, name, content, reason):
    fields = {"annotator": "annotator"} if import_formats.FORMATS[fmt].annotator == "required" else {}
    page = run(admin_client, worker, upload(admin_client, SimpleUploadedFile(name, content), fmt, **fields))
    assert page.context["job"].state == "failed"
    assert escape(reason) in page.content.decode()
    assert not Claim.objects.exists() and not Suggestion.objects.exists()


@pytest.mark.parametrize("content, reason", [(b"{not json", "broken JSON at line 1"), (DEEP, "the JSON is nested too deeply"), (b"[]", "must be an object")])
def test_a_bad_label_map_is_refused_naming_it(admin_client, worker, articles, annotator, content, reason):  # noqa: F811
    bad = SimpleUploadedFile("map.json", content)
    page = run(admin_client, worker, upload(admin_client, fixture("doccano.jsonl"), "doccano", label_map=bad, offset_unit="utf16", annotator="annotator"))
    assert page.context["job"].problems[0]["file"] == "map.json" and reason in page.content.decode()
    assert not Claim.objects.exists()


def test_an_oversized_file_is_a_form_error_and_no_job(admin_client, settings, article):
    settings.ANNOTATIONS_MAX_IMPORT_BYTES = 100
    response = admin_client.post(URL, {"file": SimpleUploadedFile("big.json", b" " * 101), "format": "export"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["file"][0].code == "too_large"
    assert "the limit is 100" in response.content.decode()
    empty = admin_client.post(URL, {"file": SimpleUploadedFile("empty.json", b""), "format": "export"})
    assert empty.context["form"].errors.as_data()["file"][0].code == "empty"
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "fmt, fields, field, code",
    [
        ("doccano", {}, "annotator", "required"),
        ("export", {"annotator": "annotator"}, "annotator", "not_taken"),
        ("export", {"offset_unit": "utf16"}, "offset_unit", "not_taken"),
        ("suggestions", {"label_map": "map"}, "label_map", "not_taken"),
        ("doccano", {"annotator": "admin"}, "annotator", "invalid_choice"),  # staff, not an annotator
        ("csv", {}, "format", "invalid_choice"),
        ("w3c", {"offset_unit": "bytes"}, "offset_unit", "invalid_choice"),
    ],
)
def test_options_a_format_does_not_take_are_form_errors(admin_client, annotator, fmt, fields, field, code):
    if "label_map" in fields:
        fields["label_map"] = label_map()
    response = admin_client.post(URL, {"file": fixture("doccano.jsonl"), "format": fmt, **fields})
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()[field]] == [code]
    assert not ImportJob.objects.exists()


# Who may import


def test_non_staff_are_sent_to_the_admin_login_and_nothing_is_stored(annotator_client, article):
    for response in (annotator_client.get(URL), annotator_client.post(URL, {"file": fixture("doccano.jsonl"), "format": "export"})):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ImportJob.objects.exists()


def staff_with(*codenames) -> Client:
    user = factories.make_user(groups=[])
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="annotations", codename__in=["view_claim", *codenames]))
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_the_add_permission_are_refused(admin_client, worker, article):
    client = staff_with()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": fixture("doccano.jsonl"), "format": "export"}).status_code == 403
    assert 'href="/admin/annotations/claim/import/"' not in client.get(reverse("admin:annotations_claim_changelist")).content.decode()
    # Nor may they look at (or import) another's upload.
    response = upload(admin_client, SimpleUploadedFile("x.json", b"[]"), "export", dry_run="on")
    job = ImportJob.objects.get()
    assert client.get(response["Location"]).status_code == 403
    assert client.post(reverse("admin:annotations_claim_import_confirm", args=[job.pk])).status_code == 403
    assert ImportJob.objects.count() == 1


def test_each_format_needs_the_add_permission_of_what_it_adds(article):
    claims_only = staff_with("add_claim")
    page = claims_only.get(URL)
    assert page.status_code == 200
    offered = [key for key, _label in page.context["form"].fields["format"].choices]
    assert offered == [key for key, spec in import_formats.FORMATS.items() if spec.adds is Claim]
    response = claims_only.post(URL, {"file": SimpleUploadedFile("s.jsonl", b"{}"), "format": "suggestions"})
    assert response.context["form"].errors.as_data()["format"][0].code == "invalid_choice"
    assert "Import claims" in claims_only.get(reverse("admin:annotations_claim_changelist")).content.decode()
    assert not ImportJob.objects.exists()


def test_article_job_pages_do_not_show_claim_jobs(admin_client, article):
    upload(admin_client, SimpleUploadedFile("x.json", b"[]"), "export", dry_run="on")
    job = ImportJob.objects.get()
    assert admin_client.get(reverse("admin:annotations_article_import_job", args=[job.pk])).status_code == 404
    assert job not in admin_client.get(reverse("admin:annotations_article_import_files")).context["recent_jobs"]


def test_the_command_offers_the_registrys_tools():
    parser = import_annotations.Command().create_parser("manage.py", "import_annotations")
    choices = next(action.choices for action in parser._actions if action.dest == "tool")
    assert tuple(choices) == import_formats.TOOLS == ("doccano", "labelstudio", "w3c")


# Suggestions in the admin


@pytest.fixture
def suggestion(article, annotator):
    quote = "مصطفى بالي"
    start = article.text.index(quote)
    suggestion = Suggestion.objects.create(
        article=article, start=start, end=start + len(quote), quote=quote, suggester="attribution",
        model_version="1", score=0.875, claim_type_id="quote",
    )
    SuggestionDecision.objects.create(suggestion=suggestion, annotator=annotator, outcome="rejected")
    return suggestion


def test_suggestions_are_listed_in_their_articles_direction_and_filtered(admin_client, suggestion):
    page = admin_client.get(reverse("admin:annotations_suggestion_changelist"), {"suggester": "attribution"})
    text = page.content.decode()
    assert '<span lang="ar" dir="rtl">مصطفى بالي</span>' in text
    assert "0.88" in text and f"{suggestion.start}–{suggestion.end}" in text
    assert "?format=suggestions" in text
    assert admin_client.get(reverse("admin:annotations_suggestion_changelist"), {"model_version": "9"}).context["cl"].result_count == 0


def test_a_suggestion_is_shown_read_only_with_its_decisions_and_cannot_be_moved(admin_client, suggestion):
    url = reverse("admin:annotations_suggestion_change", args=[suggestion.pk])
    page = admin_client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'name="start"' not in text and 'name="_save"' not in text
    assert "Rejected" in text
    response = admin_client.post(url, {"start": 0, "end": 3, "quote": "مصط"})
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.article.text[suggestion.start:suggestion.end] == suggestion.quote == "مصطفى بالي"
    assert admin_client.get(reverse("admin:annotations_suggestion_add")).status_code == 403


def test_a_suggestion_can_be_deleted_with_its_decisions(admin_client, suggestion):
    response = admin_client.post(reverse("admin:annotations_suggestion_delete", args=[suggestion.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists() and not SuggestionDecision.objects.exists()


def test_annotators_may_not_open_the_suggestion_admin(annotator_client, suggestion):
    response = annotator_client.get(reverse("admin:annotations_suggestion_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]

