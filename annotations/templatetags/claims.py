"""A claim's list item and its labels, rendered in Python.

The annotation page lists every claim an annotator made on an article, often
hundreds; through the template engine each item cost ~0.17 ms of variable
lookups, most of the page's time. These functions are the only definition of
that markup: the page, the response to a save and the adjudication page all
use them. Every string is escaped with html.escape (quotes too); numbers are
written as plain digits, never localised.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from ..models import TERM_FIELDS
from ..models.vocabulary import term_labels

register = template.Library()




def _escaped(labels: dict) -> dict:
    """The headings escaped, plus each vocabulary's escaped term labels: built once per
    list rather than looked up (language, cache) four times per claim."""
    escaped = {key: escape(str(value)) for key, value in labels.items()}
    escaped["terms"] = {
        field: {slug: escape(label) for slug, label in term_labels(model).items()} for field, model in TERM_FIELDS.items()
    }
    return escaped


def _term(labels: dict, field: str, slug: str) -> str:
    return labels["terms"][field].get(slug) or escape(slug)


def labels_html(claim, labels: dict) -> str:
    """The claim's labels as a definition list; `labels` already escaped (see _escaped)."""
    verdict = claim.verification_status_id
    parts = [
        f'<dl><dt>{labels["verdict"]}</dt><dd data-field="verification_status" data-value="{escape(verdict)}">'
        f'{_term(labels, "verification_status", verdict)}</dd>'
        f'<dt>{labels["type"]}</dt><dd data-field="claim_type">{_term(labels, "claim_type", claim.claim_type_id)}</dd>'
        f'<dt>{labels["worthiness"]}</dt><dd data-field="check_worthiness">{_term(labels, "check_worthiness", claim.check_worthiness_id)}</dd>'
        f'<dt>{labels["attribution"]}</dt><dd data-field="attribution">{_term(labels, "attribution", claim.attribution_id)}</dd>'
    ]
    if claim.source_id:
        parts.append(
            f'<dt>{labels["claimant"]}</dt><dd dir="auto" data-field="source">{escape(claim.source.name)} '
            f"({escape(str(claim.source.get_kind_display()))})</dd>"
        )
    if claim.evidence:
        links = " ".join(
            f'<a href="{escape(link)}" rel="noopener noreferrer nofollow" target="_blank" dir="ltr">{escape(Truncator(link).chars(60))}</a>'
            for link in claim.evidence
        )
        parts.append(f'<dt>{labels["evidence"]}</dt><dd>{links}</dd>')
    if claim.note:
        parts.append(f'<dt>{labels["note"]}</dt><dd dir="auto" data-field="note">{escape(claim.note)}</dd>')
    parts.append("</dl>")
    return "".join(parts)


def _shortened(quote: str, limit: int = 300) -> str:
    # Truncator is grapheme-aware and costly: only long quotes need it.
    return quote if len(quote) <= limit else Truncator(quote).chars(limit)


def item_html(claim, *, article, labels: dict, claims_url: str, can_annotate: bool, csrf_token: str) -> str:
    """One of the annotator's own claims in #claim-list; `labels` already escaped (see _escaped)."""
    source = ""
    if claim.source_start is not None:
        source = f' data-source-start="{int(claim.source_start)}" data-source-end="{int(claim.source_end)}"'
    actions = ""
    if getattr(claim, "decided", False):
        actions = f'<p class="frozen muted">{labels["frozen"]}</p>'
    elif can_annotate:
        url = escape(claims_url)
        actions = (
            '<div class="actions" hx-boost="true" hx-push-url="false">'
            f'<a href="{url}{claim.pk}/edit/" hx-target="#claim-form" hx-swap="outerHTML">{labels["edit"]}</a>'
            f'<form method="post" action="{url}{claim.pk}/delete/" hx-target="#claim-list" hx-swap="outerHTML" '
            f'hx-confirm="{labels["delete_confirm"]}" class="inline">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
            f'<input type="hidden" name="version" value="{int(claim.version)}">'
            f'<button type="submit" class="link danger">{labels["delete"]}</button></form></div>'
        )
    start, end = int(claim.start), int(claim.end)
    return (
        f'<li class="claim" id="claim-{int(claim.pk)}" tabindex="-1" data-claim-id="{int(claim.pk)}" '
        f'data-start="{start}" data-end="{end}"{source}>'
        f'<blockquote lang="{escape(article.language)}" dir="{escape(article.direction)}">{escape(_shortened(claim.quote))}</blockquote>'
        f"{labels_html(claim, labels)}"
        f'<p class="muted" dir="ltr">{start}–{end} · v{int(claim.version)}</p>{actions}</li>'
    )


def render_item(claim, *, article, labels: dict, claims_url: str, can_annotate: bool, csrf_token: str) -> SafeString:
    """One list item, for a view's response (escapes the labels itself)."""
    return mark_safe(
        item_html(claim, article=article, labels=_escaped(labels), claims_url=claims_url, can_annotate=can_annotate, csrf_token=csrf_token)
    )


def _escaped_once(context) -> dict:
    """_escaped(context["labels"]), built once per template render however many claims use it."""
    cache = context.render_context
    if "claims:escaped-labels" not in cache:
        cache["claims:escaped-labels"] = _escaped(context["labels"])
    return cache["claims:escaped-labels"]


@register.simple_tag(takes_context=True)
def claim_items(context, claims) -> SafeString:
    """Every claim of the list, in order."""
    options = {
        "article": context["article"],
        "labels": _escaped_once(context),
        "claims_url": context["claims_url"],
        "can_annotate": context["can_annotate"],
        "csrf_token": str(context.get("csrf_token", "")),
    }
    return mark_safe("".join(item_html(claim, **options) for claim in claims))


@register.simple_tag(takes_context=True)
def claim_labels(context, claim) -> SafeString:
    """A claim's (or gold claim's) labels."""
    return mark_safe(labels_html(claim, _escaped_once(context)))
