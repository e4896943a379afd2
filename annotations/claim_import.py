"""Loading claims in the export's JSON shape (docs/exports.md): all or nothing.

For migrating from another tool, for pre-annotations and for restoring a
backup. Articles must exist (matched by external_id, refused if their text
differs) and so must the annotators (by username). Every claim goes through
the web's ClaimForm (a gold claim through GoldForm), so it is validated
exactly as one made in the browser would be. Gold claims — objects with a
`provenance`, as `export_annotations --gold` writes them — are relinked to
the claims they came from (`from_claims`), which must be loaded first. A
top-level `canonical_claims` list is checked by `canonical_import`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import text as textlib
from .canonical_import import plan_canonical
from .forms import ClaimForm, GoldForm
from .importing import ImportRefused, json_objects
from .importing.readers import where_of
from .models import LABEL_FIELDS, Article, Claim, GoldClaim, Provenance


@dataclass
class ClaimLoad:
    article: Article
    annotator: object  # for a gold claim, the adjudicator
    data: dict
    where: str
    gold: bool = False
    from_claims: list = field(default_factory=list)
    # When the claim was made and last changed, as the file says; None: the time of loading.
    created_at: datetime | None = None
    updated_at: datetime | None = None
    written: object = None  # the Claim or GoldClaim load_claims made from it


@dataclass
class LoadPlan:
    claims: list[ClaimLoad] = field(default_factory=list)
    canonical: list = field(default_factory=list)  # workflow.CanonicalLoad
    skipped: list[str] = field(default_factory=list)
    problems: list[ImportRefused] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what a file from another tool had that is not loaded


def plan_load(name: str, data: bytes, *, project=None, max_bytes: int = 0) -> LoadPlan:
    """Read and validate every claim in a JSON or JSONL file; write nothing."""
    plan = LoadPlan()
    if max_bytes and len(data) > max_bytes:
        plan.problems.append(ImportRefused(name, f"the file is {len(data)} bytes; the limit is {max_bytes}"))
        return plan
    try:
        text = textlib.decode_bytes(data).text
        top: dict = {}
        rows = list(json_objects(name, text, lines=Path(name).suffix.lower() == ".jsonl", top=top))
    except (ImportRefused, textlib.TextError) as exc:
        plan.problems.append(exc if isinstance(exc, ImportRefused) else ImportRefused(name, exc.message))
        return plan
    return plan_rows(name, rows, project=project, canonical_claims=top.get("canonical_claims"), plan=plan)


def plan_rows(name: str, rows: list, *, project=None, canonical_claims=None, plan: LoadPlan | None = None) -> LoadPlan:
    """Validate (row, article) pairs in the export's shape, or (row, ImportRefused); write nothing.

    The one validation of every claim import: the export's own files and those
    of other tools (annotations.interop, which finds each article itself and
    passes it as the row's `article`) both come through here.
    """
    plan = plan or LoadPlan()
    users = {}
    seen = _existing_keys(rows, project)
    for row, item in rows:
        if isinstance(item, ImportRefused):
            plan.problems.append(item)
            continue
        try:
            # An Article object cannot come from a file: only annotations.interop puts one here.
            article = item["article"] if isinstance(item.get("article"), Article) else _article(name, row, item, project)
        except ImportRefused as exc:
            plan.problems.append(exc)
            continue
        claims = item.get("claims", [])
        if not isinstance(claims, list):
            plan.problems.append(ImportRefused(name, "'claims' must be a list", row))
            continue
        for number, claim in enumerate(claims, start=1):
            where = f"article {article.external_id!r}, claim {number}"
            try:
                load = _claim(name, row, where, article, claim, users)
            except ImportRefused as exc:
                # Another tool's file (annotations.interop) may say which offset unit to suspect.
                hint = item.get("offset_hint") if isinstance(item.get("article"), Article) else None
                plan.problems.append(ImportRefused(exc.file, f"{exc.reason} {hint}", exc.row, exc.code) if hint else exc)
                continue
            key = _key(article.pk, load.annotator.pk, load.data, load.gold)
            if seen[key] > 0:  # counted, so two identical claims in a backup are both restored
                seen[key] -= 1
                # Named by file and row too: a W3C file holds one claim per row, all "claim 1".
                plan.skipped.append(f"{where_of(name, row)}: {where}: already present")
                continue
            plan.claims.append(load)
    canonical, skipped, problems = plan_canonical(name, canonical_claims, project=project, planned=plan.claims)
    plan.canonical, plan.skipped, plan.problems = canonical, plan.skipped + skipped, plan.problems + problems
    return plan


def _key(article_id: int, user_id: int, data: dict, gold: bool = False) -> tuple:
    return (gold, article_id, user_id, data["start"], data["end"], *(getattr(data[label], "pk", data[label]) for label in LABEL_FIELDS))


def _existing_keys(rows, project) -> Counter:
    ids = {
        str(item.get("external_id"))
        for _row, item in rows
        if isinstance(item, dict) and isinstance(item.get("external_id"), (str, int))
    }
    keys = Counter()
    for model, user, gold in ((Claim, "annotator_id", False), (GoldClaim, "adjudicator_id", True)):
        rows = model.objects.filter(article__external_id__in=ids)
        if project is not None:
            rows = rows.filter(article__project=project)
        fields = ("article_id", user, "start", "end", *(f"{label}_id" for label in LABEL_FIELDS))
        keys.update((gold, *row) for row in rows.values_list(*fields))
    return keys


def form_reasons(form) -> str:
    """A bound form's errors as one line for a refusal: field, message (and code for the form's own)."""
    return "; ".join(
        f"{key}: {error.message % (error.params or {})}" if key != "__all__" else f"{error.message} ({error.code})"
        for key, errors in form.errors.as_data().items()
        for error in errors
    )


def _article(name: str, row: int, item: dict, project, *, require_hash: bool = True) -> Article:
    external_id = item.get("external_id")
    if not isinstance(external_id, (str, int)) or isinstance(external_id, bool) or str(external_id) == "":
        raise ImportRefused(name, "each article needs its 'external_id'", row)
    articles = Article.objects.filter(external_id=str(external_id))
    if project is not None:
        articles = articles.filter(project=project)
    found = list(articles[:2])
    if not found:
        raise ImportRefused(name, f"no article with external_id {external_id!r}; import the article first", row)
    if len(found) > 1:
        raise ImportRefused(name, f"external_id {external_id!r} is in several projects; name one with --project", row)
    article = found[0]
    expected = item.get("text_sha256")
    if expected is None and isinstance(item.get("text"), str):
        expected = textlib.sha256_hex(textlib.normalise_newlines(item["text"])[0])
    if expected is None and require_hash:
        raise ImportRefused(name, f"article {external_id!r} needs 'text_sha256' (or 'text') to prove it is the same text", row)
    if expected is not None and expected != article.text_sha256:
        raise ImportRefused(name, f"article {external_id!r} has a different text here than in the database", row)
    return article


def _claim(name: str, row: int, where: str, article: Article, claim: object, users: dict) -> ClaimLoad:
    if not isinstance(claim, dict):
        raise ImportRefused(name, f"{where}: expected an object", row)
    gold = "provenance" in claim
    username = claim.get("adjudicator" if gold else "annotator")
    if not isinstance(username, str):
        raise ImportRefused(name, f"{where}: '{'adjudicator' if gold else 'annotator'}' must be a username", row)
    if username not in users:
        users[username] = get_user_model().objects.filter(username=username).first()
    if users[username] is None:
        raise ImportRefused(name, f"{where}: no user named {username!r}", row)
    for key in ("start", "end"):
        if type(claim.get(key)) is not int:
            raise ImportRefused(name, f"{where}: '{key}' must be a whole number of code points", row)
    evidence = claim.get("evidence") or []
    if not isinstance(evidence, list) or not all(isinstance(link, str) for link in evidence):
        raise ImportRefused(name, f"{where}: 'evidence' must be a list of URLs", row)
    source = claim.get("source") or {}
    if not isinstance(source, dict):
        raise ImportRefused(name, f"{where}: 'source' must be an object or null", row)
    data = {
        "start": claim["start"],
        "end": claim["end"],
        "quote": claim.get("quote"),
        **{label: claim.get(label) for label in LABEL_FIELDS},
        "source_name": source.get("name") or "",
        "source_kind": source.get("kind") or "person",
        "evidence": "\n".join(evidence),
        "note": claim.get("note") or "",
    }
    if source.get("start") is not None or source.get("end") is not None:
        start, end = source.get("start"), source.get("end")
        if type(start) is not int or type(end) is not int:
            raise ImportRefused(name, f"{where}: the claimant's 'start' and 'end' must be whole numbers", row)
        data.update(source_start=start, source_end=end, source_quote=article.text[start:end] if 0 <= start < end else "")
    if not all(isinstance(value, str) for value in (data["quote"], data["note"], data["source_name"], data["source_kind"])):
        raise ImportRefused(name, f"{where}: 'quote', 'note' and the claimant's name and kind must be text", row)
    from_claims = []
    if gold:
        if claim["provenance"] not in Provenance.values:
            raise ImportRefused(name, f"{where}: 'provenance' must be one of {', '.join(Provenance.values)}", row)
        note = claim.get("decision_note") or ""
        if not isinstance(note, str):
            raise ImportRefused(name, f"{where}: 'decision_note' must be text", row)
        data["decision_note"] = note
        from_claims = _from_claims(name, row, where, article, claim.get("from_claims") or [])
    form = (GoldForm if gold else ClaimForm)(data, article=article, restoring=True)
    if not form.is_valid():
        raise ImportRefused(name, f"{where}: {form_reasons(form)}", row)
    data = {**form.cleaned_data, "provenance": claim["provenance"]} if gold else form.cleaned_data
    if not gold and claim.get("suggestion") is not None:
        data["suggestion_provenance"] = _suggestion_provenance(name, row, where, claim["suggestion"])
    created_at, updated_at = _timestamps(name, row, where, claim)
    return ClaimLoad(
        article=article, annotator=users[username], data=data, where=where, gold=gold, from_claims=from_claims,
        created_at=created_at, updated_at=updated_at,
    )


def _suggestion_provenance(name: str, row: int, where: str, value: object) -> dict:
    """A claim's `suggestion` as exports write it: {"model", "model_version", "score"}."""
    score = value.get("score") if isinstance(value, dict) else None
    if (
        not isinstance(value, dict)
        or not all(isinstance(value.get(key), str) and 0 < len(value[key]) <= 100 for key in ("model", "model_version"))
        or not (score is None or (type(score) in (int, float) and 0 <= score <= 1))
    ):
        raise ImportRefused(
            name, f"{where}: 'suggestion' must be null or {{\"model\", \"model_version\", \"score\" (0 to 1)}}", row
        )
    return {"model": value["model"], "model_version": value["model_version"], "score": score}


def _timestamps(name: str, row: int, where: str, claim: dict) -> tuple[datetime | None, datetime | None]:
    """The claim's `created_at` and `updated_at`, so a restored backup keeps when claims were made.

    A missing one takes the other's value (a tool that records one time);
    with neither, both are the time of loading. A time without an offset is UTC.
    """
    found = {}
    for key in ("created_at", "updated_at"):
        value = claim.get(key)
        if value is None:
            continue
        try:
            moment = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well-formed but impossible, e.g. a 13th month
            moment = None
        if moment is None:
            raise ImportRefused(
                name, _("%(where)s: '%(key)s' must be an ISO 8601 date and time") % {"where": where, "key": key}, row
            )
        found[key] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    created_at = found.get("created_at", found.get("updated_at"))
    return created_at, found.get("updated_at", created_at)


def _from_claims(name: str, row: int, where: str, article: Article, links: object) -> list[Claim]:
    """The annotators' claims a gold claim came from, found by annotator and span."""
    if not isinstance(links, list):
        raise ImportRefused(name, f"{where}: 'from_claims' must be a list", row)
    found = []
    for link in links:
        if not isinstance(link, dict) or not isinstance(link.get("annotator"), str) or type(link.get("start")) is not int or type(link.get("end")) is not int:
            raise ImportRefused(name, f"{where}: each of 'from_claims' needs 'annotator', 'start' and 'end'", row)
        claim = (
            Claim.objects.filter(article=article, annotator__username=link["annotator"], start=link["start"], end=link["end"])
            .order_by("pk")
            .first()
        )
        if claim is None:
            raise ImportRefused(
                name,
                f"{where}: the claim it came from ({link['annotator']}, {link['start']}–{link['end']}) is not in the "
                "database; load the annotators' claims first",
                row,
            )
        found.append(claim)
    return found
