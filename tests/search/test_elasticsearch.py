"""Elasticsearch for scale (search/backends/elasticsearch.py, availability.py): the Chinese analysis
in the index settings and in the mappings of the project's models, the SEARCH_* settings, and the
fallback to the database backend while Elasticsearch is unreachable (search, /healthz, saving).

No server is needed except for the last class: "unreachable" is a closed port on the loopback
interface, which refuses at once. Set ELASTICSEARCH_TEST_URL (an 8.x server with the
analysis-smartcn plugin, or IK with ELASTICSEARCH_TEST_ANALYZER=ik) to run the integration test."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError
from django.test import TestCase, override_settings
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from core.factories import body_from_paragraphs
from documents.factories import NormativeDocumentFactory
from documents.models import NormativeDocument
from home.factories import StandardPageFactory
from home.models import StandardPage
from news.factories import NewsIndexPageFactory, NewsPageFactory
from news.models import NewsPage
from search.backends import availability
from search.backends.base import ChineseSearchBackend
from search.backends.elasticsearch import ChineseElasticsearchBackend
from search.backends.query import parse_user_query
from search.backends.site import public_queryset, search_site, type_models
from search.models import IndexEntry
from tests.helpers import default_home, make_private
from website.settings.base import search_backends

# Port 9 (discard) on the loopback interface: nothing listens, the connection is refused at once.
UNREACHABLE = "http://127.0.0.1:9"
ELASTICSEARCH = search_backends([UNREACHABLE], timeout="0.5")
ELASTICSEARCH_ONLY = {"default": ELASTICSEARCH["default"]}


def es_backend(**params):
    return ChineseElasticsearchBackend(
        {"URLS": [UNREACHABLE], "TIMEOUT": 0.5, "OPTIONS": {"max_retries": 0}, **params}
    )


def text_fields(properties, prefix=""):
    """{dotted name: mapping} of every text field, nested ones included."""
    found = {}
    for name, field_mapping in properties.items():
        if field_mapping.get("type") == "text":
            found[prefix + name] = field_mapping
        if "properties" in field_mapping:
            found.update(text_fields(field_mapping["properties"], f"{prefix}{name}."))
    return found


def hit_titles(results):
    return [hit.title for hit in results.hits]


class TestIndexSettings(TestCase):
    def analysis(self, backend):
        return backend.settings["settings"]["analysis"]

    def test_smartcn_is_the_default_analyzer(self):
        analyzers = self.analysis(es_backend())["analyzer"]
        self.assertEqual(analyzers["chinese"]["tokenizer"], "smartcn_tokenizer")
        self.assertEqual(
            analyzers["chinese"]["filter"], ["lowercase", "porter_stem", "smartcn_stop"]
        )
        self.assertEqual(analyzers["chinese_search"]["tokenizer"], "smartcn_tokenizer")

    def test_ik_indexes_finely_and_queries_coarsely(self):
        analyzers = self.analysis(es_backend(ANALYZER="ik"))["analyzer"]
        self.assertEqual(analyzers["chinese"]["tokenizer"], "ik_max_word")
        self.assertEqual(analyzers["chinese_search"]["tokenizer"], "ik_smart")
        self.assertEqual(analyzers["edgengram_analyzer"]["tokenizer"], "ik_max_word")

    def test_autocomplete_ngrams_start_from_chinese_words(self):
        # Not `standard`, which would cut Chinese into single characters before the n-grams.
        analysis = self.analysis(es_backend())
        edgengram = analysis["analyzer"]["edgengram_analyzer"]
        self.assertEqual(edgengram["tokenizer"], "smartcn_tokenizer")
        self.assertEqual(edgengram["filter"][-1], "edgengram")
        self.assertEqual(analysis["analyzer"]["ngram_analyzer"]["tokenizer"], "smartcn_tokenizer")
        # modelsearch's own definitions are kept (the filters, the n-gram spread).
        self.assertEqual(analysis["filter"]["edgengram"]["type"], "edge_ngram")
        self.assertEqual(es_backend().settings["settings"]["index"]["max_ngram_diff"], 12)

    def test_index_settings_option_still_overrides(self):
        backend = es_backend(INDEX_SETTINGS={"settings": {"index": {"number_of_replicas": 2}}})
        self.assertEqual(backend.settings["settings"]["index"]["number_of_replicas"], 2)
        self.assertIn("chinese", self.analysis(backend)["analyzer"])

    def test_an_unknown_analyzer_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "smartcn"):
            es_backend(ANALYZER="jieba")

    def test_the_index_is_created_with_these_settings(self):
        backend = es_backend()
        index = backend.get_index_for_model(NormativeDocument)
        with mock.patch.object(backend.es.indices, "create") as create:
            index.put()
        create.assert_called_once_with(index=index.name, **backend.settings)


class TestMappings(TestCase):
    def setUp(self):
        self.backend = es_backend()

    def mapping(self, model):
        return self.backend.mapping_class(model).get_mapping()["properties"]

    def assertChinese(self, field_mapping, name):
        self.assertEqual(
            (field_mapping.get("analyzer"), field_mapping.get("search_analyzer")),
            ("chinese", "chinese_search"),
            name,
        )

    def test_every_text_field_of_a_document_is_analysed_as_chinese(self):
        fields = text_fields(self.mapping(NormativeDocument))
        for name in (
            "title",
            "number",
            "summary",
            "full_text",
            "issuing_body.name",
            "_all_text",
            "_all_text_boost_5_0",
            "_all_text_boost_3_0",
        ):
            self.assertChinese(fields[name], name)
        for name in ("title_edgengrams", "_edgengrams"):
            self.assertEqual(fields[name]["analyzer"], "edgengram_analyzer")
            self.assertEqual(fields[name]["search_analyzer"], "chinese_search")
        # Nothing is left to Elasticsearch's default analyzer.
        self.assertTrue(all("analyzer" in mapping for mapping in fields.values()), fields)

    def test_every_text_field_of_a_news_page_is_analysed_as_chinese(self):
        fields = text_fields(self.mapping(NewsPage))
        for name in (
            "title",
            "news_newspage__summary",
            "news_newspage__body",
            "news_newspage__category.name",
            "_all_text",
        ):
            self.assertChinese(fields[name], name)
        self.assertEqual(fields["title_edgengrams"]["analyzer"], "edgengram_analyzer")
        self.assertTrue(all("analyzer" in mapping for mapping in fields.values()), fields)

    def test_filters_stay_keywords(self):
        mapping = self.mapping(NormativeDocument)
        self.assertEqual(mapping["validity_filter"], {"type": "keyword"})
        self.assertEqual(mapping["live_filter"], {"type": "boolean"})

    def test_the_documents_carry_the_chinese_text(self):
        document = NormativeDocumentFactory(title="河道管理办法", full_text="加强河道管理。")
        doc = self.backend.mapping_class(NormativeDocument).get_document(document)
        self.assertEqual(doc["title"], "河道管理办法")
        self.assertEqual(doc["full_text"], "加强河道管理。")

    def test_index_names_carry_the_prefix(self):
        backend = get_search_backend(**ELASTICSEARCH["default"])
        self.assertIsInstance(backend, ChineseElasticsearchBackend)
        self.assertEqual(backend.get_index_for_model(NewsPage).name, "county_site_wagtailcore_page")
        self.assertEqual(
            backend.get_index_for_model(NormativeDocument).name,
            "county_site_documents_normativedocument",
        )


class TestSiteSearchQueries(TestCase):
    def test_the_site_search_compiles_for_every_type(self):
        # search_site() searches each model with its public queryset on Elasticsearch: every
        # filter must be a FilterField there (modelsearch raises FilterFieldError otherwise).
        make_private(StandardPageFactory(parent=default_home(), title="内部"))
        backend = es_backend()
        query = parse_user_query('河道 "生态环境" -污染 OR 治理')
        for name, models in type_models().items():
            for model in models:
                with self.subTest(type=name, model=model.__name__):
                    found = backend.search(query, public_queryset(model))
                    body = found.query_compiler.get_query()
                    self.assertIn("bool", body)


class TestSettings(TestCase):
    def test_without_search_url_the_database_backend_alone(self):
        self.assertEqual(search_backends([]), {"default": {"BACKEND": "search.backends"}})

    def test_with_search_url_elasticsearch_and_the_database_alias(self):
        backends = search_backends(
            ["http://es1:9200", "http://es2:9200"], index="rd", analyzer="ik", timeout="2.5"
        )
        self.assertEqual(backends["database"], {"BACKEND": "search.backends"})
        default = backends["default"]
        self.assertEqual(default["BACKEND"], "search.backends.elasticsearch")
        self.assertEqual(default["URLS"], ["http://es1:9200", "http://es2:9200"])
        self.assertEqual(default["INDEX_PREFIX"], "rd_")
        self.assertEqual(default["ANALYZER"], "ik")
        self.assertEqual(default["TIMEOUT"], 2.5)

    def test_defaults(self):
        default = search_backends(["http://es:9200"])["default"]
        self.assertEqual(
            (default["INDEX_PREFIX"], default["ANALYZER"], default["TIMEOUT"]),
            ("county_site_", "smartcn", 5.0),
        )

    def test_bad_values_stop_start_up_with_a_clear_message(self):
        for kwargs, name in (
            ({"analyzer": "standard"}, "SEARCH_ANALYZER"),
            ({"index": "County Site"}, "SEARCH_INDEX"),
            ({"timeout": "five"}, "SEARCH_TIMEOUT"),
        ):
            with self.subTest(name), self.assertRaisesMessage(ImproperlyConfigured, name):
                search_backends(["http://es:9200"], **kwargs)

    def test_credentials_in_the_url_reach_the_client(self):
        backend = ChineseElasticsearchBackend(
            {"URLS": ["https://elastic:mima@es.example.internal:9200"]}
        )
        self.assertEqual(backend.hosts[0]["host"], "es.example.internal")
        self.assertEqual(backend.hosts[0]["scheme"], "https")

    def test_the_environment_variables_are_read(self):
        # A fresh interpreter, since settings are read once per process.
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": "x",
            "SEARCH_URL": "http://es1:9200, http://es2:9200",
            "SEARCH_INDEX": "rd",
            "SEARCH_ANALYZER": "ik",
            "SEARCH_TIMEOUT": "3",
        }
        code = "from website.settings import base; print(repr(base.WAGTAILSEARCH_BACKENDS))"
        output = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
        self.assertEqual(
            eval(output),  # noqa: S307
            search_backends(
                ["http://es1:9200", "http://es2:9200"], index="rd", analyzer="ik", timeout="3"
            ),
        )


class FallbackData(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.river = StandardPageFactory(
            parent=home,
            title="河道管理工作制度",
            summary="",
            body=body_from_paragraphs(["为了加强河道管理，保障防洪安全，制定本制度。"]),
        )

    def setUp(self):
        availability.reset()
        self.addCleanup(availability.reset)


@override_settings(WAGTAILSEARCH_BACKENDS=ELASTICSEARCH)
class TestFallback(FallbackData):
    def test_an_unreachable_server_hands_search_to_the_database(self):
        backend, reason = availability.site_backend()
        self.assertIsInstance(backend, ChineseSearchBackend)
        self.assertIn("Elasticsearch", reason)
        self.assertIn("数据库", reason)

    def test_search_site_answers_from_the_database_and_says_so(self):
        results = search_site("防洪")
        self.assertEqual(hit_titles(results), ["河道管理工作制度"])
        self.assertEqual(results.hits[0].url, self.river.url)
        self.assertIn("Elasticsearch", results.fallback)

    def test_the_outcome_of_a_ping_is_remembered_for_a_while(self):
        with mock.patch.object(availability, "_ping", wraps=availability._ping) as ping:
            availability.site_backend()
            search_site("防洪")
            self.assertEqual(ping.call_count, 1)
            later = availability.time.monotonic() + availability.CHECK_INTERVAL
            with mock.patch.object(availability.time, "monotonic", return_value=later):
                availability.site_backend()
            self.assertEqual(ping.call_count, 2)

    def test_a_failure_in_the_middle_of_a_query_retries_on_the_database(self):
        # The ping said "up", then the query itself cannot connect.
        with mock.patch.object(availability, "_ping", return_value=None) as ping:
            self.assertIsInstance(availability.site_backend()[0], ChineseElasticsearchBackend)
            results = search_site("防洪")
            self.assertEqual(hit_titles(results), ["河道管理工作制度"])
            self.assertEqual(results.count, 1)
            self.assertEqual(results.counts, {"page": 1})
            self.assertIn("ConnectionError", results.fallback)
            # Marked down at once: the next request goes to the database without asking.
            self.assertIsInstance(availability.site_backend()[0], ChineseSearchBackend)
            self.assertEqual(ping.call_count, 1)

    def test_healthz_is_degraded_not_failing(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(
            {key: body[key] for key in ("status", "database", "search")},
            {"status": "degraded", "database": "ok", "search": "fallback"},
        )
        self.assertIn("Elasticsearch", body["search_detail"])
        self.assertIn("数据库", body["search_detail"])

    def test_healthz_fails_when_the_database_cannot_search_either(self):
        refused = DatabaseError("could not connect to server")
        with mock.patch.object(ChineseSearchBackend, "search", side_effect=refused):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "database": "ok", "search": "error"})

    def test_healthz_of_a_server_that_answers_the_ping_but_not_the_query(self):
        with mock.patch.object(availability, "_ping", return_value=None):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["search"], "fallback")


@override_settings(WAGTAILSEARCH_BACKENDS=ELASTICSEARCH)
class TestSavingWhileElasticsearchIsDown(FallbackData):
    def test_publishing_a_page_does_not_fail_and_the_database_index_has_it(self):
        with self.assertLogs("modelsearch.index", "ERROR") as logs:
            page = StandardPageFactory(
                parent=default_home(),
                title="湿地保护",
                summary="",
                body=body_from_paragraphs(["保护湿地生态。"]),
                live=False,
            )
            page.body = body_from_paragraphs(["保护湿地生态，人人有责。"])
            page.save_revision().publish()
        self.assertIn("'default' search backend", logs.output[0])
        self.assertTrue(IndexEntry.objects.filter(object_id=str(page.pk), public=True).exists())
        results = search_site("人人有责")
        self.assertEqual(hit_titles(results), ["湿地保护"])
        self.assertIsNotNone(results.fallback)

    def test_saving_a_register_entry_and_deleting_it(self):
        with self.assertLogs("modelsearch.index", "ERROR"):
            document = NormativeDocumentFactory(title="湿地保护办法", full_text="保护湿地。")
        self.assertEqual(hit_titles(search_site("湿地")), ["湿地保护办法"])
        with self.assertLogs("modelsearch.index", "ERROR"):
            document.delete()
        self.assertEqual(search_site("湿地").count, 0)


@override_settings(WAGTAILSEARCH_BACKENDS=ELASTICSEARCH_ONLY)
class TestWithoutTheDatabaseAlias(FallbackData):
    def test_there_is_nothing_to_fall_back_to(self):
        backend, reason = availability.site_backend()
        self.assertIsInstance(backend, ChineseElasticsearchBackend)
        self.assertIsNone(reason)
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["search"], "error")


class TestDefaultConfiguration(FallbackData):
    def test_no_fallback_and_no_ping(self):
        with mock.patch.object(availability, "_ping") as ping:
            results = search_site("防洪")
        self.assertEqual(hit_titles(results), ["河道管理工作制度"])
        self.assertIsNone(results.fallback)
        ping.assert_not_called()


TEST_URL = os.environ.get("ELASTICSEARCH_TEST_URL")


@pytest.mark.skipif(not TEST_URL, reason="ELASTICSEARCH_TEST_URL is not set")
class TestWithElasticsearch(TestCase):
    """Against a real 8.x server with the Chinese analysis plugin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        analyzer = os.environ.get("ELASTICSEARCH_TEST_ANALYZER", "smartcn")
        cls.backends = search_backends(
            [url.strip() for url in TEST_URL.split(",")],
            index=f"county_site_test_{uuid.uuid4().hex[:8]}",
            analyzer=analyzer,
        )
        cls.settings_override = override_settings(WAGTAILSEARCH_BACKENDS=cls.backends)
        cls.settings_override.enable()

    @classmethod
    def tearDownClass(cls):
        backend = get_search_backend()
        backend.es.indices.delete(index=f"{backend.index_prefix}*")
        cls.settings_override.disable()
        super().tearDownClass()

    def setUp(self):
        availability.reset()
        self.addCleanup(availability.reset)
        home = default_home()
        news_index = NewsIndexPageFactory(parent=home)
        for title, text in (
            ("生态环境保护工作会议召开", "会议要求进一步加强生态环境保护，推进河道综合治理。"),
            ("乡村振兴调研", "代表们走访了三个村，了解特色产业发展情况。"),
        ):
            NewsPageFactory(parent=news_index, title=title, body=body_from_paragraphs([text]))
        call_command("update_index", backend_name="default", stdout=StringIO())
        self.backend = get_search_backend()

    def test_the_chinese_analyzer_segments_words(self):
        index = self.backend.get_index_for_model(NewsPage).name
        tokens = self.backend.es.indices.analyze(
            index=index, analyzer="chinese", text="加强生态环境保护"
        )["tokens"]
        self.assertIn("环境", [token["token"] for token in tokens])

    def test_a_two_character_word_inside_a_sentence_is_found(self):
        found = self.backend.search("治理", NewsPage.objects.live())
        self.assertEqual([page.title for page in found], ["生态环境保护工作会议召开"])
        results = search_site("产业")
        self.assertIsNone(results.fallback)
        self.assertEqual(hit_titles(results), ["乡村振兴调研"])
        self.assertEqual(results.hits[0].type, "news")

    def test_autocomplete_finds_the_start_of_a_chinese_word(self):
        found = self.backend.autocomplete("乡村振", Page.objects.live())
        self.assertEqual([page.title for page in found], ["乡村振兴调研"])

    def test_healthz_is_ok(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok", "search": "ok"})

    def test_a_search_of_one_page_type_keeps_to_it(self):
        # Every page type shares one index (county_site_…_wagtailcore_page): news must not leak.
        self.assertEqual(list(self.backend.search("产业", StandardPage.objects.live())), [])
