#!/usr/bin/env python
"""Side by side: this tool, Label Studio and doccano on the same machine, data and requests.

    python bench/compare.py [--documents N] [--reps N] [--tools ours,label-studio,doccano]

Each other tool is installed once, at a pinned version, into its own virtual
environment under ~/.cache/factcheck-compare (a few hundred MB from PyPI; the
first run takes minutes). Every tool runs alone in turn on 127.0.0.1 under
gunicorn with one sync worker and a fresh SQLite database. The same documents
(seed-like Persian and Arabic, 2-6k characters) go into each through its own
API, and the same operations are timed over HTTP from this process:

- saving one span, as the tool's editor sends it (this tool: the htmx form
  post; doccano: one span; Label Studio: its editor's update of the whole
  annotation with one more region);
- opening a document with 500 spans, as the tool's editor loads it (this
  tool: the annotation page; doccano: the example and its spans; Label
  Studio: the task with its annotations);
- exporting every span as JSON (doccano: JSONL through its task queue).

It prints a table. When this tool and doccano both ran, it also prints a
target line as bench/run.py does, `TARGET <name> PASS|FAIL <measured> (target
<bound>)`, and exits with 1 if it fails: opening the 500-span document here
takes at most half of doccano's time (medians).
"""

from __future__ import annotations

import argparse
import io
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
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.texts import make_texts, word_spans  # noqa: E402

CACHE = Path(os.environ.get("FACTCHECK_COMPARE_CACHE", Path.home() / ".cache" / "factcheck-compare"))
# Pins that make each release start today (their own requirements leave these open).
TOOLS = {
    "label-studio": ("Label Studio", ["label-studio==1.23.2", "gunicorn==23.0.0"]),
    "doccano": ("doccano", ["doccano==1.8.4", "marshmallow==3.26.1", "numpy==1.26.4"]),
}
BIG = 500  # spans on the document that is opened
SMALL = 10  # spans on every other document
PASSWORD = "compare-" + secrets.token_hex(8)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100, help="documents per tool (default 100)")
    parser.add_argument("--reps", type=int, default=100, help="saves timed per tool; opens are a third of it")
    parser.add_argument("--tools", default="ours,label-studio,doccano")
    args = parser.parse_args()
    texts = make_texts(args.documents, random.Random(20190323))
    results = {}
    for name in args.tools.split(","):
        runner = {"ours": Ours, "label-studio": LabelStudio, "doccano": Doccano}[name]()
        print(f"== {runner.title}", flush=True)
        with runner:
            results[runner.title] = measure(runner, texts, args.reps)
    print_table(results, args)
    return 0 if open_target(results) else 1


def open_target(results: dict) -> bool:
    """Our annotation page (the finished page) against doccano's two JSON calls for the same document."""
    ours, doccano = results.get(Ours.title), results.get(Doccano.title)
    if ours is None or doccano is None:
        return True
    measured, bound = ours["open"][0], doccano["open"][0] / 2
    ok = measured <= bound
    print(
        f"TARGET open_500_vs_doccano {'PASS' if ok else 'FAIL'} {measured:.1f} ms = {measured / doccano['open'][0]:.2f}x doccano's "
        f"{doccano['open'][0]:.1f} ms (target <= 0.5x doccano's median)",
        flush=True,
    )
    return ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tool_python(key: str) -> Path:
    """The tool's own virtual environment, created and filled on first use."""
    folder = CACHE / key
    python = folder / "bin" / "python"
    stamp = folder / f".installed-{'-'.join(TOOLS[key][1])}"
    if not stamp.exists():
        print(f"installing {', '.join(TOOLS[key][1])} into {folder} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *TOOLS[key][1]], check=True)
        stamp.touch()
    return python


class Server:
    """A tool's server: started alone, waited for, stopped with its whole process group."""

    title = ""

    def __enter__(self):
        self.work = Path(tempfile.mkdtemp(prefix="factcheck-compare-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes = []
        self.http = requests.Session()
        try:
            self.start()
        except BaseException:
            self.__exit__()  # `with` stops only what has entered
            raise
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)

    def spawn(self, command: list, env: dict, log: str) -> None:
        with open(self.work / log, "w") as out:
            self.processes.append(
                subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.work)
            )

    def wait(self, path: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + path, timeout=30).status_code < 500:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                pass
            if any(process.poll() is not None for process in self.processes):
                break
            time.sleep(0.5)
        raise RuntimeError(f"{self.title} did not start; see the logs in {self.work}")

    def add_spans(self, document, text: str, spans: list) -> None:
        """Fill a document before the timing starts; one save after another unless the tool has a bulk call."""
        for span in spans:
            self.add_span(document, text, span)

    def check(self, response: requests.Response, expected: int = 200) -> requests.Response:
        if response.status_code != expected:
            raise RuntimeError(f"{self.title}: {response.request.method} {response.url} -> {response.status_code}: {response.text[:300]}")
        return response


class Ours(Server):
    title = "this tool"

    def start(self) -> None:
        python = Path(sys.executable)
        self.env = {
            "DATABASE_URL": f"sqlite:///{self.work / 'db.sqlite3'}",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        env = {**os.environ, **self.env}
        manage = [str(python), str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True, cwd=ROOT)  # as a deployment does
        subprocess.run([*manage, "createsuperuser", "--noinput", "--username", "bench", "--email", "bench@example.org"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        self.spawn([str(python.parent / "gunicorn"), "--chdir", str(ROOT), "-w", "1", "-b", f"127.0.0.1:{self.port}", "factcheck.wsgi:application"], self.env, "server.log")
        self.wait("/accounts/login/")
        # Cookies are Secure when DEBUG is off; the server sits behind a TLS proxy in production,
        # which the X-Forwarded-Proto header stands for here. requests keeps Secure cookies off
        # plain HTTP, so they go in the Cookie header by hand.
        origin = f"https://127.0.0.1:{self.port}"
        self.http.headers.update({"X-Forwarded-Proto": "https", "Referer": origin + "/"})
        login = self.check(self.http.get(self.base + "/accounts/login/"))
        csrf = login.cookies["csrftoken"]
        response = self.http.post(
            self.base + "/accounts/login/",
            data={"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            headers={"Cookie": f"csrftoken={csrf}"},
            allow_redirects=False,
        )
        self.check(response, 302)
        cookies = {**{"csrftoken": csrf}, **{key: value for key, value in response.cookies.items()}}
        self.http.headers.update({"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "X-CSRFToken": cookies["csrftoken"]})

    def add_documents(self, texts: list[str]) -> list:
        folder = self.work / "articles"
        folder.mkdir()
        for number, text in enumerate(texts):
            (folder / f"doc-{number:05d}.txt").write_text(text, encoding="utf-8")
        env = {**os.environ, **self.env}
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "import_articles", str(folder), "--project", "Compare"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return list(range(1, len(texts) + 1))  # a fresh database numbers them in file order

    def add_span(self, document, text: str, span: tuple[int, int]) -> None:
        start, end = span
        data = {
            "start": start, "end": end, "quote": text[start:end], "claim_type": "numerical", "check_worthiness": "check_worthy",
            "verification_status": "unassessed", "attribution": "direct_quote", "source_kind": "person", "client_token": str(uuid.uuid4()),
        }
        response = self.check(self.http.post(f"{self.base}/articles/{document}/claims/", data=data, headers={"HX-Request": "true"}))
        assert 'class="claim"' in response.text, response.text[:300]

    def open(self, document) -> None:
        self.check(self.http.get(f"{self.base}/articles/{document}/"))

    def export(self) -> int:
        with self.http.get(self.base + "/export/?format=json", stream=True) as response:
            self.check(response)
            return sum(len(chunk) for chunk in response.iter_content(65536))


class LabelStudio(Server):
    title = "Label Studio 1.23.2"
    LABELS = '<View><Labels name="label" toName="text"><Label value="claim"/></Labels><Text name="text" value="$text"/></View>'

    def start(self) -> None:
        python = tool_python("label-studio")
        data = self.work / "data"
        env = {"LABEL_STUDIO_BASE_DATA_DIR": str(data)}
        # Its own command migrates and creates the first user; it then serves with Django's
        # development server, so it is stopped and the same data served by gunicorn.
        self.spawn([str(python.parent / "label-studio"), "start", "--no-browser", "--host", "127.0.0.1", "--port", str(self.port),
                    "--data-dir", str(data), "--username", "bench@example.org", "--password", PASSWORD], env, "init.log")
        self.wait("/health")
        self.__exit__()
        self.processes = []
        package = next((python.parents[1] / "lib").glob("python3*/site-packages/label_studio"))
        self.spawn([str(python.parent / "gunicorn"), "--chdir", str(package), "-w", "1", "-b", f"127.0.0.1:{self.port}", "core.wsgi:application"],
                   {**env, "DJANGO_SETTINGS_MODULE": "core.settings.label_studio"}, "server.log")
        self.wait("/health")
        self.http.get(self.base + "/user/login/")
        self.check(self.http.post(self.base + "/user/login/", data={"email": "bench@example.org", "password": PASSWORD, "csrfmiddlewaretoken": self.http.cookies["csrftoken"]},
                                  headers={"Referer": self.base + "/user/login/"}, allow_redirects=False), 302)
        self.http.headers.update({"X-CSRFToken": self.http.cookies["csrftoken"], "Referer": self.base + "/"})
        self.project = self.check(self.http.post(self.base + "/api/projects", json={"title": "Compare", "label_config": self.LABELS}), 201).json()["id"]
        self.annotations = {}

    def add_documents(self, texts: list[str]) -> list:
        self.check(self.http.post(f"{self.base}/api/projects/{self.project}/import", json=[{"text": text} for text in texts]), 201)
        tasks = self.check(self.http.get(f"{self.base}/api/tasks", params={"project": self.project, "page_size": len(texts) + 1})).json()["tasks"]
        return sorted(task["id"] for task in tasks)

    @staticmethod
    def region(text: str, span: tuple[int, int]) -> dict:
        start, end = span
        return {"id": uuid.uuid4().hex[:10], "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": text[start:end], "labels": ["claim"]}}

    def add_spans(self, document, text: str, spans: list) -> None:
        result = [self.region(text, span) for span in spans]
        annotation = self.check(self.http.post(f"{self.base}/api/tasks/{document}/annotations", json={"result": result}), 201).json()
        self.annotations[document] = (annotation["id"], result)

    def add_span(self, document, text: str, span) -> None:
        annotation, result = self.annotations[document]
        result.append(self.region(text, span))
        self.check(self.http.patch(f"{self.base}/api/annotations/{annotation}", json={"result": result}))

    def open(self, document) -> None:
        self.check(self.http.get(f"{self.base}/api/tasks/{document}"))

    def export(self) -> int:
        return len(self.check(self.http.get(f"{self.base}/api/projects/{self.project}/export", params={"exportType": "JSON"})).content)


class Doccano(Server):
    title = "doccano 1.8.4"

    def start(self) -> None:
        python = tool_python("doccano")
        command = str(python.parent / "doccano")
        env = {"DATABASE_URL": f"sqlite:///{self.work / 'db.sqlite3'}", "DOCCANO_HOME": str(self.work)}
        full = {**os.environ, **env}
        subprocess.run([command, "init"], env=full, check=True, cwd=self.work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([command, "createuser", "--username", "bench", "--password", PASSWORD], env=full, check=True, cwd=self.work, stdout=subprocess.DEVNULL)
        self.spawn([command, "webserver", "--port", str(self.port), "--workers", "1"], env, "server.log")
        self.spawn([command, "task", "--concurrency", "1"], env, "tasks.log")  # exports run on its queue
        self.wait("/")
        self.check(self.http.post(self.base + "/v1/auth/login/", json={"username": "bench", "password": PASSWORD}))
        self.http.headers["X-CSRFToken"] = self.http.cookies["csrftoken"]
        self.project = self.check(self.http.post(self.base + "/v1/projects", json={
            "name": "Compare", "description": "compare", "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject", "allow_overlapping": True}), 201).json()["id"]
        self.label = self.check(self.http.post(f"{self.base}/v1/projects/{self.project}/span-types", json={"text": "claim"}), 201).json()["id"]

    def add_documents(self, texts: list[str]) -> list:
        return [self.check(self.http.post(f"{self.base}/v1/projects/{self.project}/examples", json={"text": text, "meta": {}}), 201).json()["id"] for text in texts]

    def add_span(self, document, text: str, span) -> None:
        self.check(self.http.post(f"{self.base}/v1/projects/{self.project}/examples/{document}/spans",
                                  json={"start_offset": span[0], "end_offset": span[1], "label": self.label}), 201)

    def open(self, document) -> None:
        self.check(self.http.get(f"{self.base}/v1/projects/{self.project}/examples/{document}"))
        self.check(self.http.get(f"{self.base}/v1/projects/{self.project}/examples/{document}/spans"))

    def export(self) -> int:
        task = self.check(self.http.post(f"{self.base}/v1/projects/{self.project}/download", json={"format": "JSONL", "exportApproved": False})).json()["task_id"]
        while not self.check(self.http.get(f"{self.base}/v1/tasks/status/{task}")).json()["ready"]:
            time.sleep(0.02)
        archive = self.check(self.http.get(f"{self.base}/v1/projects/{self.project}/download", params={"taskId": task})).content
        with zipfile.ZipFile(io.BytesIO(archive)) as files:  # it sends a zip: count what is in it
            return sum(member.file_size for member in files.infolist())


def timed(fn, reps: int) -> tuple[float, float]:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000


def measure(tool: Server, texts: list[str], reps: int) -> dict:
    started = time.perf_counter()
    documents = tool.add_documents(texts)
    spans = [word_spans(text) for text in texts]
    for index, (document, text) in enumerate(zip(documents, texts, strict=True)):
        count = BIG if index == 0 else SMALL
        tool.add_spans(document, text, [spans[index][i % len(spans[index])] for i in range(count)])
    total = BIG + SMALL * (len(texts) - 1)
    print(f"   loaded {len(texts)} documents and {total} spans in {time.perf_counter() - started:.0f} s", flush=True)
    fresh = iter(spans[1][SMALL:] * (reps // max(1, len(spans[1]) - SMALL) + 2))
    save = timed(lambda: tool.add_span(documents[1], texts[1], next(fresh)), reps)
    opened = timed(lambda: tool.open(documents[0]), max(10, reps // 3))
    size = tool.export()
    export = timed(tool.export, 3)
    figures = {"save": save, "open": opened, "export": (export[0], size), "spans": total + reps}
    print(f"   save {save[0]:.1f}/{save[1]:.1f} ms, open {opened[0]:.1f}/{opened[1]:.1f} ms, export {export[0]:.0f} ms ({size / 1e6:.1f} MB)", flush=True)
    return figures


def print_table(results: dict, args) -> None:
    names = list(results)
    print()
    print(f"{args.documents} documents; one opened with {BIG} spans, {SMALL} on each other; medians / p95 over HTTP on 127.0.0.1")
    print("| | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    rows = [
        ("save one span, median / p95", lambda f: f"{f['save'][0]:.1f} / {f['save'][1]:.1f} ms"),
        (f"open a document with {BIG} spans, median / p95", lambda f: f"{f['open'][0]:.1f} / {f['open'][1]:.1f} ms"),
        ("export every span (JSON), median of 3", lambda f: f"{f['export'][0]:.0f} ms for {f['spans']} spans ({f['export'][1] / 1e6:.1f} MB)"),
    ]
    for label, cell in rows:
        print(f"| {label} | " + " | ".join(cell(results[name]) for name in names) + " |")


if __name__ == "__main__":
    sys.exit(main())
