#!/usr/bin/env python
"""Open-loop load: annotators saving claims and opening articles at a fixed rate, over HTTP.

    python bench/load.py [--rate 50] [--duration 60] [--warmup 10] [--annotators 40]

Needs PostgreSQL at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
and the bench requirements (pip install -r bench/requirements.txt). It creates a
throwaway database factcheck_load_<pid> beside that one, migrates it, makes
ANNOTATORS annotators with three articles each (seed-like Persian and Arabic
text, ~125 of their own claims on every article), and serves the app as
deployed: gunicorn, WORKERS sync workers, production settings with DEBUG off,
on 127.0.0.1 only. Every annotator logs in through the log-in form. Then:

- a short calibration: opens, then saves, one at a time, with the CPU time the
  gunicorn workers and the PostgreSQL backends spent on each;
- WARMUP seconds of load, not counted, then DURATION seconds measured. Requests
  are sent open-loop: arrival times are drawn in advance from a Poisson process
  at RATE requests per second, each request is sent at its time whether or not
  earlier ones have been answered, and its latency is counted from that
  scheduled time (so a server that falls behind is not hidden by a client that
  waits for it). The mix: 80% claim saves, the htmx POST exactly as the page
  sends it, each with a fresh form token; 20% opens of one of the annotator's
  articles, the whole annotation page.

Afterwards the claims in the database must equal the saves answered with
success. It prints `TARGET load_mix PASS|FAIL ...` (p95 of the mix <= 100 ms,
no errors, claims = successful saves) and exits with 1 if it fails. The server
and the database are removed at the end, also on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
ARTICLES_EACH = 3
CLAIMS_EACH = 125  # an annotator's own claims on each of their articles before the run
P95_BOUND_MS = 100
CLAIMANTS = ["المتحدث الرسمي", "قوات سوريا الديمقراطية", "وزارة الدفاع", "مصطفى بالي", "سخنگوی ارتش"]
VERDICTS = ["unassessed", "true", "mostly_true", "mixed", "misleading", "mostly_false", "false", "unverifiable"]
TYPES = ["numerical", "quote", "event", "causal", "position"]
WORTH = ["check_worthy", "factual_unimportant", "not_factual"]
ATTRIBUTION = ["direct_quote", "paraphrase", "unattributed", "author_assertion"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50, help="requests per second (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds measured (default 60)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring (default 10)")
    parser.add_argument("--annotators", type=int, default=40)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument("--save-share", type=float, default=0.8, help="share of saves in the mix (default 0.8)")
    parser.add_argument("--database-url", help="a PostgreSQL URL; the throwaway database is created beside it")
    parser.add_argument("--seed-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_child:
        return seed(args.seed_child, args.annotators)
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        print("bench/load.py needs aiohttp: .venv/bin/pip install -r bench/requirements.txt", file=sys.stderr)
        return 2
    # SIGTERM ends the run as Ctrl+C does, through the clean-up below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base_url = args.database_url or os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    url, drop = throwaway_database(base_url)
    server = None
    try:
        env = production_env(url)
        started = time.perf_counter()
        data = seed_database(env, args.annotators)
        print(f"seeded {len(data['users'])} annotators, {data['claims']} claims in {time.perf_counter() - started:.0f} s", flush=True)
        server = Gunicorn(env, args.workers)
        return asyncio.run(drive(args, server, data, url))
    finally:
        if server is not None:
            server.stop()
        drop()


# -- the database and the server ------------------------------------------------------------


def throwaway_database(url: str):
    import psycopg
    from psycopg import sql

    name = f"factcheck_load_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop():
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        print(f"dropped database {name}", flush=True)

    return url.rsplit("/", 1)[0] + "/" + name, drop


def production_env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The app sits behind a TLS proxy in production; X-Forwarded-Proto stands for it here.
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
    }


def seed_database(env: dict, annotators: int) -> dict:
    """Migrate, collect static files (as a deployment does) and make the data, in a child process."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        subprocess.run(
            [sys.executable, __file__, "--seed-child", out.name, "--annotators", str(annotators)], env=env, cwd=ROOT, check=True
        )
        return json.load(out)


def seed(path: str, annotators: int) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from annotations.models import ANNOTATOR_GROUP, Assignment, Claim, Project
    from bench import generate, texts

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(20190323)
    project = Project.objects.create(name="Load")
    articles = generate.articles(project, annotators * ARTICLES_EACH, rng)
    password = make_password(generate.PASSWORD)  # hashed once: the same password for everyone
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"load{number:03d}", password=password) for number in range(annotators))
    Group.objects.get(name=ANNOTATOR_GROUP).user_set.add(*users)
    claims, result = [], []
    for number, user in enumerate(users):
        mine = articles[number * ARTICLES_EACH : (number + 1) * ARTICLES_EACH]
        Assignment.objects.bulk_create(Assignment(article=a, annotator=user, state="in_progress") for a in mine)
        for article in mine:
            spans = texts.word_spans(article.text)
            for start, end in rng.sample(spans, min(CLAIMS_EACH, len(spans))):
                claims.append(
                    Claim(article=article, annotator=user, start=start, end=end, quote=article.text[start:end],
                          claim_type_id=rng.choice(TYPES), check_worthiness_id=rng.choice(WORTH),
                          verification_status_id=rng.choice(VERDICTS), attribution_id=rng.choice(ATTRIBUTION))
                )
        result.append({"username": user.username, "articles": [{"id": a.pk, "text": a.text} for a in mine]})
    Claim.objects.bulk_create(claims, batch_size=5000)
    with open(path, "w") as out:
        json.dump({"users": result, "claims": Claim.objects.count(), "password": generate.PASSWORD}, out)
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The app under gunicorn as deployed, in its own process group, on loopback only."""

    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="factcheck-load-", suffix=".log", delete=False)
        command = [str(Path(sys.executable).parent / "gunicorn"), "--chdir", str(ROOT), "--workers", str(workers),
                   "--bind", f"127.0.0.1:{self.port}", "factcheck.wsgi:application"]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def workers(self) -> list[int]:
        """The worker processes: the master's children."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
        return pids

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU time of each of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return times


def cpu_spent(before: dict[int, float], pids) -> float:
    """CPU seconds spent since `before` by these processes; ones that started since count whole
    (a process that ended meanwhile, such as an autovacuum worker, is not counted)."""
    return sum(now - before.get(pid, 0.0) for pid, now in cpu_seconds(pids).items())


def postgres_backends(url: str) -> list[int]:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]).fetchall()
    return [pid for (pid,) in rows]


def claim_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM annotations_claim").fetchone()[0]


# -- the annotators ---------------------------------------------------------------------------


class Annotator:
    """One logged-in annotator: their cookies, and the articles and words they annotate."""

    def __init__(self, user: dict, server: Gunicorn):
        from bench.texts import word_spans

        self.username = user["username"]
        self.articles = [(article["id"], article["text"], word_spans(article["text"])) for article in user["articles"]]
        self.base = server.base
        # Cookies are Secure when DEBUG is off, so they go in the Cookie header by hand, as in compare.py.
        self.origin = f"https://127.0.0.1:{server.port}"
        self.cookies: dict[str, str] = {}

    def headers(self, referer: str) -> dict:
        return {
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + referer,
            "Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items()),
        }

    async def log_in(self, http, password: str) -> None:
        async with http.get(self.base + "/accounts/login/", headers=self.headers("/accounts/login/")) as response:
            await response.read()
            self.cookies["csrftoken"] = response.cookies["csrftoken"].value
        form = {"username": self.username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        async with http.post(self.base + "/accounts/login/", data=form, headers=self.headers("/accounts/login/"), allow_redirects=False) as response:
            await response.read()
            if response.status != 302:
                raise RuntimeError(f"log-in of {self.username} answered {response.status}")
            self.cookies.update({key: morsel.value for key, morsel in response.cookies.items()})

    def open_request(self, rng: random.Random):
        article, _text, _spans = rng.choice(self.articles)
        path = f"/articles/{article}/"
        return "GET", path, None, self.headers(path), b'id="claim-list"'

    def save_request(self, rng: random.Random):
        """The claim form's htmx POST: its fields in the page's order, url-encoded, with a fresh form token."""
        article, text, spans = rng.choice(self.articles)
        first = rng.randrange(len(spans))
        start, end = spans[first][0], spans[min(len(spans) - 1, first + rng.randint(0, 4))][1]
        claimant = rng.random() < 0.25
        fields = {
            "csrfmiddlewaretoken": self.cookies["csrftoken"], "start": start, "end": end, "quote": text[start:end],
            "source_start": "", "source_end": "", "source_quote": "", "version": "", "client_token": str(uuid.uuid4()),
            "claim_type": rng.choice(TYPES), "check_worthiness": rng.choice(WORTH), "verification_status": rng.choice(VERDICTS),
            "attribution": rng.choice(ATTRIBUTION), "source_name": rng.choice(CLAIMANTS) if claimant else "",
            "source_kind": "person", "evidence": "https://example.org/report" if rng.random() < 0.2 else "", "note": "",
        }
        page = f"/articles/{article}/"
        headers = {
            **self.headers(page),
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "HX-Request": "true", "HX-Current-URL": self.origin + page, "HX-Target": "claim-list", "HX-Trigger": "claim-form",
            "X-CSRFToken": self.cookies["csrftoken"],
        }
        return "POST", f"/articles/{article}/claims/", urlencode(fields).encode(), headers, b'class="claim"'


# -- the load -------------------------------------------------------------------------------


async def send(http, base: str, request) -> tuple[bool, str]:
    import aiohttp

    method, path, body, headers, expected = request
    try:
        async with http.request(method, base + path, data=body, headers=headers, allow_redirects=False) as response:
            content = await response.read()
            if response.status == 200 and expected in content:
                return True, ""
            return False, f"HTTP {response.status}"
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        return False, type(error).__name__


async def phase(http, base: str, annotators: list[Annotator], rate: float, seconds: float, save_share: float, rng: random.Random) -> list:
    """Open-loop: every request at its Poisson arrival time; latency from that time, whatever happened before."""
    loop = asyncio.get_running_loop()
    schedule, at = [], 0.0
    while True:
        at += rng.expovariate(rate)
        if at >= seconds:
            break
        annotator = rng.choice(annotators)
        kind = "save" if rng.random() < save_share else "open"
        schedule.append((at, kind, annotator.save_request(rng) if kind == "save" else annotator.open_request(rng)))
    origin = loop.time() + 0.2

    async def one(at, kind, request):
        due = origin + at
        await asyncio.sleep(max(0.0, due - loop.time()))
        lag = loop.time() - due
        ok, error = await send(http, base, request)
        return kind, loop.time() - due, ok, error, lag

    return await asyncio.gather(*(one(*item) for item in schedule))


async def calibrate(http, base: str, annotators: list[Annotator], server: Gunicorn, url: str, rng: random.Random, count: int = 30) -> dict:
    """Opens, then saves, one at a time: server CPU per request (gunicorn workers, PostgreSQL backends)."""
    figures = {}
    for kind in ("open", "save"):
        requests = [getattr(rng.choice(annotators), f"{kind}_request")(rng) for _ in range(count + 5)]
        ok = 0
        for request in requests[:5]:  # every worker's first requests load code and caches
            ok += (await send(http, base, request))[0]
        app_before, db_before = cpu_seconds(server.workers()), cpu_seconds(postgres_backends(url))
        walls = []
        for request in requests[5:]:
            started = time.perf_counter()
            ok += (await send(http, base, request))[0]
            walls.append(time.perf_counter() - started)
        figures[kind] = {
            "ok": ok,
            "sent": len(requests),
            "wall_ms": statistics.median(walls) * 1000,
            "app_cpu_ms": cpu_spent(app_before, server.workers()) / count * 1000,
            "db_cpu_ms": cpu_spent(db_before, postgres_backends(url)) / count * 1000,
        }
    return figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


async def drive(args, server: Gunicorn, data: dict, url: str) -> int:
    import aiohttp

    rng = random.Random(1947)
    initial = claim_count(url)
    # A new connection per request (gunicorn's sync workers close each one), and no cap on open
    # connections: a pool limit would queue requests in the client, which an open loop must not do.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout) as http:
        annotators = [Annotator(user, server) for user in data["users"]]
        started = time.perf_counter()
        gate = asyncio.Semaphore(args.workers)

        async def log_in(annotator):
            async with gate:
                await annotator.log_in(http, data["password"])

        await asyncio.gather(*(log_in(annotator) for annotator in annotators))
        print(f"{len(annotators)} annotators logged in through the log-in form in {time.perf_counter() - started:.1f} s", flush=True)

        calibration = await calibrate(http, server.base, annotators, server, url, rng)
        for kind, figures in calibration.items():
            print(
                f"one {kind} at a time: {figures['wall_ms']:.1f} ms median; server CPU per {kind}: "
                f"{figures['app_cpu_ms']:.1f} ms in gunicorn, {figures['db_cpu_ms']:.1f} ms in PostgreSQL",
                flush=True,
            )
        saved = calibration["save"]["ok"]
        for kind, figures in calibration.items():
            if figures["ok"] != figures["sent"]:
                print(f"calibration: {figures['ok']} of {figures['sent']} {kind}s answered as expected", flush=True)

        print(f"warm-up: {args.warmup:.0f} s at {args.rate:g} requests/s (not counted)", flush=True)
        warm = await phase(http, server.base, annotators, args.rate, args.warmup, args.save_share, rng)
        saved += sum(1 for kind, _latency, ok, _error, _lag in warm if kind == "save" and ok)

        app_before, db_before = cpu_seconds(server.workers()), cpu_seconds(postgres_backends(url))
        wall_started = time.perf_counter()
        print(f"measuring: {args.duration:.0f} s at {args.rate:g} requests/s, {args.save_share:.0%} saves, open loop", flush=True)
        results = await phase(http, server.base, annotators, args.rate, args.duration, args.save_share, rng)
        elapsed = time.perf_counter() - wall_started
        app_cpu, db_cpu = cpu_spent(app_before, server.workers()), cpu_spent(db_before, postgres_backends(url))
        saved += sum(1 for kind, _latency, ok, _error, _lag in results if kind == "save" and ok)

    written = claim_count(url) - initial
    errors = [(kind, error) for kind, _latency, ok, error, _lag in results if not ok]
    everything = [latency * 1000 for _kind, latency, _ok, _error, _lag in results]
    print(f"{len(results)} requests in {elapsed:.1f} s ({len(results) / args.duration:.1f}/s scheduled); "
          f"server CPU: gunicorn {app_cpu / elapsed:.0%} of a core, PostgreSQL at least {db_cpu / elapsed:.0%} "
          f"(backends that closed meanwhile are not counted); latest send {max(lag for *_rest, lag in results) * 1000:.1f} ms after its time")
    for kind in ("save", "open"):
        latencies = [latency * 1000 for k, latency, _ok, _error, _lag in results if k == kind]
        print(f"  {kind}: {len(latencies)} requests, median {statistics.median(latencies):.1f} ms, "
              f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms")
    if errors:
        summary = {}
        for kind, error in errors:
            summary[f"{kind}: {error}"] = summary.get(f"{kind}: {error}", 0) + 1
        print("  errors: " + ", ".join(f"{count} × {what}" for what, count in sorted(summary.items())))
    p95 = percentile(everything, 0.95)
    ok = p95 <= P95_BOUND_MS and not errors and written == saved
    print(
        f"TARGET load_mix_{args.rate:g}rps {'PASS' if ok else 'FAIL'} p95 {p95:.1f} ms, {len(errors)} errors, "
        f"{written} claims written for {saved} successful saves "
        f"(target p95 <= {P95_BOUND_MS} ms, 0 errors, claims = saves)",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
