"""`manage.py import_documents` on the law corpus: throughput, memory, idempotency.

Imports ../shared/corpus/laws (3,475 Markdown files, 58 MB) when it exists next to the project,
else a generated corpus of 300 files (Markdown, GB18030 text and Word), into a throwaway SQLite
database (DATABASE_URL is ignored) with DEBUG off, then imports it again: the second run must skip
every file. Prints, per run, the command's summary (counts, seconds, files/s, MB/s), its peak
memory and the CPU seconds it used (wall time moves with whatever else the machine runs).

Environment: BENCH_IMPORT_CORPUS (a folder to import instead), BENCH_IMPORT_VARIANTS (comma-
separated extra runs on a fresh database: `no-files`, `index-row`, `index-off`).
`make bench BENCH=import` runs it.
"""

import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pages import PYTHON, ROOT, bench_env, manage

CORPUS = ROOT.parent / "shared" / "corpus" / "laws"
VARIANTS = {
    "no-files": ["--no-files"],
    "index-row": ["--index", "row"],
    "index-off": ["--index", "off"],
}

CLAUSES = [
    "为了规范行政行为，保障公民、法人和其他组织的合法权益，根据有关法律法规，结合本县实际，制定本办法。",
    "县人民政府应当加强对本行政区域内相关工作的领导，建立健全工作协调机制。",
    "乡镇人民政府、街道办事处负责本辖区内的具体实施工作，村（居）民委员会予以协助。",
    "任何单位和个人都有权对违反本办法的行为进行举报，有关部门应当及时调查处理。",
    "违反本办法规定的，由有关主管部门责令改正；情节严重的，依法给予处分。",
]
CHAPTERS = ["总则", "管理职责", "监督检查", "法律责任", "附则"]
ORGANS = ["县人民政府", "县人民政府办公室", "县教育局", "县自然资源局", "县卫生健康委员会"]


def generated_corpus(folder, count=300, seed=2026):
    """`count` documents in the corpus's layout: Markdown with a header, plain text in GB18030 and
    Word files, in category folders."""
    import docx

    rng = random.Random(seed)  # noqa: S311 - repeatable filler text, not security
    for n in range(count):
        category = folder / ["规范性文件", "地方性法规", "部门规章"][n % 3]
        category.mkdir(parents=True, exist_ok=True)
        organ = ORGANS[n % len(ORGANS)]
        title = f"{organ}关于加强第{n + 1}项工作的管理办法"
        year, month, day = 2010 + n % 16, 1 + n % 12, 1 + n % 28
        lines = []
        article = 0
        for chapter_number, chapter in enumerate(CHAPTERS, 1):
            lines.append(f"## 第{chapter_number}章 {chapter}")
            for _ in range(rng.randint(3, 8)):
                article += 1
                lines.append(f"第{article}条　{rng.choice(CLAUSES)}{rng.choice(CLAUSES)}")
        kind = n % 10
        if kind < 8:
            header = f"{year}年{month}月{day}日 {organ}第{n % 30 + 1}次常务会议通过"
            text = f"# {title}\n\n{header}\n\n<!-- INFO END -->\n\n" + "\n\n".join(lines)
            (category / f"{title}.md").write_text(text, encoding="utf-8")
        elif kind == 8:
            number = f"县政发〔{year}〕{n + 1}号"
            text = "\n".join([number, title, *lines, organ, f"{year}年{month}月{day}日"])
            (category / f"{title}.txt").write_bytes(text.encode("gb18030"))
        else:
            document = docx.Document()
            for line in [title, *lines, organ, f"{year}年{month}月{day}日"]:
                document.add_paragraph(line)
            document.save(category / f"{title}.docx")
    return folder


def import_run(env, corpus, *options):
    """Run the command once; returns (summary lines, wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "manage.py", "import_documents", str(corpus), "-v2", *options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [
        line
        for line in result.stdout.splitlines()
        if re.match(r"(导入 \d|内存峰值|跳过（重复）|需人工录入|未更新搜索索引)", line)
    ]
    failures = [line for line in result.stderr.splitlines() if line.startswith("失败")]
    if result.returncode:
        lines.append(f"exit status {result.returncode}: {result.stderr.strip()[-300:]}")
    return lines + failures[:10], wall, cpu


def size_mb(path):
    if not path.exists():
        return 0.0
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / (1024 * 1024)


def fresh_database(workdir, base, name):
    target = workdir / name
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{base}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")
    return target


def main(argv=()):
    workdir = Path(tempfile.mkdtemp(prefix="county-bench-import-"))
    try:
        corpus = os.environ.get("BENCH_IMPORT_CORPUS")
        corpus = Path(corpus) if corpus else CORPUS
        if not corpus.is_dir():
            corpus = generated_corpus(workdir / "corpus")
            source = "generated corpus (300 files)"
        else:
            source = str(corpus)
        files = sum(1 for path in corpus.rglob("*") if path.is_file())
        print(f"== import_documents: {source}, {files} files, {size_mb(corpus):.1f} MB (SQLite)")

        base_env = bench_env(workdir)
        base = Path(base_env["DATABASE_URL"].removeprefix("sqlite:///"))
        started = time.perf_counter()
        manage(base_env, "migrate", "--noinput")
        print(f"setup (migrate): {time.perf_counter() - started:.1f} s")

        runs = [("import", [], "import.sqlite3"), ("re-import (idempotent)", [], None)]
        for name in filter(None, os.environ.get("BENCH_IMPORT_VARIANTS", "").split(",")):
            runs.append((f"variant {name}", VARIANTS[name.strip()], f"{name.strip()}.sqlite3"))
        env = None
        for title, options, database in runs:
            if database:  # a fresh copy of the migrated database, and its own media folder
                env = dict(base_env)
                env["DATABASE_URL"] = f"sqlite:///{fresh_database(workdir, base, database)}"
                env["DJANGO_MEDIA_ROOT"] = str(workdir / f"media-{database}")
            lines, wall, cpu = import_run(env, corpus, *options)
            print(f"-- {title} {' '.join(options)}: wall {wall:.1f} s, CPU {cpu:.1f} s")
            for line in lines:
                print(f"   {line}")
            database_file = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
            print(
                f"   database {size_mb(database_file) + size_mb(Path(f'{database_file}-wal')):.0f}"
                f" MB, media {size_mb(Path(env['DJANGO_MEDIA_ROOT'])):.0f} MB"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
