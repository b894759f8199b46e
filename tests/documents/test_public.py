"""The public registry (DocumentRegistryPage): the list with facets and counts, a document's page,
the annual statistics, the catalogue and the sitemap. Only live documents are public, and a
review's conclusion and opinion only once it is concluded."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from django.db import connection, reset_queries
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from documents.factories import (
    ConcludedReviewFactory,
    DocumentFileFactory,
    DocumentRegistryPageFactory,
    IssuingBodyFactory,
    NormativeDocumentFactory,
    ReviewFactory,
)
from documents.models import NormativeDocument, Review
from tests.helpers import breadcrumbs, default_home, h1_texts, main_text, parse

D = datetime.date
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Queries of the list page with every facet active, measured 14: Wagtail's (site, route, view
# restrictions, menu, breadcrumbs, settings) and the registry's (the selected body, one
# aggregate for all four facets and the total, the page of documents, their reviews). It must
# not grow with the number of documents.
MAX_LIST_QUERIES = 16
DRAFT_OPINION = "草拟中的审查意见，不应公开"


def concluded(document, on, conclusion, opinion="经审查，未发现问题。"):
    return ConcludedReviewFactory(
        document=document,
        received_date=on - datetime.timedelta(days=30),
        started_date=on - datetime.timedelta(days=20),
        concluded_date=on,
        conclusion=conclusion,
        opinion=opinion,
    )


class RegistryData(TestCase):
    """Six live documents of two bodies over 2024–2026 in every review state, and a draft.

    doc  body  year  validity   review status
    a    gov   2025  valid      未发现问题
    b    gov   2024  amended→c  已纠正 (latest of two concluded reviews)
    c    gov   2025  valid      审查中 (an open review with a draft opinion)
    d    edu   2025  repealed→e 未审查 (filed date empty: the issue date's year counts)
    e    edu   2026  valid      未审查
    f    edu   2024  valid      审查中 (接收登记 only)
    """

    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = DocumentRegistryPageFactory(
            parent=cls.home, title="规范性文件备案审查", slug="normative-documents", page_size=20
        )
        cls.url = cls.index.url
        cls.gov = IssuingBodyFactory(name="县人民政府", sort_order=1)
        cls.edu = IssuingBodyFactory(name="县教育局", sort_order=2)

        def doc(title, number, body, issued, filed, **kwargs):
            return NormativeDocumentFactory(
                title=title,
                number=number,
                issuing_body=body,
                date_issued=issued,
                date_filed=filed,
                date_effective=issued,
                **kwargs,
            )

        cls.a = doc(
            "县城区停车场管理办法", "县政发〔2025〕1号", cls.gov, D(2025, 3, 1), D(2025, 3, 10)
        )
        cls.b = doc(
            "县农村宅基地管理暂行办法", "县政发〔2024〕2号", cls.gov, D(2024, 2, 1), D(2024, 2, 10)
        )
        cls.c = doc(
            "县农村宅基地管理办法", "县政发〔2025〕5号", cls.gov, D(2025, 5, 1), D(2025, 5, 20)
        )
        cls.d = doc("县学生资助管理办法", "县教发〔2025〕1号", cls.edu, D(2025, 1, 5), None)
        cls.e = doc(
            "县学生资助管理办法（修订）",
            "县教发〔2026〕3号",
            cls.edu,
            D(2026, 1, 10),
            D(2026, 1, 20),
        )
        cls.f = doc(
            "县校外培训机构管理办法", "县教发〔2024〕9号", cls.edu, D(2024, 11, 1), D(2024, 11, 15)
        )
        cls.draft = doc(
            "尚未公开的草稿文件",
            "县政发〔2025〕99号",
            cls.gov,
            D(2025, 6, 1),
            D(2025, 6, 5),
            live=False,
        )
        NormativeDocument.objects.filter(pk=cls.b.pk).update(
            validity=NormativeDocument.AMENDED, superseded_by=cls.c
        )
        NormativeDocument.objects.filter(pk=cls.d.pk).update(
            validity=NormativeDocument.REPEALED, superseded_by=cls.e
        )
        cls.b.refresh_from_db()
        cls.d.refresh_from_db()

        cls.a_review = concluded(
            cls.a, D(2025, 4, 20), Review.NO_PROBLEM, opinion="经审查，该办法未发现问题。"
        )
        concluded(cls.b, D(2024, 3, 20), Review.SUGGEST_CHANGE, opinion="建议修改第五条。")
        concluded(cls.b, D(2025, 2, 1), Review.CORRECTED, opinion="制定机关已纠正第五条。")
        ReviewFactory(
            document=cls.c,
            stage=Review.REVIEWING,
            received_date=D(2025, 5, 21),
            started_date=D(2025, 5, 25),
            opinion=DRAFT_OPINION,
        )
        ReviewFactory(document=cls.f, stage=Review.RECEIVED, received_date=D(2024, 11, 16))
        concluded(cls.draft, D(2025, 7, 1), Review.REVOKED, opinion="草稿文件的审查意见")
        cls.public = [cls.e, cls.c, cls.a, cls.d, cls.f, cls.b]  # newest issue date first

    def doc_url(self, document):
        return f"{self.url}{document.pk}/"

    def get(self, query=""):
        response = self.client.get(self.url + query)
        self.assertEqual(response.status_code, 200)
        return response


def listed_titles(response):
    return [a.get_text(strip=True) for a in parse(response).select(".doc-item__title a")]


def facets(response):
    """{facet heading: {value label: count}} as shown."""
    result = {}
    for facet in parse(response).select(".facet"):
        values = {}
        for item in facet.select("li"):
            link = item.find("a")
            label = link.find(string=True, recursive=False).strip()
            values[label] = int(item.select_one(".facet__count").get_text())
        result[facet.find("h3").get_text(strip=True)] = values
    return result


def facet_link(response, heading, label):
    for facet in parse(response).select(".facet"):
        if facet.find("h3").get_text(strip=True) == heading:
            for link in facet.select("li a"):
                if link.find(string=True, recursive=False).strip() == label:
                    return link
    raise AssertionError(f"no facet value {heading}/{label}")


def query_of(href):
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


class TestRegistryList(RegistryData):
    def test_lists_live_documents_only_newest_first(self):
        response = self.get()
        self.assertEqual(h1_texts(response), ["规范性文件备案审查"])
        self.assertEqual(listed_titles(response), [d.title for d in self.public])
        self.assertIn("共 6 件", main_text(response))
        self.assertNotIn(self.draft.title, response.content.decode())

    def test_items_show_number_body_date_validity_and_review_status(self):
        items = {
            item.select_one(".doc-item__title a").get_text(strip=True): item
            for item in parse(self.get()).select(".doc-item")
        }
        a = items[self.a.title]
        self.assertEqual(a.select_one("a")["href"], self.doc_url(self.a))
        text = a.get_text(" ", strip=True)
        for expected in (
            "县政发〔2025〕1号",
            "县人民政府",
            "2025年3月1日",
            "有效",
            "审查：未发现问题",
        ):
            self.assertIn(expected, text)
        self.assertIn("已修改", items[self.b.title].get_text())
        self.assertIn("审查：已纠正", items[self.b.title].get_text())
        self.assertIn("审查：审查中", items[self.c.title].get_text())
        self.assertIn("审查：未审查", items[self.d.title].get_text())

    def test_facet_counts(self):
        self.assertEqual(
            facets(self.get()),
            {
                "制定机关": {"县人民政府": 3, "县教育局": 3},
                "年度": {"2026年": 1, "2025年": 3, "2024年": 2},
                "效力": {"有效": 4, "已修改": 1, "已废止": 1},
                "审查结论": {"未发现问题": 1, "已纠正": 1, "审查中": 2, "未审查": 2},
            },
        )

    def test_each_facet_counts_with_the_other_filters(self):
        response = self.get(f"?body={self.gov.pk}")
        self.assertEqual(listed_titles(response), [self.c.title, self.a.title, self.b.title])
        self.assertEqual(
            facets(response),
            {
                # Its own filter is not applied: the other bodies stay selectable.
                "制定机关": {"县人民政府": 3, "县教育局": 3},
                "年度": {"2025年": 2, "2024年": 1},
                "效力": {"有效": 2, "已修改": 1},
                "审查结论": {"未发现问题": 1, "已纠正": 1, "审查中": 1},
            },
        )
        response = self.get(f"?body={self.edu.pk}&year=2025")
        self.assertEqual(listed_titles(response), [self.d.title])
        counts = facets(response)
        self.assertEqual(counts["年度"], {"2026年": 1, "2025年": 1, "2024年": 1})
        self.assertEqual(counts["制定机关"], {"县人民政府": 2, "县教育局": 1})
        self.assertEqual(counts["审查结论"], {"未审查": 1})

    def test_facet_links_keep_the_other_filters_and_drop_the_page(self):
        response = self.get(f"?body={self.gov.pk}&year=2025&q=县&page=1")
        link = facet_link(response, "效力", "有效")
        self.assertEqual(
            query_of(link["href"]),
            {"body": str(self.gov.pk), "year": "2025", "q": "县", "validity": "valid"},
        )
        active = facet_link(response, "年度", "2025年")
        self.assertEqual(active["aria-current"], "true")
        self.assertEqual(query_of(active["href"]), {"body": str(self.gov.pk), "q": "县"})
        # Following a link gives what its count promised.
        response = self.client.get(link["href"])
        self.assertEqual(listed_titles(response), [self.c.title, self.a.title])

    def test_a_long_body_facet_shows_the_busiest_first_and_the_rest_under_more(self):
        busy = IssuingBodyFactory(name="繁忙机关", sort_order=50)
        for n in range(5):
            NormativeDocumentFactory(issuing_body=busy, date_issued=D(2023, 1, n + 1))
        for n in range(14):
            body = IssuingBodyFactory(name=f"测试机关{n:02d}", sort_order=100)
            NormativeDocumentFactory(issuing_body=body, date_issued=D(2023, 2, n + 1))
        facet = parse(self.get()).select(".facet")[0]
        visible = [a.get_text(strip=True) for a in facet.select(":scope > ul a")]
        more = [a.get_text(strip=True) for a in facet.select("details.facet__more a")]
        self.assertEqual(visible[:3], ["繁忙机关", "县人民政府", "县教育局"])
        self.assertEqual((len(visible), len(more)), (12, 5))
        self.assertIn(
            "更多制定机关（5）", facet.select_one("details.facet__more summary").get_text()
        )

    def test_conclusion_facet_is_the_latest_concluded_review(self):
        cases = {
            "no_problem": [self.a],
            "corrected": [self.b],  # its older review said 建议修改
            "suggest_change": [],
            "reviewing": [self.c, self.f],  # 审查中 and 接收登记
            "none": [self.e, self.d],
        }
        for value, expected in cases.items():
            with self.subTest(conclusion=value):
                response = self.get(f"?conclusion={value}")
                self.assertEqual(listed_titles(response), [d.title for d in expected])

    def test_active_filter_summary_with_clear_links(self):
        response = self.get(f"?body={self.edu.pk}&validity=repealed")
        summary = parse(response).select_one(".active-filters")
        self.assertIn("制定机关：县教育局", summary.get_text())
        self.assertIn("效力：已废止", summary.get_text())
        clear = {link["aria-label"]: link["href"] for link in summary.select("a[aria-label]")}
        self.assertEqual(query_of(clear["清除制定机关条件（县教育局）"]), {"validity": "repealed"})
        self.assertEqual(query_of(clear["清除效力条件（已废止）"]), {"body": str(self.edu.pk)})
        self.assertEqual(summary.find("a", string="清除全部条件")["href"], self.url)
        self.assertIsNone(parse(self.get()).select_one(".active-filters"))

    def test_search_by_title_or_number(self):
        self.assertEqual(listed_titles(self.get("?q=停车场")), [self.a.title])
        self.assertEqual(listed_titles(self.get("?q=教发〔2026〕")), [self.e.title])
        response = self.get("?q=没有这样的文件")
        self.assertEqual(listed_titles(response), [])
        self.assertIn("没有符合条件的文件", main_text(response))

    def test_bad_parameters_are_ignored_with_a_notice(self):
        response = self.get("?body=abc&year=12345&validity=unknown&conclusion=%3Cscript%3E&page=zz")
        self.assertEqual(listed_titles(response), [d.title for d in self.public])
        notices = [p.get_text(strip=True) for p in parse(response).select(".notice p")]
        self.assertEqual(len(notices), 4, notices)
        self.assertIn("未找到所选制定机关，已显示全部制定机关的文件。", notices)
        self.assertNotIn("<script>", response.content.decode())
        response = self.get("?body=999999")
        self.assertIn("未找到所选制定机关", main_text(response))
        response = self.get("?q=" + "县" * 150)
        self.assertIn("检索词过长，已截取前100个字。", main_text(response))

    def test_nul_in_the_search_is_dropped_with_a_notice(self):
        # A 500 on PostgreSQL before, list and CSV (found by tests/security/test_fuzz.py).
        response = self.get("?q=%00")
        self.assertEqual(response.status_code, 200)
        self.assertIn("检索词中含有无效字符（空字符），已将其去除。", main_text(response))
        self.assertEqual(listed_titles(response), [d.title for d in self.public])
        response = self.get("csv/?q=%00")
        self.assertEqual(response.status_code, 200)
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        self.assertEqual(len(rows), 1 + len(self.public))

    def test_pagination(self):
        type(self.index).objects.filter(pk=self.index.pk).update(page_size=2)
        response = self.get("?page=2")
        self.assertEqual(listed_titles(response), [self.a.title, self.d.title])
        self.assertIn("第 2 / 3 页", main_text(response))
        self.assertEqual(listed_titles(self.get("?page=999")), [self.f.title, self.b.title])

    def test_query_count_is_bounded_and_full_text_never_loaded(self):
        query = f"?body={self.gov.pk}&year=2025&validity=valid&conclusion=no_problem&q=县"

        def run():
            reset_queries()  # the log holds 9,000 queries: a full one would count nothing
            with CaptureQueriesContext(connection) as captured:
                self.get(query)
            return captured

        run()  # warm Wagtail's per-process caches (site, settings)
        before = run()
        for n in range(15):
            document = NormativeDocumentFactory(
                title=f"县第{n}号测试文件",
                issuing_body=self.gov,
                date_issued=D(2025, 8, n + 1),
                date_filed=D(2025, 9, n + 1),
            )
            concluded(document, D(2025, 10, n + 1), Review.NO_PROBLEM)
        self.assertEqual(len(listed_titles(self.get(query))), 16)
        after = run()
        self.assertEqual(len(after), len(before))
        self.assertLessEqual(len(after), MAX_LIST_QUERIES)
        for sql in (q["sql"] for q in after.captured_queries):
            self.assertNotIn("full_text", sql)


class TestDocumentPage(RegistryData):
    def test_metadata_review_result_and_full_text_with_anchors(self):
        DocumentFileFactory(document=self.a, label="正文（PDF）")
        response = self.client.get(self.doc_url(self.a))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), [self.a.title])
        html = parse(response)
        facts = {
            row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
            for row in html.select("table.doc-facts tr")
        }
        self.assertEqual(facts["文号"], "县政发〔2025〕1号")
        self.assertEqual(facts["制定机关"], "县人民政府")
        self.assertEqual(facts["公布日期"], "2025年3月1日")
        self.assertEqual(facts["报备日期"], "2025年3月10日")
        self.assertEqual(facts["效力"], "有效")
        review = html.select_one(".review-result").get_text(" ", strip=True)
        for expected in ("主动审查", "未发现问题", "2025年4月20日", "经审查，该办法未发现问题。"):
            self.assertIn(expected, review)
        download = html.select_one(".doc-files a")
        self.assertEqual(download.get_text(strip=True), "正文（PDF）")
        self.assertEqual(download["href"], self.a.files.get().file.url)
        articles = html.select(".fulltext p.fulltext__article")
        self.assertEqual([p["id"] for p in articles], ["art-1", "art-2"])
        self.assertEqual(articles[0].select_one("a.fulltext__anchor")["href"], "#art-1")
        self.assertEqual(
            [a["href"] for a in html.select(".suggest-link a")],
            [f"{self.url}suggest/?document={self.a.pk}"],
        )
        self.assertEqual(
            breadcrumbs(response),
            [
                ("首页", "/"),
                ("规范性文件备案审查", self.url),
                (self.a.title, None),
            ],
        )

    def test_opinion_only_once_concluded(self):
        response = self.client.get(self.doc_url(self.c))
        self.assertEqual(response.status_code, 200)
        self.assertIn("本文件正在审查中", main_text(response))
        self.assertNotIn(DRAFT_OPINION, response.content.decode())
        self.assertIsNone(parse(response).select_one(".review-result"))
        self.assertIn("本文件尚未审查", main_text(self.client.get(self.doc_url(self.e))))

    def test_all_concluded_reviews_newest_first(self):
        response = self.client.get(self.doc_url(self.b))
        results = [r.get_text(" ", strip=True) for r in parse(response).select(".review-result")]
        self.assertEqual(len(results), 2)
        self.assertIn("已纠正", results[0])
        self.assertIn("制定机关已纠正第五条。", results[0])
        self.assertIn("建议修改", results[1])

    def test_validity_links_both_ways(self):
        response = self.client.get(self.doc_url(self.b))
        notice = parse(response).select_one(".notice")
        self.assertEqual(notice.a["href"], self.doc_url(self.c))
        self.assertIn("修改", notice.get_text())
        response = self.client.get(self.doc_url(self.c))
        links = [a["href"] for a in parse(response).select("table.doc-facts a")]
        self.assertIn(self.doc_url(self.b), links)
        response = self.client.get(self.doc_url(self.d))
        self.assertIn("废止", parse(response).select_one(".notice").get_text())

    def test_a_draft_replacement_is_not_linked(self):
        NormativeDocument.objects.filter(pk=self.d.pk).update(superseded_by=self.draft)
        response = self.client.get(self.doc_url(self.d))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.draft.title, response.content.decode())
        self.assertNotIn(self.doc_url(self.draft), response.content.decode())

    def test_drafts_and_unknown_documents_are_404(self):
        self.assertEqual(self.client.get(self.doc_url(self.draft)).status_code, 404)
        self.assertEqual(self.client.get(f"{self.url}99999999/").status_code, 404)

    def test_full_text_is_escaped_with_chapters_and_toc(self):
        NormativeDocument.objects.filter(pk=self.e.pk).update(
            full_text="第一章　总则\n第一条　<script>alert(1)</script>\n"
            "第二章　附则\n第二条　施行。"
        )
        response = self.client.get(self.doc_url(self.e))
        html = response.content.decode()
        self.assertNotIn("<script>alert(1)</script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        page = parse(response)
        self.assertEqual([h["id"] for h in page.select(".fulltext h2")], ["chapter-1", "chapter-2"])
        self.assertEqual(
            [a["href"] for a in page.select(".fulltext-toc a")], ["#chapter-1", "#chapter-2"]
        )


class TestStatisticsAndCatalogue(RegistryData):
    def test_statistics_table(self):
        response = self.client.get(f"{self.url}statistics/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["备案审查统计"])
        summary = parse(response).select_one("table.stats-table")
        rows = {
            row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in summary.select("tbody tr, tfoot tr")
        }
        # 报备, 审结, 未发现问题, 建议修改, 已纠正, 已撤销, 纠正合计 (the draft's review left out)
        self.assertEqual(rows["2026年"], ["1", "0", "0", "0", "0", "0", "0"])
        self.assertEqual(rows["2025年"], ["3", "2", "1", "0", "1", "0", "1"])
        self.assertEqual(rows["2024年"], ["2", "1", "0", "1", "0", "0", "1"])
        self.assertEqual(rows["合计"], ["6", "3", "1", "1", "1", "0", "2"])
        by_body = parse(response).select_one("#year-2025").find_next("table")
        bodies = {
            row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in by_body.select("tbody tr")
        }
        self.assertEqual(
            bodies, {"县人民政府": ["2", "2", "1", "1"], "县教育局": ["1", "0", "0", "0"]}
        )

    def test_catalogue_index_lists_years_with_counts(self):
        response = self.client.get(f"{self.url}catalogue/")
        self.assertEqual(response.status_code, 200)
        links = [
            (a.get_text(strip=True), a["href"])
            for a in parse(response).select(".catalogue-years a")
        ]
        self.assertEqual(
            links,
            [
                ("2026年备案目录", f"{self.url}catalogue/2026/"),
                ("2025年备案目录", f"{self.url}catalogue/2025/"),
                ("2024年备案目录", f"{self.url}catalogue/2024/"),
            ],
        )
        self.assertIn("（3 件）", main_text(response))

    def test_catalogue_of_a_year(self):
        response = self.client.get(f"{self.url}catalogue/2025/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["2025年规范性文件备案目录"])
        table = parse(response).select_one("table.catalogue-table")
        self.assertEqual(
            [th.get_text(strip=True) for th in table.select("thead th")],
            ["序号", "标题", "文号", "制定机关", "公布日期", "报备日期", "审查结论"],
        )
        rows = [
            [td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")
        ]
        # By filing date (the issue date when not filed): d (01-05), a (03-10), c (05-20).
        self.assertEqual([row[0] for row in rows], ["1", "2", "3"])
        self.assertEqual(
            [row[1] for row in rows], [f"{self.d.title}（已废止）", self.a.title, self.c.title]
        )
        self.assertEqual(
            rows[1],
            [
                "2",
                self.a.title,
                "县政发〔2025〕1号",
                "县人民政府",
                "2025-03-01",
                "2025-03-10",
                "未发现问题",
            ],
        )
        self.assertEqual(rows[0][5], "—")
        self.assertNotIn(self.draft.title, response.content.decode())

    def test_catalogue_of_a_year_without_documents_is_404(self):
        self.assertEqual(self.client.get(f"{self.url}catalogue/2019/").status_code, 404)
        self.assertEqual(self.client.get(f"{self.url}catalogue/12345/").status_code, 404)


class TestSitemap(RegistryData):
    def test_lists_statistics_catalogue_and_live_documents(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
        paths = {
            "/" + loc.text.split("://", 1)[1].split("/", 1)[1]
            for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)
        }
        expected = {
            self.url,
            f"{self.url}statistics/",
            f"{self.url}catalogue/",
            f"{self.url}catalogue/2024/",
            f"{self.url}catalogue/2025/",
            f"{self.url}catalogue/2026/",
            *(self.doc_url(d) for d in self.public),
        }
        self.assertEqual({p for p in paths if p.startswith(self.url)}, expected)
        self.assertNotIn(self.doc_url(self.draft), paths)
