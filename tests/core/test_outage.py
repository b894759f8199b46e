"""The site while the database is unreachable (core/middleware.py): a static Chinese 503 page or
JSON error with Retry-After, rendered without touching the database; a POST says plainly that
nothing was saved; a broken persistent connection is discarded so requests recover by themselves.

The outage is simulated with Django's execute_wrapper hook: every SQL statement (or every
INSERT) raises the OperationalError psycopg or sqlite3 raise with the server gone. The real
errors are checked to be of the classes the middleware catches (TestRealErrors)."""

import time

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, TestCase, override_settings

from core.middleware import DATABASE_ERRORS, NOT_SAVED, RETRY_AFTER
from documents import forms_public
from documents.factories import DocumentRegistryPageFactory
from documents.models import ReviewSuggestion
from tests.helpers import default_home, h1_texts, main_text, parse

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
SUBMITTED_TEXT = "<script>alert(1)</script>建议审查的问题：收费没有依据"


class Outage:
    """execute_wrapper callable: statements matching `failing` raise `error`; every statement
    attempted is recorded, so a test can tell whether the 503 path queried the database."""

    def __init__(self, error=None, failing=lambda sql: True):
        self.error = error or OperationalError(REFUSED)
        self.failing = failing
        self.statements = []
        self.failed = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        if self.failing(sql):
            self.failed.append(sql)
            raise self.error
        return execute(sql, params, many, context)


def is_insert(sql):
    return sql.lstrip().upper().startswith("INSERT")


class OutageTestCase(TestCase):
    def request(self, method, path, outage=None, client=None, **kwargs):
        outage = outage or Outage()
        with connection.execute_wrapper(outage):
            response = getattr(client or self.client, method)(path, **kwargs)
        return response, outage

    def assert_503_page(self, response):
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], str(RETRY_AFTER))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(response["Content-Type"].startswith("text/html"))
        self.assertEqual(h1_texts(response), ["网站暂时无法访问（503）"])
        self.assertIn("数据库暂时无法连接", main_text(response))
        self.assertEqual([t.name for t in response.templates], ["503.html"])


class TestPage(OutageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.registry = DocumentRegistryPageFactory(
            parent=default_home(), slug="normative-documents"
        )

    def test_pages_answer_503_in_chinese_without_another_query(self):
        for path in ("/", "/normative-documents/", "/search/?q=代表", "/no-such-page/"):
            with self.subTest(path=path):
                response, outage = self.request("get", path)
                self.assert_503_page(response)
                # The failing statement is the only one: the 503 path itself reads nothing
                # (no site settings, menus, session or user).
                self.assertEqual(len(outage.statements), 1, outage.statements)
                self.assertNotIn("没有保存", response.content.decode())

    def test_interface_error_too(self):
        response, outage = self.request(
            "get", "/", Outage(InterfaceError("connection already closed"))
        )
        self.assert_503_page(response)
        self.assertEqual(len(outage.statements), 1)

    def test_head_is_not_a_submission(self):
        response, _outage = self.request("head", "/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], str(RETRY_AFTER))

    def test_the_page_is_not_the_500_page(self):
        response, _outage = self.request("get", "/")
        self.assertNotIn("服务器错误", response.content.decode())
        self.assertNotIn("500.html", [t.name for t in response.templates])

    def test_requests_recover_when_the_database_is_back(self):
        response, _outage = self.request("get", "/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_other_errors_are_not_turned_into_503(self):
        client = Client(raise_request_exception=False)
        response, _outage = self.request(
            "get", "/", Outage(ValueError("a bug, not an outage")), client=client
        )
        self.assertEqual(response.status_code, 500)
        self.assertIn("服务器错误", response.content.decode())
        # Styled by site.css: the Content-Security-Policy blocks inline styles.
        self.assertNotIn("<style", response.content.decode())
        self.assertIn("/static/css/site.css", response.content.decode())


class TestJson(OutageTestCase):
    def test_api_answers_chinese_json(self):
        for path in ("/api/search/?q=代表", "/api/areas/?q=cz", "/api/v2/pages/"):
            with self.subTest(path=path):
                response, outage = self.request("get", path)
                self.assertEqual(response.status_code, 503)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertEqual(response["Retry-After"], str(RETRY_AFTER))
                self.assertIn("no-store", response["Cache-Control"])
                body = response.json()
                self.assertEqual(body["code"], "database_unavailable")
                self.assertIn("数据库暂时无法连接", body["error"])
                self.assertEqual(body["retry_after"], RETRY_AFTER)
                self.assertNotIn("saved", body)
                self.assertEqual(len(outage.statements), 1)
                self.assertIn("数据库".encode(), response.content)  # UTF-8, not \\u escapes

    def test_a_client_preferring_json_gets_json_from_a_page(self):
        response, _outage = self.request("get", "/", HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["code"], "database_unavailable")

    def test_a_browser_gets_html(self):
        response, _outage = self.request(
            "get", "/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
        )
        self.assert_503_page(response)

    def test_healthz_keeps_its_own_answer(self):
        response, _outage = self.request("get", "/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "error")


@override_settings(DOCUMENTS_SUGGESTION_MIN_SECONDS=0)
class TestSubmission(OutageTestCase):
    """A review suggestion sent while the database fails is never lost silently."""

    @classmethod
    def setUpTestData(cls):
        cls.registry = DocumentRegistryPageFactory(
            parent=default_home(), slug="normative-documents"
        )
        cls.suggest_url = f"{cls.registry.url}suggest/"

    def setUp(self):
        cache.clear()  # the form's rate limits

    def data(self):
        return {
            "document_title": "某乡镇关于农村建房收取保证金的通知",
            "issues": SUBMITTED_TEXT,
            "reasons": "收取保证金没有法律、法规依据。",
            "name": "建议人乙",
            "contact": "13912345678",
            "website": "",
            "started": forms_public.new_timestamp(),
        }

    def assert_not_saved(self, response):
        self.assert_503_page(response)
        alert = parse(response).select_one("[role=alert]")
        self.assertEqual(alert.get_text(" ", strip=True), NOT_SAVED)
        self.assertIn("没有保存", NOT_SAVED)
        self.assertIn("不会保留", NOT_SAVED)
        # What was typed is not echoed (no copy of personal data, nothing to escape).
        content = response.content.decode()
        for value in (SUBMITTED_TEXT, "<script>", "建议人乙", "13912345678"):
            self.assertNotIn(value, content)
        self.assertFalse(ReviewSuggestion.objects.exists())

    def test_database_down_from_the_start(self):
        response, outage = self.request("post", self.suggest_url, data=self.data())
        self.assert_not_saved(response)
        self.assertEqual(len(outage.statements), 1)

    def test_database_gone_at_the_insert(self):
        """The page and the form were read; the INSERT fails (the server went away)."""
        outage = Outage(failing=is_insert)
        response, outage = self.request("post", self.suggest_url, outage, data=self.data())
        self.assert_not_saved(response)
        self.assertEqual(len(outage.failed), 1)
        self.assertIn("documents_reviewsuggestion", outage.failed[0])
        # After the failed INSERT only the transaction's own clean-up ran.
        after = outage.statements[outage.statements.index(outage.failed[0]) + 1 :]
        self.assertTrue(all("SAVEPOINT" in sql.upper() for sql in after), after)

    def test_the_same_submission_is_stored_when_the_database_is_back(self):
        data = self.data()
        response, _outage = self.request("post", self.suggest_url, data=data)
        self.assertEqual(response.status_code, 503)
        response = self.client.post(self.suggest_url, data)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(ReviewSuggestion.objects.get().issues, SUBMITTED_TEXT)

    def test_json_post_says_not_saved(self):
        response, _outage = self.request(
            "post", self.suggest_url, data=self.data(), HTTP_ACCEPT="application/json"
        )
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertIs(body["saved"], False)
        self.assertEqual(body["detail"], NOT_SAVED)


class QueryingMiddleware:
    """A middleware that reads the database before the view (as one checking request.user
    would): its errors reach handler500, not process_exception."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ReviewSuggestion.objects.exists()
        return self.get_response(request)


class TestErrorOutsideTheView(OutageTestCase):
    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def middleware(self):
        from django.conf import settings

        return [*settings.MIDDLEWARE, "tests.core.test_outage.QueryingMiddleware"]

    def test_database_error_in_a_middleware_gets_the_503_page(self):
        with self.settings(MIDDLEWARE=self.middleware()):
            response, outage = self.request("get", "/")
        self.assert_503_page(response)
        self.assertEqual(len(outage.statements), 1)

    def test_other_error_in_a_middleware_is_still_a_500(self):
        with self.settings(MIDDLEWARE=self.middleware()):
            response, _outage = self.request("get", "/", Outage(KeyError("bug")))
        self.assertEqual(response.status_code, 500)
        self.assertIn("服务器错误", response.content.decode())


def fresh_connection(**changes):
    """A second connection to the test database (or to `changes`), outside the test's
    transaction, with the project's settings: CONN_MAX_AGE 60 and health checks on."""
    current = connections[DEFAULT_DB_ALIAS]
    # A copy: create_connection() would share (and updating would change) the settings dict.
    settings_dict = {**current.settings_dict, **changes}
    return type(current)(settings_dict, alias=DEFAULT_DB_ALIAS)


@pytest.mark.django_db
class TestRealErrors:
    """The errors an unreachable server really raises are the ones the middleware catches."""

    def test_settings_keep_connections_with_health_checks(self):
        settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
        assert settings_dict["CONN_MAX_AGE"] == 60
        assert settings_dict["CONN_HEALTH_CHECKS"] is True

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
    def test_sqlite_unable_to_open(self, tmp_path):
        wrapper = fresh_connection(NAME=str(tmp_path / "missing-folder" / "db.sqlite3"))
        with pytest.raises(DATABASE_ERRORS, match="unable to open"):
            wrapper.ensure_connection()
        wrapper.close()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
    def test_postgresql_refused_fails_fast(self):
        import socket

        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        wrapper = fresh_connection(HOST="127.0.0.1", PORT=port)
        assert wrapper.settings_dict["OPTIONS"]["connect_timeout"] == 2
        started = time.perf_counter()
        with pytest.raises(DATABASE_ERRORS, match="refused"):
            wrapper.ensure_connection()
        assert time.perf_counter() - started < 1
        wrapper.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
class TestBrokenPersistentConnection:
    """A kept connection (CONN_MAX_AGE 60) whose server side is gone, e.g. after a restart of
    PostgreSQL. The request cycle is played as Django's handler does: close_if_unusable_or_
    obsolete at the start and at the end of every request (django.db.close_old_connections)."""

    def terminate(self, wrapper):
        pid = wrapper.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):  # the backend exits asynchronously
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
            time.sleep(0.05)

    def query(self, wrapper):
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]

    def test_broken_between_requests_is_replaced_before_the_first_query(self):
        wrapper = fresh_connection()
        try:
            wrapper.close_if_unusable_or_obsolete()
            assert self.query(wrapper) == 1
            wrapper.close_if_unusable_or_obsolete()  # end of request 1: kept (CONN_MAX_AGE)
            kept = wrapper.connection
            assert kept is not None
            self.terminate(wrapper)
            wrapper.close_if_unusable_or_obsolete()  # start of request 2
            assert self.query(wrapper) == 1  # the health check replaced it: no error at all
            assert wrapper.connection is not kept
        finally:
            wrapper.close()

    def test_broken_during_a_request_is_discarded_at_its_end(self):
        wrapper = fresh_connection()
        try:
            wrapper.close_if_unusable_or_obsolete()
            assert self.query(wrapper) == 1  # the health check is done for this request
            self.terminate(wrapper)
            with pytest.raises(DATABASE_ERRORS):
                self.query(wrapper)  # → the 503 page
            assert wrapper.errors_occurred
            wrapper.close_if_unusable_or_obsolete()  # end of the request
            assert wrapper.connection is None  # discarded, not kept for 60 s
            wrapper.close_if_unusable_or_obsolete()  # the next request
            assert self.query(wrapper) == 1
        finally:
            wrapper.close()
