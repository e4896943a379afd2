"""A user's interface preferences: language, and how the page chrome writes digits and dates.

Display only (docs/i18n.md): stored data, form values, offsets and exports never change with them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Digits(models.TextChoices):
    # CLDR's names of the numbering systems.
    LATIN = "latn", _("Latin (0123456789)")
    ARABIC_INDIC = "arab", _("Arabic-Indic (٠١٢٣٤٥٦٧٨٩)")
    PERSIAN = "arabext", _("Persian (۰۱۲۳۴۵۶۷۸۹)")


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    SOLAR_HIJRI = "persian", _("Solar Hijri, when the interface is in Persian")


class Preferences(models.Model):
    """One user's choices; a user without a row has the defaults (the browser's language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences",
        verbose_name=_("user"),
    )
    # Empty: the browser's language (Accept-Language), as for a visitor who has not chosen.
    # One of settings.LANGUAGES, checked by the form: adding a language needs no migration.
    language = models.CharField(_("interface language"), max_length=10, blank=True)
    digits = models.CharField(_("digits"), max_length=10, choices=Digits, default=Digits.LATIN)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar, default=Calendar.GREGORIAN)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)

    def as_dict(self) -> dict[str, str]:
        """What the session keeps, so a page reads no row (annotations/preferences.py)."""
        return {"language": self.language, "digits": self.digits, "calendar": self.calendar}
