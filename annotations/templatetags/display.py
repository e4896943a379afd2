"""How the page chrome writes numbers and dates, as the user chose (docs/i18n.md).

For the chrome only (counts, page numbers, figures, dates in headers and lists):
never for article text, quotes, offsets, form values or anything exported.
"""

from __future__ import annotations

import datetime
import re

import jdatetime
from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

from ..models import Calendar
from ..preferences import display

register = template.Library()

DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
_TABLES = {name: str.maketrans("0123456789", digits) for name, digits in DIGITS.items()}
# Between two digits, a full stop or comma is a decimal separator here: the chrome's numbers
# are not grouped (USE_THOUSAND_SEPARATOR is off). Both scripts write it as U+066B.
_DECIMAL = re.compile(r"(?<=[0-9])[.,](?=[0-9])")


def with_digits(text: str, digits: str) -> str:
    """`text` with its ASCII digits (and decimal separators) in a numbering system of DIGITS."""
    table = _TABLES.get(digits)
    if table is None:
        return text
    return _DECIMAL.sub("\u066b", text).translate(table)


@register.filter(is_safe=True)
def localdigits(value):
    """A number, or a short text of numbers such as "3/5" or "0.667", in the user's digits."""
    if value is None:
        return value
    return with_digits(str(value), display()["digits"])


def solar_hijri() -> bool:
    """Dates in the Solar Hijri calendar: a Persian interface whose user chose it."""
    return display()["calendar"] == Calendar.SOLAR_HIJRI and (get_language() or "").startswith("fa")


@register.filter(expects_localtime=True)
def localdate(value, style: str = "short"):
    """A date in the user's calendar and digits: "short" (2019-03-23, 1398/01/03) or "long"."""
    if not isinstance(value, datetime.date):
        return ""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if solar_hijri():
        shown = jdatetime.date.fromgregorian(date=day)
        if style == "long":
            text = f"{shown.day} {jdatetime.date.j_months_fa[shown.month - 1]} {shown.year}"
        else:
            text = f"{shown.year:04d}/{shown.month:02d}/{shown.day:02d}"
    else:
        text = date_filter(day, "DATE_FORMAT" if style == "long" else "Y-m-d")
    return with_digits(text, display()["digits"])
