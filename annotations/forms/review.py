"""Adjudication forms: a gold claim, a decision on a group, a merge field by field (docs/adjudication.md)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import agreement
from ..models import (
    MERGE_PARTS,
)
from .claims import GROUP_KEY, MAX_ID, MAX_NOTE_CHARS, SpanForm


class GoldForm(SpanForm):
    """An adjudicator's edited or merged version of a group, saved as a gold claim."""

    group = forms.RegexField(regex=GROUP_KEY, required=False, max_length=2000, widget=forms.HiddenInput)
    decision_note = forms.CharField(
        label=_("Decision note"), required=False, max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )

    @property
    def seen(self) -> dict[int, int | None]:
        """The group's claims with the revisions the adjudicator saw ({} for a claim everyone missed)."""
        return agreement.parse_group_key(self.cleaned_data.get("group") or "")


class DecisionForm(forms.Form):
    """Accept one version of a group, or reject the group, with a note."""

    group = forms.RegexField(regex=GROUP_KEY, max_length=2000)
    claim = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    decision_note = forms.CharField(required=False, max_length=5000)

    @property
    def seen(self) -> dict[int, int | None]:
        return agreement.parse_group_key(self.cleaned_data["group"])


class LinkChoiceField(forms.MultipleChoiceField):
    """Links ticked among those a page offered; which links may be kept is the workflow's to check."""

    def valid_value(self, value) -> bool:
        return len(value) <= 2000


class MergeForm(forms.Form):
    """A group merged part by part: for each part of a claim (MERGE_PARTS), the claim of the group
    to take it from (`from_span`, `from_claimant`, ...), the evidence links kept, and a note."""

    group = forms.RegexField(regex=GROUP_KEY, max_length=2000)
    evidence = LinkChoiceField(required=False)
    decision_note = forms.CharField(required=False, max_length=MAX_NOTE_CHARS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part in MERGE_PARTS:
            self.fields[f"from_{part}"] = forms.IntegerField(min_value=1, max_value=MAX_ID)

    @property
    def seen(self) -> dict[int, int | None]:
        return agreement.parse_group_key(self.cleaned_data["group"])

    @property
    def picks(self) -> dict[str, int]:
        return {part: self.cleaned_data[f"from_{part}"] for part in MERGE_PARTS}


class UnanimousForm(forms.Form):
    """Accept every unanimous group on the page: the groups as the adjudicator saw them."""

    groups = forms.CharField(max_length=200_000)

    def clean_groups(self) -> list[dict[int, int | None]]:
        keys = self.cleaned_data["groups"].split()
        if not keys or not all(re.fullmatch(GROUP_KEY, key) for key in keys):
            raise ValidationError(_("These groups are not on this page."), code="bad_groups")
        return [agreement.parse_group_key(key) for key in keys]
