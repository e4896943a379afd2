"""Canonical claims and their evidence (docs/canonical-claims.md)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import text as textlib
from ..models import (
    SourceKind,
    Verdict,
    check_verdict_evidence,
)
from .claims import MAX_NOTE_CHARS, TermChoiceField, check_evidence

MAX_STATEMENT_CHARS = 5000


class CanonicalClaimForm(forms.Form):
    """A canonical claim as an adjudicator edits it (and as import_annotations reads it), with the
    evidence discipline: `dated_evidence` says whether it has an evidence item with a publication date."""

    statement = forms.CharField(
        label=_("Normalised statement"), max_length=MAX_STATEMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Short and self-contained, in the language of its first appearance."),
    )
    language = forms.CharField(label=_("Language"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "size": 6}))
    translation = forms.CharField(
        label=_("Translation"), required=False, max_length=MAX_STATEMENT_CHARS, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )
    translation_language = forms.CharField(
        label=_("Translation language"), required=False, max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "size": 6})
    )
    source_name = forms.CharField(label=_("Claimant"), required=False, max_length=300, widget=forms.TextInput(attrs={"dir": "auto"}))
    source_kind = forms.ChoiceField(label=_("Claimant kind"), choices=lambda: SourceKind.choices, initial=SourceKind.PERSON)
    verdict = TermChoiceField(Verdict, label=_("Verdict"), initial="unassessed")
    verdict_override_note = forms.CharField(
        label=_("Why this verdict stands without dated evidence"), required=False, max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    first_appearance_url = forms.URLField(
        label=_("First appearance (URL)"), required=False, max_length=2000, assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    first_appeared_on = forms.DateField(
        label=_("First appeared on"), required=False, widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"})
    )
    note = forms.CharField(label=_("Notes"), required=False, max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, instance=None, dated_evidence: bool = False, restoring: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.dated_evidence = dated_evidence
        if restoring:
            self.fields["verdict"].any_term = True
        if instance is not None:
            self.fields["verdict"].current = instance.verdict_id
            source = instance.claimant
            self.initial.update(
                statement=instance.statement, language=instance.language, translation=instance.translation,
                translation_language=instance.translation_language,
                source_name=source.name if source else "", source_kind=source.kind if source else SourceKind.PERSON,
                verdict=instance.verdict_id or "unassessed", verdict_override_note=instance.verdict_override_note,
                first_appearance_url=instance.first_appearance_url, first_appeared_on=instance.first_appeared_on,
                note=instance.note, version=instance.version,
            )

    def clean_language(self) -> str:
        return check_language(self.cleaned_data["language"])

    def clean_translation_language(self) -> str:
        value = self.cleaned_data["translation_language"]
        return check_language(value) if value else ""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("translation") and not data.get("translation_language"):
            self.add_error("translation_language", ValidationError(_("Say which language the translation is in."), code="required"))
        if "verdict" in data:
            try:
                check_verdict_evidence(
                    data["verdict"].slug, dated_evidence=self.dated_evidence, override_note=data.get("verdict_override_note", "")
                )
            except ValidationError as error:
                self.add_error("verdict", error)
        return data


def check_language(value: str) -> str:
    """A language code as the forms take it (text.check_language_code), or a form error."""
    try:
        return textlib.check_language_code(value)
    except textlib.TextError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


class EvidenceForm(forms.Form):
    """One evidence item behind a canonical claim's verdict."""

    url = forms.URLField(label=_("Evidence URL"), max_length=2000, assume_scheme="https", widget=forms.URLInput(attrs={"dir": "ltr"}))
    title = forms.CharField(label=_("Title"), required=False, max_length=500, widget=forms.TextInput(attrs={"dir": "auto"}))
    published_on = forms.DateField(label=_("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}))
    archived_url = forms.URLField(
        label=_("Archived copy (URL)"), required=False, max_length=2000, assume_scheme="https", widget=forms.URLInput(attrs={"dir": "ltr"})
    )
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}))
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def clean_url(self) -> str:
        return check_link(self.cleaned_data["url"])

    def clean_archived_url(self) -> str:
        value = self.cleaned_data["archived_url"]
        return check_link(value) if value else ""


def check_link(url: str) -> str:
    """One http or https link, as evidence links are checked everywhere."""
    check_evidence([url])
    return url
