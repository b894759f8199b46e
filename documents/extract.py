"""Full text from a normative document's file: `.pdf`, `.docx`, `.md` and `.txt`.

`extract_text(source, filename)` reads a path or a binary file-like object and returns an
`ExtractResult(text, status, note)`; `status` is one of `NormativeDocument.TEXT_*`:

- `ok`: text extracted (and normalised, see `normalise_text`);
- `no_text_layer`: a PDF (or a Word file holding only pictures) whose pages carry no text, most
  likely a scan: the text is left empty and the note asks staff to type it in (需人工录入); also
  a PDF whose pages are at least half without text (a typed cover on a scan): the text found is
  kept, the note names the pages;
- `failed`: the file could not be read (unsupported type, empty, damaged, encrypted, unknown
  encoding); the note says why, in Chinese.

It never raises for a bad file: callers (the importer, the admin) decide what a failure means.
`refresh_full_text(document)` re-extracts a `NormativeDocument`'s attached files.

PDF text comes from pypdf (measured against pdfminer.six on Chinese PDFs: the same text, pypdf
1.2 to 3.6 times faster; docs/documents-import.md). PDFs made with some CJK fonts map
characters to the look-alike radicals of the Kangxi Radicals and CJK Radicals Supplement
blocks (⼈⺠ for 人民), which breaks search; `normalise_text` maps them back.
"""

import io
import logging
import re
import unicodedata
import zipfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePath

logger = logging.getLogger(__name__)

# Mirrors NormativeDocument.TEXT_* (not imported: extraction needs no Django models).
TEXT_NONE, TEXT_OK, TEXT_NO_LAYER, TEXT_FAILED = "none", "ok", "no_text_layer", "failed"

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
SUPPORTED_EXTENSIONS = frozenset({".md", ".markdown", ".txt", ".docx", ".pdf"})
SUPPORTED_LABEL = ".md、.txt、.docx、.pdf"

# A PDF whose pages average fewer non-blank characters than this has no real text layer.
MIN_CHARS_PER_PAGE = 10
NOTE_MAX_LENGTH = 300  # NormativeDocument.text_note
MANUAL_ENTRY = "需人工录入"


@dataclass(frozen=True)
class ExtractResult:
    text: str
    status: str
    note: str = ""
    # What the file's own structure says, for the importer: the Markdown `# ` title or the
    # document's title property, and the Markdown header (题注) before `<!-- INFO END -->`.
    title: str = ""
    header: str = ""

    @property
    def ok(self):
        return self.status == TEXT_OK


def failed(note):
    return ExtractResult("", TEXT_FAILED, note[:NOTE_MAX_LENGTH])


# --- normalising --------------------------------------------------------------------------------

# Kangxi radicals (U+2F00–U+2FD5) have compatibility mappings to the ideographs; two of them map to
# the traditional form, where simplified text means the simplified one (same glyph in SC fonts).
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
_RADICALS.update({0x2F3E: "户", 0x2FAD: "青"})
# CJK Radicals Supplement (U+2E80–U+2EF3) has no decomposition: map each radical to the
# ideograph it is drawn like, after Unicode's EquivalentUnifiedIdeograph.txt (plus 王 角 辶 门,
# which Noto CJK's PDF text maps to ⺩ ⻆ ⻌ ⻔).
_SUPPLEMENT_RADICALS = (
    "⺀⺁⺂⺃⺄⺅⺆⺉⺊⺋⺎⺏⺐⺒⺓⺔⺕⺖⺗⺘⺙⺛⺝⺞⺟⺠⺡⺢⺣⺥⺦⺨⺩⺫⺬⺭⺯⺰⺱⺳⺴⺹⺺⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻈⻉⻋⻌⻍⻎"
    "⻏⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳"
)
_SUPPLEMENT_IDEOGRAPHS = (
    "冫厂乛乚乙亻冂刂卜㔾兀尣尢巳幺彑彐忄㣺扌攵旡月歺母民氵氺灬爫丬犭王罒示礻糹纟罓㓁㓁耂肀月臼艹艹艹虎衤覀西见角讠贝车辶辶辶"
    "阝钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟"
)
_RADICALS.update(str.maketrans(_SUPPLEMENT_RADICALS, _SUPPLEMENT_IDEOGRAPHS))
# U+2329/U+232A (angle brackets) are what some PDFs give for 〈〉.
_RADICALS.update({0x2329: "〈", 0x232A: "〉"})
_RADICAL_CHARS = re.compile("[\u2e80-\u2fdf\u2329\u232a]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b]")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text):
    """Unify line endings, drop NULs and other control characters, map CJK radicals that stand in
    for ideographs back to them, strip each line and keep at most one blank line in a row.

    Not NFKC: it would turn full-width punctuation (，：（）) into ASCII. NFC only, which leaves CJK
    punctuation alone and folds the CJK compatibility ideographs into the unified ones."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\f", "\n")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if _RADICAL_CHARS.search(text):  # str.translate is slow: only when needed
        text = text.translate(_RADICALS)
    lines = (line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def visible_length(text):
    return sum(not char.isspace() for char in text)


# --- plain text and Markdown --------------------------------------------------------------------

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def decode_text(data):
    """Bytes of a text file → (text, note). UTF-8 (with or without BOM) and GB18030 (which
    includes GBK and GB2312) are tried strictly in that order; UTF-16 is recognised by its BOM;
    anything else goes to charset-normalizer. Raises ValueError with a Chinese message."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), ""
            except UnicodeDecodeError as error:
                raise ValueError("文件编码有误：无法按文件开头标明的编码读取。") from error
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), ""
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("gb18030"), "按 GB18030（GBK）编码读取"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError("无法识别文件编码：只支持 UTF-8 和 GB18030（GBK）编码的文本文件。")
    return str(best), f"按 {best.encoding} 编码读取，请核对"


_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _looks_binary(text):
    controls = sum(1 for _match in _BINARY.finditer(text))
    return controls > max(8, len(text) // 100)


_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)
INFO_END = "<!-- INFO END -->"


def _extract_plain(data, markdown):
    try:
        text, note = decode_text(data)
    except ValueError as error:
        return failed(str(error))
    if _looks_binary(text):
        return failed("文件不是文本文件（含有二进制内容），请检查文件类型。")
    title = header = ""
    if markdown:
        text = text.replace("\r\n", "\n").lstrip("\ufeff")
        match = re.match(r"\s*#[ \t]+(.+)", text)
        if match:
            title = normalise_text(match.group(1))
        if INFO_END in text:
            head = text.split(INFO_END, 1)[0]
            if match:
                head = head[match.end() :]
            header = normalise_text(_MD_COMMENT.sub("", head))
        text = _MD_HEADING.sub("", _MD_COMMENT.sub("", text))
    text = normalise_text(text)
    if not text:
        return failed("文件中没有文字。")
    return ExtractResult(text, TEXT_OK, note, title=title, header=header)


# --- Word (.docx) -------------------------------------------------------------------------------


def _docx_blocks(container):
    """Paragraphs and tables in document order; a table row's cells joined by a tab."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(_docx_blocks(cell)).strip())
                yield "\t".join(cells)
        else:
            yield block.text


def _extract_docx(data):
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return failed(
            "这是旧版 Word（.doc）文件，只是扩展名为 .docx："
            "请在 Word 或 WPS 中另存为 .docx 后重新上传。"
        )
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    from core.uploads import Rejected, ZipBomb, check_zip

    # python-docx reads every member of the archive into memory: a zip bomb is refused from the
    # archive's directory first (the importer's files never went through the upload check). A
    # merely damaged archive is left to python-docx's own error below.
    try:
        check_zip(io.BytesIO(data))
    except ZipBomb as error:
        return failed(str(error))
    except Rejected:
        pass
    try:
        document = docx.Document(io.BytesIO(data))
        text = normalise_text("\n".join(_docx_blocks(document)))
        title = normalise_text(document.core_properties.title or "")
        pictures = len(document.inline_shapes)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        logger.info("docx not readable: %s", error)
        return failed("无法打开 Word 文件：文件已损坏或不是 .docx 格式。")
    except LxmlError as error:
        # An entity bomb ("billion laughs": libxml2 stops it at its amplification limit) or XML
        # that is not well-formed: an expected refusal, one line, no traceback in the log.
        logger.info("docx XML not parsed: %s", error)
        return failed(
            "无法读取 Word 文件的内容：其中的 XML 已损坏或含有不安全的实体定义"
            "（如“XML 炸弹”），已跳过。请在 Word 或 WPS 中另存为新的 .docx 后再导入。"
        )
    if not text:
        if pictures:
            return ExtractResult(
                "",
                TEXT_NO_LAYER,
                f"Word 文件中只有图片、没有文字（可能是扫描件），{MANUAL_ENTRY}。",
            )
        return failed("Word 文件中没有文字。")
    return ExtractResult(text, TEXT_OK, title=title)


# --- PDF ----------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"[-—–－_\s]*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?[-—–－_\s]*")
_SENTENCE_END = tuple("。！？；：…”」』）)")


def _unwrap(page_text):
    """Join the lines a PDF wrapped at the right margin: a line as long as the page's long lines
    that does not end a sentence continues on the next line. Headings (第一章 总则) and short
    lines keep their line breaks; page numbers (- 1 -) are dropped."""
    lines = [line.strip() for line in page_text.split("\n")]
    lines = [line for line in lines if line and not _PAGE_NUMBER.fullmatch(line)]
    lengths = sorted(len(line) for line in lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    # Wrapping shows as several lines of (almost) the same, longest length; without that
    # evidence (a short page, a list of short lines) nothing is joined.
    if full < 15 or sum(length >= full - 1 for length in lengths) < 3:
        return "\n".join(lines)
    out = []
    for line in lines:
        if out and out[-1][1]:
            out[-1] = (out[-1][0] + line, False)
        else:
            out.append((line, False))
        wrapped = len(line) >= max(full - 2, 12) and not line.endswith(_SENTENCE_END)
        out[-1] = (out[-1][0], wrapped)
    return "\n".join(text for text, _ in out)


@contextmanager
def _quiet_pypdf():
    """pypdf logs a warning for every odd object in real-world PDFs; not news for an import."""
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        pypdf_logger.setLevel(level)


def _pdf_title(reader):
    try:
        title = (reader.metadata or {}).get("/Title") or ""
    except Exception:  # metadata is optional and often malformed
        return ""
    title = normalise_text(str(title))
    if re.match(r"(?i)(microsoft\s+word|wps|untitled|无标题)", title) or "." in title[-6:]:
        return ""
    return title


def _extract_pdf(data):
    if b"%PDF-" not in data[:1024]:
        return failed("文件不是 PDF 格式（缺少 PDF 文件头），请检查文件。")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                return failed("PDF 文件已加密（设有打开密码），无法提取文字，请提供未加密的文件。")
            pages = len(reader.pages)
        except DependencyError:
            return failed("PDF 文件已加密，需要安装 cryptography 才能读取。")
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
            logger.info("pdf not readable: %s", error)
            return failed("无法读取 PDF 文件：文件已损坏或不是 PDF 格式。")
        texts, broken, empty = [], [], []
        for number, page in enumerate(reader.pages, 1):
            try:
                page_text = normalise_text(page.extract_text() or "")
            except Exception as error:  # one bad page must not lose the rest
                logger.info("pdf page %s not readable: %s", number, error)
                broken.append(number)
                continue
            if visible_length(page_text) < MIN_CHARS_PER_PAGE:
                empty.append(number)
            texts.append(_unwrap(page_text))
        title = _pdf_title(reader)
    if not pages:
        return failed("PDF 文件没有页面。")
    text = normalise_text("\n".join(texts))
    if visible_length(text) < MIN_CHARS_PER_PAGE * pages:
        return ExtractResult(
            "",
            TEXT_NO_LAYER,
            f"PDF 共 {pages} 页，几乎没有可提取的文字，可能是扫描件，{MANUAL_ENTRY}。",
            title=title,
        )
    notes = []
    if broken:
        notes.append(f"第 {page_list(broken)} 页提取失败")
    status = TEXT_OK
    if len(empty) * 2 >= pages:
        # Mostly scanned pages behind a typed cover: what was found stays searchable, but the
        # document is flagged like a scan.
        status = TEXT_NO_LAYER
        notes.append(
            f"PDF 共 {pages} 页，其中第 {page_list(empty)} 页没有文字（可能是扫描页），"
            f"{MANUAL_ENTRY}"
        )
    elif empty:
        notes.append(f"第 {page_list(empty)} 页没有文字（可能是扫描页），请核对")
    return ExtractResult(text, status, "；".join(notes)[:NOTE_MAX_LENGTH], title=title)


def page_list(numbers):
    """[1, 2, 3, 5] → '1–3、5'."""
    ranges = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


# --- entry points -------------------------------------------------------------------------------


def read_source(source):
    """The bytes of a path, bytes, or a binary file-like object (read from the start)."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | PurePath):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        with suppress(OSError, ValueError):
            source.seek(0)
    return source.read()


def extract_text(source, filename=None):
    """Extract and normalise the text of a file. `source` is a path, bytes or a binary file-like
    object; `filename` gives the type by its extension (default: the path's name)."""
    if filename is None:
        if not isinstance(source, str | PurePath):
            raise TypeError("extract_text() needs a filename when given a file object")
        filename = str(source)
    suffix = PurePath(str(filename)).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        return failed(unsupported_message(suffix))
    try:
        data = read_source(source)
    except OSError as error:
        return failed(f"无法读取文件：{error.strerror or error}")
    if not data.strip():
        return failed("文件为空。")
    try:
        if suffix == ".pdf":
            return _extract_pdf(data)
        if suffix == ".docx":
            return _extract_docx(data)
        return _extract_plain(data, markdown=suffix in MARKDOWN_EXTENSIONS)
    except RecursionError:
        return failed("文件结构异常（嵌套过深），无法提取文字。")
    except Exception:
        # Parsers of untrusted files raise all kinds of errors on damaged input: one damaged file
        # is reported, never a crash of the import or of the admin's save.
        logger.exception("text extraction failed for %s", filename)
        return failed("无法读取文件：文件已损坏或格式不受支持。")


def unsupported_message(suffix):
    if suffix in (".doc", ".wps"):
        return f"不支持旧版 {suffix} 文件：请在 Word 或 WPS 中另存为 .docx 或 PDF 后再导入。"
    if not suffix:
        return f"文件没有扩展名，无法判断类型（支持 {SUPPORTED_LABEL}）。"
    return f"不支持的文件类型 {suffix}（支持 {SUPPORTED_LABEL}）。"


def refresh_full_text(document, save=False):
    """Re-extract a NormativeDocument's text from its attached files (DocumentFile, in order) and
    set `full_text`, `text_status` and `text_note`, for the admin after files are attached. The
    caller saves (or pass `save=True` to save just those three fields).

    Several files: their texts are joined, each after a line with its label; the status is `ok`
    if any file gave text, else `no_text_layer` if any file is a scan, else `failed`; notes name
    the file they are about. No files: status `none` and an empty text."""
    files = [item for item in document.files.all().select_related("file") if item.file_id]
    results = []
    for item in files:
        wagtail_document = item.file
        try:
            with wagtail_document.open_file() as handle:
                result = extract_text(handle, wagtail_document.filename)
        except OSError as error:
            result = failed(f"无法读取文件：{error.strerror or error}")
        results.append((str(item), result))

    if not results:
        document.full_text, document.text_status, document.text_note = "", TEXT_NONE, ""
    else:
        statuses = {result.status for _label, result in results}
        status = next(s for s in (TEXT_OK, TEXT_NO_LAYER, TEXT_FAILED) if s in statuses)
        if len(results) == 1:
            text = results[0][1].text
            note = results[0][1].note
        else:
            text = "\n\n".join(f"【{label}】\n{r.text}" for label, r in results if r.text)
            note = "；".join(f"{label}：{r.note}" for label, r in results if r.note)
        document.full_text = text
        document.text_status = status
        document.text_note = note[:NOTE_MAX_LENGTH]
    if save and document.pk:
        document.save(update_fields=["full_text", "text_status", "text_note"])
    return document
