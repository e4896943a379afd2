"""Annotating: the article list, the annotation page and the claim write paths."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from .. import exporting, reading, workflow
from ..forms import MAX_ID, ClaimForm
from ..http import export_response, whole_number
from ..models import Article, Assignment, Claim, Project, Source, Suggestion, is_adjudicator
from ..templatetags.claims import render_item
from .common import answer_selection, claim_labels, isolated, kept_at_version, staff_required

PAGE = "annotations/article_detail.html"
ARTICLES_PER_PAGE = 50
DELETED_SHOWN = 50
TOKEN_REUSED = gettext_lazy(
    "This form was already used to save a different claim, so nothing was saved. Check the form and save again."
)


def _visible_article(request: HttpRequest, pk: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user).select_related("project"), pk=pk)


def _own_claim(request: HttpRequest, pk: int) -> Claim:
    """One of the user's claims, on an article they may still open (access follows the assignment)."""
    return get_object_or_404(
        Claim.objects.select_related("article__project", "source").filter(
            article__in=Article.objects.visible_to(request.user)
        ),
        pk=pk,
        annotator=request.user,
    )


def _claims_url() -> str:
    """/claims/ — item links are built from it: one reverse() per page, not two per claim."""
    return reverse("claim_update", args=[0]).removesuffix("0/edit/")


def _page_context(
    request: HttpRequest, article: Article, form: ClaimForm | None, editing: Claim | None = None, *,
    assignment=workflow.NOT_FETCHED,
) -> dict:
    user = request.user
    if assignment is workflow.NOT_FETCHED:
        assignment = Assignment.objects.of(article, user)
    can_annotate = (assignment is not None and not assignment.is_submitted) or (
        assignment is None and user.is_staff
    )
    others = []
    if not article.project.blind:
        others = list(Claim.objects.for_article(article).exclude(annotator=user).with_labels())
        # Named as the project shows annotators to adjudicators: usernames or stable pseudonyms.
        names = reading.annotator_names(article.project, {claim.annotator.username for claim in others})
        for claim in others:
            claim.who = names[claim.annotator.username]
    return {
        "article": article,
        "project": article.project,
        "assignment": assignment,
        "others": others,
        "can_review": is_adjudicator(user),
        "can_annotate": can_annotate,
        "can_link": can_link(article, assignment, adjudicator=is_adjudicator(user)),
        # Plain rows, not model instances; lazy, so a response without the list runs no query.
        "claims": SimpleLazyObject(lambda: reading.own_claims(article, user)),
        # Suggestions this annotator has not decided; never anyone else's decisions (blind mode holds).
        "suggestions": SimpleLazyObject(
            lambda: list(Suggestion.objects.filter(article=article).undecided_by(user).order_by("-score", "start", "pk"))
            if can_annotate else []
        ),
        # Asked for only when the "Deleted claims" section is opened (its partial, or ?deleted=1).
        "show_deleted": request.GET.get("deleted") == "1" or bool(request.htmx and request.htmx.target == "deleted-claims"),
        "deleted": SimpleLazyObject(lambda: list(reading.deleted_claims(article, user)[:DELETED_SHOWN])),
        "form": form if form is not None else ClaimForm(article=article),
        "editing": editing,
        "neighbours": SimpleLazyObject(lambda: reading.neighbours(user, article)),
        "labels": claim_labels(),
        "claims_url": _claims_url(),
        # Only the annotator's own claimants: in blind mode nobody sees the sources others chose.
        "source_names": Source.objects.filter(claims__annotator=user, claims__source__isnull=False)  # claim_annotator_source
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:300],
    }


def can_link(article: Article, assignment, *, adjudicator: bool) -> bool:
    """Whether the page offers "Seen before?" under the user's claims (workflow.check_can_link decides each)."""
    return adjudicator or (article.project.annotators_link_claims and assignment is not None)


def _render_page(
    request: HttpRequest, article: Article, *, form=None, editing=None, partial: str = "", status: int = 200,
    assignment=workflow.NOT_FETCHED,
) -> HttpResponse:
    template = f"{PAGE}#{partial}" if partial else PAGE
    context = _page_context(request, article, form, editing, assignment=assignment)
    return render(request, template, context, status=status)


def _created_response(request: HttpRequest, article: Article, claim: Claim, assignment) -> HttpResponse:
    """After a new claim: just its list item, and a fresh form token swapped in out of band.

    The page's script puts the item in text order and clears the form, so a save
    costs about as much as any small request however many claims the list holds.
    """
    if not request.htmx:
        return redirect(article)
    body = render_item(
        claim,
        article=article,
        labels=claim_labels(),
        claims_url=_claims_url(),
        can_annotate=True,
        csrf_token=get_token(request),
        # Asked of the role only where claim_create already did (no assignment): not one more query per save.
        can_link=can_link(article, assignment, adjudicator=assignment is None),
    )
    body += format_html(
        '<input type="hidden" name="client_token" value="{}" id="id_client_token" hx-swap-oob="true">', uuid.uuid4()
    )
    if claim.suggestion_id:  # made from a suggestion (Edit): the next claim is the annotator's own, and the list loses it
        body += format_html('<input type="hidden" name="suggestion" value="{}" id="id_suggestion" hx-swap-oob="true">', "")
        context = _page_context(request, article, None, assignment=assignment)
        body += render_to_string(f"{PAGE}#suggestion-list", {**context, "oob_suggestions": True}, request=request)
    return HttpResponse(body)


def _saved_response(request: HttpRequest, article: Article, *, deleted: Claim | None = None) -> HttpResponse:
    """After an edit: the claim list, plus a fresh form swapped out of band. After a deletion:
    the list and the Undo message; the form is left as it is (a new claim being made there is
    not lost; claims.js closes an edit of the deleted claim)."""
    if not request.htmx:
        return redirect(article)
    context = _page_context(request, article, None)
    body = render_to_string(f"{PAGE}#claim-list", context, request=request)
    if deleted is None:
        body += render_to_string(f"{PAGE}#claim-form", {**context, "oob": True}, request=request)
    else:
        body += render_to_string(f"{PAGE}#undo", {**context, "undo": deleted, "oob": True}, request=request)
    return HttpResponse(body)


def _form_errors_response(
    request: HttpRequest, article: Article, form: ClaimForm, editing=None, *, with_list: bool = False
) -> HttpResponse:
    """A form with errors comes back 200, re-rendered where the form is (and, after a
    refused stale edit, with the stored claims swapped into the list)."""
    if not request.htmx:
        return _render_page(request, article, form=form, editing=editing)
    context = _page_context(request, article, form, editing)
    body = render_to_string(f"{PAGE}#claim-form", context, request=request)
    if with_list:
        body += render_to_string(f"{PAGE}#claim-list", {**context, "oob_list": True}, request=request)
    return retarget(reswap(HttpResponse(body), "outerHTML"), "#claim-form")


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to their articles."""
    return redirect("article_list")


@require_safe
@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """The articles a user may open, with language, claim count and their progress."""
    articles = (
        reading.with_progress(Article.objects.visible_to(request.user), request.user)
        .select_related("project")
        .defer("text")
        .order_by("project__name", "external_id")
    )
    project = None
    if (project_id := whole_number(request.GET.get("project", ""))) is not None:
        project = Project.objects.filter(pk=project_id).first()
        articles = articles.filter(project=project)
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    can_review = is_adjudicator(request.user)
    finished = reading.finished_articles(Article.objects.filter(pk__in=[a.pk for a in page])) if can_review else set()
    return render(
        request,
        "annotations/article_list.html",
        {
            "page": page,
            "project": project,
            "projects": Project.objects.all(),
            "formats": exporting.CLAIM_FORMATS,
            "gold_formats": exporting.GOLD_FORMATS,
            "queue": reading.queue(request.user),
            "can_review": can_review,
            "finished": finished,
        },
    )


@require_safe
@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The annotation page; a raw selection in the query comes back snapped, in the form (or alone, to htmx)."""
    # The usual case, an annotator opening an assigned article: the assignment with its article
    # and project in one query, where the visibility check (role, then article) and the
    # assignment took three (the role is still asked once, for the page's Adjudicate link).
    # (An id past a 64-bit integer is no article; SQLite could not even take it as a parameter.)
    assignment = None
    if pk <= MAX_ID:
        mine = Assignment.objects.select_related("article__project").filter(article_id=pk, annotator=request.user)
        assignment = next(iter(mine.order_by()[:1]), None)
    article = assignment.article if assignment is not None else _visible_article(request, pk)
    answer, initial = answer_selection(request, article, ClaimForm)
    if answer is not None:
        return answer
    form = ClaimForm(article=article, initial=initial) if initial else None
    target = request.htmx.target if request.htmx else None
    partial = target if target in ("claim-list", "claim-form", "suggestion-list", "deleted-claims") else ""
    return _render_page(request, article, form=form, partial=partial, assignment=assignment)


@require_POST
@login_required
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a new claim from a selection; a repeated submission saves it once."""
    # One query for the usual case, an annotator's own assignment with its article.
    assignment = Assignment.objects.with_article(pk, request.user)
    if assignment is not None:
        article = assignment.article
    elif is_adjudicator(request.user):
        article = get_object_or_404(Article, pk=pk)
    else:
        raise Http404  # as _visible_article: an unassigned article does not exist for an annotator
    workflow.check_can_annotate(user=request.user, article=article, assignment=assignment)
    form = ClaimForm(request.POST, article=article)
    if not form.is_valid():
        return _form_errors_response(request, article, form)
    try:
        claim, created = workflow.create_claim(
            user=request.user, article=article, data=form.cleaned_data, assignment=assignment
        )
    except workflow.TokenReused:
        # A replayed or stale form: nothing is saved, and the form gets a fresh token to save it anew.
        data = request.POST.copy()
        data["client_token"] = str(uuid.uuid4())
        form = ClaimForm(data, article=article)
        form.is_valid()
        form.add_error(None, ValidationError(TOKEN_REUSED, code="token_reused"))
        return _form_errors_response(request, article, form)
    if created and not request.htmx:
        messages.success(request, _("Claim saved."))
    return _created_response(request, article, claim, assignment)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def claim_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one of the user's claims; an edit made from a stale version is refused."""
    claim = _own_claim(request, pk)
    article = claim.article
    if request.method != "POST":
        if Claim.objects.filter(pk=claim.pk).decided().exists():
            raise PermissionDenied(str(workflow.FROZEN))
        form = ClaimForm(instance=claim, article=article)
        partial = "claim-form" if request.htmx else ""
        return _render_page(request, article, form=form, editing=claim, partial=partial)
    workflow.check_can_change_claim(user=request.user, claim=claim)
    form = ClaimForm(request.POST, instance=claim, article=article)
    if not form.is_valid():
        return _form_errors_response(request, article, form, editing=claim)
    try:
        workflow.update_claim(user=request.user, claim=claim, data=form.cleaned_data)
    except workflow.StaleVersion as stale:
        # Keep what the user typed, move the form to the stored version, and say so.
        message = _(
            "Someone changed this claim while you were editing it (it is now at version "
            "%(version)d). The stored version is shown in the list; save again to replace it "
            "with yours."
        ) % {"version": stale.current.version}
        form = kept_at_version(
            ClaimForm, request, stale.current.version, ValidationError(message, code="stale"), instance=stale.current, article=article
        )
        return _form_errors_response(request, article, form, editing=stale.current, with_list=True)
    if not request.htmx:
        messages.success(request, _("Claim updated."))
    return _saved_response(request, article)


@require_POST
@login_required
def claim_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's claims (its history keeps a copy)."""
    claim = _own_claim(request, pk)
    article = claim.article
    version = request.POST.get("version", "")
    try:
        workflow.delete_claim(
            user=request.user, claim=claim, version=whole_number(version, digits=9)
        )
    except workflow.StaleVersion:
        response = HttpResponse(
            format_html(
                '<p id="error-message">{}</p>', _("This claim was changed elsewhere; reload the page before deleting it.")
            ),
            status=409,
        )
        return reswap(response, "none")
    if not request.htmx:
        messages.success(request, _("Claim deleted."))
    return _saved_response(request, article, deleted=claim)


@require_POST
@login_required
def claim_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Put back one of the user's deleted claims (Undo, or later from "Deleted claims")."""
    record = (
        Claim.history.select_related("article__project")
        .filter(id=pk, annotator=request.user, article__in=Article.objects.visible_to(request.user))
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        raise Http404  # as _own_claim: another annotator's claim does not exist for this one
    article = record.article
    try:
        workflow.restore_claim(
            user=request.user, record=record, version=whole_number(request.POST.get("version", ""), digits=9),
            form_class=ClaimForm,
        )
    except workflow.RestoreRefused as refused:
        return reswap(HttpResponse(format_html('<p id="error-message">{}</p>', refused), status=409), "none")
    if not request.htmx:
        messages.success(request, _("Claim restored."))
        return redirect(article)
    context = _page_context(request, article, None)
    body = render_to_string(f"{PAGE}#claim-list", context, request=request)
    body += render_to_string(f"{PAGE}#undo", {**context, "oob": True}, request=request)
    body += render_to_string(f"{PAGE}#deleted-claims", {**context, "oob": True, "show_deleted": True}, request=request)
    return HttpResponse(body)


@require_POST
@login_required
def assignment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the user's work on an article as done."""
    article = _visible_article(request, pk)
    workflow.submit_assignment(user=request.user, article=article)
    messages.success(request, _("Submitted “%(title)s”. Thank you.") % {"title": isolated(str(article))})
    queue = reading.queue(request.user)
    return redirect(queue["next"] if queue and queue["next"] else "article_list")


@require_safe
@staff_required
def export_download(request: HttpRequest) -> StreamingHttpResponse:
    """Stream every article with its claims (or gold claims, with gold=1) in one of exporting.FORMATS."""
    fmt = request.GET.get("format", "json")
    if fmt not in exporting.FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    articles = Article.objects.all()
    if (project_id := whole_number(request.GET.get("project", ""))) is not None:
        articles = articles.filter(project_id=project_id)
    return export_response(fmt, articles=articles, gold=request.GET.get("gold") == "1")
