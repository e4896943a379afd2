"""Suggestions in the admin: to look at and to delete, never to edit.

A suggestion's span was validated against its article's text when it was
stored (suggestion_import); the admin changes nothing of it, so
text[start:end] == quote keeps holding. New ones come from a file
("Import claims", suggestions format) or `suggest_claims`. The annotators'
decisions are shown with each suggestion, read-only: they are their record.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import Suggestion, SuggestionDecision
from .claim_import import importable_formats


def _in_article_direction(article, text: str) -> str:
    return format_html('<span lang="{}" dir="{}">{}</span>', article.language, article.direction, text)


class SuggestionDecisionInline(admin.TabularInline):
    model = SuggestionDecision
    fields = readonly_fields = ["annotator", "outcome", "claim", "decided_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["quote_short", "article", "span", "suggester", "model_version", "score_shown", "created_at"]
    list_filter = ["suggester", "model_version", "article__project"]
    search_fields = ["quote", "article__external_id", "suggester", "rationale"]
    list_select_related = ["article"]
    fields = [
        "article", "span", "quote_shown", "claim_type", "check_worthiness", "attribution", "source_name", "source_kind",
        "source_start", "source_end", "suggester", "model_version", "score", "rationale", "created_at",
    ]
    readonly_fields = fields
    inlines = [SuggestionDecisionInline]
    change_list_template = "admin/annotations/suggestion/change_list.html"

    def get_queryset(self, request):
        # The list shows the article's name and direction, never its (possibly long) text.
        return super().get_queryset(request).defer("article__text")

    @admin.display(description=_("quote"), ordering="quote")
    def quote_short(self, obj: Suggestion) -> str:
        return _in_article_direction(obj.article, Truncator(obj.quote).chars(100))

    @admin.display(description=_("quote"))
    def quote_shown(self, obj: Suggestion) -> str:
        return _in_article_direction(obj.article, obj.quote)

    def changelist_view(self, request, extra_context=None):
        can_import = "suggestions" in importable_formats(request.user)
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    @admin.display(description=_("span (code points)"), ordering="start")
    def span(self, obj: Suggestion) -> str:
        return format_html('<span dir="ltr">{}–{}</span>', obj.start, obj.end)

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, obj: Suggestion) -> str:
        return f"{obj.score:.2f}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
