"""Claims: sources (claimants), annotators' claims, gold claims and rejections.

Offsets (`start`, `end`, `source_start`, `source_end`) are Unicode code points
into `Article.text`; see `annotations.text`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import agreement
from .history import History, record_creation_on_first_change
from .roles import is_adjudicator
from .vocabulary import Attribution, CheckWorthiness, ClaimType, Verdict, term_label
from .work import Article


class SourceKind(models.TextChoices):
    PERSON = "person", _("Person")
    GOVERNMENT = "government_body", _("Government body")
    ARMED_GROUP = "armed_group", _("Armed group")
    ORGANISATION = "organisation", _("Organisation")
    NEWS_OUTLET = "news_outlet", _("News outlet")
    SOCIAL_MEDIA = "social_media_account", _("Social-media account")
    UNNAMED = "unnamed_source", _("Unnamed source")
    ARTICLE = "the_article", _("The article itself")


class Source(models.Model):
    """A claimant, reused across articles: one source with many claims."""

    name = models.CharField(_("name as written"), max_length=300)
    name_latin = models.CharField(_("Latin transliteration"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=SourceKind, default=SourceKind.PERSON)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="source_unique_name_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values),
                name="source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClaimQuerySet(models.QuerySet):
    def for_article(self, article: Article) -> ClaimQuerySet:
        return self.filter(article=article)

    def visible_to(self, user) -> ClaimQuerySet:
        """Claims a user may see on the annotation pages: their own, or all for adjudicators."""
        if is_adjudicator(user):
            return self
        return self.filter(annotator=user)

    def with_labels(self) -> ClaimQuerySet:
        """With what a claim's display needs; vocabulary labels come from the cache (*_label)."""
        return self.select_related("source", "annotator")

    def with_decided(self) -> ClaimQuerySet:
        """Annotate `decided`: the claim is under a gold claim or a rejection, so it is frozen."""
        return self.annotate(decided=decided_condition())

    def decided(self) -> ClaimQuerySet:
        return self.filter(decided_condition())


# What agreement compares of a claim, in the order to_span reads it: a values_list()
# row of these fields, or a claim's own attributes (as_span), become one Span.
SPAN_FIELDS = (
    "start", "end", "verification_status_id", "claim_type_id", "check_worthiness_id", "attribution_id",
    "source_id", "pk", "version",
)


# A field-by-field merge of an adjudication group takes each part of the gold claim from one
# version: the span with its context, each label, the claimant with its anchor in the text, the
# annotator's note. Evidence is not a part: the merge keeps links chosen from all versions'.
MERGE_PARTS = {
    "span": ("start", "end", "quote", "prefix", "suffix"),
    "claim_type": ("claim_type_id",),
    "check_worthiness": ("check_worthiness_id",),
    "verification_status": ("verification_status_id",),
    "attribution": ("attribution_id",),
    "claimant": ("source_id", "source_start", "source_end"),
    "note": ("note",),
}


def evidence_union(claims) -> list[str]:
    """Every evidence link of the claims, once each, in the order the claims give them (a merge's evidence)."""
    return list(dict.fromkeys(link for claim in claims for link in claim.evidence or []))


def to_span(values) -> agreement.Span:
    """A claim as agreement sees it, from its SPAN_FIELDS values: the one conversion."""
    start, end, verdict, claim_type, worthiness, attribution, source, pk, version = values
    return agreement.Span(start, end, verdict, claim_type, worthiness, pk, (attribution, source), version)


class SpanLabels(models.Model):
    """A claim span and its labels, shared by an annotator's claim and a gold claim.

    Every index is written on every save, so foreign keys carry no index of their
    own where a composite index leads with them (article) or nothing looks rows
    up by them but the admin's filters and a vocabulary term's deletion check
    (the four labels): scans that are rare, and cheap at newsroom scale.
    """

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("article"), db_index=False
    )
    start = models.PositiveIntegerField(_("start (code point)"))
    end = models.PositiveIntegerField(_("end (code point)"))
    quote = models.TextField(_("quote"))
    prefix = models.CharField(_("text before"), max_length=64, blank=True)
    suffix = models.CharField(_("text after"), max_length=64, blank=True)
    claim_type = models.ForeignKey(
        ClaimType, on_delete=models.PROTECT, db_column="claim_type", db_index=False, verbose_name=_("claim type")
    )
    check_worthiness = models.ForeignKey(
        CheckWorthiness,
        on_delete=models.PROTECT,
        db_column="check_worthiness", db_index=False,
        verbose_name=_("check-worthiness"),
    )
    verification_status = models.ForeignKey(
        Verdict,
        on_delete=models.PROTECT,
        db_column="verification_status", db_index=False,
        verbose_name=_("verification status"),
    )
    attribution = models.ForeignKey(
        Attribution, on_delete=models.PROTECT, db_column="attribution", db_index=False, verbose_name=_("attribution")
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("claimant"),
    )
    source_start = models.PositiveIntegerField(_("claimant start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("claimant end"), null=True, blank=True)
    evidence = models.JSONField(_("evidence links"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def span_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name=f"{prefix}_span_order"),
            models.CheckConstraint(
                condition=(
                    Q(source_start__isnull=True, source_end__isnull=True)
                    | Q(
                        source_start__isnull=False,
                        source_end__isnull=False,
                        source_end__gt=F("source_start"),
                        source__isnull=False,
                    )
                ),
                name=f"{prefix}_source_span",
            ),
        ]

    # The verdict's label from the vocabulary cache (the compare page): no join, no Term object.
    @property
    def verification_status_label(self) -> str:
        return term_label(Verdict, self.verification_status_id)

    def as_span(self) -> agreement.Span:
        """This claim as the agreement code sees it."""
        return to_span([getattr(self, name) for name in SPAN_FIELDS])

    @property
    def source_quote(self) -> str:
        if self.source_start is None:
            return ""
        return self.article.text[self.source_start : self.source_end]


class Claim(SpanLabels):
    """One annotator's claim span on one article."""

    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("annotator"),
        db_index=False,  # claim_unique_client_token's index leads with it
    )
    # One per rendered form: a retried or double-clicked submission finds the
    # claim it already made instead of making a second one.
    client_token = models.UUIDField(_("form token"), null=True, blank=True, editable=False)
    # Provenance: the suggestion this claim was accepted from, and a snapshot of who suggested it, so
    # exports still say so after the suggestion row is deleted (docs/suggestions.md).
    suggestion = models.ForeignKey(
        "annotations.Suggestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="claims",
        db_index=False,  # claim_suggestion, partial: claims made by hand write no index row
        verbose_name=_("from suggestion"),
    )
    suggestion_model = models.CharField(_("suggested by"), max_length=100, blank=True, editable=False)
    suggestion_model_version = models.CharField(_("suggester version"), max_length=100, blank=True, editable=False)
    suggestion_score = models.FloatField(_("suggestion score"), null=True, blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [
            models.Index(fields=["article", "annotator", "start"], name="claim_article_user"),
            # The annotation page lists the annotator's own claimants: without this it read every
            # claim they ever made (3 ms per page at 10k claims, on SQLite). Only claims that name
            # a claimant are in it.
            models.Index(fields=["annotator", "source"], condition=Q(source__isnull=False), name="claim_annotator_source"),
            models.Index(fields=["suggestion"], condition=Q(suggestion__isnull=False), name="claim_suggestion"),
        ]
        constraints = [
            *SpanLabels.span_constraints("claim"),
            models.UniqueConstraint(
                fields=["annotator", "client_token"], name="claim_unique_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]} [{self.start}:{self.end}]"

    @property
    def suggestion_provenance(self) -> dict | None:
        """{"model", "model_version", "score"} of the suggestion it was accepted from, or None."""
        if not self.suggestion_model:
            return None
        return {"model": self.suggestion_model, "model_version": self.suggestion_model_version, "score": self.suggestion_score}


record_creation_on_first_change(Claim, user_field="annotator")


class Provenance(models.TextChoices):
    UNANIMOUS = "unanimous", _("Unanimous")
    MAJORITY = "majority", _("Majority")
    ADJUDICATED = "adjudicated", _("Adjudicated")


class GoldClaimQuerySet(models.QuerySet):
    def with_labels(self) -> GoldClaimQuerySet:
        """With what a gold claim's display needs; vocabulary labels come from the cache (*_label)."""
        return self.select_related("source", "adjudicator")


class GoldClaim(SpanLabels):
    """An adjudicated claim: what the desk publishes as gold data."""

    provenance = models.CharField(_("provenance"), max_length=20, choices=Provenance)
    adjudicator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="gold_claims",
        verbose_name=_("adjudicator"),
    )
    annotations = models.ManyToManyField(
        Claim, related_name="gold_claims", blank=True, verbose_name=_("from claims")
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    # One per rendered form, as for claims: a repeated submission makes one gold claim.
    client_token = models.UUIDField(_("form token"), null=True, blank=True, editable=False)

    objects = GoldClaimQuerySet.as_manager()
    history = History(m2m_fields=[annotations])

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        verbose_name = _("gold claim")
        verbose_name_plural = _("gold claims")
        indexes = [models.Index(fields=["article", "start"], name="goldclaim_article_start")]
        constraints = [
            *SpanLabels.span_constraints("goldclaim"),
            models.CheckConstraint(
                condition=Q(provenance__in=Provenance.values), name="goldclaim_provenance_valid"
            ),
            models.UniqueConstraint(
                fields=["adjudicator", "client_token"], name="goldclaim_unique_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]} [{self.start}:{self.end}] ({self.get_provenance_display()})"


class Rejection(models.Model):
    """An adjudicator's decision that a group of claims is not a claim."""

    version = models.PositiveIntegerField(_("version"), default=1)

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="rejections", verbose_name=_("article")
    )
    adjudicator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rejections",
        verbose_name=_("adjudicator"),
    )
    claims = models.ManyToManyField(Claim, related_name="rejections", verbose_name=_("claims"))
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    history = History(m2m_fields=[claims])

    class Meta:
        ordering = ["article", "pk"]
        verbose_name = _("rejection")
        verbose_name_plural = _("rejections")

    def __str__(self) -> str:
        count = self.claims.count()
        return ngettext("%(article)s: %(count)d claim rejected", "%(article)s: %(count)d claims rejected", count) % {
            "article": self.article, "count": count,
        }


def decided_condition() -> Exists:
    """A claim is decided while a gold claim was made from it or a rejection names it.

    Decided claims are frozen on every path (annotation page, admin, history
    restore) until the decision is taken back: gold keeps exactly the claims
    it was made from (docs/adjudication.md).
    """
    gold = GoldClaim.annotations.through.objects.filter(claim_id=OuterRef("pk"))
    rejected = Rejection.claims.through.objects.filter(claim_id=OuterRef("pk"))
    return Exists(gold) | Exists(rejected)


def decided_claim_ids(article_id: int) -> set[int]:
    """The claims of an article that are under a gold claim or a rejection."""
    gold = GoldClaim.annotations.through.objects.filter(goldclaim__article_id=article_id).values_list("claim_id", flat=True)
    rejected = Rejection.claims.through.objects.filter(rejection__article_id=article_id).values_list("claim_id", flat=True)
    return set(gold.union(rejected))


def article_text_frozen(article_id: int) -> bool:
    """Anything points into the article's text: claims, gold claims, or their history (restorable)."""
    pointers = [
        Claim.objects.filter(article_id=article_id),
        GoldClaim.objects.filter(article_id=article_id),
        Claim.history.filter(article_id=article_id),
        GoldClaim.history.filter(article_id=article_id),
    ]
    return any(rows.exists() for rows in pointers)
