"""Canonical claims: one claim as the desk checks it, with its appearances across articles.

A canonical claim holds the normalised statement, its claimant, the desk's
verdict and the dated evidence behind it. Gold claims (and annotators' claims,
where the project allows) link to it through an `Appearance`, made by a person
who confirmed a suggested match; a `MatchDismissal` keeps a dismissed suggestion
from coming back. See docs/canonical-claims.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import text as textlib
from .claims import Claim, GoldClaim, Source
from .history import History
from .vocabulary import Verdict
from .work import Article

# Verdicts that say nothing of whether the claim is true, so need no evidence: not yet
# assessed, cannot be verified, not a checkable claim. Every other verdict (the ordinal
# scale true … false, satire_or_myth, and any term an admin adds) is final: it needs
# dated evidence or an override note (docs/canonical-claims.md).
VERDICTS_WITHOUT_EVIDENCE = frozenset({"unassessed", "unverifiable", "not_checkable"})


def is_final_verdict(verdict_id: str | None) -> bool:
    return bool(verdict_id) and verdict_id not in VERDICTS_WITHOUT_EVIDENCE


def check_verdict_evidence(verdict_id: str | None, *, dated_evidence: bool, override_note: str) -> None:
    """The evidence discipline, for every write path: a final verdict needs an evidence item with
    its publication date, or a note saying why the verdict stands without one."""
    if is_final_verdict(verdict_id) and not dated_evidence and not (override_note or "").strip():
        raise ValidationError(
            _(
                "A verdict other than unassessed, unverifiable or not checkable needs at least one evidence item "
                "with its publication date, or a note saying why the verdict stands without one."
            ),
            code="evidence_required",
        )


class CanonicalClaim(models.Model):
    """The claim a desk checks once, wherever it appears."""

    statement = models.TextField(
        _("normalised statement"),
        help_text=_("Short and self-contained, in the language of its first appearance."),
    )
    language = models.CharField(_("language"), max_length=20)
    translation = models.TextField(_("translation"), blank=True)
    translation_language = models.CharField(_("translation language"), max_length=20, blank=True)
    claimant = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="canonical_claims",
        verbose_name=_("claimant"),
    )
    verdict = models.ForeignKey(
        Verdict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("verdict"),
    )
    # A final verdict (other than unverifiable) needs dated evidence, or this note saying why not.
    verdict_override_note = models.TextField(_("why a verdict without dated evidence"), blank=True)
    verdict_at = models.DateTimeField(_("verdict published"), null=True, blank=True)
    # Where and when the claim was first seen, if earlier than any linked article.
    first_appearance_url = models.URLField(_("first appearance URL"), max_length=2000, blank=True)
    first_appeared_on = models.DateField(_("first appeared on"), null=True, blank=True)
    note = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="canonical_claims",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = History()

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("canonical claim")
        verbose_name_plural = _("canonical claims")

    def __str__(self) -> str:
        return self.statement[:80]

    def get_absolute_url(self) -> str:
        return reverse("canonical_detail", args=[self.pk])

    def set_verdict(self, slug: str | None) -> None:
        """Set the desk's verdict (unassessed is stored as none), dated when a final one is given."""
        slug = None if slug in (None, "", "unassessed") else slug
        if slug != self.verdict_id:
            self.verdict_at = timezone.now() if is_final_verdict(slug) else None
        self.verdict_id = slug

    @property
    def direction(self) -> str:
        return textlib.language_direction(self.language)

    @property
    def translation_direction(self) -> str:
        return textlib.language_direction(self.translation_language or "und")


class Evidence(models.Model):
    """One piece of evidence behind a canonical claim's verdict."""

    canonical = models.ForeignKey(
        CanonicalClaim, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("canonical claim")
    )
    url = models.URLField(_("URL"), max_length=2000)
    title = models.CharField(_("title"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    archived_url = models.URLField(_("archived copy"), max_length=2000, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    history = History()

    class Meta:
        ordering = ["canonical", "published_on", "pk"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")

    def __str__(self) -> str:
        return self.title or self.url


class Appearance(models.Model):
    """A gold claim or an annotator's claim confirmed, by a person, as an appearance of a canonical claim."""

    canonical = models.ForeignKey(
        CanonicalClaim, on_delete=models.PROTECT, related_name="appearances", verbose_name=_("canonical claim")
    )
    # Exactly one of the two; each claim appears under one canonical claim at most.
    gold_claim = models.OneToOneField(
        GoldClaim,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appearance",
        verbose_name=_("gold claim"),
    )
    claim = models.OneToOneField(
        Claim,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appearance",
        verbose_name=_("annotator's claim"),
    )
    # The article, kept beside the claim so a canonical claim's appearances list in one query.
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="appearances", verbose_name=_("article")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("linked by")
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    history = History()

    class Meta:
        ordering = ["canonical", "linked_at", "pk"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        constraints = [
            models.CheckConstraint(
                condition=Q(gold_claim__isnull=False, claim__isnull=True)
                | Q(gold_claim__isnull=True, claim__isnull=False),
                name="appearance_one_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.canonical_id} ← {self.gold_claim_id or self.claim_id}"


class MatchDismissal(models.Model):
    """A person's answer "not this one" to a suggested match: the suggestion does not come back."""

    canonical = models.ForeignKey(
        CanonicalClaim, on_delete=models.CASCADE, related_name="dismissals", verbose_name=_("canonical claim")
    )
    gold_claim = models.ForeignKey(
        GoldClaim, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("gold claim"),
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("annotator's claim"),
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dismissed by")
    )
    dismissed_at = models.DateTimeField(_("dismissed"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed match")
        verbose_name_plural = _("dismissed matches")
        constraints = [
            models.CheckConstraint(
                condition=Q(gold_claim__isnull=False, claim__isnull=True)
                | Q(gold_claim__isnull=True, claim__isnull=False),
                name="dismissal_one_claim",
            ),
            models.UniqueConstraint(fields=["gold_claim", "canonical"], name="dismissal_unique_gold"),
            models.UniqueConstraint(fields=["claim", "canonical"], name="dismissal_unique_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.canonical_id} ✗ {self.gold_claim_id or self.claim_id}"


class MatchKey(models.Model):
    """One key (a folded word, a number, a name, a claimant) of a canonical claim: the matching index.

    Candidates for a claim are the canonical claims sharing its keys, found
    through the index on `key`, never by comparing every claim with every claim.
    Rebuilt from the statement, claimant and appearances whenever they change
    (`matching.refresh_keys`).
    """

    canonical = models.ForeignKey(
        CanonicalClaim, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("canonical claim")
    )
    key = models.CharField(_("key"), max_length=120)
    # From the statement or its translation (the list's search asks only these), not only from appearances.
    statement = models.BooleanField(_("from the statement"), default=False)

    class Meta:
        verbose_name = _("match key")
        verbose_name_plural = _("match keys")
        indexes = [models.Index(fields=["key", "canonical"], name="matchkey_key")]
        constraints = [models.UniqueConstraint(fields=["canonical", "key"], name="matchkey_unique")]

    def __str__(self) -> str:
        return self.key


class SearchDocument(models.Model):
    """An article's folded search terms: what the full-text index (FTS5 or PostgreSQL) reads.

    Written on import from `folding`; the stored article text never changes.
    See docs/search.md.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document", verbose_name=_("article")
    )
    terms = models.TextField(_("folded terms"))

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.article_id}: {self.terms[:80]}"
