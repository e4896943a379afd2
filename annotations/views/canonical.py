"""Canonical claims: the "Seen before?" panel of a claim or gold claim, the list, and a canonical claim's page.

The panel is a partial of its own small page (`canonical_match.html`), asked for by the
adjudication page (gold claims) and the annotation page (an annotator's own claims,
where the project allows it). Who may do what is in docs/canonical-claims.md; each
view checks it, and the workflow checks it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import matching, reading, workflow
from ..forms import MAX_ID, CanonicalClaimForm, EvidenceForm
from ..http import whole_number
from ..models import Appearance, Article, CanonicalClaim, Claim, Evidence, GoldClaim, Verdict, is_adjudicator
from ..models.vocabulary import cached_terms
from .common import adjudicator_required, kept_at_version

MATCH_PAGE = "annotations/canonical_match.html"
DETAIL_PAGE = "annotations/canonical_detail.html"
CANONICAL_PER_PAGE = 50


def _target(request: HttpRequest, kind: str, pk: int) -> Claim | GoldClaim:
    """The claim or gold claim a panel is about, if the user may link it (else 404 or 403)."""
    if pk > MAX_ID:
        raise Http404
    if kind == "gold":
        rows = GoldClaim.objects.select_related("article__project", "source").defer("article__text")
    else:
        rows = Claim.objects.select_related("article__project", "source").defer("article__text")
        if not is_adjudicator(request.user):
            # An annotator's own claims on articles still assigned to them, as on the annotation page.
            rows = rows.filter(annotator=request.user, article__in=Article.objects.visible_to(request.user))
    target = get_object_or_404(rows, pk=pk)
    workflow.check_can_link(user=request.user, target=target)
    return target


def _urls(kind: str, pk: int) -> dict:
    prefix = "gold" if kind == "gold" else "claim"
    return {name: reverse(f"{prefix}_canonical{suffix}", args=[pk]) for name, suffix in (
        ("panel", ""), ("link", "_link"), ("new", "_new"), ("dismiss", "_dismiss"), ("unlink", "_unlink"),
    )}


def _panel(request: HttpRequest, kind: str, target, *, refusal: str = "", status: int = 200) -> HttpResponse:
    """The panel (to htmx) or its page: the canonical claim the target is linked to, and the candidates."""
    appearance = Appearance.objects.select_related("canonical").filter(**{"gold_claim" if kind == "gold" else "claim": target}).first()
    everything = is_adjudicator(request.user)
    candidates = matching.candidates(
        target, limit=5,
        visible=None if everything else reading.visible_canonical(request.user),
        appearances=None if everything else reading.visible_appearances(request.user),
    )
    context = {
        "kind": kind,
        "target": target,
        "article": target.article,
        "panel_id": f"canonical-{kind}-{target.pk}",
        "appearance": appearance,
        "linked_verdict": reading.verdict_label(appearance.canonical.verdict_id) if appearance else "",
        "candidates": [{"match": candidate, "verdict": reading.verdict_label(candidate.canonical.verdict_id)} for candidate in candidates],
        "urls": _urls(kind, target.pk),
        "refusal": refusal,
        "back": reverse("adjudication_detail", args=[target.article_id]) if kind == "gold" else target.article.get_absolute_url(),
    }
    template = f"{MATCH_PAGE}#canonical-panel" if request.htmx else MATCH_PAGE
    return render(request, template, context, status=status)


def _acted(request: HttpRequest, kind: str, target, message: str) -> HttpResponse:
    """After a link, a new canonical claim, a dismissal or an unlink: the panel as it is now."""
    if not request.htmx:
        messages.success(request, message)
        return redirect(_urls(kind, target.pk)["panel"])
    return _panel(request, kind, target)


def _refused(request: HttpRequest, kind: str, target, refused: workflow.DecisionRefused) -> HttpResponse:
    if not request.htmx:
        messages.error(request, str(refused))
        return redirect(_urls(kind, target.pk)["panel"])
    return _panel(request, kind, target, refusal=str(refused), status=409)


def _posted_canonical(request: HttpRequest) -> CanonicalClaim:
    pk = whole_number(request.POST.get("canonical", ""))
    canonical = CanonicalClaim.objects.filter(pk=pk).first() if pk is not None and pk <= MAX_ID else None
    if canonical is None:
        raise Http404(_("No such canonical claim."))
    return canonical


@require_safe
@login_required
def match_panel(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Seen before? The canonical claim a claim or gold claim is linked to, and the suggested ones."""
    return _panel(request, kind, _target(request, kind, pk))


def _act(request: HttpRequest, kind: str, pk: int, do, message: str) -> HttpResponse:
    """One of the panel's actions on a claim or gold claim the user may link; a refusal answers with the panel and why."""
    target = _target(request, kind, pk)
    try:
        do(target)
    except workflow.DecisionRefused as refused:
        return _refused(request, kind, target, refused)
    return _acted(request, kind, target, message)


@require_POST
@login_required
def match_link(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Confirm a suggestion: the claim is an appearance of this canonical claim (move=1 moves it from another)."""

    def link(target):
        canonical = _posted_canonical(request)
        if not is_adjudicator(request.user) and not reading.visible_canonical(request.user).filter(pk=canonical.pk).exists():
            raise Http404(_("No such canonical claim."))
        workflow.link_claim(user=request.user, canonical=canonical, target=target, move=request.POST.get("move") == "1")

    return _act(request, kind, pk, link, _("Linked to the canonical claim."))


@require_POST
@login_required
def match_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A new canonical claim from this claim, linked to it."""
    return _act(
        request, kind, pk, lambda target: workflow.create_canonical(user=request.user, target=target),
        _("New canonical claim made from this claim."),
    )


@require_POST
@login_required
def match_dismiss(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Not this one: the suggestion is not made again for this claim."""
    return _act(
        request, kind, pk,
        lambda target: workflow.dismiss_match(user=request.user, canonical=_posted_canonical(request), target=target),
        _("Suggestion dismissed; it will not be made again for this claim."),
    )


@require_POST
@login_required
def match_unlink(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Take the claim off its canonical claim; from the canonical claim's page, back to it."""
    target = _target(request, kind, pk)
    field = "gold_claim" if kind == "gold" else "claim"
    appearance = Appearance.objects.select_related("canonical").filter(**{field: target}).first()
    if appearance is not None:
        setattr(appearance, field, target)  # as fetched and checked above
        workflow.unlink(user=request.user, appearance=appearance)
    if request.POST.get("from") == "canonical" and appearance is not None and not request.htmx:
        messages.success(request, _("Unlinked."))
        return redirect(appearance.canonical.get_absolute_url())
    return _acted(request, kind, target, _("Unlinked."))


@require_safe
@login_required
def canonical_list(request: HttpRequest) -> HttpResponse:
    """Canonical claims the user may see, newest first; searchable by statement, filtered by verdict."""
    rows = reading.visible_canonical(request.user).select_related("claimant")
    query = request.GET.get("q", "").strip()[:200]
    verdict = request.GET.get("verdict", "")
    note = ""
    if query:
        found = matching.statement_search(rows, query)
        if found is None:
            note = _("Search for words of three letters or more, or numbers of two digits or more.")
        rows = found if found is not None else rows.none()
    slugs = {term.slug for term in cached_terms(Verdict)}
    if verdict == "none":
        rows = rows.filter(verdict__isnull=True)
    elif verdict in slugs:
        rows = rows.filter(verdict_id=verdict)
    else:
        verdict = ""
    page = Paginator(rows.order_by("-updated_at", "-pk"), CANONICAL_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/canonical_list.html",
        {
            "page": page,
            "rows": reading.canonical_rows(page, request.user),
            "query": query,
            "verdict": verdict,
            "verdicts": [(term.slug, term.display_label) for term in cached_terms(Verdict) if term.slug != "unassessed"],
            "note": note,
        },
    )


def _canonical(request: HttpRequest, pk: int) -> CanonicalClaim:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(reading.visible_canonical(request.user).select_related("claimant", "created_by"), pk=pk)


def _detail(request: HttpRequest, canonical: CanonicalClaim, *, form=None, evidence_form=None, refusal: str = "", status: int = 200) -> HttpResponse:
    data = reading.canonical_page(canonical, request.user)
    context = {**data, "refusal": refusal}
    if data["can_edit"]:
        context["form"] = form or CanonicalClaimForm(instance=canonical, dated_evidence=data["dated_evidence"])
        context["evidence_form"] = evidence_form or EvidenceForm()
    return render(request, DETAIL_PAGE, context, status=status)


@require_safe
@login_required
def canonical_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A canonical claim: statement, verdict, evidence, and every appearance the user may see."""
    return _detail(request, _canonical(request, pk))


@require_POST
@adjudicator_required
def canonical_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a canonical claim from the version shown; a stale edit is refused and what was typed kept."""
    canonical = _canonical(request, pk)
    dated = Evidence.objects.filter(canonical=canonical, published_on__isnull=False).exists()
    form = CanonicalClaimForm(request.POST, instance=canonical, dated_evidence=dated)
    if not form.is_valid():
        return _detail(request, canonical, form=form)
    try:
        workflow.update_canonical(user=request.user, canonical=canonical, data=form.cleaned_data)
    except workflow.StaleCanonical as stale:
        form = kept_at_version(
            CanonicalClaimForm, request, stale.current.version, ValidationError(str(stale), code="stale"),
            instance=stale.current, dated_evidence=dated,
        )
        return _detail(request, stale.current, form=form)
    except workflow.EvidenceRequired as refused:  # evidence removed meanwhile
        form.add_error("verdict", ValidationError(str(refused), code="evidence_required"))
        return _detail(request, canonical, form=form)
    messages.success(request, _("Canonical claim saved."))
    return redirect(canonical)


@require_POST
@adjudicator_required
def evidence_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an evidence item to a canonical claim."""
    canonical = _canonical(request, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _detail(request, canonical, evidence_form=form)
    workflow.add_evidence(user=request.user, canonical=canonical, data=form.cleaned_data)
    messages.success(request, _("Evidence added."))
    return redirect(canonical)


@require_POST
@adjudicator_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an evidence item, at the canonical claim's version shown."""
    evidence = get_object_or_404(Evidence.objects.select_related("canonical"), pk=pk) if pk <= MAX_ID else None
    if evidence is None:
        raise Http404
    try:
        workflow.remove_evidence(user=request.user, evidence=evidence, version=whole_number(request.POST.get("version", ""), digits=9))
    except workflow.DecisionRefused as refused:
        canonical = CanonicalClaim.objects.select_related("claimant", "created_by").get(pk=evidence.canonical_id)
        return _detail(request, canonical, refusal=str(refused), status=409)
    messages.success(request, _("Evidence removed."))
    return redirect(evidence.canonical)
