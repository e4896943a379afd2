"""Loading canonical claims from the export's top-level `canonical_claims` list: validate, write nothing.

Each canonical claim is checked as the page's edit form checks it (CanonicalClaimForm,
the evidence discipline included) and each evidence item as the page's evidence form.
Its appearances name claims by article `external_id`, `start`, `end` and, for an
annotator's claim, `annotator` (a gold claim has `"gold": true`); they are found in the
database, or among the claims the same file loads. Loading again is harmless: a canonical
claim whose appearances are already linked to one with the same statement is not made
again, only its missing links are; one with no appearances is skipped when a canonical
claim with the same statement and language exists. An appearance of a kind the file
carries no claim of (a gold claim named in an annotators’ export, or the reverse) is
left to the other file of a backup pair: loading both (claims, then gold) links every
appearance. Refused, with nothing loaded: a claim of the file's own kind that is not
found, a claim named twice, a claim linked to another canonical claim.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .forms import CanonicalClaimForm, EvidenceForm
from .importing import ImportRefused
from .models import Appearance, Article, CanonicalClaim, Claim, GoldClaim
from .workflow import CanonicalLoad


def plan_canonical(name: str, items: object, *, project, planned: list) -> tuple[list[CanonicalLoad], list[str], list[ImportRefused]]:
    """The canonical claims of a file, checked: (loads, skipped, problems). `planned` are the file's ClaimLoads."""
    loads, skipped, problems = [], [], []
    if items is None:
        return loads, skipped, problems
    if not isinstance(items, list):
        return loads, skipped, [ImportRefused(name, "'canonical_claims' must be a list")]
    finder = _Finder(name, project, planned)
    for number, item in enumerate(items, start=1):
        where = f"canonical claim {number}"
        try:
            load = _canonical(name, where, item, finder)
        except ImportRefused as refused:
            problems.append(refused)
            continue
        if load is None:
            skipped.append(f"{where}: already present")
        else:
            loads.append(load)
    return loads, skipped, problems


def _canonical(name: str, where: str, item: object, finder: _Finder) -> CanonicalLoad | None:
    if not isinstance(item, dict):
        raise ImportRefused(name, f"{where}: expected an object")
    evidence_items = item.get("evidence") or []
    appearances = item.get("appearances") or []
    if not isinstance(evidence_items, list) or not isinstance(appearances, list):
        raise ImportRefused(name, f"{where}: 'evidence' and 'appearances' must be lists")
    evidence = [_evidence(name, f"{where}, evidence {n}", entry) for n, entry in enumerate(evidence_items, start=1)]
    claimant = item.get("claimant") or {}
    if not isinstance(claimant, dict):
        raise ImportRefused(name, f"{where}: 'claimant' must be an object or null")
    data = {
        **{key: item.get(key) or "" for key in (
            "statement", "language", "translation", "translation_language", "verdict_override_note",
            "first_appearance_url", "first_appeared_on", "note",
        )},
        "source_name": claimant.get("name") or "",
        "source_kind": claimant.get("kind") or "person",
        "verdict": item.get("verdict") or "unassessed",
    }
    form = CanonicalClaimForm(data, dated_evidence=any(entry.get("published_on") for entry in evidence), restoring=True)
    if not form.is_valid():
        raise ImportRefused(name, f"{where}: {_reasons(form)}")
    found = [finder.target(f"{where}, appearance {n}", entry) for n, entry in enumerate(appearances, start=1)]
    targets = [target for target in found if target is not None]
    if appearances and not targets:
        return None  # all its claims are of the other kind: the other export links it (restore)
    stored = [target for target in targets if isinstance(target, (Claim, GoldClaim))]
    linked = {
        appearance.canonical_id: appearance.canonical
        for appearance in Appearance.objects.filter(claim__in=[t for t in stored if isinstance(t, Claim)]).select_related("canonical")
    } | {
        appearance.canonical_id: appearance.canonical
        for appearance in Appearance.objects.filter(gold_claim__in=[t for t in stored if isinstance(t, GoldClaim)]).select_related("canonical")
    }
    existing = None
    if linked:
        statement = form.cleaned_data["statement"]
        if len(linked) > 1 or next(iter(linked.values())).statement != statement:
            raise ImportRefused(name, f"{where}: some of its claims are linked to another canonical claim already")
        existing = next(iter(linked.values()))
        already = set(existing.appearances.values_list("claim_id", "gold_claim_id"))
        targets = [t for t in targets if not (isinstance(t, Claim) and (t.pk, None) in already) and not (isinstance(t, GoldClaim) and (None, t.pk) in already)]
        if not targets:
            return None
    elif not targets and CanonicalClaim.objects.filter(statement=form.cleaned_data["statement"], language=form.cleaned_data["language"]).exists():
        return None
    return CanonicalLoad(
        data=form.cleaned_data, evidence=evidence, targets=targets, existing=existing, where=where,
        created_by=finder.person(name, where, item.get("created_by"), targets),
    )


def _evidence(name: str, where: str, entry: object) -> dict:
    if not isinstance(entry, dict):
        raise ImportRefused(name, f"{where}: expected an object")
    form = EvidenceForm({key: entry.get(key) or "" for key in ("url", "title", "published_on", "archived_url", "checked_on")})
    if not form.is_valid():
        raise ImportRefused(name, f"{where}: {_reasons(form)}")
    return form.cleaned_data


def _reasons(form) -> str:
    return "; ".join(
        f"{key}: {error.message % (error.params or {})}" if key != "__all__" else str(error.message)
        for key, errors in form.errors.as_data().items()
        for error in errors
    )


class _Finder:
    """Finds the claims and gold claims appearances name, in the database or among the file's own."""

    def __init__(self, name: str, project, planned: list):
        self.name, self.project = name, project
        self.articles: dict[str, Article] = {}
        self.used: set[tuple[str, int]] = set()
        self.planned = planned
        self.users: dict[str, object] = {}

    def _article(self, where: str, external_id: object) -> Article:
        if not isinstance(external_id, (str, int)) or isinstance(external_id, bool) or str(external_id) == "":
            raise ImportRefused(self.name, f"{where}: needs the article's 'external_id'")
        key = str(external_id)
        if key not in self.articles:
            rows = Article.objects.filter(external_id=key).defer("text")
            if self.project is not None:
                rows = rows.filter(project=self.project)
            found = list(rows[:2])
            if len(found) != 1:
                raise ImportRefused(self.name, f"{where}: {'no article' if not found else 'several articles'} with external_id {key!r}")
            self.articles[key] = found[0]
        return self.articles[key]

    def target(self, where: str, entry: object):
        if not isinstance(entry, dict) or type(entry.get("start")) is not int or type(entry.get("end")) is not int:
            raise ImportRefused(self.name, f"{where}: needs 'external_id', 'start' and 'end' (whole numbers)")
        article = self._article(where, entry.get("external_id"))
        start, end, gold = entry["start"], entry["end"], entry.get("gold") is True
        username = entry.get("annotator")
        if not gold and not isinstance(username, str):
            raise ImportRefused(self.name, f"{where}: an annotator's claim needs its 'annotator' (a username)")
        if gold:
            stored = GoldClaim.objects.filter(article=article, start=start, end=end)
        else:
            stored = Claim.objects.filter(article=article, annotator__username=username, start=start, end=end)
        candidates = list(stored.order_by("pk")) + [
            load for load in self.planned
            if load.article.pk == article.pk and load.gold == gold and load.data["start"] == start and load.data["end"] == end
            and (gold or load.annotator.get_username() == username)
        ]
        for candidate in candidates:
            stored_row = isinstance(candidate, (Claim, GoldClaim))
            key = (type(candidate).__name__, candidate.pk if stored_row else id(candidate))
            if key not in self.used:
                self.used.add(key)
                return candidate
        if not any(load.gold == gold for load in self.planned):
            # A claims export names gold appearances and a gold export annotators' ones; when
            # the file carries no claim of that kind, the other file of the pair links it.
            return None
        kind = "gold claim" if gold else f"claim of {username!r}"
        raise ImportRefused(
            self.name,
            f"{where}: no {kind} at {start}–{end} in article {article.external_id!r} (or it is named twice); load the claims first",
        )

    def person(self, name: str, where: str, username: object, targets: list):
        """Who made the canonical claim: the file's `created_by`, else the person of its first appearance, else the first superuser."""
        User = get_user_model()
        if isinstance(username, str) and username:
            if username not in self.users:
                self.users[username] = User.objects.filter(username=username).first()
            if self.users[username] is not None:
                return self.users[username]
        for target in targets:
            person = getattr(target, "annotator", None) or getattr(target, "adjudicator", None)
            if person is not None:
                return person
        first = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if first is None:
            raise ImportRefused(name, f"{where}: no appearance and no 'created_by' user to record it under")
        return first
