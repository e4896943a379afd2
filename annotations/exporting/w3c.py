"""Claims as W3C Web Annotations (JSON-LD): one annotation per claim (docs/exports.md#w3c-web-annotation).

The target is the article's page on this site, selected twice: a
TextPositionSelector in code points (as the model requires) and a
TextQuoteSelector with prefix and suffix. Labels are bodies: the claim type,
check-worthiness and attribution `classifying` as "field:slug", the verdict
`assessing`, the note `commenting`, each evidence link `linking`.
`annotations.interop.readers.w3c` reads the same shape back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import reverse

from .. import text as textlib
from ..models import LABEL_FIELDS
from .common import dumps, json_list

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CLASSIFYING, ASSESSING, COMMENTING, LINKING = "classifying", "assessing", "commenting", "linking"
_CLASSIFIED = tuple(key for key in LABEL_FIELDS if key != "verification_status")


def label_value(key: str, slug: str) -> str:
    """A classifying body's value: which of our fields, and its slug."""
    return f"{key}:{slug}"


def parse_label(value: str) -> tuple[str, str] | None:
    """(field, slug) of a value label_value wrote; None for any other tool's label."""
    key, colon, slug = value.partition(":")
    return (key, slug) if colon and key in LABEL_FIELDS and slug else None


def article_iri(pk: int) -> str:
    return settings.ANNOTATIONS_SITE_URL.rstrip("/") + reverse("article_detail", args=[pk])


def annotation(article: dict, claim: dict, *, gold: bool) -> dict:
    """One claim (or gold claim) of an article in the export shape, as a Web Annotation."""
    iri = article_iri(article["id"])
    prefix, suffix = textlib.span_context(article["text"], claim["start"], claim["end"])
    body = [
        {"type": "TextualBody", "purpose": CLASSIFYING, "value": label_value(key, claim[key])} for key in _CLASSIFIED
    ]
    body.append({"type": "TextualBody", "purpose": ASSESSING, "value": claim["verification_status"]})
    if claim["note"]:
        body.append({"type": "TextualBody", "purpose": COMMENTING, "value": claim["note"]})
    body += [{"type": "SpecificResource", "purpose": LINKING, "source": link} for link in claim["evidence"]]
    target = {
        "type": "SpecificResource",
        "source": iri,
        "selector": [
            {"type": "TextPositionSelector", "start": claim["start"], "end": claim["end"]},
            {"type": "TextQuoteSelector", "exact": claim["quote"], "prefix": prefix, "suffix": suffix},
        ],
    }
    if article["url"]:
        target["scope"] = article["url"]  # the published page the article's text came from
    result = {
        "id": f"{iri}#{'gold' if gold else 'claim'}-{claim['id']}",
        "type": "Annotation",
        "motivation": CLASSIFYING,
        "creator": {"type": "Person", "nickname": claim["adjudicator" if gold else "annotator"]},
        "body": body,
        "target": target,
    }
    if claim.get("created_at"):
        result.update(created=claim["created_at"], modified=claim["updated_at"])
    return result


def iter_w3c(articles: Iterable[dict], *, gold: bool = False) -> Iterator[str]:
    """One JSON-LD document: the annotations as a @graph under the Web Annotation context."""
    yield '{"@context": ' + dumps(CONTEXT) + ', "@graph": ['
    yield from json_list(annotation(article, claim, gold=gold) for article in articles for claim in article["claims"])
    yield "]}\n"
