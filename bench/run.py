#!/usr/bin/env python
"""Benchmarks at newsroom scale (10k articles, 100k claims), with pass/fail targets.

    python bench/run.py [--quick] [--database-url URL]

Without --database-url it measures on SQLite (a temporary file) and then on
PostgreSQL when one answers at TEST_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/test; a throwaway database is created beside
it and dropped). Each database runs in its own process. Every figure is a
median and p95 over many repetitions of in-process requests through the whole
middleware stack (no network), with query counts where they matter. Each target
prints as `TARGET <name> PASS|FAIL <measured> (target <bound>)`; the exit code
is 1 if any target fails. --quick runs a smaller version of everything but the
canonical-claim matching, which is measured among 100k canonical claims either way.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"

FULL = {"articles": 10_000, "levels": [1_000, 10_000, 100_000], "annotators": 8, "import": 10_000, "reps": 100}
EXPORT_RUNS = 3
QUICK = {"articles": 1_000, "levels": [1_000, 5_000, 10_000], "annotators": 8, "import": 2_000, "reps": 30}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller version of everything (minutes, not tens of minutes)")
    parser.add_argument("--database-url", help="measure on this database only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    urls = [args.database_url] if args.database_url else ["sqlite"]
    if not args.database_url:
        postgres = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
        if postgres_answers(postgres):
            urls.append(postgres)
        else:
            print(f"(PostgreSQL skipped: no server answered at {postgres})")
    failed = False
    for url in urls:
        command = [sys.executable, __file__, "--child", "--database-url", url] + (["--quick"] if args.quick else [])
        failed |= subprocess.run(command, cwd=ROOT).returncode != 0
    return 1 if failed else 0


def postgres_answers(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def fresh_database(url: str) -> tuple[str, callable]:
    """A new, empty database for this run, and a function that removes it."""
    if url == "sqlite":
        folder = tempfile.mkdtemp(prefix="factcheck-bench-")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: None
    import psycopg
    from psycopg import sql

    name = f"factcheck_bench_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    return url.rsplit("/", 1)[0] + "/" + name, drop


def stats(times: list[float]) -> tuple[float, float]:
    """Median and p95, in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


class QueryCounter:
    """Counts the SQL statements run inside it (the test client resets Django's own query log)."""

    def __enter__(self):
        from django.db import connection

        self.count = 0
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def interleaved(first, second, reps: int, warmup: int = 3) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median and p95 of two requests timed alternately: the same process, heap and
    moment for both, so the machine's drift and noise fall on each alike."""
    for _ in range(warmup):
        first()
        second()
    times = ([], [])
    for _ in range(reps):
        for fn, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return stats(times[0]), stats(times[1])


def repeat(fn, reps: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return stats(times)


class Report:
    def __init__(self, database: str):
        self.database = database
        self.failed = []

    def line(self, text: str) -> None:
        print(f"[{self.database}] {text}", flush=True)

    def target(self, name: str, ok: bool, measured: str, bound: str) -> None:
        print(f"TARGET {name} {'PASS' if ok else 'FAIL'} {measured} (target {bound}) [{self.database}]", flush=True)
        if not ok:
            self.failed.append(name)


def child(args) -> int:
    scale = QUICK if args.quick else FULL
    url, drop = fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    report = Report("postgresql" if url.startswith("postgres") else "sqlite")
    try:
        call_command("migrate", verbosity=0)
        run(report, scale)
    finally:
        drop()
    return 1 if report.failed else 0


def run(report: Report, scale: dict) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from annotations import agreement, exporting, reading
    from annotations.models import Article, Assignment, Claim, Project
    from bench import canonical, generate, texts

    rng = random.Random(20190323)  # the day al-Baghuz fell
    project = Project.objects.create(name="Bench")
    started = time.perf_counter()
    # A tenth first, to measure search at two sizes; the texts are the same as in one go.
    small = scale["articles"] // 10
    articles = generate.articles(project, small, rng)
    searcher = search_client()
    search_small = measure_search(report, searcher, scale["reps"])
    articles += generate.articles(project, scale["articles"] - small, rng, start=small)
    users = generate.annotators(scale["annotators"])
    report.line(f"generated {len(articles)} articles in {time.perf_counter() - started:.1f} s")

    me = users[0]
    client = Client()
    client.force_login(me)

    def own_claims(article: Article, count: int) -> None:
        Assignment.objects.get_or_create(article=article, annotator=me)
        spans = texts.word_spans(article.text)
        picks = [spans[i % len(spans)] for i in range(count)]
        Claim.objects.bulk_create(
            Claim(article=article, annotator=me, start=s, end=e, quote=article.text[s:e], claim_type_id="numerical",
                  check_worthiness_id="check_worthy", verification_status_id="unassessed", attribution_id="direct_quote")
            for s, e in picks
        )

    def hello():
        # The cost of a request: an authenticated "hello" through the same middleware.
        assert client.get("/bench/hello/").status_code == 200

    # Saving a claim through the real htmx POST, as the database grows.
    reserved = articles[-len(scale["levels"]) - 3 :]
    pool = articles[: -len(scale["levels"]) - 3]
    save_figures = []
    for level, target_article in zip(scale["levels"], reserved[: len(scale["levels"])], strict=True):
        started = time.perf_counter()
        generate.claims(pool, users, max(0, level - Claim.objects.count()), rng)
        report.line(f"database now has {Claim.objects.count()} claims (+{time.perf_counter() - started:.1f} s to load)")
        own_claims(target_article, 10)
        word = texts.word_spans(target_article.text)[5]
        data = {
            "start": word[0], "end": word[1], "quote": target_article.text[word[0]:word[1]], "claim_type": "numerical",
            "check_worthiness": "check_worthy", "verification_status": "true", "attribution": "direct_quote",
            "source_kind": "person", "source_name": "", "evidence": "", "note": "",
        }
        url = f"/articles/{target_article.pk}/claims/"

        def save(data=data, url=url):
            # URL-encoded, as htmx sends a form.
            body = urlencode({**data, "client_token": str(uuid.uuid4())})
            response = client.post(url, body, content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true")
            assert response.status_code == 200 and b'class="claim"' in response.content, response.status_code

        save()  # the first save also marks the assignment as started: not the steady state
        with QueryCounter() as queries:
            save()
        (median, p95), (hello_median, hello_p95) = interleaved(save, hello, scale["reps"] * 2)
        save_figures.append((level, len(queries), median, p95, hello_p95))
        report.line(
            f"claim save at {Claim.objects.count()} claims: median {median:.2f} ms, p95 {p95:.2f} ms, {len(queries)} queries; "
            f"hello view beside it: median {hello_median:.2f} ms, p95 {hello_p95:.2f} ms ({p95 / hello_p95:.1f}x)"
        )
    level, _q, _m, save_p95, hello_p95 = save_figures[-1]
    report.target("claim_save_p95_vs_hello", save_p95 <= 3 * hello_p95, f"{save_p95:.2f} ms = {save_p95 / hello_p95:.1f}x hello", "<= 3x hello p95")
    counts = sorted({figures[1] for figures in save_figures})
    report.target("claim_save_queries_constant", len(counts) == 1, f"{[figures[1] for figures in save_figures]} queries at {[figures[0] for figures in save_figures]} claims", "the same at every size")

    # Opening the annotation page of an article with 50 and with 500 claims.
    page_figures = {}
    for count, article in zip((50, 500), reserved[len(scale["levels"]) : len(scale["levels"]) + 2], strict=True):
        own_claims(article, count)
        url = article.get_absolute_url()
        with QueryCounter() as queries:
            assert client.get(url).status_code == 200
        median, p95 = repeat(lambda url=url: client.get(url), scale["reps"])
        page_figures[count] = (len(queries), median, p95)
        report.line(f"annotation page, {count} claims: median {median:.2f} ms, p95 {p95:.2f} ms, {len(queries)} queries")
    report.target("article_page_500_median", page_figures[500][1] <= 30, f"{page_figures[500][1]:.2f} ms", "<= 30 ms")
    report.target("article_page_queries_constant", page_figures[50][0] == page_figures[500][0], f"{page_figures[50][0]} vs {page_figures[500][0]} queries", "the same for 50 and 500 claims")

    # Gold claims for a tenth of the claims.
    adjudicator = get_user_model().objects.create_user("bench-adjudicator")
    gold_count = generate.gold(pool, adjudicator, 0.1, rng)
    report.line(f"{gold_count} gold claims")

    # Exports against a minimal raw-SQL + json.dumps dump of the same rows.
    # Each a median of EXPORT_RUNS, taken in turns (raw, json, jsonl, csv, raw, ...): one
    # run of a second or so is at the mercy of whatever else the machine does.
    total_claims = Claim.objects.count()

    def export(fmt: str) -> tuple[float, int]:
        started = time.perf_counter()
        size = sum(len(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")) for chunk in exporting.stream(fmt))
        return time.perf_counter() - started, size

    # The target holds the three formats of the data contract against the raw dump; the formats
    # for other tools (W3C JSON-LD, UIMA CAS XMI through dkpro-cassis) are measured beside them.
    core = ("json", "jsonl", "csv")
    for fmt in [name for name in exporting.CLAIM_FORMATS if name not in core]:
        seconds, size = export(fmt)
        report.line(f"export {fmt} (for other tools, not in the target): {seconds:.2f} s, {total_claims / seconds:,.0f} claims/s, {size / seconds / 1e6:.1f} MB/s")
    runs = {name: [] for name in ("raw", *core)}
    for _ in range(EXPORT_RUNS):
        for name in runs:
            runs[name].append(raw_dump() if name == "raw" else export(name))
    raw_seconds, raw_bytes = statistics.median(seconds for seconds, _size in runs["raw"]), runs["raw"][0][1]
    report.line(
        f"raw dump: {raw_seconds:.2f} s, {total_claims / raw_seconds:,.0f} claims/s, {raw_bytes / raw_seconds / 1e6:.1f} MB/s "
        f"(median of {EXPORT_RUNS})"
    )
    worst_ratio = None
    for fmt in core:
        seconds, size = statistics.median(seconds for seconds, _size in runs[fmt]), runs[fmt][0][1]
        ratio = raw_seconds / seconds
        worst_ratio = ratio if worst_ratio is None else min(worst_ratio, ratio)
        report.line(
            f"export {fmt}: {seconds:.2f} s, {total_claims / seconds:,.0f} claims/s, {size / seconds / 1e6:.1f} MB/s, "
            f"{ratio:.0%} of the raw dump's throughput"
        )
    report.target("export_throughput_vs_raw", worst_ratio >= 0.5, f"{worst_ratio:.0%} (slowest format)", ">= 50% of the raw dump")
    quarter = Article.objects.filter(pk__in=[a.pk for a in pool[: len(pool) // 4]])
    peaks = {}
    for label, queryset in (("a quarter", quarter), ("all", Article.objects.all())):
        tracemalloc.start()
        for _chunk in exporting.stream("jsonl", articles=queryset):
            pass
        peaks[label] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    report.line(f"export peak memory (Python allocations): {peaks['a quarter'] / 1e6:.1f} MB for a quarter of the articles, {peaks['all'] / 1e6:.1f} MB for all")
    report.target("export_memory_constant", peaks["all"] <= 1.25 * peaks["a quarter"] + 1e6, f"{peaks['all'] / 1e6:.1f} MB for all vs {peaks['a quarter'] / 1e6:.1f} MB for a quarter", "all <= 1.25x a quarter (+1 MB)")

    # Importing articles.
    folder = Path(tempfile.mkdtemp(prefix="factcheck-import-"))
    for number, text in enumerate(texts.make_texts(scale["import"], random.Random(7))):
        (folder / f"import-{number:06d}.txt").write_text(text, encoding="utf-8")
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_articles", str(folder), project="Import bench", stdout=io.StringIO(), stderr=io.StringIO())
    seconds = time.perf_counter() - started
    bound = 30 * scale["import"] / 10_000
    report.target(f"import_{scale['import']}_articles", seconds <= bound, f"{seconds:.1f} s", f"<= {bound:.0f} s")

    # Agreement: one article with 3 annotators x 100 claims, then the whole project.
    article = reserved[-1]
    for user in users[1:4]:
        Assignment.objects.get_or_create(article=article, annotator=user)
        spans = texts.word_spans(article.text)
        Claim.objects.bulk_create(
            Claim(article=article, annotator=user, start=s, end=e, quote=article.text[s:e], claim_type_id="numerical",
                  check_worthiness_id="check_worthy", verification_status_id=rng.choice(generate.VERDICTS), attribution_id="direct_quote")
            for s, e in rng.sample(spans, min(100, len(spans)))
        )

    def one_article():
        claims = reading.article_claims(article)
        agreement.article_figures(agreement.ArticleClaims(article.external_id, len(article.text), claims))
        agreement.group_claims(claims)

    median, p95 = repeat(one_article, 20)
    report.line(f"agreement and groups, one article, 3 annotators x 100 claims: median {median:.1f} ms, p95 {p95:.1f} ms")
    started = time.perf_counter()
    figures = agreement.project_figures(reading.agreement_articles(project.articles.all()))
    seconds = time.perf_counter() - started
    report.line(f"project agreement: {json.dumps(figures['span_f1'])}")
    report.target("project_agreement", seconds <= 10, f"{seconds:.1f} s over {Claim.objects.count()} claims", "<= 10 s")

    # Candidates for a claim among canonical claims (bench/canonical.py): at 100k, with --quick too.
    canonical.run(report, project=project, user=adjudicator, annotator=me, rng=rng, reps=scale["reps"], counter=QueryCounter, stats=stats)

    # Search over SEARCH_ARTICLES articles with --quick too: the articles --quick does not make for
    # the rest are added last, in a project of their own, so no figure above reads them.
    missing = SEARCH_ARTICLES - Article.objects.count()
    if missing > 0:
        generate.articles(Project.objects.create(name="Bench search"), missing, rng, start=len(articles))
    search_large = measure_search(report, searcher, scale["reps"])
    total = Article.objects.count()
    worst = max(search_large.values(), key=lambda figures: figures[2])
    report.target(f"search_{total}_articles_p95", worst[2] <= 100, f"{worst[2]:.1f} ms (slowest query, {worst[0]!r})", "<= 100 ms p95")
    counts = {name: (search_small[name][3], search_large[name][3]) for name in SEARCHES}
    report.target(
        "search_queries_constant",
        all(small_count == large_count for small_count, large_count in counts.values()),
        f"{[c[0] for c in counts.values()]} queries at {small} articles, {[c[1] for c in counts.values()]} at {total}",
        "the same at both sizes",
    )


SEARCH_ARTICLES = 10_000  # the search TARGET's size, --quick included

# The search page's queries: a word in every article, a phrase, a Persian spelling of Arabic
# words (Persian yeh), digits of another script, and a rare number.
SEARCHES = {
    "common word": "الباغوز",
    "phrase": "قوات سوريا الديمقراطية",
    "Persian spelling": "مصطفی بالی",
    "Arabic digits": "٣٠٠٠",
    "rare": "رقم 4321",
}


def search_client():
    """A logged-in adjudicator: search reads every article for them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from annotations.models import ADJUDICATOR_GROUP

    user = get_user_model().objects.create_user("bench-searcher")
    user.groups.add(Group.objects.get(name=ADJUDICATOR_GROUP))
    client = Client()
    client.force_login(user)
    return client


def measure_search(report: Report, client, reps: int) -> dict[str, tuple[str, float, float, int]]:
    """The first page of each search through the whole stack: (query, median, p95, queries)."""
    from annotations.models import Article

    articles = Article.objects.count()
    figures = {}
    for name, query in SEARCHES.items():
        url = f"/search/?{urlencode({'q': query})}"

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200 and b'id="search-results"' in response.content, response.status_code
            return response

        with QueryCounter() as queries:
            hits = get().content.count(b"<mark>")
        median, p95 = repeat(get, reps)
        figures[name] = (query, median, p95, len(queries))
        report.line(
            f"search page over {articles} articles, {name} ({query}): median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"{len(queries)} queries, {hits} hits shown"
        )
    return figures


def raw_dump() -> tuple[float, int]:
    """The floor: the same rows and fields straight from SQL into json.dumps, one object per row."""
    from django.db import connection

    from annotations.models import Appearance, Article, Claim

    claims, articles, users = Claim._meta.db_table, Article._meta.db_table, "auth_user"
    appearances = Appearance._meta.db_table
    article_columns = ["id", "external_id", "title", "language", "text", "text_sha256", "url", "outlet", "published_at"]
    claim_columns = [
        "id", "article_id", "start", "end", "quote", "claim_type", "check_worthiness", "verification_status",
        "attribution", "source_id", "source_start", "source_end", "evidence", "note", "created_at", "updated_at", "username",
        "canonical_id",
    ]
    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(article_columns)} FROM {articles} ORDER BY id")
        while rows := cursor.fetchmany(2000):
            size += sum(len(json.dumps(dict(zip(article_columns, row, strict=True)), ensure_ascii=False, default=str)) for row in rows)
        selected = ", ".join(f'c."{column}"' for column in claim_columns[:-2]) + ", u.username, a.canonical_id"
        cursor.execute(
            f"SELECT {selected} FROM {claims} c JOIN {users} u ON u.id = c.annotator_id "
            f"LEFT JOIN {appearances} a ON a.claim_id = c.id ORDER BY c.article_id, c.start"
        )
        while rows := cursor.fetchmany(5000):
            size += sum(len(json.dumps(dict(zip(claim_columns, row, strict=True)), ensure_ascii=False, default=str)) for row in rows)
    return time.perf_counter() - started, size


if __name__ == "__main__":
    sys.exit(main())
