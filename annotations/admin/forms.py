"""Admin forms: articles and uploads, and claims, gold claims and rejections written through the same rules.

An admin edit is a write like any other (docs/integrity.md): it is made from
the version the admin saw and bumps it, so a stale annotator save is refused
rather than applied over it; decided claims stay frozen; a span restored from
history must still match the article's text; and evidence and notes obey the
limits of the annotation form, so every export can be loaded back.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .. import import_formats, importing
from .. import text as textlib
from ..forms import MAX_NOTE_CHARS, SPAN_MESSAGES, check_evidence
from ..http import whole_number
from ..models import ANNOTATOR_GROUP, Article, Claim, Project, article_text_frozen
from ..workflow import FROZEN, waiting_annotators

STALE = _(
    "Someone changed this since you opened it (it is now at version %(version)d). "
    "Reload the page to see the stored version; nothing was saved."
)


class VersionedAdminForm(forms.ModelForm):
    """A model form that is refused if the row moved on since it was shown, and bumps its version."""

    seen_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The live row's version, also when the form shows a historic copy to restore.
        live = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        self.fields["seen_version"].initial = live
        self.live_version = live

    def clean(self) -> dict:
        data = super().clean()
        # Locked until the admin's transaction ends: nothing can change the row between this check and the save.
        live = type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if live is not None and data.get("seen_version") != live:
            raise ValidationError(STALE, code="stale", params={"version": live})
        self.live_version = live
        return data

    def save(self, commit: bool = True):
        instance = super().save(commit=False)
        # A restored deleted row continues after the newest version its history knows.
        newest = max(
            [self.live_version or 0, instance.version or 0]
            + list(type(self.instance).history.filter(id=instance.pk).values_list("version", flat=True))
        )
        instance.version = newest + 1
        if commit:
            instance.save()
            self.save_m2m()
        return instance


class BoundedJSONField(forms.JSONField):
    """Django's JSON form field, refusing what json.loads raises besides a decode error
    (a number past Python's integer-digit limit, nesting past the recursion limit)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (ValueError, RecursionError):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": str(value)[:100]}) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(str(data)[:1000])


class SpanAdminForm(VersionedAdminForm):
    """A claim or gold claim: its span is read-only here but checked, so a restore cannot break it."""

    evidence = BoundedJSONField(label=_("evidence links"), required=False)

    def clean_evidence(self):
        return check_evidence(self.cleaned_data.get("evidence") or [])

    def clean_note(self) -> str:
        return _bounded(self.cleaned_data.get("note") or "", "note")

    def clean(self) -> dict:
        data = super().clean()
        instance = self.instance
        text = instance.article.text
        try:
            textlib.validate_span(text, instance.start, instance.end, instance.quote)
            if instance.source_start is not None:
                textlib.validate_span(text, instance.source_start, instance.source_end, text[instance.source_start : instance.source_end])
        except textlib.TextError as exc:
            raise ValidationError(
                _("This version's span does not fit the article's text (%(problem)s); it cannot be saved or restored."),
                code="span_mismatch",
                params={"problem": SPAN_MESSAGES.get(exc.code, exc.message)},
            ) from None
        if "source" in data and data["source"] is None and instance.source_start is not None:
            self.add_error(
                "source",
                ValidationError(
                    _(
                        "The claimant is marked in the text (code points %(start)d–%(end)d), so it cannot be removed "
                        "here; choose another claimant, or remove the claim's claimant on the annotation page."
                    ),
                    code="source_anchored",
                    params={"start": instance.source_start, "end": instance.source_end},
                ),
            )
        return data


def _bounded(value: str, field: str) -> str:
    if len(value) > MAX_NOTE_CHARS:
        raise ValidationError(
            _("At most %(limit)d characters."), code="max_length", params={"limit": MAX_NOTE_CHARS}
        )
    return value


class ClaimAdminForm(SpanAdminForm):
    class Meta:
        model = Claim
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        if Claim.objects.filter(pk=self.instance.pk).decided().exists():
            raise ValidationError(str(FROZEN), code="frozen")
        return data


class DecisionRestoreMixin:
    """A gold claim or rejection restored after it was taken back gets its claims back,
    but only if none of them changed, vanished or was decided otherwise since."""

    restoring_history_id = None  # set by DecisionAdminMixin.get_form on the history (restore) page
    claims_field = "annotations"

    def clean(self) -> dict:
        data = super().clean()
        self.restored_claims = None
        if self.live_version is not None or self.restoring_history_id is None:
            return data
        model = type(self.instance)
        if waiting_annotators(self.instance.article):
            # As on the adjudication page: decisions wait until every annotator has submitted.
            raise ValidationError(
                _("An annotator is working on this article again; a decision can be restored once every annotator has submitted."),
                code="not_ready",
            )
        record = model.history.filter(history_id=self.restoring_history_id).first()
        ids = set(getattr(record, self.claims_field).values_list("claim_id", flat=True)) if record else set()
        if not ids:
            raise ValidationError(
                _("This version of the decision has no claims recorded (it is the first step of its making); restore a later version."),
                code="no_claims",
            )
        taken_back = model.history.filter(id=self.instance.pk, history_type="-").order_by("-history_date").first()
        since = taken_back.history_date if taken_back else None
        claims = Claim.objects.filter(pk__in=ids, article_id=self.instance.article_id)
        changed = since is not None and Claim.history.filter(id__in=ids, history_date__gt=since).exists()
        if not ids or claims.count() != len(ids) or claims.decided().exists() or changed:
            raise ValidationError(
                _(
                    "The claims this decision was made from changed, were deleted or were decided again since it was "
                    "taken back, so it cannot be restored; decide the group again on the adjudication page."
                ),
                code="decision_stale",
            )
        self.restored_claims = list(claims)
        return data

    def _save_m2m(self):
        super()._save_m2m()
        if self.restored_claims is not None:
            getattr(self.instance, self.claims_field).set(self.restored_claims)


class GoldClaimAdminForm(DecisionRestoreMixin, SpanAdminForm):
    def clean_decision_note(self) -> str:
        return _bounded(self.cleaned_data.get("decision_note") or "", "decision_note")


class RejectionAdminForm(DecisionRestoreMixin, VersionedAdminForm):
    claims_field = "claims"

    def clean_decision_note(self) -> str:
        return _bounded(self.cleaned_data.get("decision_note") or "", "decision_note")


class VersionedDeleteMixin:
    """An admin deletion is made from the version shown on its confirmation page, like every
    removal; deleting many at once (which shows no versions) is not offered."""

    delete_confirmation_template = "admin/annotations/versioned_delete_confirmation.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        live = self.model.objects.filter(pk=object_id).values_list("version", flat=True).first()
        if request.method == "POST" and live is not None:
            if whole_number(request.POST.get("seen_version", ""), digits=9) != live:
                messages.error(request, STALE % {"version": live})
                return HttpResponseRedirect(request.path)
        return super().delete_view(request, object_id, {**(extra_context or {}), "seen_version": live})


class AtomicHistoryMixin:
    """The history form (restore) runs in one transaction, like the change form, so the
    version lock taken while validating holds until the restored row is saved; the form
    knows which historic record it restores."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.restoring_history_id = version_id
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        history_id = getattr(request, "restoring_history_id", None)
        if history_id is not None:
            form = type(form.__name__, (form,), {"restoring_history_id": history_id})
        return form


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
        if text is not None and not self.errors:
            # The same checks as an imported row (importing.check_article), so an admin edit
            # stores nothing an import would refuse and never reaches a database error.
            published = data.get("published_at")
            values = {
                "text": text,
                **{key: data.get(key) or "" for key in ("external_id", "title", "language", "url", "outlet")},
                "published_at": published.isoformat() if published else "",
            }
            try:
                checked = importing.check_article(str(_("this form")), None, values, importing.ImportOptions.from_settings(), {"file": ""})
            except importing.ImportRefused as refused:
                raise forms.ValidationError(refused.reason, code=refused.code) from None
            data["external_id"], data["language"] = checked.external_id, checked.language
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
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name"), empty_label=None,
        help_text=_("To import into a new project, add the project first."),
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=20, help_text=_("Leave empty to detect."))
    encoding = forms.CharField(label=_("Encoding"), required=False, max_length=40, help_text=_("Default UTF-8."))
    dry_run = forms.BooleanField(label=_("Dry run: check only, write nothing"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = Project.objects.filter(name=settings.ANNOTATIONS_DEFAULT_PROJECT).first()
        if default is not None:
            self.fields["project"].initial = default.pk

    def clean_project(self) -> str:
        """The chosen project's name, which the import job records."""
        return self.cleaned_data["project"].name

    def clean_language(self) -> str:
        return _checked(textlib.check_language_code, self.cleaned_data["language"])

    def clean_encoding(self) -> str:
        return _checked(textlib.check_encoding, self.cleaned_data["encoding"])


class ImportClaimsForm(forms.Form):
    """One file of claims or suggestions, its format (import_formats.FORMATS) and that format's options."""

    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"))
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name"), required=False,
        empty_label=_("Any project"), help_text=_("Look the articles up in this project only."),
    )
    label_map = forms.FileField(
        label=_("Label map"), required=False,
        help_text=_("doccano, Label Studio and W3C files: a JSON file mapping their labels to ours."),
    )
    offset_unit = forms.ChoiceField(
        label=_("Offsets count"), required=False,
        choices=[("", _("Not given")), ("utf16", _("UTF-16 code units")), ("codepoint", _("Code points"))],
        help_text=_(
            "Other tools' files and suggestions. Not given: refused if a text has emoji or other characters "
            "where the two differ (suggestions: code points, unless a line names its own)."
        ),
    )
    annotator = forms.ModelChoiceField(
        label=_("Annotator"), required=False, to_field_name="username",
        queryset=get_user_model().objects.filter(is_active=True, groups__name=ANNOTATOR_GROUP).order_by("username"),
        help_text=_("Whose claims they are: needed for doccano and Label Studio files, optional for W3C ones."),
    )
    dry_run = forms.BooleanField(label=_("Dry run: check only, write nothing"), required=False, initial=True)

    def __init__(self, *args, formats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [(key, import_formats.FORMATS[key].label) for key in formats]

    def clean_file(self):
        return _within_limit(self.cleaned_data["file"])

    def clean_label_map(self):
        return _within_limit(self.cleaned_data["label_map"])

    def clean(self) -> dict:
        data = super().clean()
        fmt = import_formats.FORMATS.get(data.get("format"))
        if fmt is None:
            return data
        if data.get("label_map") and not fmt.label_map:
            self.add_error("label_map", forms.ValidationError(_("This format takes no label map."), code="not_taken"))
        if data.get("offset_unit") and data["offset_unit"] not in fmt.offset_units:
            self.add_error("offset_unit", forms.ValidationError(_("This format's offsets are always code points."), code="not_taken"))
        if data.get("annotator") and not fmt.annotator:
            self.add_error("annotator", forms.ValidationError(_("This format names its annotators itself."), code="not_taken"))
        if not data.get("annotator") and fmt.annotator == import_formats.REQUIRED and "annotator" not in self.errors:
            self.add_error("annotator", forms.ValidationError(_("Choose whose claims these are."), code="required"))
        return data


def _within_limit(upload):
    if upload and upload.size > settings.ANNOTATIONS_MAX_IMPORT_BYTES:
        raise forms.ValidationError(
            _("The file is %(size)d bytes; the limit is %(limit)d. Split it, or load it with the command."),
            code="too_large", params={"size": upload.size, "limit": settings.ANNOTATIONS_MAX_IMPORT_BYTES},
        )
    return upload


def _checked(check, value: str) -> str:
    """Run a text-module check on a form value, turning its refusal into a form error."""
    try:
        return check(value) if value else ""
    except textlib.TextError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from None
