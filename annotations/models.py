"""Domain model: projects, articles, assignments, claims, sources and vocabularies.

Offsets (`start`, `end`, `source_start`, `source_end`) are Unicode code points
into `Article.text`; see `annotations.text`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import agreement
from . import text as textlib

ANNOTATOR_GROUP = "Annotator"
ADJUDICATOR_GROUP = "Adjudicator"


def is_adjudicator(user) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.groups.filter(name=ADJUDICATOR_GROUP).exists()
    )


class Project(models.Model):
    """An annotation campaign: guidelines, how many annotators, blind mode."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    guidelines = models.TextField(_("guidelines"), blank=True)
    annotators_per_article = models.PositiveSmallIntegerField(_("annotators per article"), default=2)
    blind = models.BooleanField(
        _("blind mode"), default=True, help_text=_("Annotators never see each other's work.")
    )
    show_annotator_names = models.BooleanField(
        _("show annotator names to adjudicators"), default=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(annotators_per_article__gte=1), name="project_annotators_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ArticleQuerySet:
        """Articles a user may open: all for staff and adjudicators, assigned ones otherwise."""
        if is_adjudicator(user):
            return self
        return self.filter(assignments__annotator=user)

    def with_progress(self, user) -> ArticleQuerySet:
        """Annotate the claim count a user may see and the user's own assignment state."""
        claims = Claim.objects.filter(article=OuterRef("pk"))
        if not is_adjudicator(user):
            claims = claims.filter(annotator=user)
        count = claims.order_by().values("article").annotate(n=Count("pk")).values("n")
        state = Assignment.objects.filter(article=OuterRef("pk"), annotator=user).values("state")
        return self.annotate(
            claim_count=Coalesce(Subquery(count[:1]), 0),
            my_state=Subquery(state[:1]),
        )


class Article(models.Model):
    """A news article whose text is frozen once any claim points into it."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="articles", verbose_name=_("project")
    )
    external_id = models.CharField(_("external id"), max_length=200)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64, editable=False)
    language = models.CharField(_("language"), max_length=20)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    published_at = models.DateField(_("published"), null=True, blank=True)
    # Import provenance: what the importer did to the bytes it was given.
    source_file = models.CharField(_("imported from"), max_length=500, blank=True)
    source_row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    source_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    import_encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    import_had_bom = models.BooleanField(_("had a BOM"), default=False)
    import_line_endings = models.CharField(_("line endings"), max_length=10, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["project", "external_id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["project", "external_id"], name="article_unique_id"),
            models.UniqueConstraint(fields=["project", "text_sha256"], name="article_unique_text"),
        ]

    def __str__(self) -> str:
        return self.title or self.external_id

    def get_absolute_url(self) -> str:
        return reverse("article_detail", args=[self.pk])

    @property
    def direction(self) -> str:
        return textlib.language_direction(self.language)


class Assignment(models.Model):
    """An article given to one annotator, and how far they are with it."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("article")
    )
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("annotator"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.ASSIGNED)
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "annotator"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["article", "annotator"], name="assignment_unique"),
            models.CheckConstraint(
                condition=Q(state__in=["assigned", "in_progress", "submitted"]),
                name="assignment_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} → {self.annotator}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class Term(models.Model):
    """A vocabulary value: a stable English slug with labels in the desk's languages."""

    slug = models.SlugField(_("value"), max_length=40, primary_key=True)
    label = models.CharField(_("label (English)"), max_length=100)
    label_ar = models.CharField(_("label (Arabic)"), max_length=100, blank=True)
    label_fa = models.CharField(_("label (Persian)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The label in the interface's language, falling back to English."""
        language = (get_language() or "en").split("-")[0]
        return getattr(self, f"label_{language}", "") or self.label


class Verdict(Term):
    # Rank on the ordinal scale false < … < true; null for non-ordinal outcomes.
    ordinal_rank = models.PositiveSmallIntegerField(_("ordinal rank"), null=True, blank=True)

    class Meta(Term.Meta):
        verbose_name = _("verification status")
        verbose_name_plural = _("verification statuses")


class ClaimType(Term):
    class Meta(Term.Meta):
        verbose_name = _("claim type")
        verbose_name_plural = _("claim types")


class CheckWorthiness(Term):
    class Meta(Term.Meta):
        verbose_name = _("check-worthiness")
        verbose_name_plural = _("check-worthiness values")


class Attribution(Term):
    class Meta(Term.Meta):
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")


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

    Kind = SourceKind

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
        return self.select_related(
            "source", "annotator", "verification_status", "claim_type", "check_worthiness",
            "attribution",
        )


class SpanLabels(models.Model):
    """A claim span and its labels, shared by an annotator's claim and a gold claim."""

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("article")
    )
    start = models.PositiveIntegerField(_("start (code point)"))
    end = models.PositiveIntegerField(_("end (code point)"))
    quote = models.TextField(_("quote"))
    prefix = models.CharField(_("text before"), max_length=64, blank=True)
    suffix = models.CharField(_("text after"), max_length=64, blank=True)
    claim_type = models.ForeignKey(
        ClaimType, on_delete=models.PROTECT, db_column="claim_type", verbose_name=_("claim type")
    )
    check_worthiness = models.ForeignKey(
        CheckWorthiness,
        on_delete=models.PROTECT,
        db_column="check_worthiness",
        verbose_name=_("check-worthiness"),
    )
    verification_status = models.ForeignKey(
        Verdict,
        on_delete=models.PROTECT,
        db_column="verification_status",
        verbose_name=_("verification status"),
    )
    attribution = models.ForeignKey(
        Attribution, on_delete=models.PROTECT, db_column="attribution", verbose_name=_("attribution")
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

    def as_span(self) -> agreement.Span:
        """This claim as the agreement code sees it."""
        return agreement.Span(
            self.start, self.end, self.verification_status_id, self.claim_type_id,
            self.check_worthiness_id, self.pk, (self.attribution_id, self.source_id),
        )

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
    )
    # One per rendered form: a retried or double-clicked submission finds the
    # claim it already made instead of making a second one.
    client_token = models.UUIDField(_("form token"), null=True, blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [models.Index(fields=["article", "annotator", "start"], name="claim_article_user")]
        constraints = [
            *SpanLabels.span_constraints("claim"),
            models.UniqueConstraint(
                fields=["annotator", "client_token"], name="claim_unique_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]} [{self.start}:{self.end}]"



class Provenance(models.TextChoices):
    UNANIMOUS = "unanimous", _("Unanimous")
    MAJORITY = "majority", _("Majority")
    ADJUDICATED = "adjudicated", _("Adjudicated")


class GoldClaimQuerySet(models.QuerySet):
    def with_labels(self) -> GoldClaimQuerySet:
        return self.select_related(
            "source", "adjudicator", "verification_status", "claim_type", "check_worthiness", "attribution"
        )


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

    objects = GoldClaimQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[annotations])

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        verbose_name = _("gold claim")
        verbose_name_plural = _("gold claims")
        constraints = [
            *SpanLabels.span_constraints("goldclaim"),
            models.CheckConstraint(
                condition=Q(provenance__in=Provenance.values), name="goldclaim_provenance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]} [{self.start}:{self.end}] ({self.provenance})"


class Rejection(models.Model):
    """An adjudicator's decision that a group of claims is not a claim."""

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

    history = HistoricalRecords(m2m_fields=[claims])

    class Meta:
        ordering = ["article", "pk"]
        verbose_name = _("rejection")
        verbose_name_plural = _("rejections")

    def __str__(self) -> str:
        return f"{self.article}: {self.claims.count()} claim(s) rejected"
