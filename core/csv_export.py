"""The one cell writer of every spreadsheet the site produces, and the CSV downloads of the public
registers (deputies, stations, normative documents).

    csv_response(filename, header, rows)     a public register's CSV download
    neutralise(text)                         a CSV cell's text, safe to open in a spreadsheet
    xlsx_cell(worksheet, value)              an XLSX cell, text never read as a formula

The admin's exports (every register viewset, Wagtail's own reports: site history, aging pages,
locked pages, workflows, search terms, redirects …) are Wagtail's `SpreadsheetExportMixin`; its two
cell writers are replaced once, at start-up, by `install_admin_cell_writer()` (called from
`CoreConfig.ready`), so that every admin CSV and XLSX goes through `neutralise` / `xlsx_cell` too,
including exports added later.

`rows` is any iterable of sequences (typically a generator over a queryset's .iterator()); it is
consumed while the response streams, so a register of any size is never held in memory as text.
Cells may be str, int, Decimal, float, dates, None (an empty cell) or lists (joined with "、")."""

import csv
import datetime
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header

# Excel opens a .csv by double-click in the system's ANSI code page, which on Chinese Windows is
# GBK (CP936): UTF-8 without a marker comes out as mojibake. A UTF-8 byte-order mark (EF BB BF) at
# the start makes Excel (and WPS, Numbers, LibreOffice) read the file as UTF-8; Python's csv
# module and pandas read it with encoding="utf-8-sig".
BOM = "\ufeff"

# Spreadsheets treat a cell starting with one of these as a formula (CSV injection, OWASP): a
# record typed in the admin as "=HYPERLINK(...)" or "@SUM(...)" would run in the spreadsheet of
# whoever opens the download. A leading apostrophe makes Excel and WPS show the text as typed.
# Tab and carriage return are on OWASP's list as well (Excel strips them and reads what follows).
# Only text is prefixed: numbers and dates cannot carry a formula, and a negative number stays a
# number.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

LIST_SEPARATOR = "、"

# Rows fetched per database round trip while streaming: .iterator() with prefetch_related runs the
# main query and one query per prefetched relation for each chunk, so a register of up to this many
# rows costs a fixed number of queries, and memory stays bounded for larger ones.
CHUNK_SIZE = 2000


def could_be_formula(text):
    """Whether a spreadsheet could read `text` (typed into a cell) as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text):
    """`text` made safe to open in a spreadsheet: prefixed with ' when it could start a formula."""
    return "'" + text if could_be_formula(text) else text


def xlsx_cell(worksheet, value, number_format=None):
    """An openpyxl write-only cell of `value`. Text is always a string cell (openpyxl would make
    text starting with "=" a formula), and text that could be a formula also carries
    `quotePrefix`, the flag Excel sets itself when one types a leading apostrophe: the cell shows
    the text as typed (no visible apostrophe in an .xlsx) and stays text when a user edits it and
    presses Enter, where an unflagged string cell would turn into a live formula."""
    from openpyxl.cell import WriteOnlyCell

    result = WriteOnlyCell(worksheet, value)
    if isinstance(value, str):
        result.data_type = "s"
        if could_be_formula(value):
            result.quotePrefix = True
    if number_format:
        result.number_format = number_format
    return result


def cell(value):
    """A value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.date):  # datetime too: ISO, which Excel reads as a date
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(item) for item in value if item not in (None, ""))
    return neutralise(str(value))


class _Echo:
    """A file-like object whose write() returns what it is given, so that csv.writer produces one
    line at a time for the streaming response (the pattern of Django's documentation)."""

    def write(self, value):
        return value


def iterate(queryset):
    """The rows of `queryset` in chunks of CHUNK_SIZE, its prefetches applied per chunk."""
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def csv_lines(header, rows):
    """The CSV text, line by line: the BOM, the header, then one line per row (CRLF, as RFC 4180
    and Excel expect)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([cell(value) for value in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_response(filename, header, rows):
    """A streamed UTF-8 CSV download (an attachment named `filename`) of `header` and `rows`."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A download of a filtered list is not a page to index (every filter would be another URL).
    response["X-Robots-Tag"] = "noindex"
    return response


# -- Wagtail's admin exports ---------------------------------------------------------------------


def _admin_csv_row(view, writer, row_dict):
    return writer.writerow(
        {
            field: _csv_text(view.preprocess_field_value(field, value, view.FORMAT_CSV))
            for field, value in row_dict.items()
        }
    )


def _csv_text(value):
    # Wagtail's preprocessing leaves numbers, dates and None as they are (the csv module writes
    # them) and turns everything else into text; lazy strings are text too.
    if isinstance(value, Promise):
        value = str(value)
    return neutralise(value) if isinstance(value, str) else value


def _admin_xlsx_row(view, worksheet, row_dict, date_format=None):
    for field, value in row_dict.items():
        cell_value = view.preprocess_field_value(field, value, view.FORMAT_XLSX)
        if isinstance(cell_value, Promise):
            cell_value = str(cell_value)
        yield xlsx_cell(
            worksheet,
            cell_value,
            number_format=date_format if isinstance(value, datetime.datetime) else None,
        )


def install_admin_cell_writer():
    """Make `SpreadsheetExportMixin` (every CSV/XLSX export of Wagtail's admin: the project's
    viewsets and reports and Wagtail's own) write its cells with this module's writer. Its own
    write cells verbatim (wagtail/admin/views/mixins.py). Replacing the two methods on the mixin
    itself, rather than in a project subclass, is what reaches Wagtail's reports, whose views
    the project does not build; a test lists every export URL and checks each one."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    SpreadsheetExportMixin.write_csv_row = _admin_csv_row
    SpreadsheetExportMixin.generate_xlsx_row = _admin_xlsx_row
