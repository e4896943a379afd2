"""A claim's list item and its labels, rendered in Python.

The annotation page lists every claim an annotator made on an article, often
hundreds; through the template engine each item cost ~0.17 ms of variable
lookups, most of the page's time. These functions are the only definition of
that markup: the page, the response to a save and the adjudication page all
use them. Every string is escaped with html.escape (quotes too); numbers are
written as plain digits, never localised.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from ..models import TERM_FIELDS
from ..models.vocabulary import term_labels, terms_stamp
from ..text import language_direction

register = template.Library()




# _escaped's results: (labels, vocabulary stamp, escaped) by the headings' identity and language.
_escaped_cache: dict[tuple[int, str], tuple[Mapping, tuple, dict]] = {}


def _escaped(labels: Mapping) -> dict:
    """The headings escaped, plus each vocabulary's escaped term labels and <dt><dd> pairs.

    views.common.claim_labels gives one mapping per language for the life of the process,
    so this is built once per language and vocabulary-cache refresh, not on every page
    and save (it cost a tenth of a claim save). The result is shared: never change it.
    """
    key, stamp = (id(labels), get_language() or ""), terms_stamp(TERM_FIELDS.values())
    hit = _escaped_cache.get(key)
    if hit is not None and hit[0] is labels and hit[1] == stamp:
        return hit[2]
    if len(_escaped_cache) > 64:  # headings built outside claim_labels (tests): keep the cache small
        _escaped_cache.clear()
    escaped = {key: escape(str(value)) for key, value in labels.items()}
    escaped["terms"] = {
        field: {slug: escape(label) for slug, label in term_labels(model).items()} for field, model in TERM_FIELDS.items()
    }
    # Each label's whole <dt><dd> pair by slug, also built once per list: labels_html only joins them.
    escaped["pairs"] = {
        field: {slug: _pair(escaped, field, slug) for slug in escaped["terms"][field]} for field in _PAIRS
    }
    _escaped_cache[key] = (labels, stamp, escaped)
    return escaped


def _term(labels: dict, field: str, slug: str) -> str:
    return labels["terms"][field].get(slug) or escape(slug)


# A claim field's heading: its key in the page's labels (views.common.claim_labels).
FIELD_HEADINGS = {
    "verification_status": "verdict", "claim_type": "type", "check_worthiness": "worthiness",
    "attribution": "attribution", "source": "claimant",
}
# Each vocabulary's <dt> heading and the attributes of its <dd>, in the order the list shows them.
_PAIRS = {
    "verification_status": (FIELD_HEADINGS["verification_status"], ' data-field="verification_status" data-value="{slug}"'),
    "claim_type": (FIELD_HEADINGS["claim_type"], ' data-field="claim_type"'),
    "check_worthiness": (FIELD_HEADINGS["check_worthiness"], ' data-field="check_worthiness"'),
    "attribution": (FIELD_HEADINGS["attribution"], ' data-field="attribution"'),
}


def _pair(labels: dict, field: str, slug: str) -> str:
    heading, attributes = _PAIRS[field]
    return f'<dt>{labels[heading]}</dt><dd{attributes.format(slug=escape(slug))}>{_term(labels, field, slug)}</dd>'


def labels_html(claim, labels: dict) -> str:
    """The claim's labels as a definition list; `labels` already escaped (see _escaped)."""
    pairs = labels["pairs"]
    parts = ["<dl>"]
    for field, slug in (
        ("verification_status", claim.verification_status_id), ("claim_type", claim.claim_type_id),
        ("check_worthiness", claim.check_worthiness_id), ("attribution", claim.attribution_id),
    ):
        parts.append(pairs[field].get(slug) or _pair(labels, field, slug))
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


@lru_cache(maxsize=64)
def _blockquote(language: str) -> str:
    """The opening tag of a quote in an article of this language (a few per process)."""
    return f'<blockquote lang="{escape(language)}" dir="{escape(language_direction(language))}">'


def item_html(
    claim, *, article, labels: dict, key: str = "claim", css: str = "claim", header: str = "", footer: str = "", actions: str = "",
    quote_html: str = "",
) -> str:
    """The one markup of a claim or gold claim in any list (its own list, other annotators',
    an adjudication group, the gold list); `labels` already escaped (see _escaped);
    `quote_html`, markup already escaped, stands for the quote (an adjudication group's span difference).

    The page's script finds every item by `data-claim-id`, `data-start` and `data-end`,
    and paints those with the class `claim`.
    """
    pk, start, end = int(claim.pk), int(claim.start), int(claim.end)
    source = ""
    if claim.source_start is not None:
        source = f' data-source-start="{int(claim.source_start)}" data-source-end="{int(claim.source_end)}"'
    claim_id = pk if key == "claim" else f"{key}-{pk}"
    return (
        f'<li class="{css}" id="{key}-{pk}" tabindex="-1" data-claim-id="{claim_id}" data-start="{start}" data-end="{end}"{source}>'
        f'{header}{_blockquote(article.language)}{quote_html or escape(_shortened(claim.quote))}</blockquote>'
        f"{labels_html(claim, labels)}{footer}{actions}</li>"
    )


def _offsets(claim) -> str:
    return f'<span class="muted" dir="ltr">{int(claim.start)}–{int(claim.end)}</span>'


class _OwnItems:
    """The annotator's own list items: what every item shares (the action links' prefix, the
    escaped form token) is built once per list, not once per claim."""

    def __init__(self, *, article, labels: dict, claims_url: str, can_annotate: bool, csrf_token: str, can_link: bool = False):
        self.article, self.labels, self.can_annotate, self.can_link = article, labels, can_annotate, can_link
        url = escape(claims_url)
        self.claims_url = url
        # The Edit and Delete markup, cut where the claim's id (twice) and version go.
        self.edit = f'<div class="actions" hx-boost="true" hx-push-url="false"><a href="{url}'
        self.delete = (
            f'/edit/" hx-target="#claim-form" hx-swap="outerHTML">{labels["edit"]}</a>'
            f'<form method="post" action="{url}'
        )
        self.version = (
            f'/delete/" hx-target="#claim-list" hx-swap="outerHTML" class="inline">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
            f'<input type="hidden" name="version" value="'
        )
        self.end = f'"><button type="submit" class="link danger">{labels["delete"]}</button></form></div>'
        self.frozen = f'<p class="frozen muted">{labels["frozen"]}</p>'

    def html(self, claim) -> str:
        """One of the annotator's own claims in #claim-list, with Edit and Delete (or why it is frozen)."""
        pk, version = int(claim.pk), int(claim.version)
        actions = ""
        if getattr(claim, "decided", False):
            actions = self.frozen
        elif self.can_annotate:
            actions = f"{self.edit}{pk}{self.delete}{pk}{self.version}{version}{self.end}"
        # Offsets and the version are for scripts and tests (data-start, data-end, the form's
        # version), not shown to annotators.
        footer = ""
        if self.can_link:
            footer += _canonical_slot(claim, kind="claim", base=self.claims_url, labels=self.labels)
        return item_html(claim, article=self.article, labels=self.labels, footer=footer, actions=actions)


def own_item_html(claim, *, article, labels: dict, claims_url: str, can_annotate: bool, csrf_token: str, can_link: bool = False) -> str:
    """One of the annotator's own claims in #claim-list, with Edit and Delete (or why it is frozen)."""
    return _OwnItems(
        article=article, labels=labels, claims_url=claims_url, can_annotate=can_annotate, csrf_token=csrf_token, can_link=can_link
    ).html(claim)


def render_item(claim, *, article, labels: dict, claims_url: str, can_annotate: bool, csrf_token: str, can_link: bool = False) -> SafeString:
    """One list item, for a view's response (escapes the labels itself)."""
    return mark_safe(
        own_item_html(
            claim, article=article, labels=_escaped(labels), claims_url=claims_url, can_annotate=can_annotate,
            csrf_token=csrf_token, can_link=can_link,
        )
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
    items = _OwnItems(
        article=context["article"],
        labels=_escaped_once(context),
        claims_url=context["claims_url"],
        can_annotate=context["can_annotate"],
        csrf_token=str(context.get("csrf_token", "")),
        can_link=context.get("can_link", False),
    )
    return mark_safe("".join([items.html(claim) for claim in claims]))


@register.simple_tag(takes_context=True)
def other_claim_item(context, claim) -> SafeString:
    """Another annotator's claim, read-only, named as the project shows annotators (`claim.who`)."""
    header = f'<p class="who">{escape(claim.who)}</p>'
    return mark_safe(
        item_html(claim, article=context["article"], labels=_escaped_once(context), key="other", css="claim other", header=header)
    )


def _canonical_slot(claim, *, kind: str, base: str, labels: dict, linked=None) -> str:
    """Where a claim's "Seen before?" panel loads on demand (views/canonical.py), with the canonical
    claim it is linked to when the page knows it. `base` is /claims/ or /gold/, escaped."""
    pk = int(claim.pk)
    url = f"{base}{pk}/canonical/"
    shown = ""
    if linked is not None:
        canonical = linked.canonical
        shown = (
            f'<p class="linked">{labels["canonical"]} <a href="{escape(canonical.get_absolute_url())}" '
            f'lang="{escape(canonical.language)}" dir="{escape(canonical.direction)}">{escape(_shortened(canonical.statement, 160))}</a></p>'
        )
    return (
        f'<div class="canonical-slot" id="canonical-{kind}-{pk}">{shown}<a href="{url}" hx-get="{url}" '
        f'hx-target="#canonical-{kind}-{pk}" hx-swap="outerHTML" class="seen-before">{labels["seen_before"]}</a></div>'
    )


def _review_urls(context) -> dict:
    """The adjudication page's action URLs, reversed once per render."""
    cache = context.render_context
    if "claims:review-urls" not in cache:
        article = context["article"].pk
        cache["claims:review-urls"] = {
            "accept": escape(reverse("group_accept", args=[article])),
            "page": escape(reverse("adjudication_detail", args=[article])),
            "gold_delete": escape(reverse("gold_delete", args=[0]).removesuffix("0/delete/")),
        }
    return cache["claims:review-urls"]


def _csrf_input(context) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(context.get("csrf_token", "")))}">'


# A piece of a version's quote by how its span differs from the others' (reading/merging.py).
_DIFF_TAGS = {"same": ("", ""), "extra": ("<ins>", "</ins>"), "missing": ("<del>", "</del>")}


def _diff_html(pieces) -> str:
    return "".join(f"{_DIFF_TAGS[kind][0]}{escape(text)}{_DIFF_TAGS[kind][1]}" for kind, text in pieces)


@register.simple_tag(takes_context=True)
def version_item(context, version, group) -> SafeString:
    """One annotator's version in an adjudication group, with Accept and Edit and merge while undecided,
    its quote marked where its span differs from the other versions'. A rejected group's versions
    are not `claim` items: the page does not paint them in the text."""
    claim, labels, urls = version["claim"], _escaped_once(context), _review_urls(context)
    header = f'<p class="who">{escape(version["who"])} {_offsets(claim)}</p>'
    actions = ""
    if not group["decided"] and not context.get("waiting"):
        key = escape(group["key"])
        edit = f'{urls["page"]}?group={key}&amp;from={int(claim.pk)}'
        actions = (
            f'<div class="actions"><form method="post" action="{urls["accept"]}" hx-post="{urls["accept"]}" '
            f'hx-target="#decisions" hx-swap="outerHTML" class="inline">{_csrf_input(context)}'
            f'<input type="hidden" name="group" value="{key}"><input type="hidden" name="claim" value="{int(claim.pk)}">'
            f'<button type="submit" class="accept">{labels["accept"]}</button></form>'
            f'<a href="{edit}" hx-get="{edit}" hx-target="#gold-form" hx-swap="outerHTML" class="edit">{labels["edit_merge"]}</a></div>'
        )
    return mark_safe(
        item_html(
            claim, article=context["article"], labels=labels, header=header, actions=actions,
            css="version rejected" if group.get("rejection") else "claim", quote_html=_diff_html(version.get("diff") or ()),
        )
    )


@register.simple_tag(takes_context=True)
def gold_item(context, gold) -> SafeString:
    """A gold claim: its provenance, adjudicator, decision note, and Remove (at the version shown)."""
    labels, urls = _escaped_once(context), _review_urls(context)
    by = labels["by"].replace("%(name)s", f"<bdi>{escape(gold.adjudicator.get_username())}</bdi>")
    header = f'<p class="who"><span class="badge provenance">{escape(str(gold.get_provenance_display()))}</span> {by} {_offsets(gold)}</p>'
    footer = f'<p class="note" dir="auto">{labels["decision"]} {escape(gold.decision_note)}</p>' if gold.decision_note else ""
    action = f'{urls["gold_delete"]}{int(gold.pk)}/delete/'
    footer += _canonical_slot(gold, kind="gold", base=urls["gold_delete"], labels=labels, linked=getattr(gold, "appearance", None))
    actions = (
        f'<form method="post" action="{action}" hx-post="{action}" hx-target="#decisions" hx-swap="outerHTML" '
        f'hx-confirm="{labels["remove_confirm"]}" class="inline">{_csrf_input(context)}'
        f'<input type="hidden" name="version" value="{int(gold.version)}">'
        f'<button type="submit" class="link danger">{labels["remove"]}</button></form>'
    )
    return mark_safe(
        item_html(gold, article=context["article"], labels=labels, key="gold", css="claim gold", header=header, footer=footer, actions=actions)
    )


@register.simple_tag(takes_context=True)
def claim_labels(context, claim) -> SafeString:
    """A claim's (or gold claim's) labels."""
    return mark_safe(labels_html(claim, _escaped_once(context)))
