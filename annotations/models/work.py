"""Projects, articles and assignments."""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import text as textlib
from .history import History
from .roles import is_adjudicator


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
    annotators_link_claims = models.BooleanField(
        _("annotators link claims to canonical claims"),
        default=False,
        help_text=_("Annotators may link their own claims to canonical claims; adjudicators always may."),
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
    history = History(excluded_fields=["text"])

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


class AssignmentQuerySet(models.QuerySet):
    def with_article(self, article_id: int, user) -> Assignment | None:
        """The user's assignment on an article with the article and its project loaded, or None.

        This runs on every claim save. The ORM spends ~0.6 ms compiling this
        one-row join on each call (ten times the query itself), so its SQL is
        built once per kind of database; rows become model instances through
        the fields' own converters, as the ORM would make them (tested).
        """
        connection = connections[self.db]
        plan = _assignment_with_article_plan(connection)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, [article_id, user.pk])
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        # Converters are asked of this connection each time: the plan holds no connection's methods.
        for position, field, expression in plan.converted:
            for convert in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
                row[position] = convert(row[position], expression, connection)
        split, project_at = len(plan.assignment_names), len(plan.assignment_names) + len(plan.article_names)
        assignment = Assignment.from_db(self.db, plan.assignment_names, row[:split])
        assignment.article = Article.from_db(self.db, plan.article_names, row[split:project_at])
        assignment.article.project = Project.from_db(self.db, plan.project_names, row[project_at:])
        return assignment

    def of(self, article, user) -> Assignment | None:
        """The user's assignment on an article, or None: one row by its unique key.

        Without the Meta ordering, which would join the article, its project and
        the user only to sort a single row (this runs on every claim save).
        """
        return next(iter(self.filter(article=article, annotator=user).order_by()[:1]), None)


class _Plan(NamedTuple):
    sql: str
    converted: list  # (position, field, column expression) of the values the ORM would convert
    assignment_names: list[str]
    article_names: list[str]
    project_names: list[str]


_PLANS: dict[str, _Plan] = {}


def _assignment_with_article_plan(connection) -> _Plan:
    """The SQL, and the fields whose values need converting, built once per kind of database."""
    if connection.vendor in _PLANS:
        return _PLANS[connection.vendor]
    quote = connection.ops.quote_name
    own, article, project = Assignment._meta, Article._meta, Project._meta
    columns = (
        [f"a.{quote(f.column)}" for f in own.concrete_fields]
        + [f"r.{quote(f.column)}" for f in article.concrete_fields]
        + [f"p.{quote(f.column)}" for f in project.concrete_fields]
    )
    article_column = quote(own.get_field("article").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(own.db_table)} a "
        f"INNER JOIN {quote(article.db_table)} r ON r.{quote(article.pk.column)} = a.{article_column} "
        f"INNER JOIN {quote(project.db_table)} p ON p.{quote(project.pk.column)} = r.{quote(article.get_field('project').column)} "
        f"WHERE a.{article_column} = %s AND a.{quote(own.get_field('annotator').column)} = %s"
    )
    converted = [
        (position, field, field.get_col("r"))
        for position, field in enumerate([*own.concrete_fields, *article.concrete_fields, *project.concrete_fields])
        if connection.ops.get_db_converters(field.get_col("r")) + field.get_db_converters(connection)
    ]
    plan = _Plan(
        sql, converted, [f.attname for f in own.concrete_fields], [f.attname for f in article.concrete_fields],
        [f.attname for f in project.concrete_fields],
    )
    _PLANS[connection.vendor] = plan
    return plan


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

    history = History()

    objects = AssignmentQuerySet.as_manager()

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
