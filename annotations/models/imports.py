"""Article uploads from the admin, imported by a background job (annotations/import_jobs.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One admin upload: its options, where the job is, its counts and its refusals."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        WAITING = "", _("waiting for a worker")
        CHECKING = "checking", _("checking the files")
        WRITING = "writing", _("writing the articles")
        FINISHED = "finished", _("finished")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    project_name = models.CharField(_("project"), max_length=200)
    language = models.CharField(_("language"), max_length=20, blank=True)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, default=Step.WAITING, blank=True)
    files_total = models.PositiveIntegerField(_("files"), default=0)
    files_read = models.PositiveIntegerField(_("files read"), default=0)
    articles_checked = models.PositiveIntegerField(_("articles checked"), default=0)
    articles_new = models.PositiveIntegerField(_("new articles"), default=0)
    articles_written = models.PositiveIntegerField(_("articles written"), default=0)
    duplicates = models.PositiveIntegerField(_("already imported"), default=0)
    # [{"file", "row", "reason", "code"}]: every refusal, so all can be shown.
    problems = models.JSONField(_("refusals"), default=list, blank=True)
    # The first articles of a dry run's plan and the first duplicates, for display.
    planned = models.JSONField(_("planned articles"), default=list, blank=True)
    skipped = models.JSONField(_("skipped duplicates"), default=list, blank=True)
    # The ids of the articles the job wrote, so its result page can assign them.
    article_ids = models.JSONField(_("imported articles"), default=list, blank=True)
    # Empty: article files (importing/). Otherwise a key of import_formats.FORMATS: one file of
    # claims or suggestions (and, at position 1, its label map), planned as the commands plan it.
    claim_format = models.CharField(_("claim format"), max_length=20, blank=True)
    # That import's options ({"offset_unit", "annotator"}), and what it counted, skipped, warned of and wrote.
    options = models.JSONField(_("options"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.project_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ImportJobFile(models.Model):
    """An uploaded file, kept in the database until its job has run (then deleted)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files", verbose_name=_("import job"))
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=500)
    data = models.BinaryField(_("content"))

    class Meta:
        ordering = ["job", "position"]
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="import_file_position")]

    def __str__(self) -> str:
        return self.name
