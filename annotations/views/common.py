"""What the view modules share: role decorators, selections, and the streamed export response."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, wraps
from types import MappingProxyType

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .. import text as textlib
from ..forms import MAX_QUOTE_CHARS, MAX_SOURCE_QUOTE_CHARS, SPAN_MESSAGES, SpanForm
from ..http import whole_number
from ..models import is_adjudicator


def role_required(allowed, message):
    """A view decorator: logged-in users for whom allowed(user) holds; others get 403 with
    `message` (anonymous users go to the login page)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(str(message))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(lambda user: user.is_staff, gettext_lazy("Only administrators can do this."))
adjudicator_required = role_required(is_adjudicator, gettext_lazy("Only adjudicators can do this."))


# A page asks for a selection's span by the id of the partial that shows it
# (_span_fields.html): the form fields that selection fills, and the longest quote they take.
SELECTIONS = {
    "claim-span": ("start", "end", "quote", MAX_QUOTE_CHARS),
    "source-span": ("source_start", "source_end", "source_quote", MAX_SOURCE_QUOTE_CHARS),
}
SPAN_PARTIAL = "annotations/_span_fields.html"


class SelectionRefused(Exception):
    """A selection in a query string that no page sends: not numbers, outside the text, reversed, too long."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def response(self) -> HttpResponse:
        return HttpResponseBadRequest(format_html('<p id="error-message">{}</p>', self.message))


def selection_initial(request: HttpRequest, text: str) -> dict:
    """Form values for the raw selections a GET names, snapped by text.snap_span.

    `start`/`end` (the claim) and `source_start`/`source_end` (the claimant) are
    code points as the browser converted them, not yet snapped; `words=1` widens
    them to whole words. Only the server snaps, so what the page then shows is
    exactly what a save will store. A selection with nothing visible fills nothing.
    """
    words = request.GET.get("words") == "1"
    initial = {}
    for start_name, end_name, quote_name, longest in SELECTIONS.values():
        raw_start, raw_end = request.GET.get(start_name), request.GET.get(end_name)
        if raw_start is None and raw_end is None:
            continue
        start, end = whole_number(raw_start or "", digits=10), whole_number(raw_end or "", digits=10)
        if start is None or end is None:
            raise SelectionRefused(SPAN_MESSAGES["not_integer"])
        if end > len(text):
            raise SelectionRefused(SPAN_MESSAGES["out_of_range"])
        if start >= end:
            raise SelectionRefused(SPAN_MESSAGES["empty_span"])
        span = textlib.snap_span(text, start, end, words=words)
        if span is None:
            continue
        if span[1] - span[0] > longest:
            raise SelectionRefused(_("The selection is longer than %(limit)d characters. Select less.") % {"limit": longest})
        initial.update({start_name: span[0], end_name: span[1], quote_name: text[span[0] : span[1]]})
    return initial


def answer_selection(request: HttpRequest, article, form_class) -> tuple[HttpResponse | None, dict]:
    """A page's GET with a raw selection: (the partial to answer with now, or None for the whole
    page) and the snapped values for the page's form; a refused selection answers 400."""
    target = request.htmx.target if request.htmx else None
    try:
        initial = selection_initial(request, article.text)
        if target in SELECTIONS:
            return selection_response(request, form_class(article=article, initial=initial), target), initial
    except SelectionRefused as refused:
        return refused.response(), {}
    return None, initial


def selection_response(request: HttpRequest, form: SpanForm, target: str) -> HttpResponse:
    """The answer to a page's selection: the partial holding its snapped span's fields.

    204 when nothing visible was selected, so the form keeps the span it had.
    Nothing is read but the article already fetched: this runs on every selection.
    """
    start_name = SELECTIONS[target][0]
    if form.initial.get(start_name) is None:
        if start_name not in request.GET:
            raise SelectionRefused(SPAN_MESSAGES["empty_span"])
        return HttpResponse(status=204)
    return render(request, f"{SPAN_PARTIAL}#{target}", {"form": form, "article": form.article})


def isolated(value: str) -> str:
    """User data inside a translated plain-text message (a flash message, a refusal), isolated
    from the sentence's direction as <bdi> does in markup: FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE."""
    return f"\u2068{value}\u2069"


def claim_labels() -> Mapping[str, str]:
    """Headings shown with every claim, translated once per process and language (the
    catalogues do not change while it runs) rather than on every page and save."""
    return _claim_labels(get_language() or "")


@lru_cache(maxsize=32)
def _claim_labels(language: str) -> Mapping[str, str]:
    return MappingProxyType({
        "verdict": _("Verdict"),
        "type": _("Type"),
        "worthiness": _("Check-worthiness"),
        "attribution": _("Attribution"),
        "claimant": _("Claimant"),
        "evidence": _("Evidence"),
        "note": _("Note"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "delete_confirm": _("Delete this claim?"),
        "frozen": _("Decided by an adjudicator: frozen"),
        "accept": _("Accept this version"),
        "edit_merge": _("Edit and merge"),
        "remove": _("Remove"),
        "remove_confirm": _("Remove this gold claim?"),
        # %(name)s is filled in after escaping: the label's own markup-free text around it.
        "by": _("by %(name)s"),
        "decision": _("Decision:"),
        "no_claims": _("No claims yet. Select a claim in the text to start."),
        "seen_before": _("Seen before?"),
        "canonical": _("Canonical claim:"),
    })


def kept_at_version(form_class, request: HttpRequest, version: int, error, **kwargs):
    """After an edit refused as stale: the form as the person filled it, moved to the stored
    version (so saving again replaces it deliberately), with `error` saying why nothing was saved."""
    data = request.POST.copy()
    data["version"] = version
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, error)
    return form
