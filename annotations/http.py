"""What the views and the admin share about requests and responses: parsing a posted number,
and the streamed export download."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone

from . import exporting


def whole_number(value: str, *, digits: int = 18) -> int | None:
    """A request parameter as a non-negative integer, or None: ASCII digits only (str.isdigit
    also takes "²", which int() refuses) and short enough for a 64-bit column."""
    if value and len(value) <= digits and value.isascii() and value.isdigit():
        return int(value)
    return None


def export_response(fmt: str, *, articles, claims=None, gold: bool = False) -> StreamingHttpResponse:
    """A streamed download of one export format (also used by the admin's export actions)."""
    spec = exporting.FORMATS[fmt]
    chunks = exporting.stream(fmt, articles=articles, claims=claims, gold=gold)
    response = StreamingHttpResponse(
        chunks if spec.binary else (chunk.encode("utf-8") for chunk in chunks),
        content_type=spec.media_type if spec.binary else f"{spec.media_type}; charset=utf-8",
    )
    name = exporting.file_name(fmt, gold=gold, stamp=timezone.now().strftime("%Y%m%d-%H%M%S"))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
