"""Full-page cache benchmark (core/pagecache.py): the home page served from the cache against a
static file and against the home page rendered every time, on the same gunicorn (2 workers, DEBUG
off, website.settings.production, the per-process local-memory cache: no Redis).

What it prints, per row: status, SQL queries of a repeated request (in-process), X-Page-Cache of
a repeated request, requests/s, latency p50/p99 and CPU milliseconds per request summed over the
workers, then the ratio of the cached home's requests/s to the static file's and whether it meets
the target (at least 50 %). The harness (demo site, load generator, /proc accounting) is
benchmarks/pages.py's.

Environment: BENCH_SECONDS (default 10) per row, BENCH_CONNECTIONS (default 8).
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import pages

STATIC = "/static/css/site.css"
HOME = "/"
TARGET = 0.5


def main(argv=()):
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    workdir = Path(tempfile.mkdtemp(prefix="county-bench-pagecache-"))
    base_env = pages.bench_env(workdir)
    print("== full-page cache benchmark (gunicorn, 2 workers, DEBUG off, SQLite, local memory)")
    try:
        started = time.perf_counter()
        pages.manage(base_env, "migrate", "--noinput")
        pages.manage(base_env, "load_demo_data", "--force")
        pages.manage(base_env, "collectstatic", "--noinput")
        print(
            f"setup (migrate, demo content, collectstatic): {time.perf_counter() - started:.1f} s"
        )
        tool = "wrk" if shutil.which("wrk") else "python keep-alive client"
        print(f"load: {tool}, {connections} connections, {seconds} s per row, loopback")
        rows = [
            ("static file", STATIC, "300"),
            ("cached home", HOME, "300"),
            ("uncached home (cache off)", HOME, "0"),
        ]
        print(
            f"{'row':28} {'URL':22} {'status':>6} {'SQL':>4} {'cache':>5} {'req/s':>9}"
            f" {'p50':>9} {'p99':>9} {'CPU ms/req':>10} {'errors':>6}"
        )
        results = {}
        for seconds_setting in ("300", "0"):
            env = {**base_env, "PAGE_CACHE_SECONDS": seconds_setting}
            selected = [row for row in rows if row[2] == seconds_setting]
            queries = pages.count_queries(env, sorted({path for _, path, _ in selected}))
            with pages.serve(env) as (server, port):
                pids = pages.worker_pids(server.pid)
                for name, path, _ in selected:
                    state = pages.warm(port, path).getheader("X-Page-Cache") or "-"
                    result = pages.measure(port, pids, path, seconds, connections)
                    results[name] = result
                    status, sql = queries[path]
                    print(
                        f"{name:28} {path:22} {status:>6} {sql:>4} {state:>5}"
                        f" {result['rps']:>9.1f} {result['p50']:>9} {result['p99']:>9}"
                        f" {result['cpu_ms']:>10.2f} {result['errors']:>6}"
                    )
        ratio = results["cached home"]["rps"] / results["static file"]["rps"]
        speedup = results["cached home"]["rps"] / results["uncached home (cache off)"]["rps"]
        verdict = "meets" if ratio >= TARGET else "does NOT meet"
        print(
            f"cached home / static file: {ratio:.0%} of the requests/s ({verdict} the"
            f" {TARGET:.0%} target); cached / uncached home: {speedup:.1f}x"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
