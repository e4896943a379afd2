"""Django admin: raw CRUD for everything, with import/export and history.

Articles are imported through `importing.py` (the same code as the
import_articles command) and exported through `exporting.py` (the same
formats as export_annotations), never through a second definition.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import exporting, import_jobs, importing, workflow
from .views import export_response
from . import text as textlib
from .models import (
    Article,
    Assignment,
    Attribution,
    CheckWorthiness,
    ANNOTATOR_GROUP,
    Claim,
    ClaimType,
    GoldClaim,
    ImportJob,
    Project,
    Rejection,
    Source,
    Verdict,
)


def _export_actions(articles_of, *, gold: bool = False):
    """Admin actions exporting the selection in each format, from exporting.py."""

    def make(fmt: str):
        def action(modeladmin, request, queryset):
            articles, claims = articles_of(queryset)
            return export_response(fmt, articles=articles, claims=claims, gold=gold)

        action.__name__ = f"export_{'gold_' if gold else ''}{fmt}"
        action.short_description = (
            _("Export gold claims of selected as %(format)s") if gold else _("Export selected as %(format)s")
        ) % {"format": fmt.upper()}
        return action

    return [make(fmt) for fmt in exporting.FORMATS]


@admin.action(description=_("Assign to annotators (share out evenly)"))
def assign_evenly(modeladmin, request, queryset):
    """Top up the selected articles to their project's number of annotators, balancing the load."""
    annotators = list(get_user_model().objects.filter(is_active=True, groups__name=ANNOTATOR_GROUP))
    created = 0
    for project in Project.objects.filter(articles__in=queryset).distinct():
        try:
            created += workflow.assign_articles(
                articles=queryset.filter(project=project), annotators=annotators, per_article=project.annotators_per_article
            )
        except ValueError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
            return
    modeladmin.message_user(request, _("Created %(count)d assignment(s).") % {"count": created}, messages.SUCCESS)


@admin.register(Project)
class ProjectAdmin(ImportExportModelAdmin):
    list_display = ["name", "annotators_per_article", "blind", "show_annotator_names", "created_at"]
    search_fields = ["name"]


class ArticleAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = Article
        fields = "__all__"

    def clean_text(self) -> str:
        text, _endings = textlib.normalise_newlines(self.cleaned_data["text"])
        _checked(lambda value: textlib.check_article_text(value, max_chars=settings.ANNOTATIONS_MAX_ARTICLE_CHARS), text)
        return text

    def clean(self) -> dict:
        data = super().clean()
        if "text" in data:
            self.instance.text_sha256 = textlib.sha256_hex(data["text"])
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(importing.FORMATS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            if not data and self.required:
                # The widget gives an empty list, not None, when no file was sent.
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportFilesForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(".txt (one article per file), .csv, .json or .jsonl"),
    )
    project = forms.CharField(label=_("Project"), max_length=200, initial=settings.ANNOTATIONS_DEFAULT_PROJECT)
    language = forms.CharField(label=_("Language"), required=False, max_length=20, help_text=_("Leave empty to detect."))
    encoding = forms.CharField(label=_("Encoding"), required=False, max_length=40, help_text=_("Default UTF-8."))
    dry_run = forms.BooleanField(label=_("Dry run: check only, write nothing"), required=False, initial=True)

    def clean_project(self) -> str:
        return _checked(importing.check_project_name, self.cleaned_data["project"])

    def clean_language(self) -> str:
        return _checked(textlib.check_language_code, self.cleaned_data["language"])

    def clean_encoding(self) -> str:
        return _checked(textlib.check_encoding, self.cleaned_data["encoding"])


def _checked(check, value: str) -> str:
    """Run a text-module check on a form value, turning its refusal into a form error."""
    try:
        return check(value) if value else ""
    except textlib.TextError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from None


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
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
        if obj is not None and obj.claims.exists():
            fields.append("text")  # claims point into it: frozen
        return fields

    def get_urls(self):
        return [
            path("import-files/", self.admin_site.admin_view(self.import_files), name="annotations_article_import_files"),
            path(
                "import-files/<int:job_id>/",
                self.admin_site.admin_view(self.import_job),
                name="annotations_article_import_job",
            ),
            *super().get_urls(),
        ]

    def import_files(self, request: HttpRequest) -> TemplateResponse:
        """Upload article files; a background job checks them as import_articles does, all or nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportFilesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploads = form.cleaned_data["files"]
            too_big = [f.name for f in uploads if f.size > settings.ANNOTATIONS_MAX_IMPORT_BYTES]
            if too_big:
                form.add_error("files", _("Too large: %(names)s") % {"names": ", ".join(too_big)})
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
            "recent_jobs": ImportJob.objects.only("pk", "project_name", "state", "dry_run", "created_at")[:10],
        }
        return TemplateResponse(request, "admin/annotations/article/import_files.html", context)

    def import_job(self, request: HttpRequest, job_id: int) -> TemplateResponse:
        """An upload's progress: state, counts, and on failure every refusal. Refreshes until finished."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        job = import_jobs.notice_lost_task(get_object_or_404(ImportJob, pk=job_id))
        waiting = job.state == ImportJob.State.QUEUED and (timezone.now() - job.created_at).total_seconds() > 10
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import of %(files)d file(s) into %(project)s")
            % {"files": job.files_total, "project": job.project_name},
            "job": job,
            "no_worker": waiting,
        }
        return TemplateResponse(request, "admin/annotations/article/import_job.html", context)


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["article", "annotator", "state", "assigned_at", "submitted_at"]
    list_filter = ["state", "article__project"]
    search_fields = ["article__external_id", "annotator__username"]
    raw_id_fields = ["article"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["quote", "article", "annotator", "verification_status", "claim_type", "version", "updated_at"]
    list_filter = ["verification_status", "claim_type", "check_worthiness", "attribution", "article__project"]
    search_fields = ["quote", "article__external_id", "annotator__username", "source__name"]
    raw_id_fields = ["article", "source"]
    # The span is validated against the text by the annotation form and
    # import_annotations; the admin changes labels only.
    readonly_fields = ["article", "annotator", "start", "end", "quote", "prefix", "suffix", "source_start", "source_end", "version", "created_at", "updated_at"]
    actions = _export_actions(
        lambda queryset: (Article.objects.filter(claims__in=queryset).distinct(), queryset)
    )

    def has_add_permission(self, request):
        return False


@admin.register(GoldClaim)
class GoldClaimAdmin(SimpleHistoryAdmin):
    list_display = ["quote", "article", "provenance", "verification_status", "adjudicator", "updated_at"]
    list_filter = ["provenance", "verification_status", "claim_type", "article__project"]
    search_fields = ["quote", "article__external_id", "adjudicator__username", "decision_note"]
    raw_id_fields = ["article", "source", "annotations"]
    readonly_fields = ["article", "adjudicator", "start", "end", "quote", "prefix", "suffix", "source_start", "source_end", "version", "created_at", "updated_at"]
    actions = _export_actions(
        lambda queryset: (Article.objects.filter(goldclaims__in=queryset).distinct(), queryset), gold=True
    )

    def has_add_permission(self, request):
        return False


@admin.register(Rejection)
class RejectionAdmin(SimpleHistoryAdmin):
    list_display = ["article", "adjudicator", "decision_note", "created_at"]
    raw_id_fields = ["article", "claims"]


@admin.register(Source)
class SourceAdmin(ImportExportModelAdmin):
    list_display = ["name", "name_latin", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "name_latin", "affiliation"]


class TermAdmin(ImportExportModelAdmin):
    list_display = ["slug", "label", "label_ar", "label_fa", "position", "active"]
    list_editable = ["label", "label_ar", "label_fa", "position", "active"]
    ordering = ["position", "slug"]


@admin.register(Verdict)
class VerdictAdmin(TermAdmin):
    list_display = [*TermAdmin.list_display, "ordinal_rank"]


admin.site.register(ClaimType, TermAdmin)
admin.site.register(CheckWorthiness, TermAdmin)
admin.site.register(Attribution, TermAdmin)
