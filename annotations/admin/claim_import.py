"""The admin's "Import claims": a file of claims or suggestions in any of import_formats.FORMATS.

The upload becomes a background ImportJob like an article upload (import_jobs):
the worker plans the file exactly as `import_annotations` / `import_suggestions`
do, a passed dry run keeps it for "Import", and the import is all or nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import import_formats, import_jobs
from ..models import ImportJob
from .forms import ImportClaimsForm


def may_import(user: AbstractBaseUser, model: type) -> bool:
    """The one rule for every admin import: an import adds rows, so it needs the add permission of what it adds."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('add', opts)}")


def importable_formats(user: AbstractBaseUser) -> list[str]:
    return [key for key, spec in import_formats.FORMATS.items() if may_import(user, spec.adds)]


def import_kept(modeladmin, request: HttpRequest, dry_run: ImportJob, *, job_view: str, gone: str):
    """"Import" after a passed dry run: a new job from its kept files, or the message `gone` when they are not kept."""
    try:
        job = import_jobs.import_checked(dry_run, user=request.user)
    except ImportJob.DoesNotExist:
        modeladmin.message_user(request, gone, messages.ERROR)
        job = dry_run
    return redirect(reverse(job_view, args=[job.pk]))


class ClaimImportViews:
    """ModelAdmin mixin: the upload form, the job's page, and "Import" for a passed dry run."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_claims), name="annotations_claim_import"),
            path("import/<int:job_id>/", view(self.import_claims_job), name="annotations_claim_import_job"),
            path("import/<int:job_id>/import/", view(self.import_claims_confirm), name="annotations_claim_import_confirm"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        can_import = any(import_formats.FORMATS[key].adds is self.model for key in importable_formats(request.user))
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    def _context(self, request: HttpRequest, **context) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **context}

    def _job(self, request: HttpRequest, job_id: int) -> ImportJob:
        """A claim import job the user may see: one they may import in its format."""
        job = get_object_or_404(ImportJob.objects.exclude(claim_format=""), pk=job_id)
        if job.claim_format not in importable_formats(request.user):
            raise PermissionDenied
        return job

    def import_claims(self, request: HttpRequest) -> TemplateResponse:
        """Upload a file of claims or suggestions; a background job checks it as the commands do, all or nothing."""
        formats = importable_formats(request.user)
        if not formats:
            raise PermissionDenied
        initial = {"format": request.GET["format"]} if request.GET.get("format") in formats else None
        form = ImportClaimsForm(request.POST or None, request.FILES or None, formats=formats, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            uploads = [data["file"], *([data["label_map"]] if data["label_map"] else [])]
            job = import_jobs.start_import_job(
                uploads,
                project_name=data["project"].name if data["project"] else "",
                dry_run=data["dry_run"],
                user=request.user,
                claim_format=data["format"],
                options={
                    "file": data["file"].name[-500:], "offset_unit": data["offset_unit"],
                    "annotator": data["annotator"].username if data["annotator"] else "",
                },
            )
            return redirect(reverse("admin:annotations_claim_import_job", args=[job.pk]))
        recent = ImportJob.objects.filter(claim_format__in=formats).only(
            "pk", "claim_format", "project_name", "state", "dry_run", "created_at"
        )[:10]
        context = self._context(
            request, title=_("Import claims"), form=form,
            recent_jobs=[(job, import_formats.FORMATS[job.claim_format].label) for job in recent],
        )
        return TemplateResponse(request, "admin/annotations/claim/import.html", context)

    def import_claims_job(self, request: HttpRequest, job_id: int) -> TemplateResponse:
        """A claim import's state; a dry run's counts or every refusal (file, row, reason). Refreshes until finished."""
        job = import_jobs.notice_lost_task(self._job(request, job_id))
        fmt = import_formats.FORMATS[job.claim_format]
        opts = fmt.adds._meta
        context = self._context(
            request,
            title=_("Import of %(file)s") % {"file": job.options.get("file", "")},
            job=job,
            format_label=fmt.label,
            report=fmt.report(job.summary["counts"], job.summary.get("written")) if job.state == ImportJob.State.DONE else [],
            written_list=f"admin:{opts.app_label}_{opts.model_name}_changelist",
            no_worker=job.state == ImportJob.State.QUEUED and (timezone.now() - job.created_at).total_seconds() > 10,
            can_import=import_jobs.has_kept_files(job),
        )
        return TemplateResponse(request, "admin/annotations/claim/import_job.html", context)

    def import_claims_confirm(self, request: HttpRequest, job_id: int):
        """Import the file a passed dry run checked, with its options, without uploading it again."""
        dry_run = self._job(request, job_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        gone = _("This file is no longer kept (already imported, or checked too long ago); upload it again.")
        return import_kept(self, request, dry_run, job_view="admin:annotations_claim_import_job", gone=gone)
