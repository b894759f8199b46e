"""Load and a database restart (`make bench BENCH=load`): the site under a mixed load, then the
same load while PostgreSQL stops and starts again (docs/benchmarks.md, "Load and a database
restart"; docs/security.md, "Load, faults and the 503 page").

Phase A, on SQLite and on PostgreSQL: BENCH_LOAD_CLIENTS (default 16) concurrent clients for
BENCH_LOAD_SECONDS (default 60) over a mix of the public pages (home, news list and item,
deputies list and a profile, stations list and a station, search ?q=代表, /api/search/?q=代表,
the finder, the normative-documents registry), each client walking the mix from its own
offset. Prints requests, errors (anything but 200), p50/p95/p99 latency and CPU ms per request
summed over the gunicorn workers.

Phase B, PostgreSQL only: the same clients run while PostgreSQL is stopped (pg_ctl -m fast) for
BENCH_LOAD_OUTAGE_SECONDS (default 10) and started again. Prints the time to the first 503,
latency of the requests during the outage (max, p99), the statuses seen (503 against anything
else; a request that takes longer than the client's 15 s timeout counts as hung), the time from
PostgreSQL accepting connections again to the first 200, and what happened to a review
suggestion POSTed during the outage (503 saying "not saved" and absent from the database, or
stored).

PostgreSQL here is a private PostgreSQL 15 cluster made for the run (initdb into a temporary
folder, pg_ctl on a free loopback port, as the postgres user since initdb refuses root) and
removed afterwards: the shared server on 127.0.0.1:5432 is never touched, let alone restarted.
The harness is benchmarks/pages.py's (production settings, gunicorn with 2 workers, /proc CPU
accounting); the client is a threaded Python one here, as every request's time and status are
needed, not only totals. BENCH_LOAD_DATABASES: sqlite, postgres or both (default both).
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

from benchmarks import pages
from benchmarks.pages import PYTHON, ROOT

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLIENT_TIMEOUT = 15  # seconds: a request taking longer counts as hung
SUGGESTION_MARK = "负载测试-数据库中断期间提交"


def setting(name, default):
    return type(default)(os.environ.get(name) or default)


# --- a private PostgreSQL cluster ------------------------------------------------------------


def as_postgres(*args, **kwargs):
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


class Cluster:
    def __init__(self, folder, port):
        self.folder = folder
        self.data = folder / "data"
        self.port = port

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self):
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", "start")

    def stop(self, mode="fast"):
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")


@contextlib.contextmanager
def private_postgres():
    folder = Path(tempfile.mkdtemp(prefix="county-bench-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder, pages.free_port())
    try:
        as_postgres(
            PG_BIN / "initdb", "-D", cluster.data, "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        with open(cluster.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {cluster.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{folder}'\n"
                # A benchmark database: durability is not what is measured.
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        cluster.start()
        as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", cluster.port, "county_load")
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


# --- the load --------------------------------------------------------------------------------


class Recorder:
    """Every request: (started, ended, path, status or an error name, answered from the page
    cache), times from perf_counter."""

    def __init__(self):
        self.rows = []
        self.lock = threading.Lock()

    def add(self, row):
        with self.lock:
            self.rows.append(row)


def client_loop(port, paths, offset, stop, recorder):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    n = offset
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        started, hit = time.perf_counter(), False
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
            hit = response.getheader("X-Page-Cache") == "hit"  # core/pagecache.py
        except TimeoutError:
            status = "timeout"
            conn.close()
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            conn.close()
        recorder.add((started, time.perf_counter(), path, status, hit))


@contextlib.contextmanager
def load(port, paths, clients):
    recorder, stop = Recorder(), threading.Event()
    threads = [
        threading.Thread(target=client_loop, args=(port, paths, i, stop, recorder), daemon=True)
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        yield recorder
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT + 5)


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(len(values) * p) - 1))]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def warm(port, paths):
    for path in paths * 2:  # both workers, most likely: templates, renditions, page cache
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()


def phase_a(label, server, port, paths, clients, seconds):
    pids = pages.worker_pids(server.pid)
    warm(port, paths)
    cpu_before = pages.cpu_seconds(pids)
    wall = time.perf_counter()
    with load(port, paths, clients) as recorder:
        time.sleep(seconds)
    wall = time.perf_counter() - wall
    cpu = pages.cpu_seconds(pids) - cpu_before
    rows = recorder.rows
    latencies = [row[1] - row[0] for row in rows]
    errors = Counter(row[3] for row in rows if row[3] != 200)
    hits = sum(1 for row in rows if row[4])
    print(
        f"A {label}: {clients} clients, {wall:.0f} s: {len(rows)} requests"
        f" ({len(rows) / wall:.1f}/s), errors {sum(errors.values())}"
        f"{' ' + dict(errors).__repr__() if errors else ''};"
        f" p50 {ms(percentile(latencies, 0.5))}, p95 {ms(percentile(latencies, 0.95))},"
        f" p99 {ms(percentile(latencies, 0.99))}, max {ms(max(latencies))};"
        f" CPU {cpu * 1000 / max(len(rows), 1):.1f} ms/request;"
        f" answered from the page cache: {hits} ({hits * 100 / max(len(rows), 1):.0f} %)"
    )
    by_path = {}
    for row in rows:
        by_path.setdefault(row[2], []).append(row)
    for path in paths:
        values = [row[1] - row[0] for row in by_path.get(path, [])]
        cached = sum(1 for row in by_path.get(path, []) if row[4])
        print(
            f"   {path[:40]:40} {len(values):>6} req  p50 {ms(percentile(values, 0.5)):>8}"
            f"  p95 {ms(percentile(values, 0.95)):>8}  p99 {ms(percentile(values, 0.99)):>8}"
            f"  cache hits {cached}"
        )


# --- the review suggestion sent during the outage ---------------------------------------------


def cookies_of(response):
    jar = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def open_suggestion_form(port, url):
    """GET the form while the database is up: its CSRF token and signed start time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    conn.request("GET", url)
    response = conn.getresponse()
    html = response.read().decode()
    cookies = cookies_of(response)
    conn.close()

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    mark = f"{SUGGESTION_MARK}-{uuid.uuid4().hex[:8]}"
    return {
        "cookies": cookies,
        "data": {
            "csrfmiddlewaretoken": field("csrfmiddlewaretoken"),
            "started": field("started"),
            "document_title": "某乡镇关于农村建房收取保证金的通知",
            "issues": mark,
            "reasons": "收取保证金没有法律、法规依据。",
            "name": "负载测试",
            "contact": "13912345678",
            "website": "",
        },
        "mark": mark,
    }


def post_suggestion(port, url, form):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    started = time.perf_counter()
    conn.request(
        "POST",
        url,
        body=urlencode(form["data"]),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in form["cookies"].items()),
        },
    )
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    conn.close()
    return response.status, body, time.perf_counter() - started


def stored_suggestions(database_url, mark):
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute(
            "SELECT count(*) FROM documents_reviewsuggestion WHERE issues = %s", [mark]
        ).fetchone()[0]


# --- phase B ---------------------------------------------------------------------------------


def phase_b(cluster, database_url, port, paths, suggest_url, clients, outage_seconds):
    form = open_suggestion_form(port, suggest_url)
    events = {}
    with load(port, paths, clients) as recorder:
        time.sleep(5)
        events["stop"] = time.perf_counter()
        cluster.stop("fast")
        events["stopped"] = time.perf_counter()
        time.sleep(1)
        posted = post_suggestion(port, suggest_url, form)
        time.sleep(max(0, outage_seconds - (time.perf_counter() - events["stopped"])))
        events["start"] = time.perf_counter()
        cluster.start()
        events["back"] = time.perf_counter()
        time.sleep(8)
    rows = sorted(recorder.rows)
    stop, stopped, start, back = events["stop"], events["stopped"], events["start"], events["back"]
    print(
        f"B PostgreSQL restart: {clients} clients; pg_ctl stop -m fast took"
        f" {ms(stopped - stop)}, down {start - stopped:.1f} s, pg_ctl start -w took"
        f" {ms(back - start)}; {len(rows)} requests in {rows[-1][1] - rows[0][0]:.0f} s"
    )
    first_503 = min((r[1] for r in rows if r[3] == 503 and r[1] >= stop), default=None)
    print(
        "   time to the first 503 after the stop began: "
        + (ms(first_503 - stop) if first_503 else "none")
    )
    during = [row for row in rows if row[0] >= stopped and row[1] <= start]
    latencies = [row[1] - row[0] for row in during]
    statuses = Counter(row[3] for row in during)
    print(
        f"   during the outage: {len(during)} requests, statuses {dict(statuses)};"
        f" latency p50 {ms(percentile(latencies, 0.5))}, p99 {ms(percentile(latencies, 0.99))},"
        f" max {ms(max(latencies) if latencies else float('nan'))}"
    )
    for path in paths:
        mine = [row for row in during if row[2] == path]
        print(
            f"      {path[:40]:40} "
            + ", ".join(f"{k} × {v}" for k, v in sorted(Counter(r[3] for r in mine).items()))
            + f" (page cache hits {sum(1 for r in mine if r[4])})"
        )
    around = [row for row in rows if row[1] >= stop and row[0] <= back]
    others = Counter(r[3] for r in around if r[3] not in (200, 503))
    hung = sum(1 for r in around if r[3] == "timeout")
    print(
        f"   from the stop to the start (in flight included): {len(around)} requests,"
        f" {sum(1 for r in around if r[3] == 503)} × 503,"
        f" {sum(1 for r in around if r[3] == 200)} × 200, other errors {sum(others.values())}"
        f"{' ' + repr(dict(others)) if others else ''}, hung {hung}"
    )
    after = [row for row in rows if row[0] >= back]
    first_200 = min((r[1] for r in after if r[3] == 200 and not r[4]), default=None)
    print(
        "   time from PostgreSQL accepting connections to the first 200 from the database"
        " (not the page cache): " + (ms(first_200 - back) if first_200 else "none")
    )
    late = [row for row in after if row[3] != 200]
    print(
        f"   after it was back: {len(after)} requests, {len(late)} not 200"
        f"{' ' + repr(dict(Counter(r[3] for r in late))) if late else ''}"
        + (f", the last at +{ms(max(r[1] for r in late) - back)}" if late else "")
    )
    status, body, took = posted
    stored = stored_suggestions(database_url, form["mark"])
    print(
        f"   review suggestion POSTed during the outage: {status} in {ms(took)},"
        f" 'not saved' message {'shown' if '没有保存' in body else 'MISSING'},"
        f" rows in the database afterwards: {stored}"
    )
    retry = post_suggestion(port, suggest_url, form)
    print(
        f"   the same form sent again after recovery: {retry[0]}"
        f" ({'stored' if stored_suggestions(database_url, form['mark']) else 'not stored'})"
    )


# --- setup -----------------------------------------------------------------------------------


def prepare(env, collectstatic=True):
    """Migrate, load the demo content (and collect static files) for `env`; the URLs to load
    and notes to print. The two databases are prepared at the same time (prepare_all): on a
    shared machine two processes get twice the CPU share of one."""
    started = time.perf_counter()
    pages.manage(env, "migrate", "--noinput")
    pages.manage(env, "load_demo_data", "--force")
    if collectstatic:
        pages.manage(env, "collectstatic", "--noinput")
    result = subprocess.run(
        [PYTHON, "-m", "benchmarks.load", "--urls"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    chosen = json.loads(result.stdout.strip().splitlines()[-1])
    chosen["notes"].insert(
        0, f"setup (migrate, demo content): {time.perf_counter() - started:.0f} s"
    )
    # http.client sends the request line as ASCII: percent-encode 代表 and the like.
    chosen["urls"] = [quote(url, safe="/?=&") for url in chosen["urls"]]
    return chosen


def prepare_all(envs):
    """{label: chosen} for {label: env}, prepared in parallel; static files collected once."""
    results, failures = {}, []

    def work(label, env, collect):
        try:
            results[label] = prepare(env, collectstatic=collect)
        except Exception as error:  # reported below, after the other one finished
            failures.append((label, error))

    threads = [
        threading.Thread(target=work, args=(label, env, n == 0))
        for n, (label, env) in enumerate(envs.items())
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"setup failed: {failures}")
    return results


def main(argv=()):
    clients = setting("BENCH_LOAD_CLIENTS", 16)
    seconds = setting("BENCH_LOAD_SECONDS", 60)
    outage = setting("BENCH_LOAD_OUTAGE_SECONDS", 10)
    databases = [
        name.strip()
        for name in os.environ.get("BENCH_LOAD_DATABASES", "sqlite,postgres").split(",")
    ]
    if "postgres" in databases and not (PG_BIN / "initdb").exists():
        print(f"-- PostgreSQL: skipped, {PG_BIN / 'initdb'} is not installed")
        databases.remove("postgres")
    print(
        f"== load and a database restart (gunicorn, 2 workers, production settings, loopback):"
        f" {', '.join(databases)}"
    )
    began = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="county-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            envs = {}
            if "sqlite" in databases:
                (workdir / "sqlite").mkdir()
                envs["SQLite"] = pages.bench_env(workdir / "sqlite")
            if "postgres" in databases:
                cluster = stack.enter_context(private_postgres())
                (workdir / "postgres").mkdir()
                env = pages.bench_env(workdir / "postgres")
                env["DATABASE_URL"] = cluster.url("county_load")
                envs["PostgreSQL"] = env
                print(f"   PostgreSQL 15: a private cluster on 127.0.0.1:{cluster.port}")
            static = workdir / "static"  # collected once, by the first setup
            for env in envs.values():
                env["DJANGO_STATIC_ROOT"] = str(static)
            chosen = prepare_all(envs)
            print(f"   setup of both done after {time.perf_counter() - began:.0f} s")
            for label, env in envs.items():
                print(f"-- {label}")
                for note in chosen[label]["notes"]:
                    print(f"   {note}")
                log = workdir / f"gunicorn-{label}.log"  # the 503s' log lines, counted below
                with log.open("w") as errors, pages.serve(env, stderr=errors) as (server, port):
                    urls = chosen[label]["urls"]
                    phase_a(label, server, port, urls, clients, seconds)
                    if label == "PostgreSQL":
                        phase_b(
                            cluster,
                            env["DATABASE_URL"],
                            port,
                            urls,
                            chosen[label]["suggest"],
                            clients,
                            outage,
                        )
                text = log.read_text(errors="replace")
                print(
                    f"   gunicorn's log: {text.count('Database unavailable, answered 503')} lines"
                    f" 'Database unavailable, answered 503' (core.middleware),"
                    f" {text.count('Traceback')} tracebacks,"
                    f" {text.count('Internal Server Error')} 'Internal Server Error'"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"load benchmark: {time.perf_counter() - began:.0f} s in all")


# --- the worker: the URLs of the demo content, inside Django ---------------------------------


def choose_urls():
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from deputies.models import DeputyIndexPage
    from documents.models import DocumentRegistryPage
    from news.models import NewsIndexPage, NewsPage
    from stations.models import StationIndexPage

    client = Client(HTTP_HOST="127.0.0.1")

    def first_link(base):
        html = client.get(base).content.decode()
        return re.search(rf'href="({re.escape(base)}\d+/)"', html).group(1)

    deputies = DeputyIndexPage.objects.live().first().url
    stations = StationIndexPage.objects.live().first().url
    registry = DocumentRegistryPage.objects.live().first()
    urls = [
        "/",
        NewsIndexPage.objects.live().first().url,
        NewsPage.objects.live().order_by("pk").first().url,
        deputies,
        first_link(deputies),
        stations,
        first_link(stations),
        "/search/?q=代表",
        "/api/search/?q=代表",
        f"{stations}find/?q=石岭",
        registry.url,
    ]
    for url in urls:
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answers {status}")
    caches = [m for m in settings.MIDDLEWARE if "cache" in m.lower()]
    notes = [
        f"URLs: {len(urls)} ({', '.join(urls)})",
        "cache middleware: " + (", ".join(caches) if caches else "none (no full-page cache)"),
    ]
    suggest = registry.url + registry.reverse_subpage("suggest")
    print(json.dumps({"urls": urls, "suggest": suggest, "notes": notes}, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--urls"]:
        choose_urls()
    else:
        main(sys.argv[1:])
