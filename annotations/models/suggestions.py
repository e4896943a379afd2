"""Suggestions: proposed claims from a named suggester, and each annotator's decision on them.

A suggestion is not a claim: it counts in no agreement figure and no export of
claims. Accepting one makes the annotator's own claim (workflow.create_claim),
which keeps a snapshot of where it came from (docs/suggestions.md).
Offsets are Unicode code points into `Article.text`, as everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .claims import Claim, SourceKind
from .vocabulary import Attribution, CheckWorthiness, ClaimType
from .work import Article

# The labels a suggester may propose (the verdict is the annotator's, never proposed).
SUGGESTED_LABELS = ("claim_type", "check_worthiness", "attribution")


class SuggestionQuerySet(models.QuerySet):
    def undecided_by(self, user) -> SuggestionQuerySet:
        """Suggestions this user has neither accepted nor rejected (other annotators' decisions do not count)."""
        return self.exclude(decisions__annotator=user)


class Suggestion(models.Model):
    """A proposed claim span with proposed labels, from a named suggester at a version."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("article"))
    start = models.PositiveIntegerField(_("start (code point)"))
    end = models.PositiveIntegerField(_("end (code point)"))
    quote = models.TextField(_("quote"))
    claim_type = models.ForeignKey(
        ClaimType, on_delete=models.PROTECT, null=True, blank=True, db_index=False, related_name="+",
        verbose_name=_("claim type"),
    )
    check_worthiness = models.ForeignKey(
        CheckWorthiness, on_delete=models.PROTECT, null=True, blank=True, db_index=False, related_name="+",
        verbose_name=_("check-worthiness"),
    )
    attribution = models.ForeignKey(
        Attribution, on_delete=models.PROTECT, null=True, blank=True, db_index=False, related_name="+",
        verbose_name=_("attribution"),
    )
    source_name = models.CharField(_("claimant"), max_length=300, blank=True)
    source_kind = models.CharField(_("claimant kind"), max_length=30, choices=SourceKind, default=SourceKind.PERSON)
    source_start = models.PositiveIntegerField(_("claimant start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("claimant end"), null=True, blank=True)
    suggester = models.CharField(_("suggester"), max_length=100)
    model_version = models.CharField(_("model version"), max_length=100)
    score = models.FloatField(_("score"))
    rationale = models.TextField(_("rationale"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="suggestion_span_order"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="suggestion_score_range"),
            models.CheckConstraint(
                condition=(
                    Q(source_start__isnull=True, source_end__isnull=True)
                    | Q(source_start__isnull=False, source_end__isnull=False, source_end__gt=F("source_start"))
                ),
                name="suggestion_source_span",
            ),
            models.CheckConstraint(condition=Q(source_kind__in=SourceKind.values), name="suggestion_source_kind_valid"),
            # Re-running a suggester at the same version adds nothing; a new version adds its own.
            models.UniqueConstraint(
                fields=["article", "suggester", "model_version", "start", "end"], name="suggestion_unique_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]} [{self.start}:{self.end}] ({self.suggester} {self.model_version})"

    @property
    def provenance(self) -> dict:
        """What a claim made from it keeps, and what exports show."""
        return {"model": self.suggester, "model_version": self.model_version, "score": self.score}


class SuggestionDecision(models.Model):
    """One annotator's accept or reject of one suggestion: one annotator's decision hides it from them only."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("suggestion"))
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_decisions", verbose_name=_("annotator")
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("claim made")
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["suggestion", "pk"]
        verbose_name = _("suggestion decision")
        verbose_name_plural = _("suggestion decisions")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "annotator"], name="suggestiondecision_one_per_annotator"),
            models.CheckConstraint(condition=Q(outcome__in=["accepted", "rejected"]), name="suggestiondecision_outcome_valid"),
            models.CheckConstraint(
                condition=Q(outcome="accepted") | Q(claim__isnull=True), name="suggestiondecision_claim_when_accepted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.get_outcome_display()}"
