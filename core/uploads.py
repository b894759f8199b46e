"""Uploads checked by their content, not by their name (docs/security.md, "Uploads and served
files").

Every upload of an image or a document goes through Wagtail's forms: the add and edit views,
the multiple uploader and the choosers' upload tabs all build their form with
`get_image_form` / `get_document_form`, whose base classes are the two forms below
(WAGTAILIMAGES_IMAGE_FORM_BASE, WAGTAILDOCS_DOCUMENT_FORM_BASE). The project's registers have no
FileField of their own: station systems, activity photos and files and the documents register
link to Wagtail's images and documents.

- Images: Wagtail's WagtailImageField already opens the file with Willow, compares the format
  found with the extension and counts pixels (WAGTAILIMAGES_MAX_IMAGE_PIXELS, catching Pillow's
  DecompressionBombError); `ImageForm` only gives those errors a Chinese message (Wagtail 8's
  zh_Hans catalogue leaves them in English). SVG is not in WAGTAILIMAGES_EXTENSIONS.
- Documents: Wagtail checks only the extension (Document.clean). `check_document` reads the
  file's signature for each extension in WAGTAILDOCS_EXTENSIONS, and for zip-based formats the
  archive's directory before anything inflates a member (`check_zip`).

Written here rather than with python-magic / filetype: python-magic needs libmagic, a system
library; filetype (a Willow dependency) knows signatures but not the inside of OOXML/ODF
archives, zip bombs or "text that is really HTML", which are what matter here, and each check
below is a few lines.

`SizeLimitedUploadHandler` (FILE_UPLOAD_HANDLERS) stops writing an upload to the temporary
folder once it is bigger than any upload may be, so that a 200 MB file neither fills the disk nor
survives the request.
"""

import io
import re
import struct
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

# --- zip archives (docx, xlsx, odt, ods, zip) ------------------------------------------------

# Limits on what an archive declares, read from its central directory before any member is
# inflated. zipfile never inflates a member past the size the directory declares (it stops and
# fails the CRC check), so these bound what python-docx or anyone else can be made to read.
# A real .docx has 10–30 members and a few MB of XML; measured: a python-docx file of 20,000
# paragraphs has a 2.4 MB document.xml compressed 271:1, so a ratio alone would reject honest
# repetitive files: the ratio counts only for members over RATIO_MIN_SIZE.
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_TOTAL_SIZE = 256 * 1024 * 1024  # all members inflated
MAX_ZIP_RATIO = 200
RATIO_MIN_SIZE = 16 * 1024 * 1024
MAX_ZIP_DIRECTORY = 4 * 1024 * 1024  # the central directory itself (1000 entries ≈ 0.1–0.4 MB)

_EOCD = b"PK\x05\x06"
_EOCD_STRUCT = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


class Rejected(ValueError):
    """A file that must not be kept; the message says why, in Chinese."""


class ZipBomb(Rejected):
    """An archive over the limits below (not merely a damaged one)."""


def _zip_directory(file):
    """(number of members, size of the central directory) from the end-of-central-directory
    record, read without zipfile: zipfile parses the whole directory first, and a directory of a
    million entries would be the attack."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    tail_size = min(size, _EOCD_STRUCT.size + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) - position < _EOCD_STRUCT.size:
        raise Rejected("压缩包已损坏（找不到压缩包目录）。")
    fields = _EOCD_STRUCT.unpack_from(tail, position)
    members, directory_size = fields[4], fields[5]
    if members == 0xFFFF or directory_size == 0xFFFFFFFF:  # ZIP64: the real numbers are further up
        locator_at = position - _ZIP64_LOCATOR.size
        if locator_at < 0:
            raise Rejected("压缩包已损坏（ZIP64 目录不完整）。")
        signature, _disk, zip64_offset, _disks = _ZIP64_LOCATOR.unpack_from(tail, locator_at)
        if signature != b"PK\x06\x07" or zip64_offset > size - _ZIP64_EOCD.size:
            raise Rejected("压缩包已损坏（ZIP64 目录不完整）。")
        file.seek(zip64_offset)
        record = _ZIP64_EOCD.unpack(file.read(_ZIP64_EOCD.size))
        if record[0] != b"PK\x06\x06":
            raise Rejected("压缩包已损坏（ZIP64 目录不完整）。")
        members, directory_size = record[7], record[8]
    return members, directory_size


def check_zip(file):
    """Reject an archive that would inflate to too much, or has too many members; return the
    open ZipFile otherwise (its directory only has been read). `file` is a binary file object."""
    members, directory_size = _zip_directory(file)
    if members > MAX_ZIP_MEMBERS or directory_size > MAX_ZIP_DIRECTORY:
        raise ZipBomb(
            f"压缩包中的文件过多（{members} 个，上限 {MAX_ZIP_MEMBERS} 个），可能是“压缩炸弹”，"
            "不予接收。"
        )
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise Rejected("压缩包已损坏，无法读取。") from error
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ZipBomb(
            f"压缩包中的文件过多（{len(infos)} 个，上限 {MAX_ZIP_MEMBERS} 个），可能是“压缩炸弹”，"
            "不予接收。"
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_ZIP_TOTAL_SIZE or (
            info.file_size > RATIO_MIN_SIZE and ratio > MAX_ZIP_RATIO
        ):
            raise ZipBomb(
                "压缩包解压后过大（超过 "
                f"{filesizeformat(MAX_ZIP_TOTAL_SIZE)}，或压缩比异常），可能是“压缩炸弹”，"
                "不予接收。"
            )
    return archive


def _read_member(archive, name, limit):
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise Rejected(f"文件内部结构异常（{name} 过大）。")
    return archive.read(info)


# --- signatures -------------------------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, Excel 97–2003 (and WPS) files
ZIP = b"PK\x03\x04"

_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
_LABELS = {
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "doc": "Word 97–2003（.doc）",
    "xlsx": "Excel（.xlsx）",
    "xls": "Excel 97–2003（.xls）",
    "odt": "OpenDocument 文本（.odt）",
    "ods": "OpenDocument 表格（.ods）",
    "zip": "ZIP 压缩包",
    "txt": "纯文本",
    "md": "Markdown 文本",
    "csv": "CSV 表格",
}
# What a browser sniffing the first bytes would take for HTML (the WHATWG MIME Sniffing
# standard's HTML patterns, less <!--, which Markdown files may start with), plus XML and SVG.
_HTML_START = re.compile(
    r"\A[\t\n\f\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b"
    r"|body|br|p|\?xml|svg)[ >\t\n\f\r/]",
    re.IGNORECASE,
)
# Active markup anywhere in a text file: it has no business in a plain-text document.
_ACTIVE_MARKUP = re.compile(
    r"<(?:script|iframe|object|embed|svg|html|body|meta|link|base)\b", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _mismatch(extension, what=""):
    label = _LABELS.get(extension, extension)
    return Rejected(
        f"文件内容与扩展名 .{extension} 不符：这不是{label}文件{what}。"
        "请确认文件类型，或用原软件另存为正确格式后再上传。"
    )


def _check_pdf(file, extension):
    # The header must open the file (ISO 32000-1, 7.5.2): an HTML page with "%PDF-" somewhere
    # in it is not a PDF.
    if file.read(5) != b"%PDF-":
        raise _mismatch(extension, "（缺少 %PDF- 文件头）")


def _check_ole2(file, extension):
    if file.read(len(OLE2)) != OLE2:
        hint = "（可能是网页或文本表格改了扩展名）" if extension == "xls" else ""
        raise _mismatch(extension, hint)


def _open_zip(file, extension):
    if file.read(4) != ZIP:
        raise _mismatch(extension, "（不是 ZIP 格式）")
    return check_zip(file)


def _check_ooxml(file, extension):
    if extension == "docx":
        file.seek(0)
        if file.read(len(OLE2)) == OLE2:
            raise Rejected(
                "这是旧版 Word（.doc）文件，只是扩展名为 .docx：请另存为 .docx 后重新上传，"
                "或把扩展名改为 .doc。"
            )
        file.seek(0)
    archive = _open_zip(file, extension)
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise _mismatch(extension, "（缺少 [Content_Types].xml）")
    content_types = _read_member(archive, "[Content_Types].xml", 1024 * 1024)
    if "macroEnabled" in content_types.decode("utf-8", "replace") or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        raise Rejected("文件中含有宏（VBA 代码），不予接收：请另存为不含宏的文件后再上传。")
    if _OOXML_MAIN[extension] not in content_types.decode("utf-8", "replace"):
        raise _mismatch(extension)


def _check_odf(file, extension):
    archive = _open_zip(file, extension)
    infos = archive.infolist()
    # ODF 1.2 part 3, 3.3: the first member is "mimetype", stored, holding the media type.
    if not infos or infos[0].filename != "mimetype":
        raise _mismatch(extension, "（缺少 mimetype）")
    if _read_member(archive, "mimetype", 256).strip() != _ODF_MIMETYPE[extension]:
        raise _mismatch(extension)
    if any(info.filename.startswith(("Basic/", "Scripts/")) for info in infos):
        raise Rejected("文件中含有宏（脚本），不予接收：请另存为不含宏的文件后再上传。")


def _check_zip_archive(file, extension):
    _open_zip(file, extension)


def decode_text(data):
    """Bytes of a text file → str: UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030
    (which includes GBK and GB2312). Raises Rejected for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Rejected("无法识别文件编码：文本文件只接受 UTF-8 或 GB18030（GBK）编码。")


def _check_text(file, extension):
    text = decode_text(file.read())
    if "\x00" in text or len(_CONTROL.findall(text)) > max(8, len(text) // 100):
        raise _mismatch(extension, "（含有二进制内容）")
    if _HTML_START.search(text) or _ACTIVE_MARKUP.search(text):
        raise Rejected(
            f"文件内容是网页（HTML/SVG/XML）而不是{_LABELS[extension]}，不予接收：网页文件可能含有"
            "脚本。请上传 PDF 或 Word 文件。"
        )


DOCUMENT_CHECKS = {
    "pdf": _check_pdf,
    "docx": _check_ooxml,
    "xlsx": _check_ooxml,
    "doc": _check_ole2,
    "xls": _check_ole2,
    "odt": _check_odf,
    "ods": _check_odf,
    "zip": _check_zip_archive,
    "txt": _check_text,
    "md": _check_text,
    "csv": _check_text,
}


def check_document(file, filename):
    """Raise Rejected unless the content of `file` (a binary file object, read from the start;
    left at the start) is what the extension of `filename` says."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    check = DOCUMENT_CHECKS.get(extension)
    if check is None:
        raise Rejected(f"不支持的文件类型 .{extension}。")
    file.seek(0)
    try:
        if not file.read(1):
            raise Rejected("文件为空。")
        file.seek(0)
        check(file, extension)
    except (RecursionError, MemoryError):
        raise Rejected("文件结构异常，无法检查。") from None
    finally:
        file.seek(0)


# --- Wagtail's forms ---------------------------------------------------------------------------


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE) with the content checked."""

    def _post_clean(self):
        # A refused file never reaches the instance, and Document.clean() then reports the
        # empty name's extension ("文件扩展“”是不被允许") after the real reason: keep the reason.
        file_errors = self.errors.get("file")
        super()._post_clean()
        if file_errors:
            self._errors["file"] = file_errors

    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Only a newly uploaded file: editing the title keeps the stored file as it is.
        if isinstance(file, UploadedFile):
            allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or DOCUMENT_CHECKS
            extension = PurePath(file.name).suffix.lower().lstrip(".")
            if extension in allowed:  # others: Document.clean() names the allowed extensions
                try:
                    check_document(file, file.name)
                except Rejected as error:
                    raise ValidationError(str(error), code="invalid_content") from None
        return file


class ImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE) with Chinese messages for the checks
    Wagtail makes (format against extension, pixel count) that its catalogue leaves in English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is None:  # the multiple uploader's edit form has no file
            return
        field.error_messages["invalid_image_known_format"] = (
            "文件内容与扩展名 .%(extension)s 不符（实际为 %(image_format)s 格式）："
            "请用正确的扩展名，或另存为 JPEG、PNG 后再上传。"
        )
        max_pixels = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)
        if max_pixels:
            # Wagtail formats this with num_pixels, which is "unknown number" for a file Pillow
            # refuses to open (a decompression bomb): the message does not use it.
            field.error_messages["file_too_many_pixels"] = (
                f"图片像素过多：上限为 {max_pixels / 10_000:g} 万像素（长×宽×帧数）。"
                "请缩小图片尺寸后再上传。"
            )


# --- the temporary upload folder ------------------------------------------------------------


def upload_size_limit():
    """The largest upload any form accepts, or None when one of them is unlimited."""
    limits = [
        getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None),
        getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024),
    ]
    return None if None in limits else max(limits)


HEAD_SIZE = 64 * 1024


class OversizedUpload(UploadedFile):
    """An upload larger than any form accepts: its true size, and only its first bytes (so that
    the image field can still tell the format before it reports the size). Never stored: every
    form rejects it by its size."""

    def __init__(self, head, name, content_type, size, charset, content_type_extra=None):
        super().__init__(io.BytesIO(head), name, content_type, size, charset, content_type_extra)


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's TemporaryFileUploadHandler, but once a file passes `upload_size_limit()` its
    temporary file is deleted and the rest is counted, not written: the form then rejects it with
    Wagtail's "文件过大" message. Without it a 200 MB upload is written whole to the temporary
    folder before the form looks at its size (nginx's client_max_body_size stops it earlier in
    production, docker/nginx/nginx.conf)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = upload_size_limit()
        self.head = None

    def receive_data_chunk(self, raw_data, start):
        if self.head is not None:
            return None
        if self.limit is not None and start + len(raw_data) > self.limit:
            self.file.seek(0)
            self.head = self.file.read(HEAD_SIZE)
            if len(self.head) < HEAD_SIZE:
                self.head += raw_data[: HEAD_SIZE - len(self.head)]
            self.file.close()  # a NamedTemporaryFile: closing it deletes it
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if self.head is not None:
            return OversizedUpload(
                self.head,
                self.file_name,
                self.content_type,
                file_size,
                self.charset,
                self.content_type_extra,
            )
        return super().file_complete(file_size)
