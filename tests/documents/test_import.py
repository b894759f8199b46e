"""`manage.py import_documents`: the contract of DESIGN.md §4 on a small generated corpus (laws in
the corpus's Markdown, a government notice in Word, GB18030 text, PDFs, a scan and bad files)."""

import datetime
import logging
import shutil
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.signals import post_save
from wagtail.documents import get_document_model
from wagtail.search.backends import get_search_backend
from wagtail.search.signal_handlers import post_save_signal_handler

from documents.extract import extract_text
from documents.importer import DocumentImporter, parse_metadata
from documents.models import DocumentFile, IssuingBody, NormativeDocument

from .test_extract import docx_bytes, entity_bomb_docx, pdf_bytes, scanned_pdf_bytes

Document = get_document_model()

LAW = """# 某某省农村公路条例

2014年7月23日 某某省第十二届人民代表大会常务委员会第九次会议通过
2018年9月21日 某某省第十三届人民代表大会常务委员会第五次会议《关于修改〈某某省农村公路条例〉\
等十件地方性法规的决定》修正
2014年10月1日 施行

<!-- INFO END -->

## 第一章 总则

第一条　为了加强农村公路管理，促进农村经济发展，制定本条例。

第二条　本条例自2014年10月1日起施行。标记词 qiaoxi2026 用于检索测试。
"""

REGULATION = """# 某某管理条例

2001年3月28日 国务院第36次常务会议通过
2001年4月2日 中华人民共和国国务院令第300号公布
2001年10月1日 施行

<!-- INFO END -->

第一条　为了加强管理，制定本条例。
"""

NOTICE = [
    "某某县人民政府文件",
    "县政发〔2026〕3号",
    "某某县人民政府关于印发",
    "农村人居环境整治实施办法的通知",
    "各乡镇人民政府，县直各单位：",
    "现将《农村人居环境整治实施办法》印发给你们，请认真贯彻执行。",
    "第一条　为了改善农村人居环境，制定本办法。",
    "第二条　本办法自2026年4月1日起施行。",
    "某某县人民政府",
    "二〇二六年三月一日",
]


def make_corpus(root):
    """Eight importable files, one of them a scan, and four that cannot be imported."""
    (root / "地方性法规").mkdir(parents=True)
    (root / "行政法规").mkdir()
    (root / "规范性文件" / "2026").mkdir(parents=True)
    (root / "地方性法规" / "某某省农村公路条例(2018-09-21).md").write_text(LAW, encoding="utf-8")
    (root / "行政法规" / "某某管理条例(2001-04-02).md").write_text(REGULATION, encoding="utf-8")
    (root / "规范性文件" / "2026" / "人居环境通知.docx").write_bytes(docx_bytes(NOTICE))
    (root / "规范性文件" / "国标编码.txt").write_bytes(
        "某某县教育局关于做好秋季开学工作的通知\n一、做好校舍安全检查。".encode("gb18030")
    )
    (root / "规范性文件" / "通知.pdf").write_bytes(pdf_bytes([NOTICE[1:8]]))
    (root / "规范性文件" / "扫描件.pdf").write_bytes(scanned_pdf_bytes(pages=2))
    (root / "无类别.txt").write_text("某某县财政局关于预算公开的通知\n内容。", encoding="utf-8")
    (root / "无类别.md").write_text("# 只有标题的文件\n\n正文一段。", encoding="utf-8")
    # Bad files: reported and skipped.
    (root / "规范性文件" / "损坏.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (root / "规范性文件" / "旧版.doc").write_bytes(b"\xd0\xcf\x11\xe0 old word")
    (root / "规范性文件" / "空白.txt").write_bytes(b"")
    (root / "规范性文件" / "乱码.txt").write_bytes(bytes(range(256)) * 10)
    # Not documents at all: ignored silently.
    (root / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "规范性文件" / "~$人居环境通知.docx").write_bytes(b"lock")
    return root


GOOD, FLAGGED, BAD = 8, 1, 4
LAW_PATH = "地方性法规/某某省农村公路条例(2018-09-21).md"


def run(*args, **options):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_documents", *map(str, args), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def summary_line(stdout):
    return next(line for line in stdout.splitlines() if line.startswith("导入 "))


@pytest.fixture
def corpus(tmp_path):
    return make_corpus(tmp_path / "corpus")


@pytest.mark.django_db
class TestFirstImport:
    def test_summary_counts_every_file(self, corpus):
        stdout, _stderr = run(corpus)

        assert summary_line(stdout).startswith(
            f"导入 {GOOD}，更新 0，跳过 0（未变 0，重复 0），失败 {BAD}，需人工录入 {FLAGGED}；"
            f"共 {GOOD + BAD} 个文件"
        )
        assert "个/秒" in stdout
        assert "MB/秒" in stdout
        assert NormativeDocument.objects.count() == GOOD

    def test_bad_files_are_reported_with_path_and_chinese_reason(self, corpus):
        _stdout, stderr = run(corpus)

        failures = sorted(stderr.strip().splitlines())
        assert failures == [
            "失败：规范性文件/乱码.txt：无法识别文件编码："
            "只支持 UTF-8 和 GB18030（GBK）编码的文本文件。",
            "失败：规范性文件/损坏.pdf：无法读取 PDF 文件：文件已损坏或不是 PDF 格式。",
            "失败：规范性文件/旧版.doc：不支持旧版 .doc 文件："
            "请在 Word 或 WPS 中另存为 .docx 或 PDF 后再导入。",
            "失败：规范性文件/空白.txt：文件为空（0 字节）。",
        ]

    def test_law_from_the_corpus_markdown(self, corpus):
        run(corpus)

        law = NormativeDocument.objects.get(source_path=LAW_PATH)
        assert law.title == "某某省农村公路条例"
        assert law.issuing_body.name == "某某省人民代表大会常务委员会"
        assert law.category == "地方性法规"
        # The version in force: the latest amendment; the original adoption stays in the summary.
        assert law.date_issued == datetime.date(2018, 9, 21)
        assert law.summary.startswith("2014年7月23日 某某省第十二届")
        # 2014年10月1日 施行 is the original commencement, before this version: not kept.
        assert law.date_effective is None
        assert law.number == ""
        assert law.full_text.startswith("某某省农村公路条例\n\n2014年7月23日")
        assert "<!--" not in law.full_text
        assert (law.text_status, law.validity, law.live) == ("ok", "valid", True)
        assert law.first_published_at is not None
        assert len(law.content_hash) == 64

    def test_regulation_number_and_effective_date(self, corpus):
        run(corpus)

        regulation = NormativeDocument.objects.get(title="某某管理条例")
        assert regulation.number == "国务院令第300号"
        assert regulation.issuing_body.name == "国务院"
        assert regulation.date_issued == datetime.date(2001, 4, 2)
        assert regulation.date_effective == datetime.date(2001, 10, 1)

    def test_government_notice_in_word(self, corpus):
        run(corpus)

        notice = NormativeDocument.objects.get(source_path="规范性文件/2026/人居环境通知.docx")
        assert notice.title == "某某县人民政府关于印发农村人居环境整治实施办法的通知"
        assert notice.number == "县政发〔2026〕3号"
        assert notice.issuing_body.name == "某某县人民政府"
        assert notice.date_issued == datetime.date(2026, 3, 1)  # 落款 二〇二六年三月一日
        assert notice.date_effective == datetime.date(2026, 4, 1)  # 自…起施行
        assert notice.category == "规范性文件"
        assert notice.summary == ""

    def test_gb18030_text_and_pdf(self, corpus):
        run(corpus)

        text = NormativeDocument.objects.get(source_path="规范性文件/国标编码.txt")
        assert text.title == "某某县教育局关于做好秋季开学工作的通知"
        assert text.issuing_body.name == "某某县教育局"
        assert "按 GB18030" in text.text_note
        pdf = NormativeDocument.objects.get(source_path="规范性文件/通知.pdf")
        assert pdf.number == "县政发〔2026〕3号"
        assert "第一条　为了改善农村人居环境，制定本办法。" in pdf.full_text

    def test_scan_is_imported_but_flagged_for_manual_entry(self, corpus):
        stdout, _stderr = run(corpus)

        scan = NormativeDocument.objects.get(source_path="规范性文件/扫描件.pdf")
        assert scan.text_status == NormativeDocument.TEXT_NO_LAYER
        assert scan.full_text == ""
        assert "需人工录入" in scan.text_note
        assert scan.title == "扫描件"  # from the file name: there is no text to read it from
        assert "需人工录入：规范性文件/扫描件.pdf：PDF 共 2 页" in stdout

    def test_files_given_directly_have_no_category(self, corpus):
        run(corpus / "无类别.txt", corpus / "无类别.md")

        assert set(NormativeDocument.objects.values_list("source_path", "category")) == {
            ("无类别.txt", ""),
            ("无类别.md", ""),
        }

    def test_each_file_is_attached_as_a_wagtail_document(self, corpus):
        run(corpus)

        assert DocumentFile.objects.count() == GOOD
        link = DocumentFile.objects.get(document__source_path="规范性文件/通知.pdf")
        assert link.label == "正文"
        assert link.file.title == link.document.title
        assert link.file.file_size == (corpus / "规范性文件" / "通知.pdf").stat().st_size
        with link.file.open_file() as handle:
            assert handle.read() == (corpus / "规范性文件" / "通知.pdf").read_bytes()
        assert link.file.file_hash  # what the admin compares to see the files changed

    def test_issuing_bodies_are_created_once(self, corpus):
        IssuingBody.objects.create(name="国务院")
        run(corpus)

        assert IssuingBody.objects.filter(name="国务院").count() == 1
        assert IssuingBody.objects.filter(name="某某县人民政府").count() == 1
        assert NormativeDocument.objects.filter(issuing_body__name="某某县人民政府").count() == 2

    def test_small_batches_give_the_same_result(self, corpus):
        stdout, _stderr = run(corpus, batch_size=3)

        assert summary_line(stdout).startswith(f"导入 {GOOD}，更新 0，跳过 0（未变 0，重复 0）")
        assert NormativeDocument.objects.count() == GOOD

    def test_peak_memory_with_verbosity_2(self, corpus):
        stdout, _stderr = run(corpus, verbosity=2)

        assert "内存峰值" in stdout
        assert "导入：地方性法规/某某省农村公路条例(2018-09-21).md（某某省农村公路条例）" in stdout


@pytest.mark.django_db
class TestIdempotency:
    def test_a_second_run_skips_everything(self, corpus):
        run(corpus)
        documents = Document.objects.count()

        stdout, _stderr = run(corpus)

        assert summary_line(stdout).startswith(
            f"导入 0，更新 0，跳过 {GOOD}（未变 {GOOD}，重复 0），失败 {BAD}"
        )
        assert NormativeDocument.objects.count() == GOOD
        assert Document.objects.count() == documents

    def test_moving_the_folder_does_not_duplicate(self, corpus, tmp_path):
        run(corpus)
        moved = shutil.move(corpus, tmp_path / "elsewhere" / "法规库")

        stdout, _stderr = run(moved)

        assert f"跳过 {GOOD}（未变 {GOOD}，重复 0）" in summary_line(stdout)

    def test_a_changed_file_updates_its_document(self, corpus, django_capture_on_commit_callbacks):
        run(corpus)
        law_path = corpus / LAW_PATH
        law = NormativeDocument.objects.get(source_path=LAW_PATH)
        link = law.files.get()
        old_name = link.file.file.name
        law.validity = NormativeDocument.AMENDED  # staff's own field: kept
        law.save()
        law_path.write_text(LAW.replace("制定本条例", "制定本条例（修改后）"), encoding="utf-8")

        with django_capture_on_commit_callbacks(execute=True):
            stdout, _stderr = run(corpus)

        assert summary_line(stdout).startswith(f"导入 0，更新 1，跳过 {GOOD - 1}")
        law.refresh_from_db()
        assert "制定本条例（修改后）" in law.full_text
        assert law.validity == NormativeDocument.AMENDED
        assert NormativeDocument.objects.count() == GOOD
        # The attached file is replaced in place: same Wagtail document, new content.
        link.refresh_from_db()
        assert law.files.get().pk == link.pk
        with link.file.open_file() as handle:
            assert "（修改后）" in handle.read().decode()
        assert not link.file.file.storage.exists(old_name) or link.file.file.name == old_name

    def test_the_same_content_under_a_new_path_is_a_reported_duplicate(self, corpus):
        copy = corpus / "行政法规" / "重复的条例.md"  # sorts after the original
        shutil.copyfile(corpus / "行政法规" / "某某管理条例(2001-04-02).md", copy)

        stdout, _stderr = run(corpus)

        assert f"导入 {GOOD}，" in summary_line(stdout)
        assert "重复 1" in summary_line(stdout)
        assert (
            "跳过（重复）：行政法规/重复的条例.md："
            "与已导入的 行政法规/某某管理条例(2001-04-02).md 内容相同"
        ) in stdout
        assert not NormativeDocument.objects.filter(source_path="行政法规/重复的条例.md").exists()

    def test_a_number_already_in_the_registry_is_reported(self, corpus):
        # The Word notice and the PDF both carry 县政发〔2026〕3号; a document typed in the admin
        # holds the order number of the regulation as 第300号 in other brackets.
        NormativeDocument.objects.create(title="手工登记的通知", number="县政发[2026]3号")

        stdout, _stderr = run(corpus)

        assert f"导入 {GOOD}，" in summary_line(stdout)
        taken = [line for line in stdout.splitlines() if line.startswith("文号重复：")]
        assert len(taken) == 2, stdout
        assert any(
            line.startswith(
                "文号重复：规范性文件/2026/人居环境通知.docx：文号“县政发〔2026〕3号”已有"
            )
            and "《手工登记的通知》" in line
            for line in taken
        ), taken
        pdf = next(line for line in taken if "规范性文件/通知.pdf" in line)
        assert "《手工登记的通知》" in pdf and "农村人居环境整治实施办法" in pdf
        assert "文号重复 2 个：其文号已在备案目录中" in stdout
        assert NormativeDocument.objects.filter(number="县政发〔2026〕3号").count() == 2

    def test_re_importing_a_document_is_not_its_own_duplicate(self, corpus):
        (corpus / "规范性文件" / "通知.pdf").unlink()
        run(corpus)
        notice = corpus / "规范性文件" / "2026" / "人居环境通知.docx"
        notice.write_bytes(docx_bytes([*NOTICE, "附件：整治清单"]))

        stdout, _stderr = run(corpus)

        assert "更新 1" in summary_line(stdout)
        assert "文号重复" not in stdout


@pytest.mark.django_db
class TestOptionsAndExitStatus:
    def test_missing_path_changes_nothing(self, corpus, tmp_path):
        with pytest.raises(CommandError, match=r"找不到以下路径，未导入任何文件：.*不存在"):
            run(corpus, tmp_path / "不存在")

        assert not NormativeDocument.objects.exists()

    def test_strict_fails_after_importing_the_good_files(self, corpus):
        with pytest.raises(CommandError, match=f"有 {BAD} 个文件导入失败（--strict）"):
            run(corpus, strict=True)

        assert NormativeDocument.objects.count() == GOOD

    def test_all_files_failing_is_an_error(self, corpus):
        with pytest.raises(CommandError, match="全部 2 个文件导入失败"):
            run(corpus / "规范性文件" / "损坏.pdf", corpus / "规范性文件" / "旧版.doc")

    def test_an_empty_folder_is_an_error(self, tmp_path):
        (tmp_path / "空").mkdir()

        with pytest.raises(CommandError, match="没有找到文件"):
            run(tmp_path / "空")

    def test_two_paths_holding_the_same_relative_path(self, corpus, tmp_path):
        other = tmp_path / "另一批"
        other.mkdir()
        (other / "无类别.txt").write_text("另一个文件\n内容不同。", encoding="utf-8")

        _stdout, stderr = run(corpus / "无类别.txt", other / "无类别.txt")

        assert "失败：无类别.txt：本次导入中已有来源路径相同的文件" in stderr
        assert NormativeDocument.objects.get().title == "某某县财政局关于预算公开的通知"

    def test_bad_batch_size(self, corpus):
        with pytest.raises(CommandError, match="--batch-size 必须是正整数"):
            run(corpus, batch_size=0)

    def test_no_files_imports_text_only(self, corpus):
        run(corpus, no_files=True)

        assert NormativeDocument.objects.count() == GOOD
        assert not DocumentFile.objects.exists()
        assert not Document.objects.exists()

    def test_draft(self, corpus):
        run(corpus / "行政法规", draft=True)

        regulation = NormativeDocument.objects.get()
        assert (regulation.live, regulation.has_unpublished_changes) == (False, True)
        assert regulation.first_published_at is None

    def test_category_option(self, corpus):
        run(corpus / "行政法规", category="行政法规（国务院）")

        assert NormativeDocument.objects.get().category == "行政法规（国务院）"


@pytest.mark.django_db
class TestSearchIndex:
    def search(self, query):
        return list(get_search_backend().search(query, NormativeDocument))

    def test_batch_indexing_makes_imported_documents_searchable(self, corpus):
        run(corpus)

        assert [document.title for document in self.search("qiaoxi2026")] == ["某某省农村公路条例"]
        # The per-save signal was paused for the import only.
        assert post_save_signal_handler in post_save._live_receivers(NormativeDocument)[0]

    def test_index_off_leaves_the_index_alone(self, corpus):
        stdout, _stderr = run(corpus, index="off")

        assert self.search("qiaoxi2026") == []
        assert "请运行 manage.py update_index" in stdout
        call_command("update_index", stdout=StringIO())
        assert len(self.search("qiaoxi2026")) == 1

    def test_row_indexing(self, corpus):
        run(corpus / "地方性法规", index="row")

        assert len(self.search("qiaoxi2026")) == 1

    def test_imported_files_are_in_the_reference_index(self, corpus):
        from wagtail.models import ReferenceIndex

        run(corpus / "行政法规")

        wagtail_document = Document.objects.get()
        usage = ReferenceIndex.get_references_to(wagtail_document)
        assert usage.filter(
            base_content_type=ContentType.objects.get_for_model(NormativeDocument)
        ).exists()


@pytest.mark.django_db
class TestOneFileFailingWhileWriting:
    def test_the_rest_of_the_batch_is_kept(self, corpus, monkeypatch):
        original = DocumentImporter._attach

        def attach(self, document, item):
            if item.source.path.name == "人居环境通知.docx":
                raise OSError("磁盘已满")
            return original(self, document, item)

        monkeypatch.setattr(DocumentImporter, "_attach", attach)

        stdout, stderr = run(corpus)

        failed = "规范性文件/2026/人居环境通知.docx"
        assert f"失败：{failed}：写入数据库或保存文件时出错：磁盘已满" in stderr
        assert f"导入 {GOOD - 1}，" in summary_line(stdout)
        # The document row of the failed file was rolled back with it; the issuing body it was
        # the first to name survived for the next file of the batch (PostgreSQL checks the
        # foreign key when the test ends).
        assert not NormativeDocument.objects.filter(source_path=failed).exists()
        pdf = NormativeDocument.objects.get(source_path="规范性文件/通知.pdf")
        assert pdf.issuing_body.name == "某某县人民政府"


class TestParseMetadata:
    """Header parsing on its own, no database needed."""

    def metadata(self, text, filename="文件.md"):
        return parse_metadata(extract_text(text.encode(), filename), filename)

    def test_local_regulation_approved_by_the_province(self):
        meta = self.metadata(
            "# 某市公园条例\n\n"
            "2021年6月23日 某市第十五届人民代表大会常务委员会第二十五次会议通过\n"
            "2021年7月30日 某省第十三届人民代表大会常务委员会第二十六次会议批准\n"
            "<!-- INFO END -->\n正文。"
        )

        assert meta.issuing_body == "某市人民代表大会常务委员会"  # the maker, not the approver
        assert meta.date_issued == datetime.date(2021, 7, 30)

    def test_judicial_interpretation(self):
        meta = self.metadata(
            "# 最高人民法院关于审理某类案件的规定\n\n"
            "2013年4月1日 最高人民法院审判委员会第1573次会议通过\n"
            "2013年7月26日 最高人民法院公告公布\n2013年9月1日 施行\n"
            "<!-- INFO END -->\n正文。"
        )

        assert meta.issuing_body == "最高人民法院"
        assert (meta.date_issued, meta.date_effective) == (
            datetime.date(2013, 7, 26),
            datetime.date(2013, 9, 1),
        )

    def test_date_split_over_two_lines(self):
        meta = self.metadata(
            "# 某市农村公路条例\n\n"
            "2014年7月23日 某市第十五届人民代表大会常务委员会第十五次会议通过\n"
            "2014年9月26\n日某省第十二届人民代表大会常务委员会第十次会议批准\n"
            "<!-- INFO END -->\n正文。"
        )

        assert meta.date_issued == datetime.date(2014, 9, 26)

    def test_prose_before_the_marker_is_not_a_header(self):
        meta = self.metadata(
            "# 某某案\n\n基本案情\n"
            "2001年3月7日，某公司取得土地使用证，修建厂房从事生产，后因经营不善停产，"
            "又于2006年10月与他人订立协议书，约定将空地出租。\n<!-- INFO END -->\n正文。",
            filename="某某案.md",
        )

        assert (meta.date_issued, meta.summary, meta.issuing_body) == (None, "", "")

    def test_file_name_date_when_the_text_has_none(self):
        meta = self.metadata("# 某某办法\n\n<!-- INFO END -->\n正文。", "某某办法(2019-03-02).md")

        assert meta.date_issued == datetime.date(2019, 3, 2)
        assert self.metadata("正文。", "某某办法(2019-03-02).txt").title == "某某办法"

    def test_bracket_forms_of_document_numbers(self):
        for line, number in [
            ("劳部发[1994]489号", "劳部发〔1994〕489号"),
            ("法释〔2021〕11号", "法释〔2021〕11号"),
            ("县政办发（2026）第12号", "县政办发〔2026〕第12号"),
        ]:
            meta = self.metadata(f"{line}\n关于某事项的通知\n各单位：\n正文。", "a.txt")
            assert meta.number == number
            assert meta.title == "关于某事项的通知"


@pytest.mark.django_db
def test_entity_bomb_docx_prints_only_the_message(tmp_path, caplog, capfd):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "炸弹.docx").write_bytes(entity_bomb_docx())
    (folder / "通知.md").write_text(
        "# 关于加强停车管理的通知\n\n第一条 为了加强停车管理，制定本通知。\n"
    )
    with caplog.at_level(logging.INFO):
        stdout, stderr = run(folder)
    assert stderr.strip() == (
        "失败：炸弹.docx：无法读取 Word 文件的内容：其中的 XML 已损坏或含有不安全的实体定义"
        "（如“XML 炸弹”），已跳过。请在 Word 或 WPS 中另存为新的 .docx 后再导入。"
    )
    assert "导入 1" in summary_line(stdout)
    assert "失败 1" in summary_line(stdout)
    assert [record for record in caplog.records if record.exc_info] == []
    assert "Traceback" not in capfd.readouterr().err
