"""The finder's autocomplete API with 2,000 villages and communities: latency of GET /api/areas/.

Builds a throwaway SQLite database (migrate, then 40 townships × 50 villages/communities with
generated Chinese names and their pinyin keys, a station per township, the live
StationIndexPage), then sends N requests (BENCH_AREA_REQUESTS, default 500) with a realistic
mix of queries through Django's test client in-process (website.settings.production, DEBUG off):
Chinese prefixes and names, township + village, pinyin initials and their prefixes, full pinyin,
and queries that match nothing. Prints p50/p95/p99/max in milliseconds and SQL queries per
request, overall and per kind of query; then the same for the finder page (/stations/find/?q=,
BENCH_FINDER_REQUESTS, default 100) for comparison. No network: the client calls the WSGI
handler directly, so the figures are the application's time without HTTP parsing.

    make bench BENCH=areas
"""

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pages import PYTHON, ROOT, bench_env, manage

TOWNSHIPS = 40
PER_TOWNSHIP = 50
SEED = 2026
FIRST = "东西南北新老大小上中下前后高李王张刘陈杨赵黄周吴马孙朱胡郭何罗宋郑谢韩唐冯董程曹袁邓许沈"
SECOND = "桥庄河沟岭堡营屯店集寨口湾坡塘园林山水家楼田坊头台峪泉井门关阳城"
TOWNSHIP_SUFFIXES = ["镇", "镇", "乡", "街道"]


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[index]


def area_names(rng):
    """[(township name, kind, [(village name, kind)])], unique within each township."""
    townships, used_townships = [], set()
    while len(townships) < TOWNSHIPS:
        name = rng.choice(FIRST) + rng.choice(SECOND) + rng.choice(TOWNSHIP_SUFFIXES)
        if name in used_townships:
            continue
        used_townships.add(name)
        kind = "street" if name.endswith("街道") else "township"
        villages, used = [], set()
        while len(villages) < PER_TOWNSHIP:
            stem = rng.choice(FIRST) + rng.choice(SECOND)
            if rng.random() < 0.3:
                stem += rng.choice(SECOND)
            community = kind == "street" or rng.random() < 0.1
            village = stem + ("社区" if community else "村")
            if village not in used:
                used.add(village)
                villages.append((village, "community" if community else "village"))
        townships.append((name, kind, villages))
    return townships


def build(rng):
    """The areas (bulk-created with their pinyin keys), a station per township, the index page."""
    from wagtail.models import Site

    from core.demo_utils import publish
    from deputies.models import Area
    from deputies.pinyin import pinyin_keys
    from stations.models import Station, StationIndexPage

    county = Area.objects.create(name="基准县", kind=Area.COUNTY)
    villages = []
    for t_index, (name, kind, children) in enumerate(area_names(rng)):
        township = Area.objects.create(name=name, kind=kind, parent=county, sort_order=t_index)
        batch = []
        for v_index, (village, village_kind) in enumerate(children):
            pinyin, initials = pinyin_keys(village)
            batch.append(
                Area(
                    name=village,
                    kind=village_kind,
                    parent=township,
                    sort_order=v_index,
                    pinyin=pinyin,
                    pinyin_initials=initials,
                )
            )
        created = Area.objects.bulk_create(batch)
        station = Station.objects.create(
            name=f"{name}人大代表工作站", township=township, address=f"{name}政府院内", live=True
        )
        station.areas.set(created)
        station.save()
        villages.extend(created)
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = StationIndexPage(title="代表工作站", slug="stations")
    home.add_child(instance=page)
    publish(page)
    return villages


def queries(rng, villages, count):
    """(kind, query) pairs in the proportions a citizen's typing would give."""
    kinds = [
        ("中文前缀", lambda v: v.name[: rng.choice([1, 2])]),
        ("中文全名", lambda v: v.name),
        ("乡镇+村", lambda v: f"{v.parent.name}{v.name}"),
        ("首字母", lambda v: v.pinyin_initials.split()[0]),
        ("首字母前缀", lambda v: v.pinyin_initials.split()[0][:2]),
        ("全拼前缀", lambda v: v.pinyin.split()[0][: rng.randint(3, 8)]),
        ("无匹配", lambda v: rng.choice(["zzzz", "无此村庄", "qxvk", "火星村", "xyzw"])),
    ]
    weights = [30, 15, 5, 20, 10, 10, 10]
    result = []
    for _ in range(count):
        kind, make = rng.choices(kinds, weights)[0]
        result.append((kind, make(rng.choice(villages))))
    return result


def measure(client, url_for, pairs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, sql, by_kind, statuses = [], [], {}, {}
    for kind, query in pairs:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url_for(query))
            elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        sql.append(len(captured))
        by_kind.setdefault(kind, []).append(elapsed)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return times, sql, by_kind, statuses


def report(title, times, sql, by_kind, statuses):
    print(f"-- {title}: {len(times)} requests, status {statuses}")
    print(f"{'queries':14} {'n':>4} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")

    def line(label, values):
        print(
            f"{label:14} {len(values):>4} {percentile(values, 0.5):>8.2f}"
            f" {percentile(values, 0.95):>8.2f} {percentile(values, 0.99):>8.2f}"
            f" {max(values):>8.2f}"
        )

    line("all (ms)", times)
    for kind, values in by_kind.items():
        line(kind, values)
    print(f"SQL queries per request: median {statistics.median(sql):.0f}, max {max(sql)}")


def inside():
    """Runs in the benchmark's own process, with the throwaway database configured."""
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.test import Client

    rng = random.Random(SEED)  # noqa: S311 (generated names, not secrets)
    started = time.perf_counter()
    villages = build(rng)
    print(
        f"data: {len(villages)} villages/communities in {TOWNSHIPS} townships, built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    api_requests = int(os.environ.get("BENCH_AREA_REQUESTS", "500"))
    finder_requests = int(os.environ.get("BENCH_FINDER_REQUESTS", "100"))

    def api(query):
        return "/api/areas/?" + urlencode({"q": query})

    def finder(query):
        return "/stations/find/?" + urlencode({"q": query})

    for _kind, query in queries(rng, villages, 20):  # warm up: imports, caches, connections
        client.get(api(query))
        client.get(finder(query))
    report("GET /api/areas/?q=", *measure(client, api, queries(rng, villages, api_requests)))
    report(
        "GET /stations/find/?q= (HTML page)",
        *measure(client, finder, queries(rng, villages, finder_requests)),
    )


def main(argv=()):
    if "--inside" in argv:
        inside()
        return
    workdir = Path(tempfile.mkdtemp(prefix="county-bench-areas-"))
    env = bench_env(workdir)
    print("== finder autocomplete API, 2,000 areas (in-process test client, DEBUG off, SQLite)")
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")  # the finder page's {% static %} needs it
        subprocess.run(
            [PYTHON, "-m", "benchmarks.areas", "--inside"], cwd=ROOT, env=env, check=True
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
