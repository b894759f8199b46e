"""Import the deputies register (代表名册) from XLSX or CSV: `manage.py import_deputies`.

The file arrives from the election office. Import runs in two phases:

1. read and validate every row against the database, changing nothing (`RegisterImporter.validate`);
2. only when every row is good, write everything in one transaction (`RegisterImporter.apply`).

Deputies are matched on 代表编号 (`Deputy.register_number`), so re-importing updates, never
duplicates. Created and changed deputies get a published revision through Wagtail's own
`CreateAction` / `EditAction`, exactly as publishing in the admin does. The columns and the meaning
of blank cells are documented in docs/deputies.md, section 名册导入.
"""

import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

from core.indexing import search_auto_update_paused, update_search_index
from core.uploads import Rejected, check_zip

from .models import Area, Constituency, Deputy, DeputyGroup, Election, GroupMembership, Level, Term
from .models.register import duplicate_term_elections


class RegisterFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, bad header): Chinese message."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple = ()
    required: bool = False


# The header row. `key` is the Deputy field where there is one.
COLUMNS = [
    Column("register_number", "代表编号", ("编号", "代表证号"), required=True),
    Column("name", "姓名", required=True),
    Column("surname_length", "复姓"),
    Column("gender", "性别"),
    Column("ethnicity", "民族"),
    Column("birth_year", "出生年份", ("出生年月", "出生年")),
    Column("party", "政治面貌"),
    Column("education", "学历"),
    Column("post", "工作单位及职务", ("工作单位和职务", "单位及职务", "工作单位职务")),
    Column("levels", "代表层级", ("层级",)),
    Column("term", "届次"),
    Column("constituency", "选区"),
    Column("township", "乡镇", ("乡镇（街道）", "乡镇街道", "街道")),
    Column("village", "村（社区）", ("村", "社区", "村/社区", "村社区")),
    Column("group", "代表小组"),
    Column("elected_date", "当选日期"),
    Column("phone", "联系电话", ("公开联系电话", "电话")),
    Column("email", "电子邮箱", ("公开电子邮箱", "邮箱")),
    Column("status", "状态"),
    Column("status_date", "终止日期"),
    Column("status_reason", "终止原因"),
]
LABELS = {column.key: column.header for column in COLUMNS}

# Deputy fields the register sets; unchanged rows are detected by comparing these.
DEPUTY_FIELDS = [
    "register_number",
    "name",
    "surname_length",
    "gender",
    "ethnicity",
    "birth_year",
    "party",
    "education",
    "post",
    "phone",
    "email",
    "elected_date",
    "status",
    "status_date",
    "status_reason",
]
TEXT_FIELDS = ["ethnicity", "party", "education", "post", "phone", "email"]

# Common compound surnames (复姓): a blank 复姓 cell of a new deputy is decided from this list.
COMPOUND_SURNAME_LIST = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 令狐 夏侯 端木 西门 南宫 "
    "独孤 呼延 澹台 轩辕 万俟 闻人 百里 东郭 申屠 太史 钟离 赫连 淳于 濮阳 公羊 仲孙 单于 拓跋 "
    "完颜 乐正 左丘 第五 谷梁 宗政 公冶 巫马 漆雕 亓官 司寇 壤驷 公良 段干"
)
COMPOUND_SURNAMES = frozenset(COMPOUND_SURNAME_LIST.split())

LEVEL_WORDS = {
    "全国": Level.NATIONAL,
    "省": Level.PROVINCIAL,
    "市": Level.CITY,
    "县": Level.COUNTY,
    "乡镇": Level.TOWNSHIP,
    "乡": Level.TOWNSHIP,
    "镇": Level.TOWNSHIP,
}
GENDERS = {label: value for value, label in Deputy.GENDER_CHOICES} | {
    "男性": "male",
    "女性": "female",
    "": "",  # left to full_clean(): "性别：此字段不能为空。"
}
STATUSES = {label: value for value, label in Deputy.STATUS_CHOICES} | {"": Deputy.SERVING}
REASONS = {label: value for value, label in Deputy.REASON_CHOICES}
YES_NO = {"是": 2, "否": 1}
CHINESE_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)

HEADER_SEARCH_ROWS = 10
# Limits of a register file (issue 15): a county's register has a few hundred rows and ~25
# columns, so these are far above any real file and far below what exhausts memory or time
# (a 2 MB xlsx of 300,000 rows ran past 90 s at 580 MB; a CSV of 1M columns printed a 10 MB line).
MAX_ROWS = 20_000
MAX_COLUMNS = 200
QUERY_CHUNK = 500


# --- reading the file --------------------------------------------------------------------------


@dataclass
class Table:
    """The header and the data rows of the first sheet; line numbers are the spreadsheet's."""

    header_line: int
    headers: list
    rows: list  # [(line, [cell, ...])]


def normalise_header(text):
    text = re.sub(r"[\s\u3000\ufeff*]", "", str(text or ""))
    return text.replace("(", "（").replace(")", "）")


HEADER_INDEX = {
    normalise_header(name): column
    for column in COLUMNS
    for name in (column.header, *column.aliases)
}


def cell_text(value):
    """A cell as trimmed text: numbers without a trailing `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).replace("\ufeff", "").strip()


def is_blank(cells):
    return all(cell_text(cell) == "" for cell in cells)


def read_table(path):
    """Read an XLSX or CSV register into a Table, or raise RegisterFileError."""
    path = Path(path)
    if not path.is_file():
        raise RegisterFileError(f"找不到文件：{path}")
    data = path.read_bytes()
    if not data.strip():
        raise RegisterFileError(f"文件为空：{path.name}")
    suffix = path.suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegisterFileError(
            "不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入。"
        )
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        lines = _xlsx_lines(data, path.name)
    else:
        lines = _csv_lines(data)
    return _table(lines, path.name)


def _capped(rows):
    """Number the rows from 1, refusing a file past MAX_ROWS rows or MAX_COLUMNS filled columns
    before it is read to the end."""
    lines = []
    for line, row in enumerate(rows, 1):
        if line > MAX_ROWS:
            raise RegisterFileError(
                f"文件行数过多：超过 {MAX_ROWS:,} 行。代表名册不应有这么多行，"
                "请检查是否选错了文件，或删除多余的空行后再导入。"
            )
        cells = list(row)
        if len(cells) > MAX_COLUMNS and not is_blank(cells[MAX_COLUMNS:]):
            raise RegisterFileError(
                f"第 {line} 行的列数过多：超过 {MAX_COLUMNS} 列。请检查是否选错了文件。"
            )
        lines.append((line, cells[:MAX_COLUMNS]))
    return lines


def _xlsx_lines(data, name):
    import openpyxl  # a Wagtail dependency; imported here so CSV imports never need it

    try:
        check_zip(io.BytesIO(data)).close()  # the document uploads' zip-bomb checks
    except Rejected as error:
        raise RegisterFileError(f"无法读取 Excel 文件 {name}：{error}") from error
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise RegisterFileError(
            f"无法读取 Excel 文件 {name}：文件已损坏或不是 .xlsx 格式（{error}）。"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # One column past the cap is read, to tell a filled column beyond it from none.
        return _capped(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1))
    finally:
        workbook.close()


def _csv_lines(data):
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise RegisterFileError(
            "无法识别 CSV 文件的编码：只支持 UTF-8（可带 BOM）和 GBK/GB18030。"
            "请在 Excel 或 WPS 中“另存为”→“CSV UTF-8（逗号分隔）”后再导入。"
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _capped(reader)
    except csv.Error as error:
        raise RegisterFileError(f"CSV 文件格式有误：{error}") from error


def _table(lines, name):
    filled = [(line, cells) for line, cells in lines if not is_blank(cells)]
    if not filled:
        raise RegisterFileError(f"文件为空：{name}")
    # The header is normally line 1; a title row above it (名册标题) is allowed.
    header_line, headers = filled[0]
    for line, cells in filled[:HEADER_SEARCH_ROWS]:
        names = {normalise_header(cell_text(cell)) for cell in cells}
        if names & {"代表编号", "姓名"}:
            header_line, headers = line, cells
            break
    rows = [(line, cells) for line, cells in filled if line > header_line]
    if not rows:
        raise RegisterFileError(f"文件没有数据行：{name} 只有表头（第 {header_line} 行）。")
    return Table(header_line, [cell_text(cell) for cell in headers], rows)


# --- parsing values ------------------------------------------------------------------------------


class CellError(Exception):
    pass


def chinese_number(text):
    """'十八' → 18, '二十一' → 21, '八' → 8 (1–99), None otherwise."""
    if not text or any(char not in CHINESE_DIGITS and char != "十" for char in text):
        return None
    if "十" not in text:
        return CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)


def term_number(text):
    inner = re.fullmatch(r"第?(.+?)届?", text)
    inner = inner.group(1) if inner else text
    return int(inner) if inner.isdigit() else chinese_number(inner)


DATE_PATTERN = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)


def parse_date(value, label):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    match = DATE_PATTERN.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    try:
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise CellError(f"{label}格式不正确：{text}（应为 2021-11-20 或 2021年11月20日）")


def parse_year(value, today):
    if isinstance(value, datetime.date):
        year = value.year
    else:
        text = cell_text(value)
        if not text:
            return None
        match = re.fullmatch(
            r"(\d{4})(?:年|[-/.]\d{1,2}(?:[-/.]\d{1,2})?|年\d{1,2}月(?:\d{1,2}日)?)?", text
        )
        if not match:
            raise CellError(f"出生年份不正确：{text}（应为四位年份，如 1975）")
        year = int(match.group(1))
    if not 1900 <= year <= today.year:
        raise CellError(f"出生年份不正确：{year}（应在 1900 至 {today.year} 之间）")
    return year


def parse_levels(value):
    text = cell_text(value)
    codes = []
    for word in filter(None, re.split(r"[、，,;；/\s]+", text)):
        bare = re.sub(r"(人大代表|人大|代表|级)$", "", word)
        if bare not in LEVEL_WORDS:
            raise CellError(f"代表层级不正确：{word}（应为全国、省、市、县、乡镇，多个用“、”分隔）")
        if LEVEL_WORDS[bare] not in codes:
            codes.append(LEVEL_WORDS[bare])
    if not codes:
        blank = Deputy._meta.get_field("levels").error_messages["blank"]
        raise CellError(f"代表层级：{blank}")
    return codes


def choice(value, mapping, message):
    text = cell_text(value)
    if text not in mapping:
        raise CellError(f"{message}：{text}")
    return mapping[text]


# --- validating and applying --------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    deputy: Deputy
    is_new: bool
    deputy_changed: bool = False
    levels: list = None  # Level objects to set, or None to leave them
    constituency: Constituency = None
    election: Election = None  # the existing election in `constituency`, if any
    group: DeputyGroup = None
    join_group: bool = False
    group_start: datetime.date = None
    leave_memberships: list = field(default_factory=list)

    @property
    def changed(self):
        return self.is_new or self.deputy_changed or self.join_group


@dataclass
class Report:
    rows: int = 0
    plans: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # [(line, message)]
    warnings: list = field(default_factory=list)
    area_links: list = field(default_factory=list)  # [(constituency, area)]

    @property
    def created(self):
        return sum(plan.is_new for plan in self.plans)

    @property
    def updated(self):
        return sum(plan.changed and not plan.is_new for plan in self.plans)

    @property
    def unchanged(self):
        return sum(not plan.changed for plan in self.plans)

    @property
    def bad_lines(self):
        return len({line for line, _message in self.errors})


class RegisterImporter:
    """Validate a register Table against the database, then apply it.

    `default_term` (届次 number or name) is used for rows without a 届次 value."""

    def __init__(self, default_term=None):
        self.today = timezone.localdate()
        self.terms = {term.number: term for term in Term.objects.all()}
        self.terms_by_name = {term.name: term for term in self.terms.values()}
        self.levels = {level.code: level for level in Level.objects.all()}
        self.default_term = None
        if default_term:
            self.default_term = self.find_term(str(default_term).strip())
            if self.default_term is None:
                raise RegisterFileError(f"未知的届次：{default_term}（--term）")

    def find_term(self, text):
        return self.terms_by_name.get(text) or self.terms.get(term_number(text))

    def _load(self, numbers):
        county = self.levels[Level.COUNTY]
        self.constituencies = {
            (constituency.term_id, constituency.name): constituency
            for constituency in Constituency.objects.filter(level=county).select_related(
                "term", "level"
            )
        }
        self.covered = defaultdict(set)
        for link in Constituency.areas.through.objects.all():
            self.covered[link.constituency_id].add(link.area_id)
        areas = list(Area.objects.all())
        self.townships = defaultdict(list)
        self.children = defaultdict(dict)
        for area in areas:
            if area.kind in (Area.TOWNSHIP, Area.STREET):
                self.townships[area.name].append(area)
            elif area.kind in (Area.VILLAGE, Area.COMMUNITY) and area.parent_id:
                self.children[area.parent_id][area.name] = area
        self.groups = {
            (group.term_id, group.name): group
            for group in DeputyGroup.objects.select_related("term")
        }
        self.existing = {}
        numbers = sorted(numbers)
        for start in range(0, len(numbers), QUERY_CHUNK):
            for deputy in Deputy.objects.filter(
                register_number__in=numbers[start : start + QUERY_CHUNK]
            ).prefetch_related("levels", "elections__constituency", "group_memberships__group"):
                self.existing[deputy.register_number] = deputy

    def validate(self, table):
        """Check every row; nothing is written. Returns a Report with a plan per good row."""
        report = Report(rows=len(table.rows))
        positions = self._columns(table, report)
        records = [
            (line, {key: cells[index] if index < len(cells) else None for key, index in positions})
            for line, cells in table.rows
        ]
        self._load({cell_text(record.get("register_number")) for _line, record in records})
        seen = {}
        for line, record in records:
            number = cell_text(record.get("register_number"))
            errors = []
            duplicate = bool(number) and number in seen
            if duplicate:
                errors.append(f"代表编号重复：{number} 已在第 {seen[number]} 行出现")
            else:
                seen[number] = line
            existing = None if duplicate else self.existing.get(number)
            plan = self._row(line, record, existing, errors, duplicate)
            report.errors.extend((line, message) for message in errors)
            if errors:
                continue
            report.plans.append(plan)
            if existing is not None and existing.has_unpublished_changes and plan.changed:
                report.warnings.append(
                    f"第 {line} 行 {number} {existing.name}：后台有未发布的修改（草稿），"
                    "导入以当前在线版本为基础发布新版本，草稿仍保留在修订历史中"
                )
        if report.errors:
            report.plans = []
            report.area_links = []
        else:
            report.area_links = self.area_links
        return report

    def _columns(self, table, report):
        positions, unknown, repeated = [], [], []
        found = {}
        for index, header in enumerate(table.headers):
            name = normalise_header(header)
            if not name:
                continue
            column = HEADER_INDEX.get(name)
            if column is None:
                unknown.append(header)
            elif column.key in found:
                repeated.append(header)
            else:
                found[column.key] = index
                positions.append((column.key, index))
        if repeated:
            raise RegisterFileError(
                f"表头有重复的列：{'、'.join(repeated)}（表头在第 {table.header_line} 行）"
            )
        missing = [
            column.header for column in COLUMNS if column.required and column.key not in found
        ]
        if missing:
            found_headers = "、".join(header for header in table.headers if header)
            raise RegisterFileError(
                f"缺少必填列：{'、'.join(missing)}"
                f"（表头在第 {table.header_line} 行：{found_headers}）。"
                "若表头本来正确，请检查文件编码是否为 UTF-8 或 GBK。"
            )
        if unknown:
            report.warnings.append(
                f"以下列无法识别，已忽略：{'、'.join(unknown)}"
                "（可识别的列见 docs/deputies.md「名册导入」）"
            )
        self.present = set(found)
        self.area_links = []
        return positions

    def _row(self, line, record, existing, errors, duplicate=False):
        present = self.present
        deputy = existing or Deputy()
        before = {name: getattr(deputy, name) for name in DEPUTY_FIELDS}
        # Fields already reported by the importer: the model's messages on them would repeat it.
        bad_fields = {"register_number"} if duplicate else set()

        def parse(key, parser):
            try:
                return parser(record.get(key))
            except CellError as error:
                errors.append(str(error))
                bad_fields.add(key)
                return None

        deputy.register_number = cell_text(record.get("register_number"))
        deputy.name = re.sub(r"\s", "", cell_text(record.get("name")))
        for name in TEXT_FIELDS:
            if name in present:
                setattr(deputy, name, cell_text(record.get(name)))
        if "gender" in present:
            deputy.gender = (
                parse("gender", lambda v: choice(v, GENDERS, "性别应为“男”或“女”")) or ""
            )
        if "birth_year" in present:
            deputy.birth_year = parse("birth_year", lambda v: parse_year(v, self.today))
        for name in ("elected_date", "status_date"):
            if name in present:
                setattr(deputy, name, parse(name, lambda v, n=name: parse_date(v, LABELS[n])))
        if "status" in present:
            status = parse("status", lambda v: choice(v, STATUSES, "状态应为“在任”或“终止”"))
            deputy.status = status or deputy.status
        if "status_reason" in present:
            reasons = {"": "", **REASONS}
            message = "终止原因应为辞职、罢免、调离、去世或其他"
            deputy.status_reason = parse("status_reason", lambda v: choice(v, reasons, message))
            deputy.status_reason = deputy.status_reason or ""
        if "surname_length" in present and cell_text(record.get("surname_length")):
            message = "复姓应填“是”或“否”"
            length = parse("surname_length", lambda v: choice(v, YES_NO, message))
            deputy.surname_length = length or deputy.surname_length
        elif existing is None:
            compound = deputy.name[:2] in COMPOUND_SURNAMES and len(deputy.name) > 2
            deputy.surname_length = 2 if compound else 1

        if not deputy.name:
            bad_fields.add("surname_length")  # "shorter than the name" says nothing new here
        self._full_clean(deputy, bad_fields, errors)

        plan = RowPlan(line=line, deputy=deputy, is_new=existing is None)
        if existing is not None:
            after = {name: getattr(deputy, name) for name in DEPUTY_FIELDS}
            plan.deputy_changed = after != before or not existing.live

        # 代表层级: absent column → new deputies are county deputies, existing ones keep theirs.
        codes = None
        if "levels" in present:
            codes = parse("levels", parse_levels)
        elif existing is None:
            codes = [Level.COUNTY]
        if codes is not None:
            plan.levels = [self.levels[code] for code in codes]
            if existing is not None:
                current = {level.code for level in existing.levels.all()}
                plan.deputy_changed |= current != set(codes)

        term = self._term(record, errors)
        self._election(plan, record, term, errors)
        area = self._area(record, errors)
        if area is not None and plan.constituency is not None and not errors:
            self._cover(plan.constituency, area)
        self._group(plan, record, term, errors)
        if plan.constituency and plan.levels and Level.COUNTY not in codes:
            errors.append(f"代表层级未包含“县”，但填写了县级选区：{plan.constituency.name}")
        return plan

    def _full_clean(self, deputy, bad_fields, errors):
        """The model's own rules, so messages read as in the admin; labelled by column."""
        try:
            deputy.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in bad_fields:
                    continue  # already reported as an unreadable value
                for message in messages:
                    if name == NON_FIELD_ERRORS:
                        errors.append(message)
                    else:
                        label = LABELS.get(name) or Deputy._meta.get_field(name).verbose_name
                        errors.append(f"{label}：{message}")

    def _term(self, record, errors):
        text = cell_text(record.get("term"))
        if not text:
            return self.default_term
        term = self.find_term(text)
        if term is None:
            errors.append(f"未知的届次：{text}")
        return term

    def _needs_term(self, term, record, label, errors):
        if term is None and not cell_text(record.get("term")):
            errors.append(f"填写了{label}但没有届次：请填写“届次”列，或用 --term 指定届次")
        return term is not None

    def _election(self, plan, record, term, errors):
        name = cell_text(record.get("constituency"))
        if not name or not self._needs_term(term, record, "选区", errors):
            return
        constituency = self.constituencies.get((term.id, name))
        if constituency is None:
            errors.append(f"未知的选区：{name}（{term.name}县级）")
            return
        plan.constituency = constituency
        deputy = plan.deputy
        if plan.is_new:
            return
        elections = list(deputy.elections.all())
        others = [election.constituency for election in elections]
        for first, second in duplicate_term_elections([*others, constituency]):
            if constituency in (first, second) and first != second:
                other = second if first == constituency else first
                errors.append(
                    f"同一届次只能在一个选区当选：该代表已在“{other}”当选，"
                    f"本行填写的是“{constituency.name}”（如确需更改，请在后台修改）"
                )
                return
        plan.election = next((e for e in elections if e.constituency_id == constituency.id), None)
        if plan.election is None or plan.election.elected_date != deputy.elected_date:
            plan.deputy_changed = True

    def _area(self, record, errors):
        township_name = cell_text(record.get("township"))
        village_name = re.sub(r"\s", "", cell_text(record.get("village")))
        township = None
        if township_name:
            matches = self.townships.get(township_name, [])
            if not matches:
                errors.append(f"未知的乡镇：{township_name}")
                return None
            if len(matches) > 1:
                errors.append(f"乡镇名称不唯一：{township_name}（请在后台区划中改正）")
                return None
            township = matches[0]
        if not village_name:
            return township
        if township is None:
            errors.append(f"填写村（社区）时须同时填写乡镇：{village_name}")
            return None
        villages = self.children[township.id]
        bare = village_name.removeprefix(township.name) or village_name  # 城关镇东街社区 → 东街社区
        village = villages.get(village_name) or villages.get(bare)
        if village is None:
            errors.append(f"未知的村（社区）：{township.name}{bare}")
        return village

    def _cover(self, constituency, area):
        """Add the row's township or village to the constituency's areas unless already covered."""
        covered = self.covered[constituency.id]
        if area.id in covered or (
            area.parent_id in covered and area.kind in (Area.VILLAGE, Area.COMMUNITY)
        ):
            return
        if area.kind in (Area.TOWNSHIP, Area.STREET) and any(
            child.id in covered for child in self.children[area.id].values()
        ):
            return
        covered.add(area.id)
        self.area_links.append((constituency, area))

    def _group(self, plan, record, term, errors):
        name = cell_text(record.get("group"))
        if not name or not self._needs_term(term, record, "代表小组", errors):
            return
        group = self.groups.get((term.id, name))
        if group is None:
            errors.append(f"未知的代表小组：{name}（{term.name}）")
            return
        plan.group = group
        if plan.is_new:
            memberships = []
        else:
            memberships = [
                m for m in plan.deputy.group_memberships.all() if m.group.term_id == term.id
            ]
        open_ones = [m for m in memberships if m.end_date is None]
        if any(m.group_id == group.id for m in open_ones):
            return
        plan.join_group = True
        plan.leave_memberships = open_ones
        if memberships:
            plan.group_start = self.today  # a move between groups, or rejoining
        else:
            elected = plan.deputy.elected_date
            plan.group_start = max(term.start_date, elected) if elected else term.start_date

    def apply(self, report):
        """Write a validated report: everything or nothing, in one transaction."""
        if report.errors:
            raise ValueError("a report with errors cannot be applied")
        with (
            transaction.atomic(),
            disable_reference_index_auto_update(),
            search_auto_update_paused(Deputy),
        ):
            deputies, groups = self._write(report)
            # Creating and publishing saves a deputy three times and each save would update the
            # search and reference indexes; update them once per touched object instead.
            for pk in deputies:
                update_reference_index_task.enqueue("deputies", "deputy", str(pk))
            for pk in groups:
                update_reference_index_task.enqueue("deputies", "deputygroup", str(pk))
            update_search_index(Deputy, deputies)

    def _write(self, report):
        links = defaultdict(list)
        for constituency, area in report.area_links:
            links[constituency].append(area)
        for constituency, areas in links.items():
            constituency.areas.add(*areas)
        deputies, groups, next_order = set(), set(), {}
        for plan in report.plans:
            deputy = plan.deputy
            if plan.is_new:
                if plan.constituency:
                    deputy.elections = [self._new_election(plan, 0)]
                CreateAction(deputy, publish=True, clean=False).execute(skip_permission_checks=True)
                deputy.levels.set(plan.levels)
                deputies.add(deputy.pk)
            elif plan.deputy_changed:
                elections = list(deputy.elections.all())
                if plan.election is not None:
                    plan.election.elected_date = deputy.elected_date
                elif plan.constituency is not None:
                    elections.append(self._new_election(plan, len(elections)))
                deputy.elections = elections
                EditAction(deputy, publish=True, clean=False).execute(skip_permission_checks=True)
                if plan.levels is not None:
                    deputy.levels.set(plan.levels)
                deputies.add(deputy.pk)
            if plan.join_group:
                self._join(plan, next_order)
                groups.add(plan.group.pk)
                groups.update(membership.group_id for membership in plan.leave_memberships)
        return deputies, groups

    def _new_election(self, plan, sort_order):
        return Election(
            constituency=plan.constituency,
            elected_date=plan.deputy.elected_date,
            sort_order=sort_order,
        )

    def _join(self, plan, next_order):
        for membership in plan.leave_memberships:
            if membership.start_date and membership.start_date >= plan.group_start:
                membership.delete()  # started today in the wrong group: a correction, not a move
            else:
                membership.end_date = plan.group_start - datetime.timedelta(days=1)
                membership.save(update_fields=["end_date"])
        group = plan.group
        if group.pk not in next_order:
            last = group.memberships.order_by("-sort_order").values_list("sort_order", flat=True)
            next_order[group.pk] = (last.first() or 0) + 1
        GroupMembership.objects.create(
            group=group,
            deputy=plan.deputy,
            role="member",
            start_date=plan.group_start,
            sort_order=next_order[group.pk],
        )
        next_order[group.pk] += 1


__all__ = [
    "COLUMNS",
    "RegisterFileError",
    "RegisterImporter",
    "Report",
    "Table",
    "read_table",
]
