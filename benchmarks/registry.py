"""The public registry of normative documents at the size of the law corpus (`make bench
BENCH=registry`).

Builds a throwaway database with the demo content (which creates the registry page
/normative-documents/ and its 25 demo documents), imports ../shared/corpus/laws (3,475 laws)
with `manage.py import_documents --no-files --index off` (the registry pages use neither the
attached files nor the search index) or, when the folder is missing, bulk-creates 3,500 generated
documents of the corpus's sizes; then gives the documents reviews with bulk_create: 60 % concluded
(82 % 未发现问题, 9 % 建议修改, 6 % 已纠正, 3 % 已撤销; one in twelve of them after an earlier
concluded review), 10 % open (接收登记 or 审查中), 30 % never reviewed. Then loads, with the pages
harness (benchmarks/pages.py: gunicorn, 2 workers, DEBUG off, wrk), the registry's first page,
page 50, two lists filtered by two facets (制定机关 + 年度, 年度 + 审查结论), the longest law
(刑法 when present, else the longest full text), the law of median length, statistics/ and the
catalogue of the busiest year. Prints SQL queries, requests/s, p50/p99 and CPU ms per request,
with 2 connections unless BENCH_CONNECTIONS says otherwise (see connections()).

Runs on SQLite (a temporary file) and, when DATABASE_URL points at PostgreSQL, also on a
throwaway database created next to it (<name>_bench_registry, dropped afterwards); the database
in DATABASE_URL itself is never touched. Environment: BENCH_REGISTRY_CORPUS (another folder; a
missing one means the generated documents), BENCH_REGISTRY_DATABASES (`sqlite`, `postgres` or
both, comma-separated; default sqlite, plus postgres when DATABASE_URL is PostgreSQL), and the
harness's BENCH_SECONDS / BENCH_CONNECTIONS.
"""

import contextlib
import datetime
import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from benchmarks import pages
from benchmarks.pages import PYTHON, ROOT

CORPUS = ROOT.parent / "shared" / "corpus" / "laws"
SLUG = "normative-documents"
SEED = 2026
GENERATED = 3500
PAGE = 50
LONG_LAW = "刑法/刑法.md"
IMPORT_OPTIONS = ["--no-files", "--index", "off", "-v0"]


# --- the parent: one harness run per database --------------------------------------------------


def corpus_folder():
    folder = os.environ.get("BENCH_REGISTRY_CORPUS")
    return Path(folder) if folder else CORPUS


def prepare(urls):
    """The harness's `prepare(env)`: import or generate the documents, add reviews, then fill
    `urls` (the harness reads it after prepare) with the pages to load."""

    def run(env):
        corpus = corpus_folder()
        if corpus.is_dir():
            subprocess.run(
                [PYTHON, "manage.py", "import_documents", str(corpus), *IMPORT_OPTIONS],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        result = subprocess.run(
            [PYTHON, "-m", "benchmarks.registry", "--prepare", "" if corpus.is_dir() else "gen"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        chosen = json.loads(result.stdout.strip().splitlines()[-1])
        for line in chosen.pop("notes"):
            print(f"   {line}")
        urls.extend(chosen["urls"])

    return run


@contextlib.contextmanager
def database(url):
    """pages.run() always builds a SQLite file (bench_env); point it at `url` instead."""
    if url is None:
        yield
        return
    original = pages.bench_env

    def bench_env(workdir):
        env = original(workdir)
        env["DATABASE_URL"] = url
        return env

    pages.bench_env = bench_env
    try:
        yield
    finally:
        pages.bench_env = original


@contextlib.contextmanager
def postgres_database(url):
    """A throwaway database next to the one in `url`, dropped afterwards."""
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    name = f"{parsed.path.lstrip('/') or 'county'}_bench_registry"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def connections(default):
    """The registry's heaviest pages take 100-200 CPU ms: with the harness's 8 connections on 2
    workers a busy machine queues requests past wrk's 2 s timeout, and timed-out requests are
    neither counted nor timed (their CPU is, inflating CPU ms per request). Two connections keep
    both workers busy without queueing; BENCH_CONNECTIONS still wins when set."""
    if "BENCH_CONNECTIONS" in os.environ:
        yield
        return
    os.environ["BENCH_CONNECTIONS"] = str(default)
    try:
        yield
    finally:
        del os.environ["BENCH_CONNECTIONS"]


def main(argv=()):
    with connections(2):
        run_all()


def run_all():
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    default = "sqlite,postgres" if on_postgres else "sqlite"
    selected = [
        name.strip() for name in os.environ.get("BENCH_REGISTRY_DATABASES", default).split(",")
    ]
    corpus = corpus_folder()
    source = f"{corpus.name} corpus" if corpus.is_dir() else f"{GENERATED} generated documents"
    if "sqlite" in selected:
        urls = []
        pages.run(f"normative-documents registry, {source}", urls, prepare=prepare(urls))
    if "postgres" in selected:
        if not on_postgres:
            print("== registry on PostgreSQL: skipped, DATABASE_URL is not PostgreSQL")
            return
        with postgres_database(url) as throwaway, database(throwaway):
            urls = []
            name = urlparse(throwaway).path.lstrip("/")
            pages.run(
                f"normative-documents registry, {source}, on PostgreSQL {name}"
                " (the harness's header says SQLite)",
                urls,
                prepare=prepare(urls),
            )


# --- the worker: reviews and the URLs, inside Django --------------------------------------------

CONCLUSIONS = [("no_problem", 82), ("suggest_change", 9), ("corrected", 6), ("revoked", 3)]
OPINIONS = {
    "no_problem": "经审查，未发现该文件存在违背宪法规定、宪法原则或宪法精神，"
    "以及同法律法规相抵触的问题。",
    "suggest_change": "经审查，该文件第{n}条的规定缺乏上位法依据，建议制定机关予以修改。",
    "corrected": "经审查，该文件第{n}条的规定与上位法不一致，经沟通，制定机关已自行纠正。",
    "revoked": "经审查，该文件设定的收费事项没有法律法规依据，制定机关已撤销该文件。",
}
CLAUSES = [
    "为了规范行政行为，保障公民、法人和其他组织的合法权益，根据有关法律法规，结合本县实际，"
    "制定本办法。",
    "县人民政府应当加强对本行政区域内相关工作的领导，建立健全工作协调机制，"
    "将所需经费列入本级财政预算。",
    "乡镇人民政府、街道办事处负责本辖区内的具体实施工作，村（居）民委员会予以协助。",
    "任何单位和个人都有权对违反本办法的行为进行举报，有关部门应当及时调查处理，并为举报人保密。",
    "违反本办法规定的，由有关主管部门责令改正；情节严重的，对直接负责的主管人员和其他直接"
    "责任人员依法给予处分。",
]
CHAPTERS = ["总则", "规划与建设", "管理与保护", "监督检查", "法律责任", "附则"]
DIGITS = "零一二三四五六七八九"


def chinese(n):
    """1..999 in Chinese numerals (第一百二十三条)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("一" if hundreds else "") * (tens == 1) + (DIGITS[tens] if tens > 1 else "") + "十"
    elif hundreds and ones:
        text += "零"
    return text + (DIGITS[ones] if ones else "")


def generated_text(title, characters, rng):
    lines = [title]
    article = 0
    chapters = max(1, min(len(CHAPTERS), characters // 3000))
    per_chapter = characters // chapters
    for number in range(chapters):
        lines.append(f"第{chinese(number + 1)}章　{CHAPTERS[number]}")
        written = 0
        while written < per_chapter and article < 999:
            article += 1
            line = f"第{chinese(article)}条　{rng.choice(CLAUSES)}{rng.choice(CLAUSES)}"
            lines.append(line)
            written += len(line)
    return "\n".join(lines)


def generate_documents(rng):
    """GENERATED documents of the corpus's shape: 180 issuing bodies, 1979–2025, full texts of
    median 4,700 characters with a long tail (the longest about 100,000), bulk-created."""
    from documents.models import IssuingBody, NormativeDocument

    bodies = IssuingBody.objects.bulk_create(
        [IssuingBody(name=f"第{n + 1}制定机关（生成）", sort_order=n) for n in range(180)]
    )
    weights = [1 / (n + 1) for n in range(len(bodies))]  # a few busy bodies, many quiet ones
    documents = []
    for n in range(GENERATED):
        characters = (
            100_000 if n == 0 else min(int(rng.lognormvariate(math.log(4700), 0.9)), 90_000)
        )
        year = rng.randint(1979, 2025)
        issued = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        title = f"关于加强第{n + 1}项工作的管理条例"
        documents.append(
            NormativeDocument(
                title=title,
                number=f"生成〔{year}〕{n + 1}号",
                issuing_body=rng.choices(bodies, weights)[0],
                category=rng.choice(["地方性法规", "行政法规", "司法解释", "部门规章"]),
                date_issued=issued,
                validity=NormativeDocument.VALID if rng.random() < 0.9 else "amended",
                summary="",
                full_text=generated_text(title, characters, rng),
                text_status=NormativeDocument.TEXT_OK,
                live=True,
                has_unpublished_changes=False,
                source_path=f"generated/{n:05d}.md",
            )
        )
    NormativeDocument.objects.bulk_create(documents, batch_size=200)


def add_reviews(rng):
    """Reviews for every live document without one (the demo's 25 keep theirs)."""
    from documents.models import NormativeDocument, Review

    today = datetime.date.today()
    documents = (
        NormativeDocument.objects.public()
        .filter(reviews__isnull=True)
        .order_by("pk")
        .values_list("pk", "date_issued")
    )
    conclusions, weights = zip(*CONCLUSIONS, strict=True)
    reviews = []

    def concluded(pk, received, kind=Review.ACTIVE):
        started = received + datetime.timedelta(days=rng.randint(1, 10))
        ended = started + datetime.timedelta(days=rng.randint(15, 90))
        conclusion = rng.choices(conclusions, weights)[0]
        return Review(
            document_id=pk,
            kind=kind,
            stage=Review.CONCLUDED,
            received_date=received,
            started_date=started,
            concluded_date=ended,
            conclusion=conclusion,
            opinion=OPINIONS[conclusion].format(n=chinese(rng.randint(2, 30))),
        )

    counts = {"concluded": 0, "open": 0, "none": 0, "reviews": 0}
    for pk, issued in documents:
        received = (issued or datetime.date(2020, 1, 1)) + datetime.timedelta(
            days=rng.randint(5, 30)
        )
        roll = rng.random()
        if roll < 0.60 and received + datetime.timedelta(days=100) < today:
            if rng.random() < 1 / 12:  # an earlier review, then one on request
                reviews.append(concluded(pk, received))
                received = received + datetime.timedelta(days=rng.randint(120, 700))
                reviews.append(
                    concluded(pk, min(received, today - datetime.timedelta(100)), "on_request")
                )
            else:
                reviews.append(concluded(pk, received))
            counts["concluded"] += 1
        elif roll < 0.70:
            received = min(received, today)
            reviewing = rng.random() < 0.5
            reviews.append(
                Review(
                    document_id=pk,
                    kind=Review.ACTIVE,
                    stage=Review.REVIEWING if reviewing else Review.RECEIVED,
                    received_date=received,
                    started_date=received if reviewing else None,
                )
            )
            counts["open"] += 1
        else:
            counts["none"] += 1
    Review.objects.bulk_create(reviews, batch_size=500)
    counts["reviews"] = len(reviews)
    return counts


def choose_urls():
    """The URLs to load and a few notes on what they hold."""
    from django.db.models import Count
    from django.db.models.functions import Length
    from wagtail.models import Site

    from documents.factories import DocumentRegistryPageFactory
    from documents.models import DocumentRegistryPage, NormativeDocument, Review
    from documents.stats import document_year

    page = DocumentRegistryPage.objects.first()
    if page is None:  # the demo content normally creates it
        home = Site.objects.get(is_default_site=True).root_page
        page = DocumentRegistryPageFactory(parent=home, slug=SLUG)
    base = page.url
    public = NormativeDocument.objects.public()
    by_length = public.annotate(length=Length("full_text")).order_by("length", "pk")
    total = public.count()
    long_law = public.filter(source_path=LONG_LAW).annotate(length=Length("full_text")).first()
    if long_law is None:
        long_law = by_length.last()
    median = by_length[total // 2]
    years = (
        public.order_by()
        .annotate(y=document_year())
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    busiest_year = years[0]
    body = (
        public.order_by()
        .values("issuing_body")
        .annotate(n=Count("pk"))
        .filter(issuing_body__isnull=False)
        .order_by("-n")[0]
    )
    body_year = (
        public.filter(issuing_body=body["issuing_body"])
        .order_by()
        .annotate(y=document_year())
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]
    )
    urls = [
        base,
        f"{base}?page={PAGE}",
        f"{base}?body={body['issuing_body']}&year={body_year['y']}",
        f"{base}?year={busiest_year['y']}&conclusion=no_problem",
        f"{base}{long_law.pk}/",
        f"{base}{median.pk}/",
        f"{base}statistics/",
        f"{base}catalogue/{busiest_year['y']}/",
    ]
    notes = [
        f"{total} public documents, {public.values('issuing_body').distinct().count()} issuing"
        f" bodies, {Review.objects.count()} reviews",
        f"long document: {long_law.title} ({long_law.length:,} characters);"
        f" median: {median.title} ({median.length:,} characters)",
        f"catalogue {busiest_year['y']}: {busiest_year['n']} documents;"
        f" body {body['issuing_body']} in {body_year['y']}: {body_year['n']} documents",
    ]
    return urls, notes


def prepare_worker(generate):
    import django

    django.setup()
    rng = random.Random(SEED)  # noqa: S311 - repeatable benchmark data, not security
    notes = []
    if generate:
        generate_documents(rng)
    counts = add_reviews(rng)
    notes.append(
        f"reviews added: {counts['reviews']} for {counts['concluded']} concluded,"
        f" {counts['open']} open, {counts['none']} documents without a review"
    )
    urls, more = choose_urls()
    print(json.dumps({"urls": urls, "notes": notes + more}, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare_worker(generate=sys.argv[2:3] == ["gen"])
    else:
        main(sys.argv[1:])
