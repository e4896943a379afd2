"""Admin uploads as background jobs: store the files, enqueue, check and write in a worker.

A large upload (tens of thousands of articles) takes longer to check and
write than a web worker may spend on one request, and a request killed
half-way rolls the whole import back. So the upload view only stores the
files and enqueues `run_import_job`; `manage.py db_worker` runs it, with the
same rules as `import_articles` (importing/) and still all or nothing.

A file of claims or suggestions (the admin's "Import claims") is a job with a
`claim_format`: planned and written by import_formats.FORMATS, exactly as
`import_annotations` and `import_suggestions` do it. Every claim is checked
through the claim form, work that grows with the file as an article upload's
does, so it gets the same worker, the same kept files for "Import" (in the
database, so any app process can import them), and the same size limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from . import import_formats, importing, interop
from .models import ImportJob, ImportJobFile, Project

logger = logging.getLogger(__name__)

SHOWN = 1000  # planned articles and duplicates kept for display; the counts are exact
PROGRESS_EVERY = 0.5  # seconds between progress writes
KEEP_DRY_RUN = timedelta(days=1)  # how long a passed dry run keeps its files for "Import these files"


def start_import_job(
    uploads: Iterable, *, project_name: str, language: str = "", encoding: str = "", dry_run: bool, user,
    claim_format: str = "", options: dict | None = None,
) -> ImportJob:
    """Store the uploaded files and enqueue their import; one transaction, so a job never lacks files.

    With a `claim_format`, the uploads are the file and, if given, its label map."""
    with transaction.atomic():
        _forget_old_dry_runs()
        job = ImportJob.objects.create(
            created_by=user, project_name=project_name, language=language, encoding=encoding, dry_run=dry_run,
            claim_format=claim_format, options=options or {},
        )
        count = 0
        for position, upload in enumerate(uploads):
            upload.seek(0)
            ImportJobFile.objects.create(job=job, position=position, name=upload.name[-500:], data=upload.read())
            count += 1
        job.files_total = count
        job.task_id = str(run_import_job.enqueue(job.pk).id)
        job.save(update_fields=["files_total", "task_id"])
    return job


def import_checked(dry_run: ImportJob, *, user) -> ImportJob:
    """Import the files of a dry run that passed, with its options: a new job, checked again, all or nothing.

    Raises ImportJob.DoesNotExist when the dry run did not pass or its files are gone (already
    imported from it, or kept past KEEP_DRY_RUN)."""
    with transaction.atomic():
        files = ImportJobFile.objects.select_for_update().filter(
            job__pk=dry_run.pk, job__dry_run=True, job__state=ImportJob.State.DONE
        )
        count = len(files)
        if not count:
            raise ImportJob.DoesNotExist
        job = ImportJob.objects.create(
            created_by=user, project_name=dry_run.project_name, language=dry_run.language,
            encoding=dry_run.encoding, dry_run=False, files_total=count,
            claim_format=dry_run.claim_format, options=dry_run.options,
        )
        ImportJobFile.objects.filter(pk__in=[f.pk for f in files]).update(job=job)
        job.task_id = str(run_import_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def has_kept_files(job: ImportJob) -> bool:
    """A dry run whose files wait for "Import these files"."""
    return job.dry_run and job.state == ImportJob.State.DONE and job.files.exists()


def _forget_old_dry_runs() -> None:
    ImportJobFile.objects.filter(job__dry_run=True, job__finished_at__lt=timezone.now() - KEEP_DRY_RUN).delete()


def _problem(refusal: importing.ImportRefused) -> dict:
    return {"file": refusal.file, "row": refusal.row, "reason": refusal.reason, "code": refusal.code}


def _sources(job: ImportJob) -> list:
    """(name, reader) pairs that load one file's bytes at a time."""

    def reader(pk: int):
        return lambda: bytes(ImportJobFile.objects.values_list("data", flat=True).get(pk=pk))

    return [(name, reader(pk)) for pk, name in job.files.order_by("position").values_list("pk", "name")]


@task()
def run_import_job(job_id: int) -> str:
    """Check every file of the job, then write the new articles in one transaction, or nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, step=ImportJob.Step.CHECKING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"  # already run (a retried task): do nothing twice
    job = ImportJob.objects.get(pk=job_id)
    state = None
    try:
        state = (_run_claims if job.claim_format else _run)(job)
        return state
    except BaseException as exc:
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            step=ImportJob.Step.FINISHED,
            finished_at=timezone.now(),
            error=_("The import stopped unexpectedly (%(error)s); nothing was imported.")
            % {"error": type(exc).__name__},
        )
        raise
    finally:
        if not (job.dry_run and state == ImportJob.State.DONE):
            # A dry run that passed keeps its files, so "Import these files" needs no second upload.
            ImportJobFile.objects.filter(job_id=job_id).delete()


def _run(job: ImportJob) -> str:
    last = [0.0]

    def progress(files: int, name: str, articles: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            ImportJob.objects.filter(pk=job.pk).update(files_read=files - 1, articles_checked=articles)

    plan = importing.plan_import(
        _sources(job),
        project_name=job.project_name,
        options=importing.ImportOptions.from_settings(encoding=job.encoding or None, language=job.language or None),
        progress=progress,
    )
    job.files_read = plan.files
    job.articles_checked = len(plan.new) + len(plan.duplicates)
    job.articles_new = len(plan.new)
    job.duplicates = len(plan.duplicates)
    job.skipped = [{"where": item.where, "reason": reason} for item, reason in plan.duplicates[:SHOWN]]
    if plan.problems:
        job.problems = [_problem(refusal) for refusal in plan.problems]
        return _finish(job, ImportJob.State.FAILED)
    if job.dry_run:
        job.planned = [
            {"external_id": item.external_id, "language": item.language, "title": item.title[:200]}
            for item in plan.new[:SHOWN]
        ]
        return _finish(job, ImportJob.State.DONE)
    job.step = ImportJob.Step.WRITING
    job.save(update_fields=["step", "files_read", "articles_checked", "articles_new", "duplicates"])
    try:
        job.articles_written = importing.apply_import(plan)
        job.article_ids = plan.written
    except IntegrityError as exc:
        # Another import wrote the same articles since the check.
        return _refused_by_database(job, exc)
    return _finish(job, ImportJob.State.DONE)


def _run_claims(job: ImportJob) -> str:
    """A file of claims or suggestions: planned by its format, as the commands plan it, then written or not."""
    fmt = import_formats.FORMATS[job.claim_format]
    files = list(job.files.order_by("position"))
    job.files_read = len(files)
    project = None
    if job.project_name:
        project = Project.objects.filter(name=job.project_name).first()
        if project is None:
            job.error = _("The project %(name)s no longer exists; nothing was imported.") % {"name": job.project_name}
            return _finish(job, ImportJob.State.FAILED)
    label_map = interop.LabelMap()
    try:
        if len(files) > 1:
            label_map = interop.LabelMap.load(files[1].name, bytes(files[1].data))
    except importing.ImportRefused as refused:
        job.problems = [_problem(refused)]
        return _finish(job, ImportJob.State.FAILED)
    name = files[0].name
    options = import_formats.Options(
        name=name, project=project, label_map=label_map,
        offset_unit=job.options.get("offset_unit") or None, annotator=job.options.get("annotator") or None,
    )
    plan = fmt.plan(name, bytes(files[0].data), options)
    job.summary = {
        "counts": fmt.summary(plan),
        "warnings": list(getattr(plan, "warnings", []))[:SHOWN],
        "skipped": list(getattr(plan, "skipped", []))[:SHOWN],
    }
    if plan.problems:
        job.problems = [_problem(refusal) for refusal in plan.problems]
        return _finish(job, ImportJob.State.FAILED)
    if job.dry_run:
        return _finish(job, ImportJob.State.DONE)
    job.step = ImportJob.Step.WRITING
    job.save(update_fields=["step", "files_read", "summary"])
    try:
        job.summary["written"] = fmt.write(plan)
    except IntegrityError as exc:
        return _refused_by_database(job, exc)
    return _finish(job, ImportJob.State.DONE)


def _refused_by_database(job: ImportJob, exc: IntegrityError) -> str:
    job.error = _("The database refused the import; nothing was imported: %(error)s") % {"error": exc}
    return _finish(job, ImportJob.State.FAILED)


def _finish(job: ImportJob, state: str) -> str:
    job.state = state
    job.step = ImportJob.Step.FINISHED
    job.finished_at = timezone.now()
    job.save()
    return state


def notice_lost_task(job: ImportJob) -> ImportJob:
    """A job whose task failed outside `run_import_job` (a worker killed, an import error) is failed."""
    if job.finished or not job.task_id:
        return job
    try:
        result = run_import_job.get_result(job.task_id)
    except Exception:  # the task row was pruned or never existed
        return job
    if result.status == TaskResultStatus.FAILED:
        ImportJob.objects.filter(pk=job.pk, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]).update(
            state=ImportJob.State.FAILED,
            step=ImportJob.Step.FINISHED,
            finished_at=timezone.now(),
            error=_("The background job failed; nothing was imported. The worker's log has the details."),
        )
        job.refresh_from_db()
    return job
