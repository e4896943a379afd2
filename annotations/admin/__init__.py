"""Django admin: raw CRUD for everything, with import/export and history.

Articles are imported through `importing/` (the same code as the
import_articles command) and exported through `exporting/` (the same
formats as export_annotations), never through a second definition.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import exporting, import_jobs, workflow
from ..http import export_response
from ..models import (
    ANNOTATOR_GROUP,
    LABEL_FIELDS,
    Article,
    Assignment,
    Attribution,
    CheckWorthiness,
    Claim,
    ClaimType,
    GoldClaim,
    ImportJob,
    Project,
    Rejection,
    Source,
    Verdict,
    article_text_frozen,
)
from .claim_import import ClaimImportViews, import_kept, may_import
from .display import AutoDirectionAdmin, evidence_links
from .forms import (
    ArticleAdminForm,
    AtomicHistoryMixin,
    ClaimAdminForm,
    GoldClaimAdminForm,
    ImportFilesForm,
    RejectionAdminForm,
    VersionedDeleteMixin,
)
from .spreadsheets import SpreadsheetSafeAdmin


def _action_name(fmt: str, gold: bool) -> str:
    message = _("Export gold claims of selected as %(format)s") if gold else _("Export selected as %(format)s")
    return message % {"format": exporting.FORMATS[fmt].label or fmt.upper()}


def _export_actions(articles_of, *, gold: bool = False):
    """Admin actions exporting the selection in each format, from exporting/."""

    def make(fmt: str):
        def action(modeladmin, request, queryset):
            articles, claims = articles_of(queryset)
            return export_response(fmt, articles=articles, claims=claims, gold=gold)

        action.__name__ = f"export_{'gold_' if gold else ''}{fmt}"
        # Lazy: named in the language of each request, not of the process's start.
        action.short_description = lazy(_action_name, str)(fmt, gold)
        return action

    return [make(fmt) for fmt in (exporting.GOLD_FORMATS if gold else exporting.CLAIM_FORMATS)]


def _assign(modeladmin, request, articles) -> None:
    """Top up the articles to their project's number of annotators, balancing the load, and say what was done."""
    annotators = list(get_user_model().objects.filter(is_active=True, groups__name=ANNOTATOR_GROUP))
    created = 0
    for project in Project.objects.filter(articles__in=articles).distinct():
        try:
            created += workflow.assign_articles(
                articles=articles.filter(project=project), annotators=annotators, per_article=project.annotators_per_article
            )
        except ValueError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
            return
    message = ngettext("Created %(count)d assignment.", "Created %(count)d assignments.", created)
    modeladmin.message_user(request, message % {"count": created}, messages.SUCCESS)


@admin.action(description=_("Assign to annotators (share out evenly)"))
def assign_evenly(modeladmin, request, queryset):
    """Top up the selected articles to their project's number of annotators, balancing the load."""
    _assign(modeladmin, request, queryset)


# Uploads of article files; those of claims have a claim_format (admin/claim_import.py).
ARTICLE_JOBS = ImportJob.objects.filter(claim_format="")


# Formats that are data, not sheets: their cells are written exactly.

@admin.register(Project)
class ProjectAdmin(SpreadsheetSafeAdmin):
    list_display = ["name", "annotators_per_article", "blind", "show_annotator_names", "created_at"]
    search_fields = ["name"]

@admin.register(Article)
class ArticleAdmin(AutoDirectionAdmin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = ["external_id", "title", "language", "project", "imported_at"]
    list_filter = ["project", "language"]
    search_fields = ["external_id", "title"]
    readonly_fields = [
        "text_sha256", "source_file", "source_row", "source_sha256", "import_encoding",
        "import_had_bom", "import_line_endings", "imported_at",
    ]
    actions = [
        assign_evenly,
        *_export_actions(lambda queryset: (queryset, None)),
        *_export_actions(lambda queryset: (queryset, None), gold=True),
    ]
    change_list_template = "admin/annotations/article/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and request.method != "POST" and article_text_frozen(obj.pk):
            # Claims, gold or restorable history point into it: shown read-only. A save
            # still takes the field, so a form opened before the first claim is refused.
            fields.append("text")
        return fields

    def get_urls(self):
        return [
            path("import-files/", self.admin_site.admin_view(self.import_files), name="annotations_article_import_files"),
            path(
                "import-files/<int:job_id>/",
                self.admin_site.admin_view(self.import_job),
                name="annotations_article_import_job",
            ),
            path(
                "import-files/<int:job_id>/import/",
                self.admin_site.admin_view(self.import_job_confirm),
                name="annotations_article_import_job_confirm",
            ),
            path(
                "import-files/<int:job_id>/assign/",
                self.admin_site.admin_view(self.import_job_assign),
                name="annotations_article_import_job_assign",
            ),
            *super().get_urls(),
        ]

    def import_files(self, request: HttpRequest) -> TemplateResponse:
        """Upload article files; a background job checks them as import_articles does, all or nothing."""
        if not may_import(request.user, Article):
            raise PermissionDenied
        form = ImportFilesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploads = form.cleaned_data["files"]
            too_big = [f.name for f in uploads if f.size > settings.ANNOTATIONS_MAX_IMPORT_BYTES]
            if too_big:
                form.add_error(
                    "files",
                    _("Too large: %(names)s (the limit is %(limit)s per file; load bigger files with the command).")
                    % {"names": ", ".join(too_big), "limit": filesizeformat(settings.ANNOTATIONS_MAX_IMPORT_BYTES)},
                )
            else:
                job = import_jobs.start_import_job(
                    uploads,
                    project_name=form.cleaned_data["project"],
                    language=form.cleaned_data["language"],
                    encoding=form.cleaned_data["encoding"],
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
                return redirect(reverse("admin:annotations_article_import_job", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import articles"),
            "form": form,
            "recent_jobs": ARTICLE_JOBS.only("pk", "project_name", "state", "dry_run", "created_at")[:10],
        }
        return TemplateResponse(request, "admin/annotations/article/import_files.html", context)

    def import_job(self, request: HttpRequest, job_id: int) -> TemplateResponse:
        """An upload's progress: state, counts, and on failure every refusal. Refreshes until finished."""
        if not may_import(request.user, Article):
            raise PermissionDenied
        job = import_jobs.notice_lost_task(get_object_or_404(ARTICLE_JOBS, pk=job_id))
        waiting = job.state == ImportJob.State.QUEUED and (timezone.now() - job.created_at).total_seconds() > 10
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": ngettext("Import of %(files)d file into %(project)s", "Import of %(files)d files into %(project)s", job.files_total)
            % {"files": job.files_total, "project": job.project_name},
            "job": job,
            "no_worker": waiting,
            "can_import": import_jobs.has_kept_files(job),
            "can_assign": bool(job.article_ids) and self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/annotations/article/import_job.html", context)

    def import_job_confirm(self, request: HttpRequest, job_id: int):
        """Import the files a passed dry run checked, without uploading them again."""
        if not may_import(request.user, Article):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dry_run = get_object_or_404(ARTICLE_JOBS, pk=job_id)
        gone = _("These files are no longer kept (already imported, or checked too long ago); upload them again.")
        return import_kept(self, request, dry_run, job_view="admin:annotations_article_import_job", gone=gone)

    def import_job_assign(self, request: HttpRequest, job_id: int):
        """Assign the articles an upload imported, as the "Assign to annotators" action does."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = get_object_or_404(ARTICLE_JOBS, pk=job_id)
        _assign(self, request, Article.objects.filter(pk__in=job.article_ids))
        return redirect(reverse("admin:annotations_article_import_job", args=[job.pk]))


@admin.register(Assignment)
class AssignmentAdmin(AutoDirectionAdmin, SimpleHistoryAdmin):
    list_display = ["article", "annotator", "state", "assigned_at", "submitted_at"]
    list_filter = ["state", "article__project"]
    search_fields = ["article__external_id", "annotator__username"]
    raw_id_fields = ["article"]


@admin.register(Claim)
class ClaimAdmin(ClaimImportViews, AutoDirectionAdmin, VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
    form = ClaimAdminForm
    change_list_template = "admin/annotations/claim/change_list.html"
    list_display = ["quote", "article", "annotator", "verification_status", "claim_type", "version", "updated_at"]
    list_filter = ["verification_status", "claim_type", "check_worthiness", "attribution", "article__project"]
    search_fields = ["quote", "article__external_id", "annotator__username", "source__name"]
    raw_id_fields = ["article", "source"]
    # The span is validated against the text by the annotation form and
    # import_annotations; the admin changes labels only.
    readonly_fields = ["article", "annotator", "start", "end", "quote", "prefix", "suffix", "source_start", "source_end", "evidence_links", "version", "created_at", "updated_at"]
    actions = _export_actions(
        lambda queryset: (Article.objects.filter(claims__in=queryset).distinct(), queryset)
    )

    @admin.display(description=_("evidence (links)"))
    def evidence_links(self, obj) -> str:
        return evidence_links(obj.evidence)

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and Claim.objects.filter(pk=obj.pk).decided().exists():
            fields += [name for name in (*LABEL_FIELDS, "source", "evidence", "note") if name not in fields]
        return fields

    def get_deleted_objects(self, objs, request):
        """Claims under a decision are protected: gold keeps the claims it was made from."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = [claim.pk for claim in objs]
        for claim in Claim.objects.filter(pk__in=ids).decided():
            protected.append(_("%(claim)s (part of a gold claim or a rejection)") % {"claim": claim})
        return deleted, counts, perms_needed, protected


@admin.register(GoldClaim)
class GoldClaimAdmin(AutoDirectionAdmin, VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
    form = GoldClaimAdminForm
    list_display = ["quote", "article", "provenance", "verification_status", "adjudicator", "updated_at"]
    list_filter = ["provenance", "verification_status", "claim_type", "article__project"]
    search_fields = ["quote", "article__external_id", "adjudicator__username", "decision_note"]
    raw_id_fields = ["article", "source"]
    # Provenance and the claims a gold claim came from are the adjudication's record, not editable.
    readonly_fields = [
        "article", "adjudicator", "provenance", "annotations", "start", "end", "quote", "prefix", "suffix",
        "source_start", "source_end", "evidence_links", "version", "created_at", "updated_at",
    ]
    actions = _export_actions(
        lambda queryset: (Article.objects.filter(goldclaims__in=queryset).distinct(), queryset), gold=True
    )
    evidence_links = ClaimAdmin.evidence_links

    def has_add_permission(self, request):
        return False


@admin.register(Rejection)
class RejectionAdmin(AutoDirectionAdmin, VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
    form = RejectionAdminForm
    list_display = ["article", "adjudicator", "decision_note", "created_at"]
    readonly_fields = ["article", "adjudicator", "claims", "version", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Source)
class SourceAdmin(SpreadsheetSafeAdmin):
    list_display = ["name", "name_latin", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "name_latin", "affiliation"]


class TermAdmin(SpreadsheetSafeAdmin):
    list_display = ["slug", "label", "label_ar", "label_fa", "position", "active"]
    list_editable = ["label", "label_ar", "label_fa", "position", "active"]
    ordering = ["position", "slug"]


@admin.register(Verdict)
class VerdictAdmin(TermAdmin):
    list_display = [*TermAdmin.list_display, "ordinal_rank"]


admin.site.register(ClaimType, TermAdmin)
admin.site.register(CheckWorthiness, TermAdmin)
admin.site.register(Attribution, TermAdmin)


from . import canonical, suggestions  # noqa: E402, F401  (canonical claims, appearances, dismissed matches; suggestions)
