"""Admin: the upload goes through importing.py, exports through exporting/, history is kept."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Article, Claim, Project

from . import factories

pytestmark = pytest.mark.django_db

URL = "/admin/annotations/article/import-files/"


upload = SimpleUploadedFile


def uploads_project() -> int:
    return Project.objects.get_or_create(name="Uploads")[0].pk


def test_upload_dry_run_then_import(admin_client, worker):
    files = [upload("a.txt", "قال المتحدث\r\nإن".encode()), upload("b.jsonl", b'{"external_id": "b1", "text": "\\u06af\\u0641\\u062a"}\n')]
    response = admin_client.post(URL, {"files": files, "project": uploads_project(), "dry_run": "on"})
    assert response.status_code == 302  # to the job's progress page
    worker()
    page = admin_client.get(response["Location"])
    assert page.status_code == 200 and b"would be imported" in page.content
    assert not Article.objects.exists()
    files = [upload("a.txt", "قال المتحدث\r\nإن".encode()), upload("b.jsonl", b'{"external_id": "b1", "text": "\\u06af\\u0641\\u062a"}\n')]
    response = admin_client.post(URL, {"files": files, "project": uploads_project()})
    assert response.status_code == 302
    assert not Article.objects.exists()  # written by the job, not the request
    worker()
    assert b"Imported 2 articles" in admin_client.get(response["Location"]).content
    assert Article.objects.get(external_id="a").text == "قال المتحدث\nإن"
    assert Article.objects.get(external_id="b1").language == "fa"


def test_upload_with_one_bad_file_imports_nothing(admin_client, worker):
    files = [upload("good.txt", "خبر".encode()), upload("bad.txt", b"\xff\xfe")]
    response = admin_client.post(URL, {"files": files, "project": uploads_project()})
    worker()
    page = admin_client.get(response["Location"])
    assert b"bad.txt: invalid utf-8 at byte 0" in page.content
    assert not Article.objects.exists()


def test_upload_refuses_oversized_files(admin_client, settings):
    settings.ANNOTATIONS_MAX_IMPORT_BYTES = 10
    response = admin_client.post(URL, {"files": [upload("big.txt", "خ".encode() * 20)], "project": uploads_project()})
    assert b"Too large" in response.content and not Article.objects.exists()


def test_non_staff_cannot_reach_the_upload(client, annotator):
    client.force_login(annotator)
    assert client.get(URL).status_code == 302  # the admin sends non-staff to its login
    assert client.post(URL, {"files": [upload("a.txt", b"x")], "project": uploads_project()}).status_code == 302
    assert not Article.objects.exists()


def test_export_action_uses_the_export_format(admin_client, article, annotator):
    factories.make_claim(article, annotator, "3000")
    response = admin_client.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "export_jsonl", "_selected_action": [article.pk]},
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    data = json.loads(lines[0])
    assert data["offset_unit"] == "unicode_code_point"
    claim = data["claims"][0]
    assert data["text"][claim["start"] : claim["end"]] == claim["quote"] == "3000"


def test_admin_pages_open(admin_client, article, annotator):
    claim = factories.make_claim(article, annotator, "3000")
    for url in [
        reverse("admin:annotations_article_changelist"),
        reverse("admin:annotations_article_change", args=[article.pk]),
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        reverse("admin:annotations_claim_history", args=[claim.pk]),
        reverse("admin:annotations_verdict_changelist"),
        reverse("admin:annotations_source_changelist"),
        reverse("admin:annotations_assignment_changelist"),
        URL,
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_article_text_is_frozen_once_claimed(admin_client, article, annotator):
    factories.make_claim(article, annotator, "3000")
    page = admin_client.get(reverse("admin:annotations_article_change", args=[article.pk])).content.decode()
    assert 'name="text"' not in page
    assert Claim.objects.count() == 1


def test_a_deleted_claim_is_restored_from_its_history_in_the_admin(admin_client, article, annotator):
    from annotations import workflow

    claim = factories.make_claim(article, annotator, "3000", note="ملاحظة مهمة")
    pk = claim.pk
    workflow.delete_claim(user=annotator, claim=claim, version=1)
    assert not Claim.objects.filter(pk=pk).exists()
    history = admin_client.get(reverse("admin:annotations_claim_history", args=[pk]))
    assert history.status_code == 200 and b"3000" in history.content
    record = Claim.history.filter(id=pk).exclude(history_type="-").latest("history_date")
    url = reverse("admin:annotations_claim_simple_history", args=[pk, record.history_id])
    form = admin_client.get(url)
    assert form.status_code == 200
    response = admin_client.post(url, {"_save": "Revert", "note": "ملاحظة مهمة", "claim_type": "numerical", "check_worthiness": "check_worthy", "verification_status": "unassessed", "attribution": "direct_quote", "evidence": "[]"})
    assert response.status_code == 302, response.content[:2000]
    restored = Claim.objects.get(pk=pk)
    assert (restored.quote, restored.note, restored.start) == ("3000", "ملاحظة مهمة", claim.start)
