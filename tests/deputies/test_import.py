"""`manage.py import_deputies`: the register (代表名册) as it arrives from the election office."""

import csv
import datetime
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import ModelLogEntry, ReferenceIndex, Revision

from deputies.factories import (
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    ElectionFactory,
    GroupMembershipFactory,
    SupervisionRoleFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
)
from deputies.importer import COLUMNS
from deputies.models import Area, Constituency, Deputy, Election, GroupMembership, SupervisionRole
from search.models import IndexEntry

DOCS = Path(__file__).resolve().parents[2] / "docs"

HEADER = [
    "代表编号",
    "姓名",
    "复姓",
    "性别",
    "民族",
    "出生年份",
    "政治面貌",
    "学历",
    "工作单位及职务",
    "代表层级",
    "届次",
    "选区",
    "乡镇",
    "村（社区）",
    "代表小组",
    "当选日期",
    "联系电话",
    "状态",
    "终止日期",
    "终止原因",
]


def good_rows():
    """Three deputies, as dicts keyed by header; line 2, 3 and 4 of the file."""
    return [
        {
            "代表编号": "D001",
            "姓名": "张建国",
            "复姓": "否",
            "性别": "男",
            "民族": "汉族",
            "出生年份": "1968",
            "政治面貌": "中共党员",
            "学历": "大学本科",
            "工作单位及职务": "城关镇东街社区党委书记",
            "代表层级": "县、乡镇",
            "届次": "第十八届",
            "选区": "第一选区",
            "乡镇": "城关镇",
            "村（社区）": "东街社区",
            "代表小组": "城关镇代表小组",
            "当选日期": "2021-11-20",
            "联系电话": "0371-1234567",
            "状态": "在任",
        },
        {
            "代表编号": "D002",
            "姓名": "欧阳秀英",
            "性别": "女",
            "民族": "回族",
            "出生年份": "1975年",
            "政治面貌": "群众",
            "学历": "大专",
            "工作单位及职务": "河口镇李家村村民委员会主任",
            "代表层级": "县",
            "届次": "18",
            "选区": "第二选区",
            "乡镇": "河口镇",
            "村（社区）": "李家村",
            "代表小组": "河口镇代表小组",
            "当选日期": "2021年11月20日",
        },
        {
            "代表编号": "D003",
            "姓名": "王　芳",
            "性别": "女",
            "民族": "汉族",
            "出生年份": "1980",
            "政治面貌": "民盟盟员",
            "学历": "研究生",
            "工作单位及职务": "县人民医院副院长",
            "代表层级": "县",
            "届次": "第十八届",
            "选区": "第一选区",
            "乡镇": "城关镇",
            "当选日期": "2021/11/20",
            "状态": "终止",
            "终止日期": "2024-03-01",
            "终止原因": "调离",
        },
    ]


def as_lines(rows, header=HEADER):
    return [list(header), *[[row.get(name, "") for name in header] for row in rows]]


def write_csv(path, rows, encoding="utf-8", header=HEADER):
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(as_lines(rows, header))
    return path


def write_xlsx(path, rows, header=HEADER, title=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for line in as_lines(rows, header):
        sheet.append(line)
    workbook.save(path)
    return path


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_deputies", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args):
    """Run an import that must fail; return (CommandError message, stderr)."""
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_deputies", str(path), *args, stdout=StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


def snapshot():
    """Row counts of everything an import may write."""
    return {
        "deputies": Deputy.objects.count(),
        "live": Deputy.objects.filter(live=True).count(),
        "elections": Election.objects.count(),
        "memberships": GroupMembership.objects.count(),
        "revisions": Revision.objects.count(),
        "log": ModelLogEntry.objects.count(),
        "areas": Constituency.areas.through.objects.count(),
        "levels": Deputy.levels.through.objects.count(),
    }


@pytest.fixture
def register(db):
    term = TermFactory()
    county = CountyFactory()
    chengguan = TownshipFactory(name="城关镇", parent=county)
    hekou = TownshipFactory(name="河口镇", parent=county)
    return SimpleNamespace(
        term=term,
        chengguan=chengguan,
        hekou=hekou,
        dongjie=VillageFactory(name="东街社区", kind=Area.COMMUNITY, parent=chengguan),
        lijia=VillageFactory(name="李家村", parent=hekou),
        first=ConstituencyFactory(term=term, name="第一选区"),
        second=ConstituencyFactory(term=term, name="第二选区"),
        chengguan_group=DeputyGroupFactory(term=term, name="城关镇代表小组", township=chengguan),
        hekou_group=DeputyGroupFactory(term=term, name="河口镇代表小组", township=hekou),
    )


def assert_good_import(register):
    assert Deputy.objects.count() == 3
    zhang = Deputy.objects.get(register_number="D001")
    assert zhang.name == "张建国"
    assert zhang.gender == "male"
    assert zhang.birth_year == 1968
    assert zhang.phone == "0371-1234567"
    assert zhang.elected_date == datetime.date(2021, 11, 20)
    assert sorted(zhang.levels.values_list("code", flat=True)) == ["county", "township"]
    assert [e.constituency for e in zhang.elections.all()] == [register.first]
    assert zhang.elections.get().elected_date == datetime.date(2021, 11, 20)
    membership = zhang.group_memberships.get()
    assert membership.group == register.chengguan_group
    assert membership.start_date == register.term.start_date

    ouyang = Deputy.objects.get(register_number="D002")
    assert ouyang.surname_length == 2, "blank 复姓 with a listed compound surname"
    assert ouyang.surname == "欧阳"
    assert ouyang.ethnicity == "回族"
    assert ouyang.birth_year == 1975
    assert ouyang.status == Deputy.SERVING

    wang = Deputy.objects.get(register_number="D003")
    assert wang.name == "王芳", "spaces used to align two-character names are dropped"
    assert wang.status == Deputy.TERMINATED
    assert wang.status_date == datetime.date(2024, 3, 1)
    assert wang.status_reason == "transferred"
    assert not wang.group_memberships.exists()

    # Published the way the admin publishes: live, with a live revision and log entries.
    for deputy in Deputy.objects.all():
        assert deputy.live
        assert deputy.live_revision is not None
        assert deputy.latest_revision == deputy.live_revision
        assert deputy.live_revision.content["register_number"] == deputy.register_number
    assert ModelLogEntry.objects.filter(action="wagtail.publish").count() == 3
    # The rows' townships and villages now map to the constituencies ("find my deputy").
    assert set(register.first.areas.all()) == {register.dongjie}
    assert set(register.second.areas.all()) == {register.lijia}


# --- good files ---------------------------------------------------------------------------------


def test_xlsx_register_is_imported_and_published(register, tmp_path):
    out, err = run(write_xlsx(tmp_path / "名册.xlsx", good_rows()))

    assert err == ""
    assert "新建 3，更新 0，未变 0，用时" in out
    assert "选区新增覆盖区划 2 个" in out
    assert_good_import(register)


def test_xlsx_with_typed_cells_and_a_title_row(register, tmp_path):
    """Excel gives numbers and dates, not text; a title row above the header is allowed."""
    rows = good_rows()
    rows[0].update({"代表编号": 1001, "出生年份": 1968, "当选日期": datetime.date(2021, 11, 20)})
    rows[0]["联系电话"] = 13800000000
    rows[1]["当选日期"] = datetime.datetime(2021, 11, 20)
    rows[1]["届次"] = 18
    path = write_xlsx(tmp_path / "名册.xlsx", rows, title="第十八届县人民代表大会代表名册")

    out, _err = run(path)

    assert "新建 3" in out
    deputy = Deputy.objects.get(register_number="1001")
    assert deputy.birth_year == 1968
    assert deputy.phone == "13800000000"
    assert deputy.elected_date == datetime.date(2021, 11, 20)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_csv_with_or_without_bom(register, tmp_path, encoding):
    out, err = run(write_csv(tmp_path / "名册.csv", good_rows(), encoding=encoding))

    assert err == ""
    assert "新建 3，更新 0，未变 0" in out
    assert_good_import(register)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv(register, tmp_path, encoding):
    out, _err = run(write_csv(tmp_path / "名册.csv", good_rows(), encoding=encoding))

    assert "新建 3，更新 0，未变 0" in out
    assert_good_import(register)


def test_headers_match_after_removing_spaces(register, tmp_path):
    header = [f" {name[0]}　{name[1:]} " for name in HEADER]
    rows = [
        {h: row.get(name, "") for h, name in zip(header, HEADER, strict=True)}
        for row in good_rows()
    ]

    out, _err = run(write_csv(tmp_path / "名册.csv", rows, header=header))

    assert "新建 3" in out
    assert_good_import(register)


def test_minimal_columns_with_term_option(register, tmp_path):
    header = ["代表编号", "姓名", "性别", "选区"]
    rows = [{"代表编号": "D101", "姓名": "李明", "性别": "男", "选区": "第二选区"}]

    out, _err = run(write_csv(tmp_path / "名册.csv", rows, header=header), "--term", "18")

    assert "新建 1" in out
    deputy = Deputy.objects.get(register_number="D101")
    assert [level.code for level in deputy.levels.all()] == ["county"]
    assert deputy.elections.get().constituency == register.second
    assert deputy.ethnicity == "汉族", "absent columns keep the model's default"


def test_unknown_term_option_is_refused(register, tmp_path):
    path = write_csv(tmp_path / "名册.csv", good_rows())
    message, _err = run_failing(path, "--term", "第十九届")
    assert "未知的届次：第十九届" in message
    assert Deputy.objects.count() == 0


def test_unknown_columns_are_a_warning(register, tmp_path):
    header = ["序号", *HEADER, "身份证号"]
    rows = [dict(row, 序号=str(n), 身份证号="（不应导入）") for n, row in enumerate(good_rows(), 1)]

    out, err = run(write_csv(tmp_path / "名册.csv", rows, header=header))

    assert "警告：以下列无法识别，已忽略：序号、身份证号" in err
    assert "新建 3" in out


def test_search_and_reference_indexes_are_updated(register, tmp_path):
    run(write_csv(tmp_path / "名册.csv", good_rows()))

    deputy_type = ContentType.objects.get_for_model(Deputy)
    zhang = Deputy.objects.get(register_number="D001")
    assert IndexEntry.objects.filter(content_type=deputy_type, object_id=str(zhang.pk)).exists()
    referring = ReferenceIndex.get_references_to(register.first).values_list("object_id", flat=True)
    assert str(zhang.pk) in set(referring), "the admin's usage count of 第一选区 includes him"
    # The importer paused the search signal while writing; saving in the admin indexes again.
    later = DeputyFactory(name="后台新增")
    assert IndexEntry.objects.filter(content_type=deputy_type, object_id=str(later.pk)).exists()


# --- re-import and dry run ----------------------------------------------------------------------


def test_reimport_updates_without_duplicating(register, tmp_path):
    run(write_csv(tmp_path / "first.csv", good_rows()))
    before = snapshot()
    zhang = Deputy.objects.get(register_number="D001")
    ouyang_revisions = Deputy.objects.get(register_number="D002").revisions.count()
    # Things only the admin keeps survive a re-import.
    SupervisionRoleFactory(deputy=zhang)
    Deputy.objects.filter(pk=zhang.pk).update(biography="简介由后台填写")

    rows = good_rows()
    rows[0]["工作单位及职务"] = "城关镇党委副书记"
    rows[0]["当选日期"] = "2021-11-21"
    out, _err = run(write_csv(tmp_path / "second.csv", rows))

    assert "新建 0，更新 1，未变 2" in out
    after = snapshot()
    assert after["deputies"] == before["deputies"] == 3
    assert after["elections"] == before["elections"]
    assert after["memberships"] == before["memberships"]
    assert after["revisions"] == before["revisions"] + 1
    zhang.refresh_from_db()
    assert zhang.post == "城关镇党委副书记"
    assert zhang.elections.get().elected_date == datetime.date(2021, 11, 21)
    assert zhang.live_revision == zhang.latest_revision
    assert zhang.biography == "简介由后台填写"
    assert SupervisionRole.objects.filter(deputy=zhang).count() == 1
    assert Deputy.objects.get(register_number="D002").revisions.count() == ouyang_revisions

    out, _err = run(write_csv(tmp_path / "second.csv", rows))
    assert "新建 0，更新 0，未变 3" in out
    assert snapshot()["revisions"] == after["revisions"]


def test_reimport_adds_to_an_existing_deputy(register, tmp_path):
    """A deputy keyed in the admin: the register adds the election and group, and publishes."""
    deputy = DeputyFactory(register_number="D001", name="张建国", live=False)
    other_term = TermFactory(number=17, name="第十七届", start_date=datetime.date(2016, 12, 1))
    ElectionFactory(deputy=deputy, constituency=ConstituencyFactory(term=other_term))

    out, _err = run(write_csv(tmp_path / "名册.csv", good_rows()))

    assert "新建 2，更新 1，未变 0" in out
    deputy.refresh_from_db()
    assert deputy.live
    assert deputy.elections.count() == 2
    assert deputy.group_memberships.get().group == register.chengguan_group


def test_moving_to_another_group_ends_the_old_membership(register, tmp_path):
    run(write_csv(tmp_path / "first.csv", good_rows()))
    rows = good_rows()
    rows[0]["代表小组"] = "河口镇代表小组"

    out, _err = run(write_csv(tmp_path / "second.csv", rows))

    assert "更新 1" in out
    zhang = Deputy.objects.get(register_number="D001")
    old, new = zhang.group_memberships.order_by("start_date")
    assert old.group == register.chengguan_group
    assert old.end_date is not None
    assert new.group == register.hekou_group
    assert new.end_date is None


def test_dry_run_writes_nothing(register, tmp_path):
    before = snapshot()

    out, _err = run(write_csv(tmp_path / "名册.csv", good_rows()), "--dry-run", "--verbosity=2")

    assert "试运行" in out
    assert "第 2 行 D001 张建国：新建" in out
    assert "新建 3，更新 0，未变 0" in out
    assert snapshot() == before


def test_unpublished_admin_changes_are_warned_about(register, tmp_path):
    deputy = DeputyFactory(register_number="D001", name="张建国")
    deputy.post = "草稿中的职务"
    deputy.save_revision()  # a draft: the live row is unchanged

    _out, err = run(write_csv(tmp_path / "名册.csv", good_rows()))

    assert "第 2 行 D001 张建国：后台有未发布的修改" in err
    deputy.refresh_from_db()
    assert deputy.post == "城关镇东街社区党委书记"
    assert deputy.live_revision == deputy.latest_revision


# --- bad files: reported, nothing written -------------------------------------------------------


def assert_refused(path, *expected, args=()):
    before = snapshot()
    message, err = run_failing(path, *args)
    report = message + "\n" + err
    for text in expected:
        assert text in report, f"{text!r} not in:\n{report}"
    assert snapshot() == before
    return message, err


def test_empty_file(register, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(b"")
    assert_refused(path, "文件为空")


def test_header_only(register, tmp_path):
    assert_refused(write_csv(tmp_path / "名册.csv", []), "文件没有数据行")
    assert_refused(write_xlsx(tmp_path / "名册.xlsx", []), "文件没有数据行")


def test_unsupported_encoding(register, tmp_path):
    path = write_csv(tmp_path / "名册.csv", good_rows(), encoding="utf-16")
    assert_refused(path, "无法识别 CSV 文件的编码", "UTF-8", "GBK")


def test_old_excel_format(register, tmp_path):
    path = tmp_path / "名册.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert_refused(path, "不支持旧版 Excel（.xls）")


def test_missing_required_columns(register, tmp_path):
    header = [name for name in HEADER if name != "代表编号"]
    assert_refused(
        write_csv(tmp_path / "名册.csv", good_rows(), header=header), "缺少必填列：代表编号"
    )


def test_bad_rows_are_all_reported_and_good_rows_not_written(register, tmp_path):
    rows = good_rows()
    rows[1]["性别"] = "未知"
    rows[2]["乡镇"] = "火星镇"
    message, err = assert_refused(
        write_csv(tmp_path / "名册.csv", rows),
        "第 3 行：性别应为“男”或“女”：未知",
        "第 4 行：未知的乡镇：火星镇",
    )
    assert "第 2 行" not in err
    assert "名册共 3 行数据，其中 2 行有错误" in message
    assert "未导入任何数据" in message


def test_several_reasons_in_one_row(register, tmp_path):
    rows = good_rows()
    rows[0].update({"姓名": "", "出生年份": "一九六八", "当选日期": "2021-13-01"})
    _message, err = assert_refused(
        write_xlsx(tmp_path / "名册.xlsx", rows),
        "第 2 行：姓名：此字段不能为空。",
        "第 2 行：出生年份不正确：一九六八",
        "第 2 行：当选日期格式不正确：2021-13-01",
    )
    assert err.count("第 2 行") == 3, "no knock-on message about the surname"


BAD_VALUES = [
    ("代表编号", "", "代表编号：此字段不能为空。"),
    ("姓名", "", "姓名：此字段不能为空。"),
    ("性别", "", "性别：此字段不能为空。"),
    ("性别", "男生", "性别应为“男”或“女”：男生"),
    ("届次", "第十九届", "未知的届次：第十九届"),
    ("选区", "第九选区", "未知的选区：第九选区（第十八届县级）"),
    ("乡镇", "火星镇", "未知的乡镇：火星镇"),
    ("村（社区）", "西街社区", "未知的村（社区）：河口镇西街社区"),
    ("代表小组", "火星代表小组", "未知的代表小组：火星代表小组（第十八届）"),
    ("当选日期", "2021-02-30", "当选日期格式不正确：2021-02-30"),
    ("出生年份", "1850", "出生年份不正确：1850"),
    ("出生年份", "六八年", "出生年份不正确：六八年"),
    ("代表层级", "区", "代表层级不正确：区"),
    ("代表层级", "", "代表层级：此字段不能为空。"),
    ("状态", "暂停", "状态应为“在任”或“终止”：暂停"),
    ("复姓", "不知道", "复姓应填“是”或“否”：不知道"),
    ("联系电话", "1" * 60, "联系电话：确保该变量包含不超过 50 字符"),
    ("代表层级", "乡镇", "代表层级未包含“县”，但填写了县级选区：第二选区"),
    ("乡镇", "", "填写村（社区）时须同时填写乡镇：李家村"),
    ("终止日期", "2020-01-01", "状态：填写了终止日期或原因时，状态应为“终止”。"),
]


@pytest.mark.parametrize(
    "column, value, expected", BAD_VALUES, ids=[f"{c}={v[:8]}" for c, v, _ in BAD_VALUES]
)
def test_bad_value(register, tmp_path, column, value, expected):
    rows = good_rows()
    rows[1][column] = value
    assert_refused(write_csv(tmp_path / "名册.csv", rows), f"第 3 行：{expected}")


def test_duplicate_register_number(register, tmp_path):
    rows = good_rows()
    rows[2]["代表编号"] = "D001"
    assert_refused(
        write_csv(tmp_path / "名册.csv", rows), "第 4 行：代表编号重复：D001 已在第 2 行出现"
    )


def test_terminated_without_date_or_reason(register, tmp_path):
    rows = good_rows()
    rows[2].update({"终止日期": "", "终止原因": ""})
    assert_refused(
        write_csv(tmp_path / "名册.csv", rows),
        "第 4 行：终止日期：代表资格终止时请填写终止日期。",
        "第 4 行：终止原因：代表资格终止时请选择终止原因。",
    )


def test_terminated_before_elected(register, tmp_path):
    rows = good_rows()
    rows[2]["终止日期"] = "2020-01-01"
    assert_refused(
        write_csv(tmp_path / "名册.csv", rows), "第 4 行：终止日期：终止日期不能早于当选日期。"
    )


def test_unknown_termination_reason(register, tmp_path):
    rows = good_rows()
    rows[2]["终止原因"] = "退休"
    assert_refused(
        write_csv(tmp_path / "名册.csv", rows),
        "第 4 行：终止原因应为辞职、罢免、调离、去世或其他：退休",
    )


def test_deputy_in_two_constituencies_of_one_term(register, tmp_path):
    deputy = DeputyFactory(register_number="D001", name="张建国")
    ElectionFactory(deputy=deputy, constituency=register.second)
    assert_refused(
        write_csv(tmp_path / "名册.csv", good_rows()),
        "第 2 行：同一届次只能在一个选区当选：该代表已在“第十八届县级第二选区”当选，"
        "本行填写的是“第一选区”",
    )


def test_constituency_without_a_term(register, tmp_path):
    header = [name for name in HEADER if name != "届次"]
    assert_refused(
        write_csv(tmp_path / "名册.csv", good_rows(), header=header),
        "第 2 行：填写了选区但没有届次",
    )


def test_existing_group_membership_is_not_duplicated(register, tmp_path):
    deputy = DeputyFactory(register_number="D001", name="张建国")
    GroupMembershipFactory(deputy=deputy, group=register.chengguan_group, role="leader")

    run(write_csv(tmp_path / "名册.csv", good_rows()))

    membership = GroupMembership.objects.get(deputy=deputy)
    assert membership.role == "leader"


# --- the documentation ---------------------------------------------------------------------------


def test_documented_sample_imports(db):
    """docs/samples/deputies-sample.csv against the names of the demo data (`make run`)."""
    term = TermFactory()
    county = CountyFactory()
    places = {
        "城关镇": ["东关社区", "西关社区"],
        "新桥镇": ["河口村", "李家庄村"],
        "石岭乡": ["石岭村"],
    }
    for township_name, villages in places.items():
        township = TownshipFactory(name=township_name, parent=county)
        for village in villages:
            VillageFactory(name=village, parent=township)
        DeputyGroupFactory(term=term, name=f"{township_name}代表小组", township=township)
    for number in range(1, 6):
        ConstituencyFactory(term=term, name=f"第{number}选区")

    out, err = run(DOCS / "samples" / "deputies-sample.csv")

    assert err == ""
    assert "新建 5，更新 0，未变 0" in out
    assert Deputy.objects.get(register_number="18-102").surname == "欧阳"


def test_every_column_is_documented():
    text = (DOCS / "deputies.md").read_text(encoding="utf-8")
    section = text.split("## 名册导入", 1)[1]
    for column in COLUMNS:
        assert f"| {column.header} " in section, column.header


# --- limits (issue 15): files far past any real register are refused early ----------------------


def test_too_many_rows_is_refused_before_anything(register, tmp_path, monkeypatch):
    monkeypatch.setattr("deputies.importer.MAX_ROWS", 50)
    rows = good_rows() * 20  # 60 data rows + the header
    before = snapshot()
    for path in (write_csv(tmp_path / "名册.csv", rows), write_xlsx(tmp_path / "名册.xlsx", rows)):
        message, _err = run_failing(path)
        assert "文件行数过多：超过 50 行" in message
    assert snapshot() == before


def test_a_huge_xlsx_is_refused_quickly(register, tmp_path):
    """A small xlsx of many rows (the probe's had 300,000): refused at MAX_ROWS, not read on."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(HEADER))
    for number in range(25_000):
        sheet.append([f"X{number}"])
    path = tmp_path / "大名册.xlsx"
    workbook.save(path)
    message, _err = run_failing(path)
    assert "文件行数过多：超过 20,000 行" in message


def test_too_many_columns_is_refused_without_echoing_them(register, tmp_path):
    path = tmp_path / "宽.csv"
    path.write_text(",".join(["姓名", *("列" for _ in range(100_000))]) + "\n张三\n", "utf-8")
    message, err = run_failing(path)
    assert "第 1 行的列数过多：超过 200 列" in message
    assert len(message) + len(err) < 500


def test_empty_columns_past_the_cap_are_ignored(register, tmp_path):
    path = write_xlsx(tmp_path / "名册.xlsx", good_rows())
    workbook = openpyxl.load_workbook(path)
    workbook.active.cell(row=1, column=400, value=None)
    workbook.active.cell(row=2, column=400, value="")
    workbook.save(path)
    run(path)
    assert Deputy.objects.count() == 3


def test_a_zip_bomb_xlsx_is_refused(register, tmp_path):
    import zipfile

    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(1_100):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", "")
    message, _err = run_failing(path)
    assert "压缩炸弹" in message


def test_at_most_100_error_lines_then_a_count(register, tmp_path):
    rows = good_rows() * 50  # 150 rows, every one bad
    for row in rows:
        row["性别"] = "未知"
    message, err = run_failing(write_csv(tmp_path / "名册.csv", rows))
    listed = [line for line in err.splitlines() if line.startswith("第 ")]
    assert len(listed) == 100
    assert "另有" in err and "处错误未列出" in err
    assert "未导入任何数据" in message
