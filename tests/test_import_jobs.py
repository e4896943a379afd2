"""The admin upload of article files: form errors for bad options, a background job for the
files, refusals listed with file, row and reason, and nothing written by a failed job."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Article, ImportJob, ImportJobFile, Project

from . import factories
from .test_import_refusals import GOOD, written

pytestmark = pytest.mark.django_db

UPLOAD_URL = "admin:annotations_article_import_files"


upload = SimpleUploadedFile


def uploads_project() -> int:
    return Project.objects.get_or_create(name="Uploads")[0].pk


def post(client, files, **fields):
    data = {"files": files, "project": uploads_project(), **fields}
    return client.post(reverse(UPLOAD_URL), data)


def job_page(client, response):
    assert response.status_code == 302, response.content[:2000]
    return client.get(response["Location"])


@pytest.mark.parametrize("name", ["base64", "rot13", "punycode", "unicode_escape", "undefined", "idna", "no-such-codec"])
def test_admin_refuses_non_text_encodings_as_a_form_error(admin_client, name):
    response = post(admin_client, [upload("a.txt", GOOD.encode())], encoding=name)
    assert response.status_code == 200
    assert response.context["form"].errors["encoding"]
    assert name.encode() in response.content
    assert not ImportJob.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("project", ["Uploads", "999", ""])
def test_admin_refuses_a_project_that_is_not_one_of_the_choices(admin_client, project):
    response = post(admin_client, [upload("a.txt", GOOD.encode())], project=project)
    assert response.status_code == 200 and response.context["form"].errors["project"]
    assert not ImportJob.objects.exists() and not Article.objects.exists()


def test_admin_refuses_an_upload_without_files(admin_client):
    response = admin_client.post(reverse(UPLOAD_URL), {"project": uploads_project()})
    assert response.status_code == 200 and response.context["form"].errors["files"]
    assert not ImportJob.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("notes.md", GOOD.encode(), "notes.md: unsupported file type"),
        ("huge-number.json", b'[{"text": "a", "external_id": ' + b"9" * 5000 + b"}]", "huge-number.json: the JSON has a number with 5000 digits"),
        ("deep.json", b"[" * 50_000, "deep.json: the JSON is nested too deeply"),
        ("numbers.json", b"[1]", "numbers.json, row 1: expected an object"),
        ("empty.json", b"[]", "empty.json: the file contains no articles"),
        ("binary.txt", b"\x00\xff\xfe" * 10, "binary.txt: invalid utf-8 at byte 1"),
        ("date.jsonl", b'{"text": "a", "published_at": "2019-13-01"}\n', "date.jsonl, row 1: 'published_at' is not an ISO date"),
    ],
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_admin_upload_refusals_are_listed_and_nothing_is_written(admin_client, worker, name, content, reason, dry_run):
    response = post(admin_client, [upload(name, content)], **({"dry_run": "on"} if dry_run else {}))
    worker()
    page = job_page(admin_client, response)
    job = ImportJob.objects.get()
    assert job.state == "failed" and job.problems[0]["file"] == name
    text = page.content.decode()
    assert "1 problem found; nothing was imported." in text
    assert reason in text.replace("&#x27;", "'")
    assert written() == (0, 1)  # no article, and no project but the chosen one
    assert not ImportJobFile.objects.exists()


def test_progress_page_before_the_worker_runs(admin_client):
    response = post(admin_client, [upload("a.txt", GOOD.encode())])
    page = job_page(admin_client, response)
    assert page.status_code == 200
    assert b'data-state="queued"' in page.content and b'http-equiv="refresh"' in page.content
    assert ImportJobFile.objects.count() == 1  # stored until the job has run
    assert not Article.objects.exists()


def test_job_end_to_end_on_the_database_backend(admin_client, worker):
    from django_tasks_db.models import DBTaskResult

    files = [
        upload("a.txt", "قال المتحدث\r\nإن".encode()),
        upload("b.jsonl", b'{"external_id": "b1", "text": "\\u06af\\u0641\\u062a"}\n{"external_id": "b2", "text": "\\u0642\\u0627\\u0644"}\n'),
    ]
    response = post(admin_client, files)
    task = DBTaskResult.objects.get()
    assert task.status == "READY" and task.task_path == "annotations.import_jobs.run_import_job"
    worker()
    page = job_page(admin_client, response)
    assert b'data-state="done"' in page.content and b'http-equiv="refresh"' not in page.content
    assert "Imported 3 articles into <bdi>Uploads</bdi>; 0 already imported." in page.content.decode()
    job = ImportJob.objects.get()
    assert (job.files_read, job.articles_checked, job.articles_written, job.duplicates) == (2, 3, 3, 0)
    assert Article.objects.get(external_id="a").text == "قال المتحدث\nإن"
    assert Article.objects.get(external_id="b1").language == "fa"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not ImportJobFile.objects.exists()  # cleaned up after the job

    # The same files again: nothing new, both counted as duplicates.
    response = post(admin_client, [upload("a.txt", "قال المتحدث\r\nإن".encode())])
    worker()
    page = job_page(admin_client, response)
    assert "Imported 0 articles into <bdi>Uploads</bdi>; 1 already imported." in page.content.decode()
    assert Article.objects.count() == 3


def test_dry_run_job_shows_its_plan_and_writes_nothing(admin_client, worker):
    response = post(admin_client, [upload("story.txt", GOOD.encode())], dry_run="on")
    worker()
    page = job_page(admin_client, response).content.decode()
    assert "Dry run: 1 article would be imported; 0 already imported. Nothing was written." in page
    assert "<code>story</code>" in page
    assert not Article.objects.exists()


def test_a_failing_job_lists_every_refusal_and_writes_nothing(admin_client, worker):
    files = [
        upload("good.txt", GOOD.encode()),
        upload("bad.txt", b"\xff"),
        upload("rows.jsonl", b'{"text": "a"}\n{"title": "no text"}\n'),
        upload("notes.md", b"x"),
    ]
    response = post(admin_client, files)
    worker()
    page = job_page(admin_client, response).content.decode()
    assert "3 problems found; nothing was imported." in page
    for reason in ["bad.txt: invalid utf-8 at byte 0", "rows.jsonl, row 2: missing &#x27;text&#x27;", "notes.md: unsupported file type"]:
        assert reason in page
    assert not Article.objects.exists()
    assert [problem["code"] for problem in ImportJob.objects.get().problems] == ["invalid_encoding", "missing_text", "unsupported_type"]


def test_a_job_runs_once(admin_client, worker):
    from annotations import import_jobs

    post(admin_client, [upload("a.txt", GOOD.encode())])
    worker()
    job = ImportJob.objects.get()
    assert import_jobs.run_import_job.call(job.pk) == "not queued"
    assert Article.objects.count() == 1


def test_a_job_whose_task_failed_outside_it_shows_failed(admin_client):
    from django_tasks_db.models import DBTaskResult

    response = post(admin_client, [upload("a.txt", GOOD.encode())])
    DBTaskResult.objects.update(status="FAILED")  # e.g. the worker could not import the task
    page = job_page(admin_client, response)
    assert b'data-state="failed"' in page.content and b"The background job failed" in page.content
    assert not Article.objects.exists()


def test_progress_page_is_staff_only(client, admin_client, annotator):
    response = post(admin_client, [upload("a.txt", GOOD.encode())])
    url = response["Location"]
    client.logout()
    client.force_login(annotator)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        refused_response = client.get(url, **headers)
        assert refused_response.status_code == 302 and "/admin/login/" in refused_response["Location"]
    client.logout()
    assert client.get(url).status_code == 302


def test_progress_page_needs_the_add_permission(client, admin_client):
    response = post(admin_client, [upload("a.txt", GOOD.encode())])
    url = response["Location"]
    viewer = factories.make_user("viewer", groups=[])
    viewer.is_staff = True
    viewer.save()
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(reverse(UPLOAD_URL), {"files": [upload("b.txt", b"x")], "project": uploads_project()}).status_code == 403


def test_unknown_job_is_404(admin_client):
    assert admin_client.get(reverse("admin:annotations_article_import_job", args=[999])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_job_end_to_end_with_real_commits(client, default_vocabularies):
    """No test transaction around it: the upload, the worker's claim and the job's write all commit."""
    import signal

    from django_tasks_db.models import DBTaskResult

    staff = factories.make_user("admin", groups=[], staff=True)
    client.force_login(staff)
    response = post(client, [upload("a.txt", GOOD.encode()), upload("b.json", b'[{"external_id": "b", "text": "\\u0642\\u0627\\u0644"}]')])
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0, stdout=StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    page = job_page(client, response)
    assert "Imported 2 articles into <bdi>Uploads</bdi>" in page.content.decode()
    assert Article.objects.count() == 2 and DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not ImportJobFile.objects.exists()
