"""Vocabularies: stable English slugs with labels in the desk's languages, editable in the admin."""

from __future__ import annotations

import time

from django.db import models
from django.db.models.signals import post_delete, post_save
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
        return self.label_in(get_language() or "en")

    def label_in(self, language: str) -> str:
        """The label in a language ("ar", "fa-IR", …), falling back to English."""
        language = language.split("-")[0]
        labels = {"ar": self.label_ar, "fa": self.label_fa}
        return labels.get(language) or self.label


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


# The four labels every claim and gold claim carries: field name -> vocabulary.
TERM_FIELDS = {"verification_status": Verdict, "claim_type": ClaimType, "check_worthiness": CheckWorthiness, "attribution": Attribution}
LABEL_FIELDS = tuple(TERM_FIELDS)


# Vocabularies are read on every claim form and save, and change rarely (in the
# admin). Each process keeps them for CACHE_SECONDS; a change saved in this
# process clears the cache at once, other processes see it within the minute.
CACHE_SECONDS = 60
_cache: dict[type, tuple[float, list[Term]]] = {}


def cached_terms(model: type[Term]) -> list[Term]:
    """Every term of a vocabulary (active or not), in display order."""
    now = time.monotonic()
    hit = _cache.get(model)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    terms = list(model.objects.order_by("position", "slug"))
    _cache[model] = (now, terms)
    for key in [key for key in _labels if key[0] is model]:
        del _labels[key]  # built from the terms just replaced
    return terms


_labels: dict[tuple[type, str, float], dict[str, str]] = {}


def term_labels(model: type[Term]) -> dict[str, str]:
    """Every term's label in the interface's language by slug, from the cache."""
    cached_terms(model)  # refreshes the cache when it is due
    key = (model, get_language() or "en", _cache[model][0])
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = {term.slug: term.display_label for term in _cache[model][1]}
    return labels


def terms_stamp(models) -> tuple[float, ...]:
    """When each vocabulary's cached terms were read: part of the key of anything built from them."""
    for model in models:
        cached_terms(model)  # refreshes the cache when it is due
    return tuple(_cache[model][0] for model in models)


def term_label(model: type[Term], slug: str) -> str:
    """A term's label in the interface's language, from the cache (the slug if it is unknown)."""
    return term_labels(model).get(slug, slug)


def clear_term_cache(**_kwargs) -> None:
    _cache.clear()
    _labels.clear()


for _model in (Verdict, ClaimType, CheckWorthiness, Attribution):
    post_save.connect(clear_term_cache, sender=_model, dispatch_uid=f"terms-{_model.__name__}-save")
    post_delete.connect(clear_term_cache, sender=_model, dispatch_uid=f"terms-{_model.__name__}-delete")
