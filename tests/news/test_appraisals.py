import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from core.blocks import RICH_TEXT_FEATURES
from core.factories import heading, paragraph
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    AppraisalResultItemFactory,
    AppraisalStageFactory,
    AppraisalTeamMemberFactory,
    DepartmentFactory,
)
from news.models import AppraisalIndexPage, AppraisalPage, AppraisalResultItem, AppraisalStage
from tests.helpers import (
    HIDDEN_MARKERS,
    breadcrumbs,
    create_hidden,
    default_home,
    h1_texts,
    link_texts,
    main_text,
    parse,
)


class AppraisalTestData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = AppraisalIndexPageFactory(
            parent=cls.home, title="部门评议", slug="appraisals", summary="重点部门工作评议。"
        )
        cls.civil = DepartmentFactory(name="县民政局", sort_order=1)
        cls.housing = DepartmentFactory(name="县住房和城乡建设局", sort_order=2)
        cls.civil_2025 = AppraisalPageFactory(
            parent=cls.index,
            slug="2025-civil",
            year=2025,
            department=cls.civil,
            overall_satisfaction=Decimal("93.60"),
            overall_rating="满意",
            summary="测评满意率93.6%。",
            body=[heading("评议总体情况"), paragraph("<p>依法履行职责，服务意识不断增强。</p>")],
            rectification=[paragraph("<p>17条意见建议已全部整改到位。</p>")],
        )
        cls.civil_2024 = AppraisalPageFactory(
            parent=cls.index,
            slug="2024-civil",
            year=2024,
            department=cls.civil,
            overall_satisfaction=Decimal("88.40"),
            overall_rating="基本满意",
        )
        cls.housing_2024 = AppraisalPageFactory(
            parent=cls.index,
            slug="2024-housing",
            year=2024,
            department=cls.housing,
            overall_satisfaction=None,
            overall_rating="基本满意",
        )
        # Stages entered out of order, as an editor might add them; the meeting and the
        # satisfaction vote share a day, so only the stage order can put them right.
        for stage, month, day in [
            ("review", 11, 20),
            ("evaluate", 6, 2),
            ("mobilise", 3, 1),
            ("meeting", 6, 2),
        ]:
            AppraisalStageFactory(
                page=cls.civil_2025,
                stage=stage,
                start_date=datetime.date(2025, month, day),
                description=f"{stage}阶段的工作",
            )
        AppraisalTeamMemberFactory(
            page=cls.civil_2025, name="周振华", role="组长", unit="常委会副主任"
        )
        AppraisalTeamMemberFactory(page=cls.civil_2025, name="郑海燕", role="成员")
        AppraisalResultItemFactory(page=cls.civil_2025, item="依法行政", score=Decimal("94.20"))
        AppraisalResultItemFactory(
            page=cls.civil_2025, item="服务群众", score=None, rating="基本满意"
        )
        for n, page in enumerate(create_hidden(AppraisalPageFactory, cls.index, "评议", year=2026)):
            page.department = DepartmentFactory(name=f"隐藏部门{n}", sort_order=0)
            page.save()


class TestAppraisalPage(AppraisalTestData):
    def test_renders_facts_body_and_rectification(self):
        response = self.client.get("/appraisals/2025-civil/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/appraisal_page.html")
        self.assertEqual(h1_texts(response), ["2025年度县民政局工作评议"])
        facts = [(div.dt.text, div.dd.text) for div in parse(response).select("dl.facts > div")]
        self.assertEqual(
            facts,
            [
                ("评议年度", "2025年"),
                ("被评议部门", "县民政局"),
                ("总体满意率", "93.60%"),
                ("测评结果", "满意"),
            ],
        )
        text = main_text(response)
        self.assertIn("依法履行职责，服务意识不断增强。", text)
        self.assertIn("17条意见建议已全部整改到位。", text)
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("部门评议", "/appraisals/"), ("2025年度县民政局工作评议", None)],
        )

    def test_stages_follow_the_stage_order_with_chinese_dates(self):
        self.assertEqual(
            [s.stage for s in self.civil_2025.ordered_stages()],
            ["mobilise", "meeting", "evaluate", "review"],
        )
        response = self.client.get("/appraisals/2025-civil/")
        stages = [
            (li.strong.text, li.time.text) for li in parse(response).select("ol.timeline > li")
        ]
        self.assertEqual(
            stages,
            [
                ("动员部署", "2025年3月1日"),
                ("评议会议", "2025年6月2日"),
                ("满意度测评", "2025年6月2日"),
                ("回头看", "2025年11月20日"),
            ],
        )

    def test_same_stage_twice_ordered_by_date(self):
        AppraisalStageFactory(
            page=self.civil_2025, stage="mobilise", start_date=datetime.date(2025, 2, 1)
        )
        stages = [(s.stage, s.start_date.month) for s in self.civil_2025.ordered_stages()]
        self.assertEqual(stages[:2], [("mobilise", 2), ("mobilise", 3)])

    def test_team_and_result_items(self):
        response = self.client.get("/appraisals/2025-civil/")
        soup = parse(response)
        self.assertEqual(
            [li.get_text(strip=True) for li in soup.select("ul.team li")],
            ["周振华（组长）常委会副主任", "郑海燕（成员）"],
        )
        rows = [
            [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
            for tr in soup.select("#results-heading ~ div tbody tr")
        ]
        self.assertEqual(rows, [["依法行政", "94.20", "满意"], ["服务群众", "—", "基本满意"]])

    def test_lists_the_department_other_years(self):
        response = self.client.get("/appraisals/2025-civil/")
        self.assertEqual(
            link_texts(response, "#history-heading ~ ul a"), ["2024年度：2024年度县民政局工作评议"]
        )

    def test_duplicate_year_and_department_is_refused(self):
        duplicate = AppraisalPageFactory.build(
            title="重复的评议", slug="duplicate", year=2025, department=self.civil
        )
        with self.assertRaises(ValidationError) as caught:
            duplicate.clean()
        self.assertEqual(
            caught.exception.message_dict["year"],
            ["2025年度已有对“县民政局”的评议页面，请勿重复创建。"],
        )

    def test_editing_an_existing_appraisal_is_not_a_duplicate(self):
        self.civil_2025.summary = "更新后的摘要"
        self.civil_2025.clean()  # does not raise
        other_year = AppraisalPageFactory.build(year=2023, department=self.civil)
        other_year.clean()  # does not raise

    def test_result_item_needs_a_score_or_rating(self):
        item = AppraisalResultItem(page=self.civil_2025, item="整改落实", score=None, rating="")
        with self.assertRaises(ValidationError):
            item.full_clean()

    def test_stage_end_before_start_is_refused(self):
        stage = AppraisalStage(
            page=self.civil_2025,
            stage="rectify",
            start_date=datetime.date(2025, 7, 1),
            end_date=datetime.date(2025, 6, 1),
        )
        with self.assertRaises(ValidationError) as caught:
            stage.full_clean()
        self.assertIn("end_date", caught.exception.message_dict)


def comparison_table(response):
    table = parse(response).find("table", class_="comparison")
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = [
        [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.tbody.find_all("tr")
    ]
    return header, rows


class TestAppraisalIndex(AppraisalTestData):
    def test_renders_with_one_h1_and_breadcrumbs(self):
        response = self.client.get("/appraisals/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/appraisal_index_page.html")
        self.assertEqual(h1_texts(response), ["部门评议"])
        self.assertEqual(breadcrumbs(response), [("首页", "/"), ("部门评议", None)])

    def test_comparison_table_one_row_per_department_with_year_columns(self):
        header, rows = comparison_table(self.client.get("/appraisals/"))
        self.assertEqual(header, ["部门", "2025年", "2024年"])
        self.assertEqual(
            rows, [["县民政局", "93.60", "88.40"], ["县住房和城乡建设局", "—", "基本满意"]]
        )

    def test_comparison_cells_link_to_the_appraisals(self):
        response = self.client.get("/appraisals/")
        links = [a["href"] for a in parse(response).select("table.comparison a")]
        self.assertEqual(
            links,
            ["/appraisals/2025-civil/", "/appraisals/2024-civil/", "/appraisals/2024-housing/"],
        )

    def test_list_newest_year_first_then_department_order(self):
        response = self.client.get("/appraisals/")
        self.assertEqual(
            link_texts(response, ".card__title a"),
            [
                "2025年度县民政局工作评议",
                "2024年度县民政局工作评议",
                "2024年度县住房和城乡建设局工作评议",
            ],
        )

    def test_drafts_private_and_expired_are_left_out(self):
        for url in ("/appraisals/", "/"):
            response = self.client.get(url)
            text = main_text(response)
            for marker in HIDDEN_MARKERS:
                self.assertNotIn("评议" + marker, text)
            self.assertNotIn("隐藏部门", text)
            self.assertNotIn("2026年", text)
        header, _rows = comparison_table(self.client.get("/appraisals/"))
        self.assertNotIn("2026年", header)

    def test_filter_by_department(self):
        response = self.client.get("/appraisals/", {"department": self.housing.pk})
        self.assertEqual(
            link_texts(response, ".card__title a"), ["2024年度县住房和城乡建设局工作评议"]
        )
        selected = parse(response).select_one("#filter-department option[selected]")
        self.assertEqual(selected.text, "县住房和城乡建设局")
        # The comparison keeps every department.
        _header, rows = comparison_table(response)
        self.assertEqual(len(rows), 2)

    def test_filter_by_year(self):
        response = self.client.get("/appraisals/?year=2024")
        self.assertEqual(
            link_texts(response, ".card__title a"),
            ["2024年度县民政局工作评议", "2024年度县住房和城乡建设局工作评议"],
        )

    def test_filter_by_department_and_year(self):
        response = self.client.get("/appraisals/", {"department": self.civil.pk, "year": 2024})
        self.assertEqual(link_texts(response, ".card__title a"), ["2024年度县民政局工作评议"])

    def test_filter_without_matches_says_so(self):
        response = self.client.get("/appraisals/", {"department": self.housing.pk, "year": 2025})
        self.assertEqual(link_texts(response, ".card__title a"), [])
        self.assertContains(response, "没有符合筛选条件的评议。")

    def test_bad_filters_show_a_notice_and_everything(self):
        for params, notice in [
            ({"department": "abc"}, "所选部门无效，已显示全部部门。"),
            ({"year": "abc"}, "年份应为四位数字，如 2026，已显示全部年份。"),
            # Past the largest id: a 500 on SQLite before (found by tests/security/test_fuzz.py).
            ({"department": "9" * 20}, "所选部门无效，已显示全部部门。"),
        ]:
            with self.subTest(params=params):
                response = self.client.get("/appraisals/", params)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, notice)
                self.assertEqual(len(link_texts(response, ".card__title a")), 3)

    @override_settings(NEWS_PAGE_SIZE=2)
    def test_paginated(self):
        self.assertEqual(len(link_texts(self.client.get("/appraisals/"), ".card__title a")), 2)
        self.assertEqual(
            link_texts(self.client.get("/appraisals/?page=2"), ".card__title a"),
            ["2024年度县住房和城乡建设局工作评议"],
        )
        for page in ("abc", "999"):
            self.assertEqual(self.client.get("/appraisals/", {"page": page}).status_code, 200)


class TestEditorsCreateAppraisals(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = AppraisalIndexPageFactory(parent=cls.home, title="部门评议", slug="appraisals")
        cls.department = DepartmentFactory(name="县民政局")

    def setUp(self):
        self.login()

    def appraisal_data(self, slug="2026-civil"):
        return nested_form_data(
            {
                "title": "2026年度县民政局工作评议",
                "slug": slug,
                "year": "2026",
                "department": self.department.pk,
                "overall_satisfaction": "93.60",
                "overall_rating": "满意",
                "summary": "测评满意率93.6%。",
                "stages": inline_formset(
                    [
                        {
                            "stage": "mobilise",
                            "start_date": "2026-03-01",
                            "end_date": "",
                            "description": "召开评议动员会。",
                        },
                        {
                            "stage": "meeting",
                            "start_date": "2026-06-01",
                            "end_date": "2026-06-01",
                            "description": "",
                        },
                    ]
                ),
                "team_members": inline_formset(
                    [
                        {"name": "周振华", "role": "组长", "unit": "县人大常委会副主任"},
                        {"name": "郑海燕", "role": "成员", "unit": ""},
                    ]
                ),
                "result_items": inline_formset(
                    [
                        {"item": "依法行政", "score": "94.20", "rating": "满意"},
                        {"item": "服务群众", "score": "", "rating": "基本满意"},
                    ]
                ),
                "body": streamfield(
                    [
                        ("heading", {"text": "评议总体情况", "level": "h2"}),
                        (
                            "paragraph",
                            rich_text("<p>依法履行职责。</p>", features=RICH_TEXT_FEATURES),
                        ),
                    ]
                ),
                "rectification": streamfield(
                    [("paragraph", rich_text("<p>已全部整改。</p>", features=RICH_TEXT_FEATURES))]
                ),
            }
        )

    def test_create_appraisal_index_page(self):
        self.assertCanCreate(
            self.home,
            AppraisalIndexPage,
            nested_form_data({"title": "工作评议", "slug": "reviews", "summary": "评议。"}),
        )
        self.assertEqual(self.client.get("/reviews/").status_code, 200)

    def test_create_appraisal_with_stages_team_and_results(self):
        self.assertCanCreate(self.index, AppraisalPage, self.appraisal_data())
        page = AppraisalPage.objects.get(slug="2026-civil")
        self.assertTrue(page.live)
        self.assertEqual((page.year, page.department), (2026, self.department))
        self.assertEqual([s.stage for s in page.ordered_stages()], ["mobilise", "meeting"])
        self.assertEqual(
            list(page.team_members.values_list("name", "role")),
            [("周振华", "组长"), ("郑海燕", "成员")],
        )
        self.assertEqual(
            list(page.result_items.values_list("item", "score")),
            [("依法行政", Decimal("94.20")), ("服务群众", None)],
        )
        self.assertEqual([block.block_type for block in page.body], ["heading", "paragraph"])
        self.assertContains(self.client.get(page.url), "已全部整改。")

    def test_second_appraisal_of_the_same_year_and_department_is_refused(self):
        self.assertCanCreate(self.index, AppraisalPage, self.appraisal_data())
        data = self.appraisal_data(slug="2026-civil-again")
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["news", "appraisalpage", self.index.pk]), data
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["year"],
            ["2026年度已有对“县民政局”的评议页面，请勿重复创建。"],
        )
        self.assertEqual(
            AppraisalPage.objects.filter(department=self.department, year=2026).count(), 1
        )
