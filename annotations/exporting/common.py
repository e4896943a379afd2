"""What every export format shares: the stamp, chunked reading, and JSON written as it comes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet

from ..models import Appearance

SCHEMA_VERSION = 1
OFFSET_UNIT = "unicode_code_point"


def chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    """Lists of up to `size` rows, read as they are needed."""
    while chunk := list(islice(rows, size)):
        yield chunk


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def in_export(articles: QuerySet) -> QuerySet:
    """The appearances in the exported articles: the only ones an export lists."""
    return Appearance.objects.filter(article__in=articles.values("pk"))


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_list(items: Iterable[object]) -> Iterator[str]:
    """The items of a JSON list, one per line, written as they come."""
    separator = "\n"
    for item in items:
        yield separator + dumps(item)
        separator = ",\n"
    yield "\n"
