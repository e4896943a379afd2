"""The admin for a desk: the upload's project is a choice, a passed dry run imports its files without a
second upload, the result assigns its articles; evidence as links, dir="auto" text, no "None" in history."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile as upload
from django.urls import reverse

from annotations.models import Article, Assignment, Claim, ImportJob, ImportJobFile, Project

from . import factories

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:annotations_article_import_files")


def files():
    return [upload("a.txt", "الثلاثاء 23 أبريل 2024\nعنوان الخبر هنا\nنص".encode()), upload("b.txt", "خبر آخر".encode())]


def test_the_project_is_a_choice(admin_client, project):
    page = admin_client.get(UPLOAD).content.decode()
    assert re.search(r'<select name="project"[^>]*>', page) and f'<option value="{project.pk}"' in page


def test_a_passed_dry_run_imports_its_files_without_a_second_upload(admin_client, worker, project):
    response = admin_client.post(UPLOAD, {"files": files(), "project": project.pk, "dry_run": "on"})
    worker()
    dry_run = ImportJob.objects.get()
    page = admin_client.get(response["Location"]).content.decode()
    assert 'id="import-checked"' in page and not Article.objects.exists() and ImportJobFile.objects.count() == 2
    confirm = reverse("admin:annotations_article_import_job_confirm", args=[dry_run.pk])
    assert admin_client.get(confirm).status_code == 405
    response = admin_client.post(confirm)
    job = ImportJob.objects.exclude(pk=dry_run.pk).get()
    assert response["Location"] == reverse("admin:annotations_article_import_job", args=[job.pk]) and not job.dry_run
    worker()
    job.refresh_from_db()
    assert job.state == "done" and Article.objects.filter(project=project).count() == 2
    assert Article.objects.get(external_id="a").title == "عنوان الخبر هنا" and not ImportJobFile.objects.exists()
    # Its files went with the import: a second click imports nothing and says so.
    response = admin_client.post(confirm, follow=True)
    assert b"no longer kept" in response.content and ImportJob.objects.count() == 2


def test_a_failed_dry_run_offers_no_import(admin_client, worker, project):
    response = admin_client.post(UPLOAD, {"files": [upload("bad.txt", b"\xff")], "project": project.pk, "dry_run": "on"})
    worker()
    assert 'id="import-checked"' not in admin_client.get(response["Location"]).content.decode()
    admin_client.post(reverse("admin:annotations_article_import_job_confirm", args=[ImportJob.objects.get().pk]))
    assert ImportJob.objects.count() == 1 and not Article.objects.exists()


def test_the_result_page_assigns_the_imported_articles(admin_client, worker, project, annotator, other_annotator):
    older = factories.make_article("مقال قديم", project=project)
    response = admin_client.post(UPLOAD, {"files": files(), "project": project.pk})
    worker()
    job = ImportJob.objects.get()
    page = admin_client.get(response["Location"]).content.decode()
    assert 'id="assign-imported"' in page and len(job.article_ids) == 2
    admin_client.post(reverse("admin:annotations_article_import_job_assign", args=[job.pk]))
    assigned = set(Assignment.objects.values_list("article_id", flat=True))
    assert assigned == set(job.article_ids) and older.pk not in assigned
    assert Assignment.objects.count() == 2 * min(project.annotators_per_article, 2)


def test_refused_roles_cannot_confirm_or_assign(client, worker, admin_client, project, annotator):
    admin_client.post(UPLOAD, {"files": files(), "project": project.pk, "dry_run": "on"})
    worker()
    job = ImportJob.objects.get()
    viewer = factories.make_user("viewer", groups=[])
    viewer.is_staff = True
    viewer.save()
    for user, status in ((viewer, 403), (annotator, 302)):
        client.force_login(user)
        for name in ("confirm", "assign"):
            assert client.post(reverse(f"admin:annotations_article_import_job_{name}", args=[job.pk])).status_code == status
    assert not Article.objects.exists() and not Assignment.objects.exists() and ImportJob.objects.count() == 1


def test_evidence_shows_as_links_and_text_fields_take_their_direction(admin_client, article, annotator):
    claim = factories.make_claim(article, annotator, "3000 شخص", evidence=["https://example.org/a?x=1&y=2"], note="ملاحظة")
    page = admin_client.get(reverse("admin:annotations_claim_change", args=[claim.pk])).content.decode()
    assert '<a href="https://example.org/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer" dir="ltr">' in page
    assert re.search(r'<textarea name="note"[^>]*dir="auto"', page)
    page = admin_client.get(reverse("admin:annotations_article_change", args=[article.pk])).content.decode()
    assert re.search(r'<input type="text" name="title"[^>]*dir="auto"', page)
    url_input = re.search(r'<input type="url" name="url"[^>]*>', page).group()
    assert "dir=" not in url_input


def test_history_shows_no_literal_none(admin_client, article, annotator):
    claim = factories.make_claim(article, annotator, "3000 شخص")
    Claim.objects.filter(pk=claim.pk).update(note="")
    claim.note = "تعديل"
    claim.save()  # no request: the history row has no user and no change reason
    page = admin_client.get(reverse("admin:annotations_claim_history", args=[claim.pk])).content.decode()
    table = page.split('id="change-history"')[1].split("</table>")[0]
    assert "None" not in table and "—" in table and "تعديل" in table


def test_project_choice_lists_every_project(admin_client):
    Project.objects.create(name="مشروع")
    assert "مشروع" in admin_client.get(UPLOAD).content.decode()
