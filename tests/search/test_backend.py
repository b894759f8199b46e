"""The Chinese-aware search backend (search/backends/) on whichever database the suite runs:
Chinese words found inside sentences, phrases, NOT/OR/boosts, titles ranked above bodies, only
live public content in the site search, the admin's search in Chinese, indexing commands, and
odd input that must never raise."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText

from core.factories import ImageFactory, body_from_paragraphs
from documents.factories import DocumentRegistryPageFactory, NormativeDocumentFactory
from documents.models import NormativeDocument
from home.factories import StandardPageFactory
from home.models import StandardPage
from search.backends.base import ChineseSearchBackend
from search.backends.query import parse_user_query
from search.backends.site import MAX_LIMIT, search_site
from search.models import IndexEntry, IndexEntryText
from tests.helpers import HIDDEN_MARKERS, create_hidden, default_home, make_private

CHINESE_SEARCH = {"default": {"BACKEND": "search.backends"}}

BAD_QUERIES = [
    "",
    "   ",
    '"',
    '""',
    "*",
    "NEAR",
    "NEAR(河道 管理)",
    "AND(",
    "河道 AND( OR NOT",
    ":",
    "title:河道",
    "{title}: 河道",
    "^河道",
    "'; DROP TABLE search_entry; --",
    "😀",
    "😀河道😀",
    "！！！。。。",
    "——……",
    "ＡＮＤ（",
    "\x00\x01",
    "-",
    "- -河道",
    "OR",
    "河" * 2000,
    "河道 " * 400,
]


def page(parent, title, *paragraphs, **kwargs):
    return StandardPageFactory(
        parent=parent,
        title=title,
        summary="",
        body=body_from_paragraphs(paragraphs),
        **kwargs,
    )


def titles(results):
    return [getattr(obj, "title", str(obj)) for obj in results]


def hit_titles(results):
    return [hit.title for hit in results.hits]


@override_settings(WAGTAILSEARCH_BACKENDS=CHINESE_SEARCH)
class SearchData(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.river = page(home, "河道管理工作制度", "为了加强河道管理，保障防洪安全，制定本制度。")
        cls.wildlife = page(home, "野生动物保护宣传", "保护野生动物，人人有责。")
        cls.animals = page(home, "工作动态", "野生的动物需要保护，第３号通知已经下发。")
        cls.village = page(home, "乡村振兴", "发展特色旅游，整治村内河道。")
        cls.hidden = create_hidden(StandardPageFactory, home, "河道巡查", summary="河道巡查记录")
        cls.document_title = NormativeDocumentFactory(
            title="某县旅游管理办法", full_text="第一条 为了规范市场秩序，制定本办法。"
        )
        cls.document_body = NormativeDocumentFactory(
            title="关于加强村庄规划的通知",
            full_text="发展乡村旅游。支持旅游民宿。旅游厕所建设。乡村旅游道路。",
        )
        cls.document_draft = NormativeDocumentFactory(
            title="旅游草稿文件", full_text="尚未发布的旅游规定。", live=False
        )
        cls.backend = get_search_backend()

    def search_pages(self, query, **kwargs):
        return list(self.backend.search(query, Page.objects.live().public(), **kwargs))

    def search_documents(self, query, **kwargs):
        return list(
            self.backend.search(query, NormativeDocument.objects.filter(live=True), **kwargs)
        )


class TestChineseMatching(SearchData):
    def test_the_project_backend_is_in_use(self):
        self.assertIsInstance(self.backend, ChineseSearchBackend)

    def test_a_two_character_word_inside_a_sentence_is_found(self):
        self.assertEqual(titles(self.search_pages("防洪")), ["河道管理工作制度"])
        self.assertEqual(titles(self.search_documents("秩序")), ["某县旅游管理办法"])
        self.assertEqual(hit_titles(search_site("防洪")), ["河道管理工作制度"])

    def test_any_substring_is_found_not_only_dictionary_words(self):
        self.assertEqual(titles(self.search_pages("障防洪安")), ["河道管理工作制度"])
        self.assertEqual(titles(self.search_pages("作制")), ["河道管理工作制度"])

    def test_a_single_character_is_found(self):
        self.assertEqual(titles(self.search_pages("洪")), ["河道管理工作制度"])

    def test_words_are_found_across_title_and_body(self):
        # 振兴 is only in the title, 河道 only in the body.
        self.assertEqual(titles(self.search_pages("振兴 河道")), ["乡村振兴"])

    def test_every_word_must_match_by_default(self):
        self.assertEqual(titles(self.search_pages("河道 野生")), [])

    def test_a_phrase_needs_its_words_together(self):
        self.assertEqual(titles(self.search_pages(Phrase("野生动物"))), ["野生动物保护宣传"])
        self.assertEqual(titles(self.search_pages(Phrase("动物 保护"))), [])
        self.assertCountEqual(
            titles(self.search_pages("野生 动物")), ["野生动物保护宣传", "工作动态"]
        )

    def test_quoted_text_is_a_phrase_in_what_users_type(self):
        self.assertEqual(hit_titles(search_site('"野生动物"')), ["野生动物保护宣传"])
        self.assertEqual(hit_titles(search_site("“野生动物”")), ["野生动物保护宣传"])

    def test_not_excludes(self):
        self.assertEqual(
            titles(self.search_pages(And([PlainText("河道"), Not(PlainText("旅游"))]))),
            ["河道管理工作制度"],
        )
        self.assertEqual(hit_titles(search_site("河道 -旅游")), ["河道管理工作制度"])

    def test_a_negation_alone_lists_everything_else(self):
        found = titles(self.backend.search(Not(PlainText("河道")), StandardPage.objects.live()))
        self.assertCountEqual(found, ["野生动物保护宣传", "工作动态"])

    def test_or_and_the_or_operator(self):
        expected = ["河道管理工作制度", "野生动物保护宣传"]
        self.assertCountEqual(titles(self.search_pages("防洪 人人有责", operator="or")), expected)
        self.assertCountEqual(
            titles(self.search_pages(Or([PlainText("防洪"), PlainText("人人有责")]))), expected
        )
        self.assertCountEqual(hit_titles(search_site("防洪 OR 人人有责")), expected)

    def test_match_all_lists_the_queryset(self):
        self.assertEqual(len(self.search_documents(MatchAll())), 2)

    def test_full_width_and_half_width_match_each_other(self):
        self.assertEqual(titles(self.search_pages("第3号")), ["工作动态"])
        self.assertEqual(titles(self.search_pages("第３号")), ["工作动态"])

    def test_title_only_search(self):
        self.assertEqual(titles(self.search_pages("河道", fields=["title"])), ["河道管理工作制度"])
        self.assertEqual(titles(self.search_pages("防洪", fields=["title"])), [])

    def test_autocomplete_finds_part_of_a_title(self):
        found = self.backend.autocomplete("河道管", StandardPage.objects.live())
        self.assertEqual(titles(found), ["河道管理工作制度"])

    def test_filters_of_the_queryset_apply(self):
        found = self.backend.search("河道", Page.objects.live().filter(title__startswith="乡村"))
        self.assertEqual(titles(found), ["乡村振兴"])


class TestRanking(SearchData):
    def test_a_title_match_ranks_above_body_matches(self):
        # The body of the second document says 旅游 four times; the first has it in its title.
        expected = ["某县旅游管理办法", "关于加强村庄规划的通知"]
        self.assertEqual(titles(self.search_documents("旅游")), expected)
        self.assertEqual(hit_titles(search_site("旅游", types=["document"])), expected)

    def test_scores_can_be_annotated_and_decrease(self):
        results = self.backend.search("旅游", NormativeDocument.objects.filter(live=True))
        scores = [obj.score for obj in results.annotate_score("score")]
        self.assertEqual(len(scores), 2)
        self.assertGreater(scores[0], scores[1])

    def test_a_boost_lifts_its_part_of_the_query(self):
        order = PlainText("市场秩序")  # in 某县旅游管理办法
        lodging = PlainText("旅游民宿")  # in 关于加强村庄规划的通知
        self.assertEqual(
            titles(self.search_documents(Or([Boost(order, 50), lodging]))),
            ["某县旅游管理办法", "关于加强村庄规划的通知"],
        )
        self.assertEqual(
            titles(self.search_documents(Or([order, Boost(lodging, 50)]))),
            ["关于加强村庄规划的通知", "某县旅游管理办法"],
        )

    def test_without_relevance_the_queryset_order_applies(self):
        found = self.backend.search(
            "河道", StandardPage.objects.live().public().order_by("title"), order_by_relevance=False
        )
        self.assertEqual(titles(found), sorted(["河道管理工作制度", "乡村振兴"]))

    def test_slices_and_counts(self):
        results = self.backend.search("河道", Page.objects.live().public())
        self.assertEqual(results.count(), 2)
        self.assertEqual(len(results[0:1]), 1)
        self.assertEqual(titles(results[1:2]), titles(results)[1:2])
        self.assertEqual(results[1:2].count(), 1)

    def test_facets(self):
        facets = self.backend.search("旅游", NormativeDocument).facet("live")
        self.assertEqual(dict(facets), {True: 2, False: 1})


class TestPublicContentOnly(SearchData):
    def test_drafts_private_and_expired_pages_are_not_found(self):
        self.assertEqual(titles(self.search_pages("河道巡查")), [])
        found = search_site("河道巡查")
        self.assertEqual(found.count, 0)
        self.assertEqual(found.hits, [])

    def test_hidden_pages_are_in_the_index_for_the_admin(self):
        # The admin searches drafts too; the public side filters at query time.
        found = titles(self.backend.search("河道巡查", Page))
        self.assertEqual(sorted(found), sorted(p.title for p in self.hidden))
        for title in found:
            self.assertTrue(title.endswith(HIDDEN_MARKERS))

    def test_a_draft_register_entry_is_not_found(self):
        self.assertNotIn("旅游草稿文件", hit_titles(search_site("旅游")))
        self.assertIn("旅游草稿文件", titles(self.backend.search("旅游", NormativeDocument)))

    def test_unpublishing_a_page_removes_it_from_public_search(self):
        self.river.unpublish()
        self.assertEqual(hit_titles(search_site("防洪")), [])
        self.assertEqual(titles(self.search_pages("防洪")), [])

    def test_making_a_page_private_removes_it_from_public_search(self):
        restriction = make_private(self.river)
        self.assertEqual(hit_titles(search_site("防洪")), [])
        restriction.delete()
        self.assertEqual(hit_titles(search_site("防洪")), ["河道管理工作制度"])

    def test_moving_a_page_into_a_private_section_removes_it(self):
        section = page(default_home(), "内部资料")
        make_private(section)
        self.river.move(section, pos="last-child")
        self.assertEqual(hit_titles(search_site("防洪")), [])
        self.river.refresh_from_db()
        self.river.move(default_home(), pos="last-child")
        self.assertEqual(hit_titles(search_site("防洪")), ["河道管理工作制度"])

    def test_a_page_hidden_without_a_save_is_still_not_shown(self):
        # A bulk update sends no signal, so the index still says public; the hits are checked.
        Page.objects.filter(pk=self.river.pk).update(live=False)
        self.assertEqual(hit_titles(search_site("防洪")), [])

    def test_unpublishing_a_register_entry_removes_it(self):
        self.document_title.unpublish()
        self.assertEqual(hit_titles(search_site("秩序")), [])

    def test_deleting_removes_the_index_entry(self):
        pk = str(self.river.pk)
        self.assertTrue(IndexEntry.objects.filter(object_id=pk, title="河道管理工作制度").exists())
        self.river.delete()
        self.assertFalse(IndexEntry.objects.filter(object_id=pk, title="河道管理工作制度").exists())
        self.assertEqual(titles(self.backend.search("防洪", Page)), [])
        document_pk = str(self.document_title.pk)
        self.document_title.delete()
        self.assertFalse(IndexEntry.objects.filter(object_id=document_pk).exists())
        self.assertEqual(titles(self.backend.search("秩序", NormativeDocument)), [])

    def test_edits_are_searchable_at_once(self):
        self.document_title.full_text = "第一条 为了保护湿地，制定本办法。"
        self.document_title.save()
        self.assertEqual(titles(self.search_documents("湿地")), ["某县旅游管理办法"])
        self.assertEqual(titles(self.search_documents("秩序")), [])


class TestSiteSearch(SearchData):
    def test_hits_carry_type_title_url_date_and_text(self):
        registry = DocumentRegistryPageFactory(parent=default_home())
        results = search_site("秩序")
        self.assertEqual(results.count, 1)
        hit = results.hits[0]
        self.assertEqual(hit.type, "document")
        self.assertEqual(hit.title, "某县旅游管理办法")
        self.assertEqual(hit.url, f"{registry.url}{self.document_title.pk}/")
        self.assertEqual(hit.date, self.document_title.date_issued)
        self.assertIn("为了规范市场秩序", hit.text)
        self.assertIsInstance(hit.score, float)

        hit = search_site("防洪").hits[0]
        self.assertEqual((hit.type, hit.url), ("page", self.river.url))
        self.assertIn("保障防洪安全", hit.text)

    def test_counts_by_type_and_the_type_filter(self):
        results = search_site("旅游")
        self.assertEqual(results.counts, {"document": 2, "page": 1})
        self.assertEqual(results.count, 3)
        only_pages = search_site("旅游", types=["page"])
        self.assertEqual(only_pages.count, 1)
        self.assertEqual(hit_titles(only_pages), ["乡村振兴"])
        self.assertEqual(only_pages.counts, results.counts)

    def test_unknown_types_and_odd_limits_are_harmless(self):
        self.assertEqual(search_site("旅游", types=["nonsense"]).count, 0)
        self.assertEqual(len(search_site("旅游", offset=-5, limit=1).hits), 1)
        self.assertEqual(len(search_site("旅游", offset=10**9).hits), 0)
        self.assertEqual(len(search_site("旅游", limit=10**9).hits), 3)
        self.assertEqual(len(search_site("旅游", limit=0).hits), 1)
        self.assertEqual(MAX_LIMIT, 100)

    def test_with_another_backend_each_model_is_searched(self):
        # Wagtail's own database backend (no Chinese tokens): a whole title still matches.
        stock = {"default": {"BACKEND": "wagtail.search.backends.database"}}
        with override_settings(WAGTAILSEARCH_BACKENDS=stock):
            call_command("update_index", stdout=StringIO())
            results = search_site("某县旅游管理办法")
        self.assertEqual(hit_titles(results), ["某县旅游管理办法"])
        self.assertEqual(results.hits[0].type, "document")
        self.assertEqual(results.counts, {"document": 1})

    def test_paging_through_results(self):
        first = hit_titles(search_site("旅游", limit=2))
        rest = hit_titles(search_site("旅游", offset=2, limit=2))
        self.assertEqual(len(first + rest), 3)
        self.assertEqual(set(first) & set(rest), set())


class TestBadInput(SearchData):
    def test_odd_queries_never_raise(self):
        for query in BAD_QUERIES:
            with self.subTest(query=query[:20]):
                for results in (
                    self.backend.search(query, Page.objects.live()),
                    self.backend.search(query, NormativeDocument),
                    self.backend.autocomplete(query, Page),
                ):
                    self.assertIsInstance(results.count(), int)
                    self.assertIsInstance(list(results[:10]), list)
                results = search_site(query)
                self.assertIsInstance(results.count, int)

    def test_query_syntax_is_searched_as_text_not_obeyed(self):
        # Syntax characters around a word are dropped, the word is searched.
        for query in ("河道*", "(河道)", "^河道", "+河道", "河道:", "{河道}", "河道 ("):
            with self.subTest(query=query):
                self.assertIn("河道管理工作制度", titles(self.search_pages(query)))
        # Operator words are words to look for, not operators.
        for query in ("NEAR(河道)", "title:河道", "河道 AND("):
            with self.subTest(query=query):
                self.assertEqual(titles(self.search_pages(query)), [])

    def test_nothing_searchable_finds_nothing(self):
        for query in ("！！！", "😀", "——", '"'):
            with self.subTest(query=query):
                self.assertEqual(titles(self.search_pages(query)), [])
                self.assertEqual(search_site(query).count, 0)

    def test_a_very_long_query_is_cut_not_refused(self):
        self.assertEqual(titles(self.search_pages("防洪" + "！" * 3000)), ["河道管理工作制度"])
        self.assertEqual(search_site("河" * 2000).count, 0)

    def test_user_query_parser(self):
        self.assertIsNone(parse_user_query("  "))
        self.assertIsNone(parse_user_query("OR"))
        self.assertIsInstance(parse_user_query('"河道"'), Phrase)
        self.assertIsInstance(parse_user_query("-河道"), Not)
        self.assertIsInstance(parse_user_query("河道 OR 旅游"), Or)
        self.assertIsInstance(parse_user_query("河道 旅游"), And)


class TestAdminSearch(SearchData):
    def setUp(self):
        user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
        self.client.force_login(user)

    def test_page_search_in_the_admin_finds_chinese_words(self):
        # The admin searches titles as you type (Wagtail's autocomplete), any part of them.
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "管理工作"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "河道管理工作制度")
        self.assertNotContains(response, "野生动物保护宣传")

    def test_the_admin_finds_drafts_too(self):
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "河道巡查"})
        self.assertContains(response, "河道巡查草稿")

    def test_the_snippet_chooser_searches_in_chinese(self):
        chooser = NormativeDocument.snippet_viewset.chooser_viewset
        url = reverse(chooser.get_url_name("choose_results"))
        response = self.client.get(url, {"q": "旅游管"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "某县旅游管理办法")
        self.assertNotContains(response, "关于加强村庄规划的通知")

    def test_the_image_library_searches_in_chinese(self):
        ImageFactory(title="河道巡查现场照片")
        ImageFactory(title="野生动物宣传海报")
        response = self.client.get(reverse("wagtailimages:index"), {"q": "巡查"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "河道巡查现场照片")
        self.assertNotContains(response, "野生动物宣传海报")

    def test_the_page_chooser_searches_in_chinese(self):
        response = self.client.get(reverse("wagtailadmin_choose_page_search"), {"q": "野生"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "野生动物保护宣传")
        self.assertNotContains(response, "河道管理工作制度")


@override_settings(WAGTAILSEARCH_BACKENDS=CHINESE_SEARCH)
class TestIndexing(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.backend = get_search_backend()

    def search(self, query):
        return titles(self.backend.search(query, NormativeDocument))

    def test_add_bulk_indexes_a_batch(self):
        documents = NormativeDocument.objects.bulk_create(
            NormativeDocument(title=f"湿地保护规定{n}", full_text="候鸟栖息地", live=True)
            for n in range(3)
        )
        self.assertEqual(self.search("候鸟"), [])  # bulk_create sends no signals
        self.backend.add_bulk(NormativeDocument, documents)
        self.assertEqual(len(self.search("候鸟")), 3)
        self.backend.delete_bulk(NormativeDocument, [documents[0].pk])
        self.assertEqual(len(self.search("候鸟")), 2)

    def test_update_index_rebuilds_and_drops_stale_entries(self):
        document = NormativeDocumentFactory(title="湿地保护规定", full_text="候鸟栖息地")
        NormativeDocument.objects.filter(pk=document.pk).update(title="森林防火规定")
        gone = NormativeDocumentFactory(title="草原防火规定")
        NormativeDocument.objects.filter(pk=gone.pk).delete()  # as if deleted behind our back
        self.assertEqual(self.search("防火"), [])
        call_command("update_index", stdout=StringIO())
        self.assertEqual(self.search("防火"), ["森林防火规定"])
        self.assertEqual(self.search("湿地"), [])
        self.assertFalse(IndexEntry.objects.filter(object_id=str(gone.pk)).exists())
        self.assertEqual(IndexEntryText.objects.count(), IndexEntry.objects.count())

    def test_unchanged_objects_are_not_rewritten(self):
        document = NormativeDocumentFactory(title="湿地保护规定", full_text="候鸟栖息地")
        entry = IndexEntry.objects.get(object_id=str(document.pk), title="湿地保护规定")
        self.backend.add(document)
        self.backend.add(document)
        self.assertEqual(IndexEntry.objects.get(pk=entry.pk).title, "湿地保护规定")
        self.assertEqual(self.search("候鸟"), ["湿地保护规定"])

    def test_the_full_text_index_is_used(self):
        """FTS5 answers MATCH from its index; on PostgreSQL the GIN index answers the tsquery
        (the planner may prefer other plans on a handful of rows: sequential scans are off, as
        in searches, and the content type index is left out here)."""
        NormativeDocumentFactory(title="湿地保护规定", full_text="候鸟栖息地")
        results = self.backend.search("候鸟", NormativeDocument.objects.filter(live=True))
        search = results.query_compiler.search_sql(self.backend)
        search.scope_sql = "TRUE" if connection.vendor == "postgresql" else "1"
        sql, params = self.backend.dialect.statement("e.id", search)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row) for row in cursor.fetchall())
                self.assertIn("VIRTUAL TABLE INDEX", plan)
            else:
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = " ".join(row[0] for row in cursor.fetchall())
                self.assertIn("Bitmap Index Scan on search_entry_vec", plan)
        self.assertEqual(self.search("候鸟"), ["湿地保护规定"])

    def test_the_sqlite_full_text_index_stays_consistent(self):
        documents = [
            NormativeDocumentFactory(title=f"湿地保护规定{n}", full_text="候鸟栖息地")
            for n in range(3)
        ]
        documents[0].full_text = "森林防火"
        documents[0].save()
        documents[1].delete()
        self.backend.add(documents[2])
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Raises if the FTS5 index does not match its content table.
                cursor.execute(
                    "INSERT INTO search_entry_fts(search_entry_fts, rank) "
                    "VALUES ('integrity-check', 1)"
                )
        self.assertEqual(self.search("候鸟"), ["湿地保护规定2"])
        self.assertEqual(self.search("防火"), ["湿地保护规定0"])
