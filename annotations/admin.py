"""Django admin: raw CRUD for everything, with import/export and history.

Articles are imported through `importing.py` (the same code as the
import_articles command) and exported through `exporting.py` (the same
formats as export_annotations), never through a second definition.
"""

from __future__ import annotations

from decimal import Decimal

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
from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from . import exporting, import_jobs, importing, workflow
from .views import export_response
from . import text as textlib
from .admin_forms import AtomicHistoryMixin, ClaimAdminForm, GoldClaimAdminForm, RejectionAdminForm, VersionedDeleteMixin
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
    article_text_frozen,
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


# Formats that are data, not sheets: their cells are written exactly.
DATA_FORMATS = (base_formats.JSON, base_formats.YAML)


class FormulaSafeResource(resources.ModelResource):
    """Text cells a spreadsheet would run get exporting.formula_safe's apostrophe.

    Only when asked (formula_safe=True), and only text: a number, even a
    negative one, is written as a number.
    """

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if kwargs.get("formula_safe") and not isinstance(field.get_value(instance), (int, float, Decimal)):
            return exporting.formula_safe(value)
        return value


class _FormulaSafeImport:
    """A spreadsheet format whose import removes the apostrophe our export added."""

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        for index, row in enumerate(dataset):
            dataset[index] = [exporting.formula_unsafe(cell) for cell in row]
        return dataset


class CSV(_FormulaSafeImport, base_formats.CSV):
    pass


class TSV(_FormulaSafeImport, base_formats.TSV):
    pass


class SpreadsheetSafeAdmin(ImportExportModelAdmin):
    """django-import-export admin whose exports are safe to open in a spreadsheet.

    Its own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "="
    (changing the value); this escapes the same characters as the app's CSV
    export, in every format but JSON and YAML, and the CSV/TSV import undoes it.
    """

    import_formats = [CSV, TSV, base_formats.JSON]

    def get_resource_classes(self, request):
        if not self.resource_classes:
            # Rows are matched by the primary key whatever its name (a vocabulary's is its slug),
            # so an export loads back unchanged.
            return [
                resources.modelresource_factory(
                    self.model, resource_class=FormulaSafeResource, meta_options={"import_id_fields": [self.model._meta.pk.name]}
                )
            ]
        return super().get_resource_classes(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        kwargs["formula_safe"] = not isinstance(file_format, DATA_FORMATS)
        return super().get_export_data(file_format, request, queryset, **kwargs)


@admin.register(Project)
class ProjectAdmin(SpreadsheetSafeAdmin):
    list_display = ["name", "annotators_per_article", "blind", "show_annotator_names", "created_at"]
    search_fields = ["name"]


class ArticleAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "text" in self.fields:
            # A frozen text is shown read-only, so its form comes back without it (see clean_text).
            self.fields["text"].required = False

    def clean_text(self) -> str:
        if not self.cleaned_data["text"] and self.instance.pk:
            if article_text_frozen(self.instance.pk):
                return self.instance.text
            raise forms.ValidationError(self.fields["text"].error_messages["required"], code="required")
        text, _endings = textlib.normalise_newlines(self.cleaned_data["text"])
        _checked(lambda value: textlib.check_article_text(value, max_chars=settings.ANNOTATIONS_MAX_ARTICLE_CHARS), text)
        if self.instance.pk and text != self.instance.text and article_text_frozen(self.instance.pk):
            # Checked on save too: the page may have been opened before the first claim was made.
            raise forms.ValidationError(
                _("Claims, gold claims or their history point into this text, so it can no longer be changed."),
                code="text_frozen",
            )
        return text

    def clean(self) -> dict:
        data = super().clean()
        text = data.get("text", self.instance.text if self.instance.pk else None)
        if text is not None and data.get("project") is not None:
            digest = textlib.sha256_hex(text)
            twin = Article.objects.filter(project=data["project"], text_sha256=digest).exclude(pk=self.instance.pk).first()
            if twin is not None:
                raise forms.ValidationError(
                    _("The article “%(other)s” in this project has exactly this text already."),
                    code="duplicate_text",
                    params={"other": twin.external_id},
                )
            self.instance.text_sha256 = digest
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
class ClaimAdmin(VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
    form = ClaimAdminForm
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and Claim.objects.filter(pk=obj.pk).decided().exists():
            fields += [name for name in ("claim_type", "check_worthiness", "verification_status", "attribution", "source", "evidence", "note") if name not in fields]
        return fields

    def get_deleted_objects(self, objs, request):
        """Claims under a decision are protected: gold keeps the claims it was made from."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = [claim.pk for claim in objs]
        for claim in Claim.objects.filter(pk__in=ids).decided():
            protected.append(_("%(claim)s (part of a gold claim or a rejection)") % {"claim": claim})
        return deleted, counts, perms_needed, protected


@admin.register(GoldClaim)
class GoldClaimAdmin(VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
    form = GoldClaimAdminForm
    list_display = ["quote", "article", "provenance", "verification_status", "adjudicator", "updated_at"]
    list_filter = ["provenance", "verification_status", "claim_type", "article__project"]
    search_fields = ["quote", "article__external_id", "adjudicator__username", "decision_note"]
    raw_id_fields = ["article", "source"]
    # Provenance and the claims a gold claim came from are the adjudication's record, not editable.
    readonly_fields = [
        "article", "adjudicator", "provenance", "annotations", "start", "end", "quote", "prefix", "suffix",
        "source_start", "source_end", "version", "created_at", "updated_at",
    ]
    actions = _export_actions(
        lambda queryset: (Article.objects.filter(goldclaims__in=queryset).distinct(), queryset), gold=True
    )

    def has_add_permission(self, request):
        return False


@admin.register(Rejection)
class RejectionAdmin(VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
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
