"""Reviewing: adjudication into gold claims, the project dashboard, and comparing with gold."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from .. import reading, workflow
from ..forms import GROUP_KEY, DecisionForm, GoldForm, MergeForm, UnanimousForm
from ..http import whole_number
from ..models import Article, Assignment, Claim, GoldClaim, Project, Rejection, is_adjudicator
from ..templatetags.claims import FIELD_HEADINGS
from .common import adjudicator_required, answer_selection, claim_labels

PAGE = "annotations/adjudication.html"
FORM = "gold-form"  # the gold form's id and partial name


def _article(pk: int) -> Article:
    return get_object_or_404(Article.objects.select_related("project"), pk=pk)


def _context(request: HttpRequest, article: Article, form: GoldForm | None = None, refusal: str = "", merge: str = "") -> dict:
    return {
        "article": article,
        "project": article.project,
        **reading.adjudication(article),
        "form": form if form is not None else GoldForm(article=article),
        "refusal": refusal,
        "labels": claim_labels(),
        "merge": merge,  # the group whose merge form the page shows open
    }


def _render(request: HttpRequest, article: Article, *, form=None, partial: str = "", merge: str = "") -> HttpResponse:
    template = f"{PAGE}#{partial}" if partial else PAGE
    return render(request, template, _context(request, article, form, merge=merge))


def _merge_form(request: HttpRequest, article: Article, key: str) -> HttpResponse:
    """One undecided group's merge form, loaded when the page opens it: the group as it is now,
    which is the group the page shows when the key (its claims at their versions) still matches."""
    context = _context(request, article)
    group = next((g for g in context["groups"] if g["key"] == key and g["merge"]), None)
    if group is None:
        message = _("This group changed or was decided since the page was shown; the page shows the groups as they are now.")
        return retarget(reswap(_refused(request, article, message), "outerHTML"), "#decisions")
    return render(request, "annotations/_merge_form.html", {**context, "group": group})


def _decided(request: HttpRequest, article: Article, message: str = "") -> HttpResponse:
    """After a decision: the decisions panel, plus a fresh gold form swapped out of band."""
    if not request.htmx:
        if message:
            messages.success(request, message)
        return redirect("adjudication_detail", pk=article.pk)
    context = _context(request, article)
    body = render_to_string(f"{PAGE}#decisions", context, request=request)
    body += render_to_string(f"{PAGE}#{FORM}", {**context, "oob": True}, request=request)
    return HttpResponse(body)


def _refused(request: HttpRequest, article: Article, message: str, *, status: int = 409, form: GoldForm | None = None) -> HttpResponse:
    """A refused decision: the message, with the decisions panel as it is now (htmx swaps a 409)."""
    if not request.htmx:
        messages.error(request, message)
        if form is not None:
            return render(request, PAGE, _context(request, article, form, refusal=message), status=status)
        return redirect("adjudication_detail", pk=article.pk)
    if status != 409:
        return HttpResponse(format_html('<p id="error-message">{}</p>', message), status=status)
    context = _context(request, article, form, refusal=message)
    body = render_to_string(f"{PAGE}#decisions", context, request=request)
    body += render_to_string(f"{PAGE}#{FORM}", {**context, "oob": True}, request=request)
    return HttpResponse(body, status=status)


@require_safe
@adjudicator_required
def adjudication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every annotator's claims on one article, grouped, with the decisions taken so far; a raw selection comes back snapped."""
    article = _article(pk)
    answer, selected = answer_selection(request, article, GoldForm)
    if answer is not None:
        return answer
    target = request.htmx.target if request.htmx else None
    merge = request.GET.get("merge", "")
    merge = merge if re.fullmatch(GROUP_KEY, merge) else ""
    if merge and request.htmx:
        return _merge_form(request, article, merge)
    form = None
    if (source_id := whole_number(request.GET.get("from", ""))) is not None:
        claim = get_object_or_404(Claim.objects.select_related("source", "article"), pk=source_id, article=article)
        group = request.GET.get("group", "")
        form = GoldForm(article=article, initial={"group": group if re.fullmatch(GROUP_KEY, group) else ""})
        form.fill_from(claim)
    if selected:
        form = form or GoldForm(article=article)
        form.initial.update(selected)
    return _render(request, article, form=form, partial=target if target in (FORM, "decisions") else "", merge=merge)


@require_POST
@adjudicator_required
def gold_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Save an edited or merged version of a group (or a missed claim) as gold."""
    article = _article(pk)
    form = GoldForm(request.POST, article=article)
    if form.is_valid():
        try:
            _gold, created = workflow.create_gold(user=request.user, article=article, seen=form.seen, data=form.cleaned_data)
            return _decided(request, article, _("Gold claim saved.") if created else _("This gold claim was already saved."))
        except workflow.TokenReused:
            form = _with_fresh_token(request, article)
            form.add_error(None, ValidationError(TOKEN_REUSED, code="token_reused"))
        except workflow.DecisionRefused as refused:
            form.add_error(None, ValidationError(str(refused), code="stale"))
            return _refused(request, article, str(refused), form=form)
    if not request.htmx:
        return _render(request, article, form=form)
    return retarget(reswap(_render(request, article, form=form, partial=FORM), "outerHTML"), f"#{FORM}")


TOKEN_REUSED = gettext_lazy(
    "This form was already used to save something else, so nothing was saved. Check the form and save again."
)


def _with_fresh_token(request: HttpRequest, article: Article) -> GoldForm:
    """The form as the adjudicator filled it, under a new token (the old one is spent)."""
    data = request.POST.copy()
    data["client_token"] = str(uuid.uuid4())
    form = GoldForm(data, article=article)
    form.is_valid()
    return form


@require_POST
@adjudicator_required
def group_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept one annotator's version of a group, as the adjudicator saw it, as gold."""
    article = _article(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["claim"]:
        return _refused(request, article, _("Choose a version to accept."), status=400)
    try:
        workflow.accept_version(
            user=request.user, article=article, seen=form.seen,
            chosen_id=form.cleaned_data["claim"], note=form.cleaned_data["decision_note"],
        )
    except workflow.DecisionRefused as refused:
        return _refused(request, article, str(refused))
    return _decided(request, article, _("Accepted."))


@require_POST
@adjudicator_required
def group_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject a group, as the adjudicator saw it: none of its claims is a claim."""
    article = _article(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, _("That group is not on this page."), status=400)
    try:
        workflow.reject_group(user=request.user, article=article, seen=form.seen, note=form.cleaned_data["decision_note"])
    except workflow.DecisionRefused as refused:
        return _refused(request, article, str(refused))
    return _decided(request, article, _("Rejected."))


@require_POST
@adjudicator_required
def group_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a gold claim from a group, as the adjudicator saw it, taking each part from the version
    they chose and the evidence links they kept: nothing is retyped."""
    article = _article(pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, _("Choose a version for every part of the claim."), status=400)
    try:
        workflow.merge_group(
            user=request.user, article=article, seen=form.seen, picks=form.picks,
            evidence=form.cleaned_data["evidence"], note=form.cleaned_data["decision_note"],
        )
    except workflow.DecisionRefused as refused:
        return _refused(request, article, str(refused))
    return _decided(request, article, _("Merged into a gold claim."))


@require_POST
@adjudicator_required
def gold_accept_unanimous(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept every unanimous group the adjudicator saw, all or none."""
    article = _article(pk)
    form = UnanimousForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, _("There are no unanimous groups on this page to accept."), status=400)
    try:
        count = workflow.accept_unanimous(user=request.user, article=article, seen_groups=form.cleaned_data["groups"])
    except workflow.DecisionRefused as refused:
        return _refused(request, article, str(refused))
    message = ngettext("Accepted %(count)d unanimous group.", "Accepted %(count)d unanimous groups.", count)
    return _decided(request, article, message % {"count": count})


def _posted_version(request: HttpRequest) -> int | None:
    return whole_number(request.POST.get("version", ""), digits=9)


def _already_gone(request: HttpRequest, model, pk: int) -> HttpResponse:
    """A decision taken back already (a double click, another adjudicator): a refusal with the page as it is."""
    article_id = model.history.filter(id=pk).values_list("article_id", flat=True).first()
    if article_id is None:
        raise Http404
    return _refused(request, _article(article_id), _("This decision was already taken back; the page shows the decisions as they are now."))


@require_POST
@adjudicator_required
def gold_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a gold claim at the version the adjudicator saw (its history keeps a copy)."""
    return _take_back(request, GoldClaim, pk, _("Gold claim removed."))


@require_POST
@adjudicator_required
def rejection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a rejection at the version the adjudicator saw."""
    return _take_back(request, Rejection, pk, _("Rejection taken back."))


def _take_back(request: HttpRequest, model, pk: int, message: str) -> HttpResponse:
    """Undo a gold claim or a rejection at the posted version; gone already or stale: a 409 with the page."""
    decision = model.objects.select_related("article__project").filter(pk=pk).first()
    if decision is None:
        return _already_gone(request, model, pk)
    try:
        workflow.undo_decision(user=request.user, decision=decision, version=_posted_version(request))
    except workflow.DecisionRefused as refused:
        return _refused(request, decision.article, str(refused))
    return _decided(request, decision.article, message)


@require_POST
@adjudicator_required
def assignment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a submitted article back to its annotator."""
    assignment = get_object_or_404(Assignment.objects.select_related("article__project"), pk=pk)
    try:
        workflow.reopen_assignment(user=request.user, assignment=assignment)
    except workflow.DecisionRefused as refused:
        return _refused(request, assignment.article, str(refused))
    return _decided(request, assignment.article, _("Reopened for its annotator."))


@require_safe
@adjudicator_required
def project_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Agreement per article (worst first) and per annotator, and progress; CSV with ?format=csv."""
    project = get_object_or_404(Project, pk=pk)
    data = reading.dashboard(project.articles.all(), project)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in reading.dashboard_csv(data["articles"] + data["waiting"])),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="agreement-project-{project.pk}.csv"'
        return response
    context = {"project": project, **data, "suggesters": reading.suggester_figures(project.articles.all())}
    return render(request, "annotations/dashboard.html", context)


@require_safe
@login_required
def article_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """An annotator's claims beside the gold claims, once they have submitted the article."""
    article = get_object_or_404(Article.objects.visible_to(request.user).select_related("project"), pk=pk)
    assignment = Assignment.objects.of(article, request.user)
    if not is_adjudicator(request.user) and (assignment is None or not assignment.is_submitted):
        raise PermissionDenied(_("Submit the article first; then you can compare your claims with the gold claims."))
    compared = reading.compare_with_gold(article, request.user)
    labels = claim_labels()
    for row in compared["matched"]:
        row["different"] = [labels[FIELD_HEADINGS[name]] for name in row["different"]]
    return render(request, "annotations/compare.html", {"article": article, **compared})
