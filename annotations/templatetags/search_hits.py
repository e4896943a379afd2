"""A search result's hits, rendered in Python.

A page lists up to 200 hits; through the template engine each cost ~0.6 ms of
variable lookups and number formatting, most of the page's time. Every string
is escaped with html.escape (quotes too); offsets are plain digits, never localised.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def hit_items(result: dict) -> SafeString:
    """The `<li>` of each hit: its context in the article's own language and direction, the hit
    in `<mark>`, linking to `result["url"]` with the hit's offsets as the selection."""
    article = result["article"]
    url, language, direction = escape(result["url"]), escape(article.language), escape(article.direction)
    items = []
    for hit in result["hits"]:
        before = ("…" if hit.cut_before else "") + escape(hit.before)
        after = escape(hit.after) + ("…" if hit.cut_after else "")
        items.append(
            f'<li><a class="hit" href="{url}?start={hit.start}&amp;end={hit.end}" data-start="{hit.start}" data-end="{hit.end}">'
            f'<span class="context" lang="{language}" dir="{direction}">{before}<mark>{escape(hit.text)}</mark>{after}</span></a> '
            f'<span class="muted offsets" dir="ltr">{hit.start}–{hit.end}</span></li>'
        )
    return mark_safe("".join(items))  # every value above is escaped
