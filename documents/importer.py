"""Import normative documents from files and folders: `manage.py import_documents PATH...`.

Every file found (folders are walked recursively, in name order, lazily) becomes a
`NormativeDocument`: its text is extracted (documents/extract.py), the title, document number
(文号), issuing body (制定机关) and dates are read from the text where present, and the file
itself is attached as a Wagtail document (`DocumentFile`, label 正文) unless `attach_files` is off.

Identity (docs/documents-import.md): `source_path` is the file's path relative to the PATH it was
found under (a file given directly: its name), `content_hash` the SHA-256 of its bytes.

- same source_path, same hash        → skipped (unchanged)
- same source_path, another hash     → updated (fields from the file, the attached file replaced)
- new source_path, hash already seen → skipped as a duplicate, reported
- otherwise                          → imported

Files are processed in batches: hashed, looked up with two queries per batch, extracted outside
any transaction, then written in one transaction per batch (a savepoint per file, so one bad file
loses nothing else). Only one batch's texts are held in memory. The search and reference indexes
are updated once per batch (`Indexing`) rather than on each save.
"""

import datetime
import hashlib
import logging
import os
import re
import resource
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.indexing import search_auto_update_paused, update_search_index
from core.models import FileCollection

from . import numerals
from .extract import (
    MARKDOWN_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    TEXT_FAILED,
    TEXT_NO_LAYER,
    ExtractResult,
    extract_text,
    unsupported_message,
)
from .models import DocumentFile, IssuingBody, NormativeDocument
from .models.registry import number_key

logger = logging.getLogger(__name__)

SOURCE_LABEL = "正文"  # the DocumentFile label of the imported file
DEFAULT_BATCH_SIZE = 100
BATCH_TEXT_LIMIT = 32 * 1024 * 1024  # characters of extracted text held before writing early
QUERY_CHUNK = 500
HASH_CHUNK = 1024 * 1024


def _max_length(model, name):
    return model._meta.get_field(name).max_length


# --- finding files ------------------------------------------------------------------------------


@dataclass
class SourceFile:
    path: Path
    source_path: str  # relative to the PATH argument it was found under
    category: str = ""
    error: str = ""  # a folder that could not be read


def is_ignored(name):
    """Hidden files (.DS_Store) and Office lock files (~$文件.docx) are not documents."""
    return name.startswith((".", "~$")) or name in ("Thumbs.db", "desktop.ini")


def _walk(directory):
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield Path(directory), f"无法读取文件夹：{error.strerror or error}"
        return
    for entry in entries:
        if is_ignored(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)
        elif entry.is_file():
            yield Path(entry.path), ""


def iter_source_files(paths, category=None) -> Iterator[SourceFile]:
    """The files under `paths`, lazily: a folder's files in name order, recursively. Category is
    the top folder below the PATH (刑法, 北京地方法规 …), blank for a file given directly, or
    `category` when given."""
    for argument in paths:
        root = Path(argument)
        if root.is_file():
            yield SourceFile(root, root.name, category or "")
            continue
        for path, error in _walk(root):
            relative = path.relative_to(root)
            top = relative.parts[0] if len(relative.parts) > 1 else ""
            yield SourceFile(path, relative.as_posix(), category or top, error)


def missing_paths(paths):
    return [str(path) for path in paths if not Path(path).exists()]


# --- reading metadata from the text -------------------------------------------------------------

CJK = "\u4e00-\u9fff"
NUM = re.escape(numerals.NUMERAL_CHARS)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CHINESE_DATE = re.compile(
    r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"\s*([一二三四五六七八九十]{1,3})\s*日"
)
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９Ｏ", "0123456789〇")
EFFECTIVE = re.compile(r"[\s（(]*(?:起|开始)?\s*(?:施行|实施|生效|执行)")
EFFECTIVE_IN_TEXT = re.compile(
    r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|执行|生效)"
)
APPROVAL = re.compile(r"批准")
# 北京市第十六届人民代表大会常务委员会第三次会议, 国务院第186次常务会议,
# 最高人民法院审判委员会第1811次会议
MEETING = re.compile(rf"([{CJK}、]{{2,40}}?)第?[{NUM}]+次[{CJK}]{{0,4}}?会议")
TERM = re.compile(rf"第?[{NUM}]+届")
ORDER = re.compile(rf"([{CJK}、]{{2,40}}?)令\s*(?:〔\d{{4}}〕)?\s*第\s*([{NUM}]+)\s*号")
VERB = re.compile(rf"([{CJK}、]{{2,30}}?)(?:公告|通知)?(?:发布|公布|批准|印发|通过|制定|修订)")
# 县政发〔2026〕3号, 法释〔2020〕18号, 劳部发[1995]309号
NUMBER = re.compile(
    rf"([{CJK}]{{1,10}})\s*[〔\[［【(（]\s*((?:19|20)\d{{2}})\s*[〕\]］】)）]\s*(第?)\s*(\d+)\s*号"
)
ORG_END = tuple("会院局部署厅委办府行社室心")
PRC = "中华人民共和国"
FILENAME_DATE = re.compile(r"\s*[（(](\d{4})-(\d{1,2})-(\d{1,2})[)）]\s*$")
RED_HEAD = re.compile(rf"([{CJK}、]{{2,40}}?)文件")
TITLE_PREFIX_BODY = re.compile(rf"^([{CJK}、]{{2,40}}?)关于")
BODY_START = re.compile(
    rf"^(?:第[{NUM}]+[编章节条]|[一二三四五六七八九十]+、|各.{{1,60}}：$|.{{1,60}}：$)"
)
NOT_TITLE = re.compile(
    r"^(?:.{2,40}文件|.*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）].*号|签发人.*|"
    r"[★*☆]?\s*(?:特急|加急|急件|平急|特提|秘密|机密|绝密).*|\d{4,}|[-—–－\s\d]+)$"
)
# How the titles of normative documents end (…的通知, …管理办法).
TITLE_ENDS = ("通知", "决定", "意见", "办法", "规定", "条例", "细则", "方案", "批复", "公告")
TITLE_ENDS += ("通告", "决议", "规则", "规程", "纲要", "措施", "规划", "解释", "章程", "制度")
SENTENCE_END = ("。", "；", "！", "？", "：", "，")
TITLE_MAX_LINE = 100
HEADER_LINES = 12
TAIL_LINES = 8


@dataclass
class Metadata:
    title: str
    number: str = ""
    issuing_body: str = ""
    date_issued: datetime.date = None
    date_effective: datetime.date = None
    summary: str = ""


@dataclass
class Event:
    """A dated line of a header (题注): '2009年2月28日 第十一届…会议通过'."""

    date: datetime.date
    text: str  # what follows the date, up to the next date

    @property
    def is_effective(self):
        return bool(EFFECTIVE.match(self.text))


def _date(year, month, day):
    try:
        value = datetime.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None
    return value if 1900 <= value.year <= timezone.localdate().year + 1 else None


def find_dates(text):
    """[(start, end, date)] of the dates in `text`: 2026年3月1日 and 二〇二六年三月一日."""
    text = text.translate(FULL_WIDTH_DIGITS)
    found = [(m.start(), m.end(), _date(*m.groups())) for m in DATE.finditer(text)]
    for match in CHINESE_DATE.finditer(text):
        parts = [numerals.parse(part) for part in match.groups()]
        found.append((match.start(), match.end(), _date(*parts) if None not in parts else None))
    return sorted(item for item in found if item[2] is not None)


def header_events(header):
    dates = find_dates(header)
    text = header.translate(FULL_WIDTH_DIGITS)
    events = []
    for index, (_start, end, date) in enumerate(dates):
        stop = dates[index + 1][0] if index + 1 < len(dates) else len(text)
        events.append(Event(date, text[end:stop].strip()))
    return events


def clean_body(name):
    """'第十一届全国人民代表大会常务委员会' → '全国人民代表大会常务委员会'; None if not an
    organisation's name."""
    if not name:
        return None
    name = re.sub(r"^(?:并经|经|由|在)", "", name)
    name = TERM.sub("", name).replace(PRC, "")
    name = re.sub(r"(?:审判委员会|检察委员会)$", "", name)
    name = name.strip("、")
    if not 2 <= len(name) <= _max_length(IssuingBody, "name") or not name.endswith(ORG_END):
        return None
    return name


def body_of_event(event):
    text = event.text.lstrip(" （(")
    for pattern in (MEETING, ORDER):
        match = pattern.search(text)
        if match and match.start() <= 2:
            body = clean_body(match.group(1))
            if body and body != "主席":
                return body
    match = VERB.match(text)
    return clean_body(match.group(1)) if match else None


def number_in(text):
    """The document number (文号) in a header: 县政发〔2026〕3号, else an order number
    (国务院令第338号, 主席令第七十三号)."""
    text = text.translate(FULL_WIDTH_DIGITS)
    match = NUMBER.search(text)
    if match:
        prefix = re.split(r"[以经由的]", match.group(1))[-1]
        return f"{prefix}〔{match.group(2)}〕{match.group(3)}{match.group(4)}号"
    match = ORDER.search(text)
    if match:
        issuer = re.split(r"[以经由的]", match.group(1))[-1].replace(PRC, "").strip("、")
        return f"{issuer}令第{match.group(2)}号"
    return ""


def guess_title(lines):
    """The title of a document without Markdown: the first line that is not a red head
    (XX文件), a document number, a signer or a secrecy mark; a title broken over two lines
    (…关于印发 / …办法的通知) is joined. Returns (title, first line index, last line index)."""
    for index, line in enumerate(lines[:HEADER_LINES]):
        if (
            not 2 <= len(line) <= TITLE_MAX_LINE
            or line.endswith(SENTENCE_END)
            or NOT_TITLE.match(line)
            or find_dates(line)
        ):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            following
            and not line.endswith(TITLE_ENDS)
            and following.endswith(TITLE_ENDS)
            and not BODY_START.match(following)
            and len(line) + len(following) <= 80
        ):
            return line + following, index, index + 1
        return line, index, index
    return "", 0, -1


def fallback_title(filename):
    stem = Path(filename).stem
    return FILENAME_DATE.sub("", stem).strip() or stem


def filename_date(filename):
    match = FILENAME_DATE.search(Path(filename).stem)
    return _date(*match.groups()) if match else None


def date_line(line):
    """The date of a line that is nothing but a date (a closing date, 落款), else None."""
    compact = re.sub(r"[\s（）()]", "", line)
    dates = find_dates(compact)
    if len(dates) == 1 and dates[0][0] == 0 and dates[0][1] == len(compact):
        return dates[0][2]
    return None


def is_prose(line):
    return len(line) > 60 and "。" in line


def parse_metadata(result: ExtractResult, filename):
    """Title, number, issuing body, dates and summary of a document from its extracted text.

    Markdown of the law corpus: title from the `# ` line, header (题注) = the lines before
    `<!-- INFO END -->`. Other files: title = the first line that looks like one (else the
    file's title property, else its name); header = the lines above the title and the lines
    below it up to the body (第一条, 一、, a salutation ending in ：); the closing lines (落款)
    give the issuing body and date when the header does not.

    date_issued is the latest adoption or amendment date in the header (the version the text
    is), else the closing date, else a (YYYY-MM-DD) in the file name; the full header, with the
    original adoption date, is kept as the summary. date_effective is a 施行 date in the header
    or the text's 自…起施行, dropped when earlier than date_issued (the original commencement of
    an amended text)."""
    lines = [line for line in result.text.split("\n") if line.strip()]
    guessed, first, last = guess_title(lines)
    markdown = Path(filename).suffix.lower() in MARKDOWN_EXTENSIONS
    title = (result.title if markdown else "") or guessed or result.title
    title = title or fallback_title(filename)
    if result.header:
        header_lines = result.header.split("\n")
    else:
        header_lines = lines[:first]
        for line in lines[last + 1 : last + 1 + HEADER_LINES]:
            if BODY_START.match(line):
                break
            header_lines.append(line)
    # Prose (a preamble, a case report before the marker) is not a header: its dates are events.
    header_lines = [line for line in header_lines if line.strip() and not is_prose(line)]
    header = "\n".join(header_lines)

    events = header_events(header)
    adopted = [event for event in events if not event.is_effective]
    date_issued = max((event.date for event in adopted), default=None)
    date_effective = max((event.date for event in events if event.is_effective), default=None)
    if date_effective is None:
        stated = EFFECTIVE_IN_TEXT.findall(result.text)  # \d matches full-width digits too
        dates = find_dates(stated[-1]) if stated else []
        date_effective = dates[0][2] if dates else None

    approved_last = sorted(adopted, key=lambda event: bool(APPROVAL.search(event.text)))
    body = next(filter(None, map(body_of_event, approved_last)), None)
    body = body or _body_from_layout(header_lines if result.header else lines, title)
    if not result.header and date_issued is None:
        closing = [date_line(line) for line in lines[-TAIL_LINES:]]
        date_issued = next((date for date in reversed(closing) if date), None)
    date_issued = date_issued or filename_date(filename)
    if date_effective and date_issued and date_effective < date_issued:
        date_effective = None

    summary_limit = NormativeDocument._meta.get_field("summary").max_length
    return Metadata(
        title=title[: _max_length(NormativeDocument, "title")],
        number=number_in(header)[: _max_length(NormativeDocument, "number")],
        issuing_body=body or "",
        date_issued=date_issued,
        date_effective=date_effective,
        summary=whole_lines(header, summary_limit) if events else "",
    )


def whole_lines(text, limit):
    """As many whole lines of `text` as fit in `limit` characters (at least the first, cut)."""
    kept, length = [], 0
    for line in text.split("\n"):
        if length + len(line) + 1 > limit + 1:
            break
        kept.append(line)
        length += len(line) + 1
    return "\n".join(kept) if kept else text[:limit]


def _body_from_layout(lines, title):
    """A government document's issuing body: its red head (XX人民政府文件), the title's
    XX关于…, or the signature line above the closing date (落款)."""
    for line in lines[:3]:
        match = RED_HEAD.fullmatch(line)
        if match and clean_body(match.group(1)):
            return clean_body(match.group(1))
    match = TITLE_PREFIX_BODY.match(title)
    if match and clean_body(match.group(1)):
        return clean_body(match.group(1))
    tail = lines[-TAIL_LINES:]
    for index in range(len(tail) - 1, 0, -1):
        if date_line(tail[index]):
            return clean_body(re.sub(r"\s", "", tail[index - 1]))
    return None


# --- search and reference indexes ---------------------------------------------------------------


class Indexing:
    """How the search index and Wagtail's reference index (the "usage" of files) follow an import.

    batch (default): Wagtail's per-save signals are paused for the imported models; before each
        batch commits, its objects are indexed with the search backends' `add_bulk` and their
        references recorded once per object;
    row: Wagtail's signals index every object as it is saved, as in the admin (slow: the
        database backend recomputes its title norms over the whole index on each save);
    off: neither is updated: run `manage.py update_index` and
        `manage.py rebuild_references_index` afterwards.

    Backend-agnostic: whatever `WAGTAILSEARCH_BACKENDS` configures receives the objects."""

    MODES = ("batch", "row", "off")

    def __init__(self, mode="batch"):
        if mode not in self.MODES:
            raise ValueError(mode)
        self.mode = mode

    @contextmanager
    def paused(self, *models):
        """Pause the signals of `models` (the search one process-wide: for commands only)."""
        if self.mode == "row":
            yield
            return
        with search_auto_update_paused(*models), disable_reference_index_auto_update():
            yield

    def flush(self, objects):
        """Index `objects` (of any of the imported models) in batch mode."""
        if self.mode != "batch":
            return
        by_model = {}
        for obj in objects:
            by_model.setdefault(type(obj), []).append(obj.pk)
            if ReferenceIndex.is_indexed(type(obj)):
                ReferenceIndex.create_or_update_for_object(obj)
        for model, pks in by_model.items():
            update_search_index(model, pks)


# --- the import ---------------------------------------------------------------------------------


class FileError(Exception):
    """This file cannot be imported: the message (Chinese) says why."""


@dataclass
class Stats:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    flagged: int = 0  # imported or updated, but without a text layer (需人工录入)
    number_taken: int = 0  # imported or updated with a 文号 another document already has
    files: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float = None
    cpu_started: float = field(default_factory=lambda: Stats.cpu_seconds_used())
    cpu_finished: float = None

    @property
    def skipped(self):
        return self.unchanged + self.duplicates

    @property
    def seconds(self):
        return (self.finished or time.monotonic()) - self.started

    @property
    def all_failed(self):
        return self.files > 0 and self.failed == self.files

    @property
    def cpu_seconds(self):
        """CPU time of the import (user + system): steadier than wall time on a busy machine."""
        return (self.cpu_finished or self.cpu_seconds_used()) - self.cpu_started

    @staticmethod
    def cpu_seconds_used():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    @staticmethod
    def peak_rss_mb():
        """Peak resident memory of this process (Linux reports KiB)."""
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Prepared:
    source: SourceFile
    digest: str
    size: int
    existing: NormativeDocument = None  # the document to update
    result: ExtractResult = None
    metadata: Metadata = None


class DocumentImporter:
    """Import files as NormativeDocuments. `report(kind, source_path, message)` is called for
    every file: kind one of imported, updated, unchanged, duplicate, failed, flagged,
    number_taken (flagged and number_taken come in addition to imported or updated)."""

    def __init__(
        self,
        *,
        attach_files=True,
        live=True,
        batch_size=DEFAULT_BATCH_SIZE,
        indexing="batch",
        category=None,
        report=None,
        max_file_size=None,
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.attach_files = attach_files
        self.live = live
        self.batch_size = batch_size
        self.indexing = Indexing(indexing)
        self.category = category
        self.report = report or (lambda kind, source_path, message="": None)
        self.max_file_size = max_file_size or getattr(
            settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", 50 * 1024 * 1024
        )
        self.stats = Stats()
        self.bodies = {}
        self.seen_paths = set()  # source paths of this run: two PATHs may both hold a.md
        self.document_model = get_document_model()
        self._collection = None

    # The whole run ---------------------------------------------------------------------------

    def run(self, paths):
        batch = []
        for source in iter_source_files(paths, self.category):
            batch.append(source)
            if len(batch) >= self.batch_size:
                self._run_batch(batch)
                batch = []
        if batch:
            self._run_batch(batch)
        self.stats.finished = time.monotonic()
        self.stats.cpu_finished = self.stats.cpu_seconds_used()
        return self.stats

    def _run_batch(self, sources):
        hashed = []
        for source in sources:
            self.stats.files += 1
            try:
                hashed.append(self._hash(source))
            except FileError as error:
                self._fail(source.source_path, str(error))
        existing = self._existing_by_path([item.source.source_path for item in hashed])
        known = self._known_hashes([item.digest for item in hashed])

        pending, pending_chars = [], 0
        for item in hashed:
            if not self._decide(item, existing, known):
                continue
            try:
                self._extract(item)
            except FileError as error:
                self._fail(item.source.source_path, str(error))
                continue
            known.setdefault(item.digest, item.source.source_path)
            pending.append(item)
            pending_chars += len(item.result.text)
            if pending_chars >= BATCH_TEXT_LIMIT:
                self._write_batch(pending)
                pending, pending_chars = [], 0
        if pending:
            self._write_batch(pending)

    # Steps for one file -------------------------------------------------------------------------

    def _hash(self, source):
        if source.error:
            raise FileError(source.error)
        suffix = source.path.suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise FileError(unsupported_message(suffix))
        if len(source.source_path) > _max_length(NormativeDocument, "source_path"):
            raise FileError("文件路径过长（超过 500 个字符），请缩短文件夹或文件名。")
        if source.source_path in self.seen_paths:
            raise FileError(
                "本次导入中已有来源路径相同的文件（来自另一个 PATH），请分别导入或改名。"
            )
        self.seen_paths.add(source.source_path)
        digest, size = hashlib.sha256(), 0
        try:
            with source.path.open("rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if size > self.max_file_size:
                        limit = self.max_file_size // (1024 * 1024)
                        raise FileError(f"文件过大（超过 {limit} MB）。")
        except OSError as error:
            raise FileError(f"无法读取文件：{error.strerror or error}") from error
        self.stats.bytes += size
        if size == 0:
            raise FileError("文件为空（0 字节）。")
        return Prepared(source, digest.hexdigest(), size)

    def _existing_by_path(self, source_paths):
        found = {}
        for start in range(0, len(source_paths), QUERY_CHUNK):
            chunk = source_paths[start : start + QUERY_CHUNK]
            rows = (
                NormativeDocument.objects.filter(source_path__in=chunk)
                .order_by("pk")
                .only("pk", "source_path", "content_hash")
            )
            for document in rows:
                found.setdefault(document.source_path, document)
        return found

    def _known_hashes(self, digests):
        found = {}
        for start in range(0, len(digests), QUERY_CHUNK):
            rows = NormativeDocument.objects.filter(
                content_hash__in=digests[start : start + QUERY_CHUNK]
            ).values_list("content_hash", "source_path")
            for digest, source_path in rows:
                found.setdefault(digest, source_path)
        return found

    def _decide(self, item, existing, known):
        """Apply the identity rules; True when the file is to be written. `known` (hash → path)
        also collects this batch's extracted files, so a duplicate within the batch is caught."""
        source_path = item.source.source_path
        document = existing.get(source_path)
        if document is not None and document.content_hash == item.digest:
            self.stats.unchanged += 1
            self.report("unchanged", source_path)
            return False
        if document is None and item.digest in known:
            self.stats.duplicates += 1
            self.report("duplicate", source_path, f"与已导入的 {known[item.digest]} 内容相同")
            return False
        item.existing = document
        return True

    def _read(self, item):
        try:
            data = item.source.path.read_bytes()
        except OSError as error:
            raise FileError(f"无法读取文件：{error.strerror or error}") from error
        if hashlib.sha256(data).hexdigest() != item.digest:
            raise FileError("文件在导入过程中被修改，请重新导入。")
        return data

    def _extract(self, item):
        filename = item.source.path.name
        result = extract_text(self._read(item), filename)
        if result.status == TEXT_FAILED:
            raise FileError(result.note)
        item.result = result
        item.metadata = parse_metadata(result, filename)

    def _fail(self, source_path, message):
        self.stats.failed += 1
        self.report("failed", source_path, message)

    # Writing ------------------------------------------------------------------------------------

    def _numbers_in_registry(self, items):
        """number_key → [(pk, title)] of the documents holding the 文号 of these files: one
        query per batch."""
        found = {}
        numbers = [item.metadata.number for item in items if item.metadata.number]
        for pk, number, title in NormativeDocument.objects.with_number(*numbers).values_list(
            "pk", "number", "title"
        ):
            found.setdefault(number_key(number), []).append((pk, title))
        return found

    def _check_number(self, document, source_path, registry):
        """Report a 文号 that another document of the registry (or of this run) already has."""
        key = number_key(document.number)
        if not key:
            return
        holders = registry.setdefault(key, [])
        others = [title for pk, title in holders if pk != document.pk]
        if others:
            self.stats.number_taken += 1
            names = "、".join(f"《{title}》" for title in others[:3])
            self.report("number_taken", source_path, f"文号“{document.number}”已有：{names}")
        if all(pk != document.pk for pk, _title in holders):
            holders.append((document.pk, document.title))

    def _write_batch(self, items):
        written, wagtail_documents = [], []
        registry = self._numbers_in_registry(items)
        with ExitStack() as stack:
            stack.enter_context(transaction.atomic())
            stack.enter_context(self.indexing.paused(NormativeDocument, self.document_model))
            for item in items:
                source_path = item.source.source_path
                try:
                    # Outside the file's savepoint: a body cached here must outlive a rollback.
                    body = self._issuing_body(item.metadata.issuing_body)
                    with transaction.atomic():
                        document, files = self._write(item, body)
                except FileError as error:
                    self._fail(source_path, str(error))
                    continue
                except (DatabaseError, OSError, ValidationError, SuspiciousFileOperation) as error:
                    logger.exception("import of %s failed", source_path)
                    self._fail(source_path, f"写入数据库或保存文件时出错：{error}")
                    continue
                written.append(document)
                wagtail_documents += files
                kind = "updated" if item.existing else "imported"
                setattr(self.stats, kind, getattr(self.stats, kind) + 1)
                self.report(kind, source_path, document.title)
                if item.result.status == TEXT_NO_LAYER:
                    self.stats.flagged += 1
                    self.report("flagged", source_path, item.result.note)
                self._check_number(document, source_path, registry)
            self.indexing.flush([*written, *wagtail_documents])

    def _write(self, item, issuing_body):
        meta, result = item.metadata, item.result
        if item.existing is not None:  # loaded in full only now, inside the transaction
            document = NormativeDocument.objects.get(pk=item.existing.pk)
        else:
            document = NormativeDocument(
                validity=NormativeDocument.VALID,
                live=self.live,
                has_unpublished_changes=not self.live,
            )
        document.title = meta.title
        document.number = meta.number
        document.issuing_body = issuing_body
        document.category = item.source.category[: _max_length(NormativeDocument, "category")]
        document.date_issued = meta.date_issued
        document.date_effective = meta.date_effective
        document.summary = meta.summary
        document.full_text = result.text
        document.text_status = result.status
        document.text_note = result.note
        document.source_path = item.source.source_path
        document.content_hash = item.digest
        if document.pk is None and self.live:
            document.first_published_at = document.last_published_at = timezone.now()
        document.save()
        files = [self._attach(document, item)] if self.attach_files else []
        return document, files

    def _issuing_body(self, name):
        if not name:
            return None
        if name not in self.bodies:
            self.bodies[name], _created = IssuingBody.objects.get_or_create(name=name)
        return self.bodies[name]

    def _collection_root(self):
        """The normative documents' collection (法工委's, core.models.FileCollection), not the
        root: the root holds public editorial content only."""
        if self._collection is None:
            self._collection = (
                FileCollection.collection_for(FileCollection.DOCUMENTS)
                or Collection.get_first_root_node()
            )
        return self._collection

    def _attach(self, document, item):
        """Attach the file as a Wagtail document (label 正文); on update, replace the content of
        the file attached by the previous import, keeping its id and URL."""
        data = self._read(item)
        link = None
        if item.existing is not None:
            link = (
                DocumentFile.objects.filter(document=document, label=SOURCE_LABEL)
                .select_related("file")
                .order_by("sort_order", "pk")
                .first()
            )
        wagtail_document = (
            link.file if link else self.document_model(collection=self._collection_root())
        )
        old_name = wagtail_document.file.name if link else None
        wagtail_document.title = document.title[: _max_length(self.document_model, "title")]
        wagtail_document.file_size = len(data)
        wagtail_document.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        wagtail_document.file.save(storage_name(item.source.path), ContentFile(data), save=False)
        wagtail_document.save()
        if old_name and old_name != wagtail_document.file.name:
            storage = wagtail_document.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        if link is None:
            DocumentFile.objects.create(
                document=document,
                file=wagtail_document,
                label=SOURCE_LABEL,
                sort_order=document.files.count() if item.existing else 0,
            )
        return wagtail_document


def storage_name(path, limit=50):
    """The stored file's name: the original, its stem shortened to `limit` characters (Wagtail's
    file field holds 100 characters including the documents/ folder)."""
    stem, suffix = path.stem, path.suffix.lower()
    return f"{stem[:limit]}{suffix}"
