"""Vocabularies: stable English slugs with labels in the desk's languages, editable in the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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
