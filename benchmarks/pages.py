"""Page serving benchmark: the home page and lists under gunicorn (2 workers, DEBUG off).

What it prints, per URL: SQL queries per request (Django test client, in-process), then under
load from a second process on loopback (wrk when installed, otherwise a small keep-alive Python
client): requests/s, latency p50/p99 where the tool reports them, and CPU milliseconds per request
summed over the gunicorn workers (/proc accounting). CPU ms per request is the figure to compare
across runs: the machine is shared, so raw requests/s moves with whatever else runs.

Environment: BENCH_SECONDS (default 10) per URL, BENCH_CONNECTIONS (default 8).
The database is a throwaway SQLite file with the demo content (DATABASE_URL is ignored here).
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
URLS = ["/", "/news/", "/news/news-001/", "/initiatives/zhenxing-xiangcun/", "/static/css/site.css"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(workdir):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "DJANGO_SECRET_KEY": "benchmark-only-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def manage(env, *args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def count_queries(env, urls):
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; from django.db import connection;"
        "from django.test.utils import setup_test_environment;"
        "from django.test.utils import CaptureQueriesContext;"
        f"urls = {urls!r}; c = Client(HTTP_HOST='127.0.0.1'); out = {{}}\n"
        "for u in urls:\n"
        "    c.get(u)\n"
        "    with CaptureQueriesContext(connection) as q:\n"
        "        r = c.get(u)\n"
        "    out[u] = [r.status_code, len(q)]\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def worker_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def run_wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return requests, int(errors.group(1)) if errors else 0, latency.get("50"), latency.get("99")


def run_python_client(host, port, path, seconds, connections):
    """Fallback load generator: keep-alive connections in threads, bounded in time."""
    deadline = time.monotonic() + seconds
    counts, errors, latencies = [0], [0], []
    lock = threading.Lock()

    def loop():
        conn = http.client.HTTPConnection(host, port, timeout=10)
        while time.monotonic() < deadline:
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - start)
                counts[0] += 1
                errors[0] += response.status >= 400
        conn.close()

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p):
        return f"{latencies[int(len(latencies) * p) - 1] * 1000:.2f}ms" if latencies else "-"

    return counts[0], errors[0], pct(0.5), pct(0.99)


@contextlib.contextmanager
def serve(env, workers=2, **popen):
    """gunicorn on a free loopback port with `env` (bench_env): yields (process, port) once it
    accepts connections; stopped afterwards. `popen` goes to subprocess.Popen (e.g. stderr).
    Also used by benchmarks/load.py."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "website.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        **popen,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        yield server, port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a worker stuck in a request on a busy machine
            server.kill()
            server.wait(timeout=10)


def fetch(port, path):
    """One GET on a new connection (so that successive calls reach both workers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def warm(port, path):
    """20 requests on new connections reach both workers: templates and renditions loaded,
    caches (the page cache included) filled in each worker. Returns the last response."""
    for _ in range(20):
        response = fetch(port, path)
    return response


def measure(port, pids, path, seconds, connections):
    """Load `path` for `seconds` with wrk when installed, else the Python client: requests/s,
    p50/p99 as the tool reports them ("-" when not), CPU ms per request over `pids`, errors."""
    cpu_before = cpu_seconds(pids)
    wall = time.perf_counter()
    if shutil.which("wrk"):
        requests, errors, p50, p99 = run_wrk(f"http://127.0.0.1:{port}{path}", seconds, connections)
    else:
        requests, errors, p50, p99 = run_python_client(
            "127.0.0.1", port, path, seconds, connections
        )
    wall = time.perf_counter() - wall
    cpu = cpu_seconds(pids) - cpu_before
    return {
        "rps": requests / wall,
        "p50": p50 or "-",
        "p99": p99 or "-",
        "cpu_ms": cpu * 1000 / max(requests, 1),
        "errors": errors,
    }


def run(title, urls, prepare=None):
    """Serve a throwaway demo site under gunicorn and load each of `urls`; `prepare(env)` may add
    data after the demo content (e.g. more deputies)."""
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    workdir = Path(tempfile.mkdtemp(prefix="county-bench-"))
    env = bench_env(workdir)
    print(f"== {title} (gunicorn, 2 workers, DEBUG off, SQLite)")
    try:
        started = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo_data", "--force")
        manage(env, "collectstatic", "--noinput")
        if prepare is not None:
            prepare(env)
        print(
            f"setup (migrate, demo content, collectstatic): {time.perf_counter() - started:.1f} s"
        )

        queries = count_queries(env, urls)
        with serve(env) as (server, port):
            pids = worker_pids(server.pid)
            tool = "wrk" if shutil.which("wrk") else "python keep-alive client"
            print(f"load: {tool}, {connections} connections, {seconds} s per URL, loopback")
            print(
                f"{'URL':36} {'status':>6} {'SQL':>4} {'req/s':>9} {'p50':>9} {'p99':>9}"
                f" {'CPU ms/req':>10} {'errors':>6}"
            )
            for path in urls:
                warm(port, path)
                result = measure(port, pids, path, seconds, connections)
                status, sql = queries[path]
                print(
                    f"{path:36} {status:>6} {sql:>4} {result['rps']:>9.1f} {result['p50']:>9} "
                    f"{result['p99']:>9} {result['cpu_ms']:>10.2f} {result['errors']:>6}"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv=()):
    run("page serving benchmark, demo content", URLS)


if __name__ == "__main__":
    main(sys.argv[1:])
