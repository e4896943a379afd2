"""Canonical-claim matching at desk scale: 100k canonical claims with their match keys, and
candidates for one claim (matching.candidates), timed and with its query count.

Statements are stitched like a desk's: a stretch of a seed sentence (so the common
words, "داعش", "الباغوز", "2019", are shared by thousands of canonical claims, past
matching.MAX_KEY_FANOUT), a number and a name of their own (rare keys, as real claims
have). The claims asked about are the same statements rewritten as a Persian article
would have them (Persian yeh and kaf, Persian digits) with a word dropped, so a hit
needs the folding to carry the numbers and names across.
Rows go in without the ORM (executemany on SQLite, COPY on PostgreSQL): 1.5M keys.
"""

from __future__ import annotations

import random
import time

from django.db import connection, transaction

from annotations import matching
from annotations import text as textlib
from annotations.models import Article, CanonicalClaim, Claim, MatchKey

from .texts import seed_sentences

SYLLABLES = ["با", "لي", "مر", "سا", "نو", "ري", "كا", "دو", "فر", "زي", "حم", "طه", "جو", "قا", "بو", "ني", "رش", "عل", "هد", "ثا"]
PERSIAN = str.maketrans({"ي": "ی", "ك": "ک", **{str(d): chr(0x06F0 + d) for d in range(10)}})


def _fragments(rng: random.Random, count: int) -> list[str]:
    words = [sentence.split() for sentence in seed_sentences()]
    words = [w for w in words if len(w) >= 8]
    fragments = []
    for _ in range(count):
        sentence = rng.choice(words)
        start = rng.randrange(len(sentence) - 6)
        fragments.append(" ".join(sentence[start : start + rng.randint(6, 12)]))
    return fragments


def make(count: int, user, rng: random.Random) -> list[tuple[int, str, str, str]]:
    """`count` canonical claims with their keys; returns (pk, fragment, number, name) of each."""
    fragments = _fragments(rng, 3000)
    fragment_keys: dict[str, set[str]] = {}
    made = []
    for offset in range(0, count, 10_000):
        parts = []
        for _ in range(min(10_000, count - offset)):
            fragment = rng.choice(fragments)
            number = str(rng.randint(10, 99_999))
            name = "".join(rng.choice(SYLLABLES) for _ in range(3)) + " " + "".join(rng.choice(SYLLABLES) for _ in range(3))
            parts.append((fragment, number, name))
        with transaction.atomic():  # one commit per 10k, not one per row
            rows = CanonicalClaim.objects.bulk_create(
                (CanonicalClaim(statement=f"{fragment} {number} {name}", language="ar", created_by=user) for fragment, number, name in parts),
                batch_size=5000,
            )
            keys = []
            for canonical, (fragment, number, name) in zip(rows, parts, strict=True):
                if fragment not in fragment_keys:
                    fragment_keys[fragment] = matching.text_keys(fragment, "ar")
                keys.extend((canonical.pk, key, True) for key in fragment_keys[fragment] | matching.text_keys(f"{number} {name}", "ar"))
            _insert_keys(keys)
        made += [(canonical.pk, *part) for canonical, part in zip(rows, parts, strict=True)]
    return made


def _insert_keys(rows: list[tuple[int, str, bool]]) -> None:
    table = MatchKey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (canonical_id, key, statement) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} (canonical_id, key, statement) VALUES (%s, %s, %s)", rows)


def asked_claims(project, annotator, made: list, count: int, rng: random.Random) -> list[tuple[Claim, int]]:
    """`count` claims in one Persian article, each a rewritten statement of a known canonical claim."""
    picks = rng.sample(made, count)
    lines = []
    for _pk, fragment, number, name in picks:
        words = fragment.split()
        del words[rng.randrange(len(words))]
        lines.append(f"{' '.join(words)} {number} {name}".translate(PERSIAN))
    text = "\n".join(lines)
    article = Article.objects.create(
        project=project, external_id=f"canonical-bench-{rng.random()}", text=text, text_sha256=textlib.sha256_hex(text), language="fa"
    )
    claims, position = [], 0
    for line in lines:
        claims.append(
            Claim(
                article=article, annotator=annotator, start=position, end=position + len(line), quote=line,
                claim_type_id="numerical", check_worthiness_id="check_worthy", verification_status_id="unassessed",
                attribution_id="direct_quote",
            )
        )
        position += len(line) + 1
    claims = Claim.objects.bulk_create(claims)
    for claim in claims:
        claim.article = article
    return [(claim, pick[0]) for claim, pick in zip(claims, picks, strict=True)]


def measure(asked: list[tuple[Claim, int]], counter) -> tuple[list[float], int, float]:
    """Times of matching.candidates for each claim, its query count, and how often the source came first."""
    times, hits = [], 0
    for claim, _source in asked[:3]:
        matching.candidates(claim)  # warm-up: caches, the SQL's first plans
    with counter() as queries:
        matching.candidates(asked[0][0])
    for claim, source in asked:
        started = time.perf_counter()
        found = matching.candidates(claim)
        times.append(time.perf_counter() - started)
        hits += bool(found) and found[0].canonical.pk == source
    return times, len(queries), hits / len(asked)


def run(report, *, project, user, annotator, rng: random.Random, reps: int, counter, stats) -> None:
    """Candidates for one claim among 10k and then 100k canonical claims: TARGET lines for the p95
    at 100k and for the query count, the same at both sizes."""
    made, figures = [], {}
    for size in (10_000, 100_000):
        started = time.perf_counter()
        made += make(size - len(made), user, rng)
        if connection.vendor == "postgresql":
            # What autovacuum does after such a load: statistics for the planner, and the visibility
            # map that lets the key lookups read the index alone.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {MatchKey._meta.db_table}, {CanonicalClaim._meta.db_table}")
        report.line(f"{len(made):,} canonical claims, {MatchKey.objects.count():,} match keys (+{time.perf_counter() - started:.1f} s to load)")
        asked = asked_claims(project, annotator, made, reps, rng)
        times, queries, first = measure(asked, counter)
        median, p95 = stats(times)
        figures[size] = (queries, p95)
        report.line(
            f"candidates for a claim among {len(made):,} canonical claims: median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"{queries} queries; its own canonical claim first for {first:.0%} of {len(asked)} rewritten claims"
        )
    report.target("canonical_candidates_100k_p95", figures[100_000][1] <= 100, f"{figures[100_000][1]:.1f} ms", "<= 100 ms")
    report.target(
        "canonical_candidates_queries_constant", figures[10_000][0] == figures[100_000][0],
        f"{figures[10_000][0]} vs {figures[100_000][0]} queries", "the same at 10k and 100k canonical claims",
    )
