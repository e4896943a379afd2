"""Admin for canonical claims: versioned edits with their evidence inline, under the same rules as the page.

The evidence discipline (models.check_verdict_evidence) is checked where the admin
sees both the verdict and the evidence: the evidence inline's formset, against the
verdict the form is about to save; a restore from history (which has no inline)
checks the stored evidence. Appearances are shown read-only: a link is made by a
person confirming a match on the adjudication or annotation page; deleting one here
unlinks it as the page does. Dismissed matches are a record, read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import matching, workflow
from ..forms import MAX_NOTE_CHARS, check_language, check_link
from ..models import Appearance, CanonicalClaim, Evidence, MatchDismissal, check_verdict_evidence
from .display import AutoDirectionAdmin, label_columns
from .forms import AtomicHistoryMixin, VersionedAdminForm, VersionedDeleteMixin


class CanonicalClaimAdminForm(VersionedAdminForm):
    restoring_history_id = None  # set on the history (restore) page by AtomicHistoryMixin
    first_appearance_url = forms.URLField(label=_("first appearance URL"), required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = CanonicalClaim
        fields = [
            "statement", "language", "translation", "translation_language", "claimant", "verdict", "verdict_override_note",
            "first_appearance_url", "first_appeared_on", "note",
        ]

    def clean_language(self) -> str:
        return check_language(self.cleaned_data["language"])

    def clean_translation_language(self) -> str:
        value = self.cleaned_data.get("translation_language") or ""
        return check_language(value) if value else ""

    def clean_note(self) -> str:
        return _bounded(self.cleaned_data.get("note") or "")

    def clean_verdict_override_note(self) -> str:
        return _bounded(self.cleaned_data.get("verdict_override_note") or "")

    def clean(self) -> dict:
        data = super().clean()
        verdict = data.get("verdict")
        if self.restoring_history_id is not None and self.instance.pk:
            dated = Evidence.objects.filter(canonical_id=self.instance.pk, published_on__isnull=False).exists()
            check_verdict_evidence(verdict.pk if verdict else None, dated_evidence=dated, override_note=data.get("verdict_override_note", ""))
        return data


def _bounded(value: str) -> str:
    if len(value) > MAX_NOTE_CHARS:
        raise ValidationError(_("At most %(limit)d characters."), code="max_length", params={"limit": MAX_NOTE_CHARS})
    return value


class EvidenceAdminForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    archived_url = forms.URLField(label=_("archived copy"), required=False, max_length=2000, assume_scheme="https")
    class Meta:
        model = Evidence
        fields = ["url", "title", "published_on", "archived_url", "checked_on"]

    def clean_url(self) -> str:
        return check_link(self.cleaned_data["url"])

    def clean_archived_url(self) -> str:
        value = self.cleaned_data.get("archived_url") or ""
        return check_link(value) if value else ""


class EvidenceFormSet(BaseInlineFormSet):
    """The evidence as it will be after this save, checked against the verdict the form will save."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        label_columns(form)

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        dated = any(form.cleaned_data.get("published_on") for form in kept)
        canonical = self.instance  # the form's values applied: the admin validates the form first
        check_verdict_evidence(canonical.verdict_id, dated_evidence=dated, override_note=canonical.verdict_override_note)


class EvidenceInline(AutoDirectionAdmin, admin.TabularInline):
    model = Evidence
    form = EvidenceAdminForm
    formset = EvidenceFormSet
    fields = ["url", "title", "published_on", "archived_url", "checked_on", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    extra = 0


class AppearanceInline(admin.TabularInline):
    model = Appearance
    fields = ["article", "gold_claim", "claim", "linked_by", "linked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CanonicalClaim)
class CanonicalClaimAdmin(AutoDirectionAdmin, VersionedDeleteMixin, AtomicHistoryMixin, SimpleHistoryAdmin):
    form = CanonicalClaimAdminForm
    inlines = [EvidenceInline, AppearanceInline]
    list_display = ["statement", "language", "claimant", "verdict", "version", "updated_at"]
    list_filter = ["verdict", "language"]
    search_fields = ["statement", "translation", "claimant__name", "note"]
    raw_id_fields = ["claimant"]
    readonly_fields = ["verdict_at", "created_by", "version", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        before = CanonicalClaim.objects.filter(pk=obj.pk).values_list("verdict_id", "verdict_at").first() if change else None
        verdict = obj.verdict_id
        if before is not None:
            obj.verdict_id, obj.verdict_at = before
        obj.set_verdict(verdict)  # unassessed stored as none; dated when a final verdict is given
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        matching.refresh_keys([form.instance.pk])  # the statement, translation or claimant may have changed


@admin.register(Appearance)
class AppearanceAdmin(SimpleHistoryAdmin):
    list_display = ["canonical", "article", "gold_claim", "claim", "linked_by", "linked_at"]
    list_filter = ["article__language"]
    search_fields = ["canonical__statement", "article__external_id", "linked_by__username"]
    readonly_fields = ["canonical", "article", "gold_claim", "claim", "linked_by", "linked_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        workflow.unlink(user=request.user, appearance=obj)

    def delete_queryset(self, request, queryset):
        for appearance in queryset.select_related("claim__article__project", "gold_claim"):
            workflow.unlink(user=request.user, appearance=appearance)


@admin.register(MatchDismissal)
class MatchDismissalAdmin(admin.ModelAdmin):
    list_display = ["canonical", "gold_claim", "claim", "dismissed_by", "dismissed_at"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
