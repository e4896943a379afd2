"""Claims as UIMA CAS XMI, written with dkpro-cassis (docs/exports.md#uima-cas-xmi).

A zip of one `.xmi` per article — the article's text as the sofa, each claim an
annotation of the type `webanno.custom.Claim` (INCEpTION's namespace for
custom span layers) — and the `TypeSystem.xml` that declares it. Offsets are
code points here; cassis writes UIMA's UTF-16 offsets into the XMI and reads
them back as code points. The zip is written as it is read, one article at a
time (no seeking: sizes go in data descriptors).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator

CLAIM_TYPE = "webanno.custom.Claim"
STRING, INTEGER = "uima.cas.String", "uima.cas.Integer"
# Feature name -> (range, the export-shape key or a function of the claim).
FEATURES = {
    "claimId": (INTEGER, "id"),
    "claimType": (STRING, "claim_type"),
    "checkWorthiness": (STRING, "check_worthiness"),
    "verificationStatus": (STRING, "verification_status"),
    "attribution": (STRING, "attribution"),
    "annotator": (STRING, lambda claim: claim.get("annotator") or claim.get("adjudicator")),
    "claimant": (STRING, lambda claim: (claim["source"] or {}).get("name")),
    "evidence": (STRING, lambda claim: "\n".join(claim["evidence"]) or None),
    "note": (STRING, lambda claim: claim["note"] or None),
    "canonicalClaim": (INTEGER, "canonical_claim"),
}
_UNSAFE = re.compile(r"[^\w.-]+")


def typesystem():
    """The type system every exported CAS uses (cassis's own, with the claim type added)."""
    from cassis import TypeSystem

    system = TypeSystem()
    claim = system.create_type(CLAIM_TYPE, supertypeName="uima.tcas.Annotation", description="A check-worthy claim span")
    for name, (range_type, _key) in FEATURES.items():
        system.create_feature(claim, name, range_type)
    return system


def article_cas(article: dict, system):
    """One article with its claims as a CAS."""
    from cassis import Cas

    cas = Cas(typesystem=system)
    cas.sofa_string = article["text"]
    cas.sofa_mime = "text/plain"
    if article["language"] and article["language"] != "und":
        cas.document_language = article["language"]
    Claim = system.get_type(CLAIM_TYPE)
    for claim in article["claims"]:
        values = {name: (key(claim) if callable(key) else claim.get(key)) for name, (_range, key) in FEATURES.items()}
        cas.add(Claim(begin=claim["start"], end=claim["end"], **{k: v for k, v in values.items() if v is not None}))
    return cas


class _Sink:
    """A write-only file for zipfile that hands on what it is given."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def entry_name(article: dict, used: set[str]) -> str:
    """The article's file in the zip: its external_id made safe for a file name, unique in the zip."""
    stem = _UNSAFE.sub("_", article["external_id"]).strip("._")[:100] or "article"
    name, number = f"{stem}.xmi", 1
    while name in used:
        number += 1
        name = f"{stem}-{number}.xmi"
    used.add(name)
    return name


def iter_xmi(articles: Iterable[dict], *, gold: bool = False) -> Iterator[bytes]:
    """The zip, in pieces: TypeSystem.xml first, then each article's XMI as it is read."""
    system = typesystem()
    sink = _Sink()
    used: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("TypeSystem.xml", system.to_xml())
        yield sink.take()
        for article in articles:
            archive.writestr(entry_name(article, used), article_cas(article, system).to_xmi())
            yield sink.take()
    yield sink.take()
