"""Spans as agreement sees them, their one-to-one matching, and adjudication groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations


@dataclass(frozen=True)
class Span:
    """One annotator's claim as agreement sees it."""

    start: int
    end: int
    verification_status: str = ""
    claim_type: str = ""
    check_worthiness: str = ""
    id: int | None = None
    # Further labels that make two versions differ (attribution, claimant).
    extra: tuple = ()
    # The stored claim's edit counter: a group's key names it, so a decision is
    # taken on exactly the versions the adjudicator saw.
    revision: int | None = None

    @property
    def version(self) -> tuple:
        """What must be identical for two annotators' claims to agree."""
        return (self.start, self.end, self.verification_status, self.claim_type, self.check_worthiness, self.extra)


@dataclass
class ArticleClaims:
    """One article: its length in code points and each compared annotator's claims."""

    key: str
    length: int
    claims: dict[str, list[Span]] = field(default_factory=dict)


def by_annotator(members, compared=()) -> dict[str, list[Span]]:
    """{annotator: their spans in text order} from (annotator, span) pairs; every name in
    `compared` is there too, with no spans if they made none (they still count in agreement)."""
    claims: dict[str, list[Span]] = {name: [] for name in compared}
    for name, span in members:
        claims.setdefault(name, []).append(span)
    for spans in claims.values():
        spans.sort(key=lambda span: (span.start, span.end, span.id or 0))
    return claims


def exact_pairs(a: Sequence[Span], b: Sequence[Span]) -> int:
    """How many claims of a and b have identical (start, end), paired one to one."""
    counts = Counter((s.start, s.end) for s in a) & Counter((s.start, s.end) for s in b)
    return sum(counts.values())


def overlap_pairs(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of overlapping claims, longest shared stretch first."""
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            shared = min(x.end, y.end) - max(x.start, y.start)
            if shared > 0:
                candidates.append((-shared, x.start, y.start, x.end, y.end, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_key, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return sorted(pairs)


# Adjudication groups: claims aligned across annotators.

AGREE, PARTIAL, SINGLE = "agree", "partial", "single"


@dataclass
class Group:
    """Claims of several annotators about the same stretch, and how far they agree."""

    members: list[tuple[str, Span]]
    status: str

    @property
    def key(self) -> str:
        """The claims as seen: "12.3-15.1" is claim 12 at revision 3 and claim 15 at revision 1."""
        return group_key((span.id, span.revision) for _name, span in self.members)

    @property
    def start(self) -> int:
        return min(span.start for _name, span in self.members)


def group_key(members) -> str:
    """The key of a group from (claim id, revision) pairs, in id order (see parse_group_key)."""
    return "-".join(
        str(claim_id) if revision is None else f"{claim_id}.{revision}"
        for claim_id, revision in sorted(members, key=lambda member: member[0] or 0)
    )


def parse_group_key(key: str) -> dict[int, int | None]:
    """{claim id: revision} from a group key; a part without a revision maps to None."""
    seen: dict[int, int | None] = {}
    for part in key.split("-"):
        if part:
            claim_id, _dot, revision = part.partition(".")
            seen[int(claim_id)] = int(revision) if revision else None
    return seen


def group_claims(claims: dict[str, list[Span]]) -> list[Group]:
    """Join claims that overlap-match across any pair of annotators into groups, in text order.

    A group is `agree` when every compared annotator has exactly one claim in
    it and all are identical (span and labels), `single` when only one
    annotator has claims in it, and `partial` otherwise.
    """
    members: list[tuple[str, Span]] = []
    index: dict[tuple[str, int], int] = {}
    for name in sorted(claims):
        for i, span in enumerate(claims[name]):
            index[(name, i)] = len(members)
            members.append((name, span))
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name_a, name_b in combinations(sorted(claims), 2):
        for i, j in overlap_pairs(claims[name_a], claims[name_b]):
            parent[find(index[(name_a, i)])] = find(index[(name_b, j)])
    grouped: dict[int, list[tuple[str, Span]]] = {}
    for position, member in enumerate(members):
        grouped.setdefault(find(position), []).append(member)
    groups = []
    for group_members in grouped.values():
        group_members.sort(key=lambda m: (m[1].start, m[1].end, m[0]))
        names = [name for name, _span in group_members]
        if len(set(names)) == 1:
            status = SINGLE
        elif (
            sorted(names) == sorted(claims)
            and len({span.version for _name, span in group_members}) == 1
        ):
            status = AGREE
        else:
            status = PARTIAL
        groups.append(Group(group_members, status))
    groups.sort(key=lambda g: (g.start, g.key))
    return groups


def provenance(group_members: Sequence[tuple[str, Span]], version: tuple, compared: int) -> str:
    """`unanimous` if every compared annotator made exactly this version, `majority` if most did."""
    makers = {name for name, span in group_members if span.version == version}
    if compared >= 2 and len(makers) == compared:
        return "unanimous"
    if compared >= 2 and len(makers) * 2 > compared:
        return "majority"
    return "adjudicated"
