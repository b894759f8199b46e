"""Search benchmark: Chinese full-text search (search/backends/) over the law corpus.

Loads ../shared/corpus/laws (3,475 laws, 58 MB) into a throwaway database with
`manage.py import_documents --no-files --index off` (a minimal loader of its own when the command
fails; a generated corpus of 500 documents when the folder is missing), builds the search index
with the backend's add_bulk in batches of 100 (timed: documents/s), then runs a query set written
here, seeded, from the corpus, through search_site() (what the search page and /api/search/ call:
counts by type and the first 10 hits):

* known-item queries, three kinds of 50: a phrase of a law (a clause of 8-20 characters found in
  that law only), two or three distinctive words of it (together found in that law only) and part
  of its title (found in no other law's title). Versions of a law (the same title) count as the
  law. Reported: in the top 10, first, mean reciprocal rank;
* topic words (旅游, 河道管理, 野生动物保护 …, those in at least 10 titles): how many of the top 10
  hold the word in their title, on average;
* 1,000 random substrings of 2-8 Chinese characters of the corpus: how many find nothing.

Latency is wall time per search_site() call, p50/p95/p99, after 20 warm-up queries.

Runs on SQLite (a temporary file) and, when DATABASE_URL points at PostgreSQL, on a throwaway
database created next to it (<name>_bench_search, dropped afterwards); the database in
DATABASE_URL itself is never touched. Environment: BENCH_SEARCH_CORPUS (another folder),
BENCH_SEARCH_SETTINGS (default website.settings.test), BENCH_SEARCH_VERBOSE=1 (print the
known-item queries whose law did not come first). `make bench BENCH=search`.

To rerun the queries on a kept database: `BENCH_SEARCH_REUSE=1 DATABASE_URL=sqlite:////tmp/s.db
python -m benchmarks.search --worker SQLite` (loads and indexes only when it holds no documents).
"""

import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "laws"
PYTHON = sys.executable
SEED = 2026
KNOWN_ITEMS_PER_KIND = 50
RANDOM_SUBSTRINGS = 1000
TOPIC_CANDIDATES = [
    "旅游", "河道管理", "野生动物保护", "环境保护", "安全生产", "食品安全", "消防", "教育",
    "水土保持", "文物保护", "道路交通", "城乡规划", "物业管理", "养老", "未成年人保护", "慈善",
    "档案", "气象", "禁毒", "消费者权益", "税收", "土地管理", "森林", "矿产资源", "知识产权",
    "劳动", "审计", "统计", "测绘", "防震减灾", "电力", "水资源", "海洋", "广告", "价格",
    "公路", "铁路", "民用航空", "邮政", "烟草", "药品", "医疗", "传染病", "妇女", "残疾人",
    "村民委员会", "监察", "法官", "检察", "律师", "公证", "仲裁", "人民调解", "信访",
]  # fmt: skip
EVAL_SET = Path(__file__).resolve().parent / "search_eval.json"
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
CLAUSE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{8,20}")


# --- the parent: one worker per database -------------------------------------------------------


def worker_env(database_url):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "BENCH_SEARCH_SETTINGS", "website.settings.test"
            ),
            "DATABASE_URL": database_url,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_worker(label, database_url):
    print(f"== search: {label}", flush=True)
    subprocess.run(
        [PYTHON, "-m", "benchmarks.search", "--worker", label],
        cwd=ROOT,
        env=worker_env(database_url),
        check=True,
    )


def postgres_admin(url):
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    return psycopg.connect(admin, autocommit=True), parsed


def main(argv=()):
    workdir = Path(tempfile.mkdtemp(prefix="county-bench-search-"))
    try:
        run_worker("SQLite", f"sqlite:///{workdir / 'search.sqlite3'}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        connection, parsed = postgres_admin(url)
        name = f"{parsed.path.lstrip('/') or 'county'}_bench_search"
        with connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
            try:
                run_worker("PostgreSQL", parsed._replace(path=f"/{name}").geturl())
            finally:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the worker: load, index, query ------------------------------------------------------------


def load_corpus(corpus):
    """Returns a description of how the corpus was loaded."""
    from django.core.management import call_command

    from documents.models import NormativeDocument

    if corpus is None:
        load_generated()
        return "generated corpus"
    try:
        call_command("import_documents", str(corpus), "--no-files", "--index", "off", verbosity=0)
        if NormativeDocument.objects.exists():
            return "import_documents --no-files --index off"
    except Exception as error:
        print(f"import_documents failed ({error!r}); using the benchmark's own loader")
    NormativeDocument.objects.all().delete()
    load_markdown(corpus)
    return "benchmark loader (title from '# ', full text after INFO END)"


def load_markdown(corpus):
    from benchmarks.search_eval import corpus_laws
    from documents.models import NormativeDocument

    batch = []
    for path, title, body in corpus_laws(corpus):
        batch.append(
            NormativeDocument(
                title=title[:300],
                full_text=body.strip(),
                live=True,
                category=path.parent.name[:50],
                source_path=str(path.relative_to(corpus))[:500],
            )
        )
        if len(batch) == 200:
            NormativeDocument.objects.bulk_create(batch)
            batch = []
    NormativeDocument.objects.bulk_create(batch)


def load_generated(count=500):
    """500 documents: titles from places × topics × kinds, bodies from a clause pool."""
    from documents.models import NormativeDocument

    rng = random.Random(SEED)  # noqa: S311 - repeatable filler text
    places = ["某县", "某市", "某省", "青山县", "绿水县", "东湖区", "西岭镇", "南河乡"]
    kinds = ["条例", "办法", "规定", "实施细则", "管理办法", "若干规定"]
    clauses = [
        "为了{t}，根据有关法律法规，结合本地实际，制定本{k}。",
        "县级以上人民政府应当加强对{t}工作的领导，将其纳入国民经济和社会发展规划。",
        "任何单位和个人都有权对违反本{k}的行为进行举报，有关部门应当及时处理。",
        "有关主管部门应当建立健全{t}监督检查制度，定期公布检查结果。",
        "违反本{k}规定的，由有关部门责令改正；情节严重的，依法给予处分。",
        "乡镇人民政府、街道办事处协助做好本辖区内的{t}工作。",
    ]
    documents = []
    for n in range(count):
        topic = TOPIC_CANDIDATES[n % len(TOPIC_CANDIDATES)]
        kind = rng.choice(kinds)
        title = f"{rng.choice(places)}{topic}{kind}（第{n + 1}号）"
        articles = [
            f"第{i + 1}条　" + rng.choice(clauses).format(t=rng.choice(TOPIC_CANDIDATES), k=kind)
            for i in range(rng.randint(10, 60))
        ]
        documents.append(NormativeDocument(title=title, full_text="\n".join(articles), live=True))
    NormativeDocument.objects.bulk_create(documents)


def build_index():
    from wagtail.search.backends import get_search_backend

    from documents.models import NormativeDocument

    backend = get_search_backend()
    objects = NormativeDocument.get_indexed_objects().order_by("pk")
    keys = list(objects.values_list("pk", flat=True))
    started = time.perf_counter()
    for start in range(0, len(keys), 100):
        backend.add_bulk(NormativeDocument, list(objects.filter(pk__in=keys[start : start + 100])))
    return len(keys), time.perf_counter() - started


def optimise():
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    started = time.perf_counter()
    get_search_backend().dialect.optimise(connection)
    return time.perf_counter() - started


class QuerySet_:
    """The query set: built from the documents as loaded, seeded."""

    def __init__(self, documents):
        self.rng = random.Random(SEED)  # noqa: S311 - a repeatable sample, not security
        self.documents = documents  # [(pk, title, text)]
        self.group_of = {pk: title for pk, title, _ in documents}
        self.titles = sorted({title for _, title, _ in documents})
        self.texts = [(title, text) for _, title, text in documents]

    def groups_containing(self, *words, in_titles=False):
        found = set()
        for title, text in self.texts:
            if all(word in title or (not in_titles and word in text) for word in words):
                found.add(title)
        return found

    def phrases(self, n):
        queries = []
        for _ in range(n * 40):
            if len(queries) == n:
                break
            _, title, text = self.rng.choice(self.documents)
            clauses = CLAUSE.findall(text)
            if not clauses:
                continue
            clause = self.rng.choice(clauses)
            if self.groups_containing(clause) == {title}:
                queries.append((clause, title))
        return queries

    def words(self, n):
        queries = []
        for _ in range(n * 40):
            if len(queries) == n:
                break
            _, title, text = self.rng.choice(self.documents)
            runs = [run for run in CJK_RUN.findall(text) if len(run) >= 4]
            if len(runs) < 3:
                continue
            words = []
            for _ in range(12):
                run = self.rng.choice(runs)
                size = self.rng.choice([2, 3, 4])
                start = self.rng.randrange(len(run) - size + 1)
                word = run[start : start + size]
                if word in words:
                    continue
                frequency = len(self.groups_containing(word))
                if 2 <= frequency <= 60:
                    words.append(word)
                if len(words) == 3:
                    break
            for count in (2, 3):
                if len(words) >= count and self.groups_containing(*words[:count]) == {title}:
                    queries.append((" ".join(words[:count]), title))
                    break
        return queries

    def title_parts(self, n):
        queries = []
        for _ in range(n * 40):
            if len(queries) == n:
                break
            title = self.rng.choice(self.titles)
            runs = [run for run in CJK_RUN.findall(title) if len(run) >= 4]
            if not runs:
                continue
            run = self.rng.choice(runs)
            size = self.rng.randint(4, min(10, len(run)))
            start = self.rng.randrange(len(run) - size + 1)
            part = run[start : start + size]
            if self.groups_containing(part, in_titles=True) == {title}:
                queries.append((part, title))
        return queries

    def topics(self):
        return [word for word in TOPIC_CANDIDATES if sum(word in t for t in self.titles) >= 10]

    def substrings(self, n):
        queries = []
        while len(queries) < n:
            _, _, text = self.rng.choice(self.documents)
            runs = [run for run in CJK_RUN.findall(text) if len(run) >= 2]
            if not runs:
                continue
            run = self.rng.choice(runs)
            size = self.rng.randint(2, min(8, len(run)))
            start = self.rng.randrange(len(run) - size + 1)
            queries.append(run[start : start + size])
        return queries


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def timed_search(query):
    from search.backends.site import search_site

    started = time.perf_counter()
    results = search_site(query, limit=10)
    return results, time.perf_counter() - started


def database_size():
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        files = [path, Path(f"{path}-wal")]
        return sum(p.stat().st_size for p in files if p.exists()) / 1e6
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_entry')")
        return cursor.fetchone()[0] / 1e6


def worker(label):
    import django

    django.setup()
    from django.core.management import call_command

    from documents.models import NormativeDocument

    call_command("migrate", verbosity=0)
    corpus = Path(os.environ.get("BENCH_SEARCH_CORPUS") or CORPUS)
    reuse = bool(os.environ.get("BENCH_SEARCH_REUSE")) and NormativeDocument.objects.exists()
    started = time.perf_counter()
    how = "an earlier run (BENCH_SEARCH_REUSE)"
    if not reuse:
        how = load_corpus(corpus if corpus.is_dir() else None)
    documents = list(NormativeDocument.objects.values_list("pk", "title", "full_text"))
    characters = sum(len(text) for _, _, text in documents)
    print(
        f"corpus: {len(documents)} documents, {characters / 1e6:.1f} M characters, loaded by "
        f"{how} in {time.perf_counter() - started:.1f} s"
    )
    if not reuse:
        count, seconds = build_index()
        print(f"index: {count} documents in {seconds:.1f} s = {count / seconds:.0f} documents/s")
        print(f"optimise (as update_index ends): {optimise():.1f} s")
        count, seconds = build_index()
        print(f"re-index, nothing changed: {seconds:.1f} s = {count / seconds:.0f} documents/s")
    else:
        # Entries written by another version of the code (tokeniser, title keys) are rewritten.
        count, seconds = build_index()
        print(f"index brought up to date: {count} documents in {seconds:.1f} s")
        print(f"optimise (as update_index ends): {optimise():.1f} s")
    if label == "SQLite":
        print(f"database file: {database_size():.0f} MB")
    else:
        print(f"search_entry with indexes: {database_size():.0f} MB")

    started = time.perf_counter()
    query_set = QuerySet_(documents)
    known = {
        "phrase": query_set.phrases(KNOWN_ITEMS_PER_KIND),
        "words": query_set.words(KNOWN_ITEMS_PER_KIND),
        "title part": query_set.title_parts(KNOWN_ITEMS_PER_KIND),
    }
    topics = query_set.topics()
    substrings = query_set.substrings(RANDOM_SUBSTRINGS)
    print(f"query set built in {time.perf_counter() - started:.1f} s")

    for query in substrings[:20]:
        timed_search(query)
    latencies = {}
    lines = []
    ranks_all = []
    for kind, queries in known.items():
        ranks = []
        for query, title in queries:
            results, seconds = timed_search(query)
            latencies.setdefault(kind, []).append(seconds)
            titles = [hit.object.title for hit in results.hits]
            ranks.append(titles.index(title) + 1 if title in titles else None)
            if os.environ.get("BENCH_SEARCH_VERBOSE") and ranks[-1] != 1:
                print(f"  {kind} {query!r} → {title} at {ranks[-1]}; first: {titles[:3]}")
        ranks_all += ranks
        lines.append(quality_line(kind, ranks))
    lines.append(quality_line("known-item, all", ranks_all))
    in_title = []
    for word in topics:
        results, seconds = timed_search(word)
        latencies.setdefault("topic", []).append(seconds)
        in_title.append(sum(word in hit.object.title for hit in results.hits))
    empty = []
    slowest = []
    for query in substrings:
        results, seconds = timed_search(query)
        latencies.setdefault("substring", []).append(seconds)
        slowest.append((seconds, query, results.count))
        if not results.count:
            empty.append(query)
    if os.environ.get("BENCH_SEARCH_VERBOSE"):
        for seconds, query, count in sorted(slowest, reverse=True)[:10]:
            print(f"  slow: {query!r} {count} matches {seconds * 1000:.1f} ms")

    print("quality:")
    for line in lines:
        print(f"  {line}")
    print(
        f"  topic words ({len(topics)}): {statistics.mean(in_title):.2f} of the top 10 hold the "
        f"word in their title (worst: "
        + ", ".join(f"{w} {n}" for n, w in sorted(zip(in_title, topics, strict=True))[:3])
        + ")"
    )
    print(
        f"  random substrings: {len(substrings) - len(empty)} of {len(substrings)} found"
        + (f" (not found: {', '.join(empty[:10])})" if empty else "")
    )
    if label != "SQLite":
        explain("规定")
        explain("野生动物保护")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"latency of search_site(q, limit=10), ms ({label}; load average {load} on "
        f"{os.cpu_count()} CPUs, the machine is shared):"
    )
    print(f"  {'queries':24} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    everything = []
    for kind, values in latencies.items():
        everything += values
        print(latency_line(kind, values))
    print(latency_line("all", everything))
    eval_queries = evaluate(label)
    api_latency(
        label,
        [q for queries in known.values() for q, _ in queries] + topics + substrings + eval_queries,
    )


def registry_page():
    """The registry page gives the documents their URLs, as on the site."""
    from wagtail.models import Site

    from documents.factories import DocumentRegistryPageFactory
    from documents.models import DocumentRegistryPage

    if not DocumentRegistryPage.objects.exists():
        DocumentRegistryPageFactory(parent=Site.objects.get(is_default_site=True).root_page)


def evaluate(label):
    """The evaluation set of issue 18 (benchmarks/search_eval.json, benchmarks/search_eval.py):
    every query through GET /api/search/?type=document, as a citizen's browser sends it. A query
    succeeds at k when one of its titles is among the first k results; an article reference also
    needs its anchor (#art-N) on that result's URL. Returns the queries (for the latency run)."""
    import json
    from urllib.parse import urlparse

    from django.test import Client

    registry_page()
    eval_set = json.loads(EVAL_SET.read_text(encoding="utf-8"))["kinds"]
    client = Client()
    print(f"evaluation set (benchmarks/search_eval.json, /api/search/?type=document, {label}):")
    print(f"  {'kind':12} {'n':>4} {'s@1':>6} {'s@10':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}")
    queries = []
    for kind, items in eval_set.items():
        ranks, anchors, times = [], 0, []
        for item in items:
            queries.append(item["q"])
            started = time.perf_counter()
            response = client.get("/api/search/", {"q": item["q"], "type": "document"})
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"GET /api/search/?q={item['q']!r}: {response.status_code}")
            results = response.json()["results"]
            rank = next(
                (n for n, hit in enumerate(results, 1) if hit["title"] in item["titles"]), None
            )
            if rank and "anchor" in item:
                url = results[rank - 1]["url"] or ""
                anchors += urlparse(url).fragment == item["anchor"]
            ranks.append(rank)
            if os.environ.get("BENCH_SEARCH_VERBOSE") and rank != 1:
                first = [hit["title"] for hit in results[:3]]
                print(f"    {kind} {item['q']!r} → {item['titles'][0]} at {rank}; first: {first}")
        n = len(ranks)
        at1 = sum(rank == 1 for rank in ranks) / n
        at10 = sum(rank is not None for rank in ranks) / n
        mrr = sum(1 / rank for rank in ranks if rank) / n
        extra = f"  anchor #art-N on the hit: {anchors}/{n}" if kind == "article" else ""
        print(
            f"  {kind:12} {n:4} {at1:6.2f} {at10:6.2f} {mrr:6.3f} {percentile(times, 0.5):7.1f} "
            f"{percentile(times, 0.95):7.1f}{extra}"
        )
    return queries


def api_latency(label, queries):
    """GET /api/search/?q= through Django's request handling (URL routing, parameter checks,
    search_site, snippets, JSON), in process: wall time per request and SQL queries per request.
    The registry page gives the documents their URLs, as on the site."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    registry_page()
    client = Client()
    for query in queries[:20]:
        client.get("/api/search/", {"q": query})
    times, sql = [], []
    for query in queries:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/api/search/", {"q": query})
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET /api/search/?q={query!r}: {response.status_code}")
        sql.append(len(captured))
    print(f"latency of GET /api/search/?q= (in process, {label}), ms:")
    print(f"  {'queries':24} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    print(latency_line("all", times))
    print(f"  SQL queries per request: median {statistics.median(sql):.0f}, max {max(sql)}")


def explain(query):
    """EXPLAIN ANALYZE of the ranked statement on PostgreSQL: the GIN index must be used."""
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    from documents.models import NormativeDocument
    from search.backends.postgres import planner_settings

    backend = get_search_backend()
    compiler = backend.search(query, NormativeDocument.objects.filter(live=True)).query_compiler
    sql, params = backend.dialect.statement("e.id", compiler.search_sql(backend))
    with planner_settings(connection.alias) as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print(f"EXPLAIN ANALYZE (match and scope of {query!r}):")
    for line in plan:
        if any(word in line for word in ("Scan", "Join", "Execution")):
            print(f"  {line.strip()}")


def quality_line(kind, ranks):
    n = len(ranks)
    top10 = sum(rank is not None for rank in ranks)
    first = sum(rank == 1 for rank in ranks)
    mrr = sum(1 / rank for rank in ranks if rank) / n if n else 0
    misses = ""
    return f"{kind:16} n={n:3}  top 10: {top10}/{n}  first: {first}/{n}  MRR {mrr:.3f}{misses}"


def latency_line(kind, values):
    return (
        f"  {kind:24} {len(values):5} {percentile(values, 0.5):7.1f} "
        f"{percentile(values, 0.95):7.1f} {percentile(values, 0.99):7.1f} "
        f"{max(values) * 1000:7.1f}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        sys.path.insert(0, str(ROOT))
        worker(sys.argv[2])
    else:
        main(sys.argv[1:])
