"""Demo content of the normative-document registry: the public registry page, issuing bodies,
25 county normative documents of 2024–2026 with short generated full texts (chapters and
articles), their filing receipts and reviews in every stage and conclusion (19 concluded), one
document amended and one repealed by later documents, and a few citizens' review suggestions
(one answered). Titles follow real county practice; the texts are generated and fictitious."""

import datetime
import random

from django.utils import timezone
from wagtail.models import Site

from core.demo_utils import child_by_slug, publish
from core.factories import DocumentFactory, register_collection
from core.models import FileCollection

from .models import (
    DocumentFile,
    DocumentRegistryPage,
    IssuingBody,
    NormativeDocument,
    Review,
    ReviewSuggestion,
)

BODIES = [
    ("县人民政府", "县政发"),
    ("县人民政府办公室", "县政办发"),
    ("县教育局", "县教发"),
    ("县财政局", "县财发"),
    ("县自然资源和规划局", "县自然资规"),
    ("县农业农村局", "县农发"),
    ("县住房和城乡建设局", "县建发"),
    ("县市场监督管理局", "县市监发"),
]

# (key, title, body index, issued, subject, review: (kind, conclusion or stage, concluded))
# conclusion keys: Review.* conclusions; "reviewing"/"received" for open reviews; None: no review.
DOCUMENTS = [
    (
        "d01",
        "县人民政府关于印发农村人居环境整治提升五年行动实施方案的通知",
        0,
        (2024, 1, 15),
        "农村人居环境整治",
        "no_problem",
    ),
    (
        "d02",
        "县城区停车场管理办法",
        0,
        (2024, 2, 26),
        "城区停车场管理",
        "suggest_change",
    ),
    (
        "d03",
        "县人民政府办公室关于进一步规范涉企收费的通知",
        1,
        (2024, 3, 18),
        "涉企收费管理",
        "revoked",
    ),
    (
        "d04",
        "县义务教育阶段学校招生入学工作实施细则",
        2,
        (2024, 4, 8),
        "义务教育招生入学",
        "no_problem",
    ),
    (
        "d05",
        "县县级财政专项资金管理办法",
        3,
        (2024, 5, 20),
        "县级财政专项资金管理",
        "no_problem",
    ),
    (
        "d06",
        "县农村宅基地管理暂行办法",
        4,
        (2024, 6, 12),
        "农村宅基地管理",
        "corrected",
    ),
    (
        "d07",
        "县高标准农田建设项目管理办法",
        5,
        (2024, 7, 3),
        "高标准农田建设",
        "no_problem",
    ),
    (
        "d08",
        "县城镇老旧小区改造实施办法",
        6,
        (2024, 8, 19),
        "城镇老旧小区改造",
        "no_problem",
    ),
    (
        "d09",
        "县食品小作坊和食品摊贩登记管理办法",
        7,
        (2024, 9, 9),
        "食品小作坊和食品摊贩登记",
        "no_problem",
    ),
    (
        "d10",
        "县人民政府关于加强秸秆综合利用和禁烧工作的通告",
        0,
        (2024, 10, 14),
        "秸秆综合利用和禁烧",
        "no_problem",
    ),
    (
        "d11",
        "县城区停车场管理办法（2025年修订）",
        0,
        (2025, 1, 6),
        "城区停车场管理",
        "no_problem",
    ),
    (
        "d12",
        "县人民政府办公室关于废止《关于进一步规范涉企收费的通知》的决定",
        1,
        (2025, 1, 20),
        "涉企收费文件清理",
        None,
    ),
    (
        "d13",
        "县学前教育普惠性民办幼儿园认定和扶持办法",
        2,
        (2025, 2, 24),
        "普惠性民办幼儿园认定和扶持",
        "suggest_change",
    ),
    (
        "d14",
        "县政府投资项目管理办法",
        0,
        (2025, 3, 17),
        "政府投资项目管理",
        "no_problem",
    ),
    (
        "d15",
        "县国有建设用地使用权出让管理办法",
        4,
        (2025, 4, 21),
        "国有建设用地使用权出让",
        "corrected",
    ),
    (
        "d16",
        "县农业生产社会化服务项目管理办法",
        5,
        (2025, 5, 26),
        "农业生产社会化服务",
        "no_problem",
    ),
    (
        "d17",
        "县住宅专项维修资金管理办法",
        6,
        (2025, 6, 30),
        "住宅专项维修资金管理",
        "suggest_change",
    ),
    (
        "d18",
        "县政府购买服务管理办法",
        3,
        (2025, 8, 11),
        "政府购买服务",
        "no_problem",
    ),
    (
        "d19",
        "县城市生活垃圾分类管理办法",
        6,
        (2025, 9, 22),
        "城市生活垃圾分类",
        "no_problem",
    ),
    (
        "d20",
        "县人民政府关于进一步优化营商环境的若干措施",
        0,
        (2025, 11, 3),
        "优化营商环境",
        "no_problem",
    ),
    (
        "d21",
        "县校外培训机构监督管理办法",
        2,
        (2026, 2, 16),
        "校外培训机构监督管理",
        "reviewing",
    ),
    (
        "d22",
        "县农村集体经济组织财务管理办法",
        5,
        (2026, 4, 13),
        "农村集体经济组织财务管理",
        "reviewing",
    ),
    (
        "d23",
        "县计量监督管理办法",
        7,
        (2026, 6, 8),
        "计量监督管理",
        "received",
    ),
    (
        "d24",
        "县人民政府办公室关于加强政务服务“一网通办”工作的通知",
        1,
        (2026, 8, 24),
        "政务服务“一网通办”",
        None,
    ),
    (
        "d25",
        "县自然灾害救助资金管理办法",
        3,
        (2026, 10, 19),
        "自然灾害救助资金管理",
        None,
    ),
]
CHECK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as documents.models.review.new_check_code
AMENDED = ("d02", "d11")  # d02 amended by d11
REPEALED = ("d03", "d12")  # d03 repealed by d12 after review (已撤销)

OPINIONS = {
    Review.NO_PROBLEM: "经审查，该文件的制定主体、权限、程序和内容符合法律法规规定，"
    "未发现同宪法、法律、法规相抵触的问题。",
    Review.SUGGEST_CHANGE: "经审查，该文件第{n}条的规定缺少上位法依据，"
    "建议制定机关在下次修订时予以修改，并加强合法性审核。制定机关已书面回复将按要求修改。",
    Review.CORRECTED: "经审查，该文件第{n}条增设的审批条件与"
    "《中华人民共和国行政许可法》的规定不一致。"
    "经与制定机关沟通，制定机关已自行纠正，删除了相关条件并重新公布。",
    Review.REVOKED: "经审查，该文件设定的收费项目没有法律、法规依据，"
    "违反《中华人民共和国立法法》的规定。"
    "县人大常委会依法作出撤销决定，制定机关已停止执行并予以废止。",
}

SUGGESTIONS = [
    {
        "document": "d06",
        "issues": "该办法第五条规定申请宅基地须提交无违法建设证明，增加了群众负担。",
        "reasons": "《中华人民共和国土地管理法》及相关规定未要求提交该证明，"
        "规范性文件不得增设申请条件。",
        "name": "演示建议人甲",
        "contact": "13800000001",
        "status": ReviewSuggestion.REPLIED,
        "submitted": None,  # three days before the review of d06 was registered
        "reply": "您提出的审查建议已收悉。经县人大常委会法制工作委员会审查，"
        "该办法第五条增设申请条件的问题确实存在，已督促制定机关纠正，"
        "修改后的文件已重新公布。感谢您对备案审查工作的支持。",
        "replied": None,  # five days after the review of d06 was concluded
    },
    {
        "document": None,
        "document_title": "某乡镇关于农村建房管理的通知",
        "issues": "通知要求村民建房前缴纳保证金，没有法律依据。",
        "reasons": "行政机关收取保证金应有法律、法规依据。",
        "name": "演示建议人乙",
        "contact": "0311-88880002",
        "status": ReviewSuggestion.PROCESSING,
        "submitted": (2026, 10, 20),
    },
    {
        "document": "d21",
        "issues": "办法第十二条对培训机构收费期限的规定是否与上级规定一致，请予审查。",
        "reasons": "上级主管部门对预收费期限已有规定。",
        "name": "演示建议人丙",
        "contact": "demo-c@example.com",
        "status": ReviewSuggestion.RECEIVED,
        "submitted": (2026, 11, 10),
    },
]


def full_text(title, subject, rng):
    """A short document in the usual shape: 总则, 主要规定, 附则; articles numbered throughout."""
    chapters = [
        (
            "总则",
            [
                f"为了加强{subject}工作，维护公共利益和当事人合法权益，根据有关法律、法规和省、市有关规定，"
                "结合本县实际，制定本办法。",
                f"本县行政区域内的{subject}及其监督管理活动，适用本办法。",
                f"县人民政府统一领导全县{subject}工作。县有关部门按照各自职责做好相关工作。"
                "乡镇人民政府、街道办事处负责本辖区内的具体工作。",
            ],
        ),
        (
            "管理措施",
            [
                f"主管部门应当建立{subject}工作台账，实行清单管理，并向社会公开办事指南。",
                "申请人应当如实提交申请材料。主管部门应当自受理之日起二十个工作日内作出决定；"
                "不予批准的，应当书面说明理由。",
                "有关部门应当加强信息共享，不得要求申请人重复提交可以通过部门共享获取的材料。",
                f"县财政部门应当将{subject}所需经费列入本级预算，专款专用。",
            ][: rng.randint(3, 4)],
        ),
        (
            "监督检查",
            [
                "主管部门应当定期开展监督检查，发现问题及时督促整改。",
                "任何单位和个人有权对违反本办法的行为进行投诉、举报。",
            ],
        ),
        (
            "附则",
            [
                "本办法由县人民政府负责解释。",
                "本办法自公布之日起施行，有效期五年。",
            ],
        ),
    ]
    numerals = "一二三四五六七八九十"

    def chinese(n):
        if n <= 10:
            return numerals[n - 1]
        if n < 20:
            return "十" + (numerals[n - 11] if n > 10 else "")
        return numerals[n // 10 - 1] + "十" + (numerals[n % 10 - 1] if n % 10 else "")

    lines = [title]
    article = 0
    for index, (heading, articles) in enumerate(chapters, start=1):
        lines.append(f"第{chinese(index)}章　{heading}")
        for text in articles:
            article += 1
            lines.append(f"第{chinese(article)}条　{text}")
            if article == 5:
                lines.append("（一）申请书；")
                lines.append("（二）身份证明材料；")
                lines.append("（三）法律、法规规定的其他材料。")
    return "\n".join(lines)


def _date(parts):
    return datetime.date(*parts)


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


# Not "documents": Wagtail's document downloads are served under /documents/<id>/ (website/urls.py)
# and would shadow the registry's /documents/<pk>/ document pages.
SLUG = "normative-documents"


def _registry_page():
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = child_by_slug(home, SLUG)
    if page is not None or DocumentRegistryPage.objects.exists():
        return 0
    page = DocumentRegistryPage(
        title="规范性文件备案审查",
        slug=SLUG,
        show_in_menus=True,
        summary="县人民政府及其部门、乡镇人民政府报送备案的规范性文件目录、审查结论、年度统计和审查建议。",
        introduction="<p>依照《中华人民共和国各级人民代表大会常务委员会监督法》和省有关规定，"
        "县人大常委会对县人民政府及其部门、乡镇人民政府制定的规范性文件进行备案审查。"
        "本栏目公开已报备文件、审查结论和年度备案目录。</p>",
        suggestion_notice="<p>审查建议应当写明建议审查的文件名称、存在的问题和理由。"
        "县人大常委会法制工作委员会自收到之日起十五个工作日内告知是否受理，"
        "一般在三个月内办结并答复。</p>",
    )
    home.add_child(instance=page)
    publish(page, on_date=datetime.date(2024, 1, 2))
    return 1


def load(command):
    created = _registry_page()
    if NormativeDocument.objects.exists():
        return created
    rng = random.Random(2026)

    bodies = []
    for order, (name, _prefix) in enumerate(BODIES):
        body, made = IssuingBody.objects.get_or_create(name=name, defaults={"sort_order": order})
        bodies.append(body)
        created += made

    documents = {}
    serial = {}
    for key, title, body_index, issued_parts, subject, outcome in DOCUMENTS:
        issued = _date(issued_parts)
        prefix = BODIES[body_index][1]
        serial[(prefix, issued.year)] = serial.get((prefix, issued.year), 0) + rng.randint(1, 12)
        filed = issued + datetime.timedelta(days=rng.randint(8, 28))
        document = NormativeDocument(
            title=title,
            number=f"{prefix}〔{issued.year}〕{serial[(prefix, issued.year)]}号",
            issuing_body=bodies[body_index],
            category="规范性文件",
            date_issued=issued,
            date_filed=filed,
            date_effective=issued + datetime.timedelta(days=rng.choice([0, 10, 30])),
            summary=f"对本县{subject}的职责分工、管理措施和监督检查作出规定。",
            full_text=full_text(title, subject, rng),
            text_status=NormativeDocument.TEXT_OK,
            live=False,
        )
        document.save()
        document.save_revision().publish()
        document.register(when=_aware(filed))
        documents[key] = document
        created += 1

        if outcome is None:
            continue
        received = filed + datetime.timedelta(days=1)
        review = Review(document=document, kind=Review.ACTIVE, received_date=received)
        if outcome == "received":
            review.stage = Review.RECEIVED
        else:
            review.stage = Review.REVIEWING
            review.started_date = received + datetime.timedelta(days=rng.randint(2, 10))
            if outcome != "reviewing":
                review.stage = Review.CONCLUDED
                review.concluded_date = review.started_date + datetime.timedelta(
                    days=rng.randint(20, 60)
                )
                review.conclusion = outcome
                review.opinion = OPINIONS[outcome].format(n=rng.choice(["三", "五", "六"]))
        review.full_clean()
        review.save()
        created += 1

    for (old, new), validity in (
        (AMENDED, NormativeDocument.AMENDED),
        (REPEALED, NormativeDocument.REPEALED),
    ):
        document = documents[old]
        document.validity = validity
        document.superseded_by = documents[new]
        document.save(update_fields=["validity", "superseded_by"])
        document.save_revision().publish()

    # A text file for the first documents, as the office would upload the signed original.
    for key in ("d01", "d02", "d11", "d14", "d20"):
        document = documents[key]
        upload = DocumentFactory(
            title=document.title,
            collection=register_collection(FileCollection.DOCUMENTS),
            file__filename=f"{document.receipt_number or key}.txt".replace("〔", "-").replace(
                "〕", "-"
            ),
            file__data=document.full_text.encode("utf-8"),
        )
        upload.get_file_size()  # stores file_size, shown next to the download link
        DocumentFile.objects.create(document=document, file=upload, label="正文", sort_order=0)
        created += 1

    for data in SUGGESTIONS:
        review = None
        if data["document"] == "d06":
            # This suggestion led to the review of d06 (依申请审查).
            review = Review.objects.get(document=documents["d06"])
            submitted = _aware(review.received_date - datetime.timedelta(days=3))
            replied = _aware(review.concluded_date + datetime.timedelta(days=5))
        else:
            submitted = _aware(_date(data["submitted"]))
            replied = None
        suggestion = ReviewSuggestion.objects.create(
            tracking_number=f"JY{submitted:%Y%m%d}{rng.randint(0, 999_999):06d}",
            check_code="".join(rng.choice(CHECK_ALPHABET) for _ in range(8)),
            document=documents[data["document"]] if data["document"] else None,
            document_title=data.get("document_title", ""),
            issues=data["issues"],
            reasons=data["reasons"],
            name=data["name"],
            contact=data["contact"],
            submitted_at=submitted,
            status=data["status"],
            reply=data.get("reply", ""),
            replied_at=replied,
        )
        if command is not None and hasattr(command, "stdout"):
            command.stdout.write(
                f"  演示审查建议：受理编号 {suggestion.tracking_number}，"
                f"查询码 {suggestion.check_code}"
            )
        if review is not None:
            review.kind = Review.ON_REQUEST
            review.suggestion = suggestion
            review.save(update_fields=["kind", "suggestion"])
        created += 1
    return created
