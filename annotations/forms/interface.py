"""The interface's own forms: preferences and search (docs/i18n.md, docs/search.md)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .. import search
from ..models import (
    Calendar,
    Digits,
    Project,
)
from .claims import MAX_ID


class LanguageSelect(forms.Select):
    """Each language named in itself, and marked as such (lang) for screen readers."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class PreferencesForm(forms.Form):
    """A user's interface language and display options (docs/i18n.md)."""

    language = forms.ChoiceField(
        label=_("Interface language"), required=False, choices=lambda: language_choices(), widget=LanguageSelect
    )
    digits = forms.ChoiceField(label=_("Digits in the interface"), choices=Digits.choices, widget=forms.RadioSelect)
    calendar = forms.ChoiceField(label=_("Dates in the interface"), choices=Calendar.choices, widget=forms.RadioSelect)


def language_choices() -> list[tuple[str, str]]:
    """The interface's languages, each named in itself, after the browser's own choice."""
    return [("", _("The browser's language")), *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES)]


MAX_SEARCH_CHARS = 200


class SearchForm(forms.Form):
    """The search page's question: what to look for, in which project, and from which article on."""

    q = forms.CharField(
        label=_("Search"),
        max_length=MAX_SEARCH_CHARS,
        error_messages={
            "required": _("Type a word or a phrase to search for."),
            "max_length": _("The search is longer than %(limit_value)d characters. Search for less."),
        },
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.all(),
        required=False,
        empty_label=_("All projects"),
        error_messages={"invalid_choice": _("There is no such project. Choose one from the list.")},
    )
    after = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("There is no such page of results. Start the search again."),
            "min_value": _("There is no such page of results. Start the search again."),
            "max_value": _("There is no such page of results. Start the search again."),
        },
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        try:
            search.query_terms(query)
        except search.SearchError as refused:
            raise ValidationError(refused.message, code=refused.code) from None
        return query
