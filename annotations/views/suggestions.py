"""Suggestions on the annotation page: accept, edit, reject, and accept every one above a score.

Deciding a suggestion is annotating: only annotators with an open assignment
on its article (or staff) may; others get 404 (not their article) or 403.
Accepting makes the annotator's own claim through workflow.create_claim.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap

from .. import workflow
from ..claim_import import form_reasons
from ..forms import ClaimForm, ScoreForm, suggestion_values
from ..models import Article, Suggestion
from .annotate import PAGE, _page_context, _render_page, _visible_article


def _suggestion(request: HttpRequest, pk: int) -> Suggestion:
    """A suggestion on an article the user may open (404 otherwise), with its article."""
    return get_object_or_404(
        Suggestion.objects.select_related("article__project", "claim_type", "check_worthiness", "attribution").filter(
            article__in=Article.objects.visible_to(request.user)
        ),
        pk=pk,
    )


def _refused(request: HttpRequest, article: Article, message: str, status: int = 409) -> HttpResponse:
    """A refusal the page shows as a notice (#error-message), changing nothing on it."""
    if not request.htmx:
        messages.error(request, message)
        return redirect(article)
    return reswap(HttpResponse(format_html('<p id="error-message">{}</p>', message), status=status), "none")


def _decided_response(request: HttpRequest, article: Article, *, with_claims: bool) -> HttpResponse:
    """After a decision: the suggestions left, and (after an accept) the claim list out of band."""
    if not request.htmx:
        return redirect(article)
    context = _page_context(request, article, None)
    body = render_to_string(f"{PAGE}#suggestion-list", context, request=request)
    if with_claims:
        body += render_to_string(f"{PAGE}#claim-list", {**context, "oob_list": True}, request=request)
    return HttpResponse(body)


def _claim_data(suggestion: Suggestion) -> tuple[dict | None, str]:
    """The validated claim a suggestion makes as it is, or None and why not."""
    form = ClaimForm(suggestion_values(suggestion), article=suggestion.article)
    if form.is_valid():
        return form.cleaned_data, ""
    return None, _("Suggestion %(start)d–%(end)d cannot be saved as it is (%(reasons)s); use Edit.") % {
        "start": suggestion.start, "end": suggestion.end, "reasons": form_reasons(form),
    }


@require_POST
@login_required
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the suggestion the annotator's claim, as proposed (verdict: unassessed)."""
    suggestion = _suggestion(request, pk)
    article = suggestion.article
    assignment = workflow.check_can_decide(user=request.user, suggestion=suggestion)
    data, problem = _claim_data(suggestion)
    if data is None:
        return _refused(request, article, problem, status=400)
    try:
        workflow.create_claim(user=request.user, article=article, data=data, assignment=assignment)
    except workflow.SuggestionDecided as decided:
        return _refused(request, article, str(decided))
    if not request.htmx:
        messages.success(request, _("Suggestion accepted: it is now your claim."))
    return _decided_response(request, article, with_claims=True)


@require_POST
@login_required
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide the suggestion from this annotator (others still see it)."""
    suggestion = _suggestion(request, pk)
    try:
        workflow.reject_suggestion(user=request.user, suggestion=suggestion)
    except workflow.SuggestionDecided as decided:
        return _refused(request, suggestion.article, str(decided))
    if not request.htmx:
        messages.success(request, _("Suggestion rejected."))
    return _decided_response(request, suggestion.article, with_claims=False)


@require_safe
@login_required
def suggestion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim form filled with the suggestion; saving it keeps the suggestion's provenance."""
    suggestion = _suggestion(request, pk)
    article = suggestion.article
    workflow.check_can_decide(user=request.user, suggestion=suggestion)
    form = ClaimForm(article=article, initial=suggestion_values(suggestion))
    return _render_page(request, article, form=form, partial="claim-form" if request.htmx else "")


@require_POST
@login_required
def suggestions_accept_above(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept every suggestion not yet decided by this annotator scoring at least `min_score`: all or none."""
    article = _visible_article(request, pk)
    assignment = workflow.check_can_annotate(user=request.user, article=article)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, _("Give a score from 0 to 1."), status=400)
    chosen = (
        Suggestion.objects.filter(article=article, score__gte=form.cleaned_data["min_score"])
        .undecided_by(request.user)
        .select_related("article")
        .order_by("start", "end", "pk")
    )
    claims, problems = [], []
    for suggestion in chosen:
        data, problem = _claim_data(suggestion)
        if data is None:
            problems.append(problem)
        else:
            claims.append(data)
    if problems:
        message = format_html(
            "{} <ul>{}</ul>", _("Nothing was accepted:"), format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        )
        return _refused(request, article, message, status=400)
    try:
        made = workflow.accept_suggestions(user=request.user, article=article, claims=claims, assignment=assignment)
    except (workflow.SuggestionDecided, PermissionDenied) as refused:
        return _refused(request, article, str(refused))
    if not request.htmx:
        messages.success(request, _("Accepted %(count)d suggestion(s).") % {"count": len(made)})
    return _decided_response(request, article, with_claims=True)
