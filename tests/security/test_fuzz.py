"""Hostile input: property-based fuzzing of every public input (docs/security.md, part 3).

Hypothesis generates query strings and form bodies (arbitrary Unicode with NUL, control
characters, RTL marks, full-width forms and emoji; strings of some KB; numbers as strings:
negative, huge, floats, exponents; FTS/tsquery syntax; SQL fragments; HTML/JS; percent-encoding;
repeated and unknown parameters) and sends them with Django's test client to:

    /search/?q=&type=&page=               the search page
    /api/search/?q=&type=&limit=&offset=  its JSON API
    /api/areas/?q=                        the area autocomplete
    <stations>/find/?q=&area=             the station finder
    <stations>/, map/, csv/               the station directory, map and CSV (?page=, unknown)
    <registry>/suggest/ (POST, GET)       the review-suggestion form (SuggestionForm)
    <registry>/track/ (POST tracking_number, check_code)   the status lookup (TrackForm)
    <registry>/?q=&body=&year=&validity=&conclusion=&page=, csv/   the registry's facets, CSV
    <news>/?category=&year=&page=, <initiatives>/?page=, <appraisals>/?department=&year=&page=
    <deputies>/?level=&township=&group=&date=&page=, csv/          the deputies list, CSV
    <statistics>/?term=&year=             the statistics page
    <index>/<pk>/ … and catalogue/<year>/ the numeric route parameters
    /api/v2/pages|images|documents/?…     Wagtail's read-only API (limit, offset, search, order …)
    /sitemap.xml?p=                       the sitemap's paginator

and checks for every input: no 5xx (streamed CSV bodies read to the end); a rejection (4xx, an
error or notice element, a JSON error) says what is wrong in Chinese; nothing from a rejected
suggestion is stored, a valid one exactly once; generated markup (<script>, "onmouseover=) never
comes back unescaped. The inputs sent are counted per public input (INPUTS); the module checks
at the end that at least MIN_INPUTS were sent in the run (when all its tests ran).

Deterministic (derandomize, no example database): the same inputs on every run and in CI."""

import collections
import os
import re
import time
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from deputies.factories import (
    ConstituencyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DeputyIndexPageFactory,
    ElectionFactory,
    GroupMembershipFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
)
from deputies.models import Level
from documents import forms_public
from documents.factories import (
    ConcludedReviewFactory,
    DocumentRegistryPageFactory,
    IssuingBodyFactory,
    NormativeDocumentFactory,
)
from documents.models import ReviewSuggestion
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    DepartmentFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    NewsCategoryFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)
from stations.factories import StationDeputyFactory, StationFactory, StationIndexPageFactory
from stats.models import StatisticsPage
from tests.helpers import default_home, parse

# One pytest-xdist worker runs the whole module (make test: --dist loadgroup), so the check at its
# end sees every input sent.
pytestmark = pytest.mark.xdist_group("fuzz")

MIN_INPUTS = 10_000
INPUTS = collections.Counter()  # inputs sent, per public input
DURATIONS = {}  # seconds per test
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# What generated markup looks like when it comes back unescaped; escaped it reads &lt;script …,
# &quot;onmouseover= … The site's own templates contain none of these.
UNESCAPED = ("<script>alert", '"onmouseover=', "'onmouseover=", "<img src=x", "<svg onload")


# FUZZ_SCALE=0.05 for a quick look while developing; the total is checked at the full scale only.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(max_examples):
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


# -- strategies --------------------------------------------------------------------------------

FTS = [
    '"',
    '""',
    '"人大',
    "*",
    "人大*",
    "NEAR",
    "NEAR(人大 代表)",
    "AND(",
    "AND",
    "OR",
    "NOT",
    ":",
    "a:b",
    "title:人大",
    "-",
    "-人大",
    "--",
    "&",
    "|",
    "!",
    "<->",
    "a:*",
    "(((",
    ")))",
    "^",
    "~",
    "+",
    "{}",
    "[]",
    "\\",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE wagtailcore_page; --",
    "1 UNION SELECT NULL--",
    '" OR ""="',
    "%",
    "_",
    "%%",
    "\\%",
    "1;SELECT pg_sleep(1)",
    "' AND 1=CAST((SELECT version()) AS INT)--",
    "0x7e9",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"onmouseover="alert(1)',
    "'onmouseover='alert(1)",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "&lt;script&gt;",
    "&#60;script&#62;",
]
ODD = [
    "\x00",
    "\x00人大",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u200b",  # ZERO WIDTH SPACE
    "\ufeff",
    "\u3000",
    "ＸＱＣ",
    "２０２５",
    "人大代表",
    "新桥村",
    "xqc",
    "💩",
    "👨‍👩‍👧",
    "\U0001f1e8\U0001f1f3",
    "\ufffd",
    "\uffff",
    "e\u0301",
    "²⁰²⁵",
    "٢٠٢٥",
    "〇",
]
NUMBERS = [
    "0",
    "-0",
    "-1",
    "1",
    "2025",
    " 2025 ",
    "+2025",
    "2_025",
    "2025.0",
    "2.5",
    "1e3",
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "-inf",
    "9" * 20,
    "-" + "9" * 20,
    "9" * 400,
    "18446744073709551616",
    "9223372036854775808",
    "2147483648",
    "0x10",
    "0o7",
    "00001",
    "1,000",
]


def percent_encoded(strategy):
    """What a client sends when it encodes once more than it should (%25 …)."""
    return strategy.map(lambda text: quote(text, safe=""))


small_text = st.text(st.characters(codec="utf-8"), max_size=40)
fragments = st.sampled_from(FTS + SQL + MARKUP + ODD + NUMBERS)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-99, 99), st.integers(-400, 400)),
)
long_text = st.builds(
    lambda part, times: part * times, st.text(min_size=1, max_size=8), st.integers(100, 700)
)
hostile = st.one_of(
    small_text,
    fragments,
    numbers,
    st.lists(st.one_of(fragments, small_text), min_size=2, max_size=6).map("".join),
    percent_encoded(st.one_of(fragments, small_text)),
    long_text,
)
# A value known to be accepted (from the fixture), or a hostile one.
UNKNOWN_KEYS = st.sampled_from(
    ["x", "utm_source", "q[]", "page[]", "__proto__", "", "%00", "a" * 300]
)


def query(valid, known=(), extra_keys=True, repeat=True):
    """A query string: each of `valid`'s parameters missing, one valid value or hostile values
    (repeated now and then), plus unknown parameters; `known` names parameters without valid
    values. Returns (query string, {parameter: the value the view reads (the last)})."""

    @st.composite
    def build(draw):
        pairs = []
        names = {**{name: [] for name in known}, **valid}
        for name, values in names.items():
            value_strategy = st.one_of(st.sampled_from(values), hostile) if values else hostile
            count = draw(st.integers(0, 3 if repeat else 1))
            for _ in range(count):
                pairs.append((name, draw(value_strategy)))
        if extra_keys:
            for _ in range(draw(st.integers(0, 2))):
                pairs.append((draw(st.one_of(UNKNOWN_KEYS, small_text)), draw(hostile)))
        pairs = draw(st.permutations(pairs)) if len(pairs) > 1 else pairs
        text = urlencode(pairs)
        # Raw garbage a hand-written URL may carry: invalid escapes, empty pairs, bare keys.
        garbage = draw(st.sampled_from(["", "", "", "&&", "&%zz=%f", "&=", "&q", "&%ff%fe=%c0%af"]))
        text += garbage
        return text, QueryDict(text)  # what the view reads: .get() is the last value

    return build()


# -- checks ------------------------------------------------------------------------------------


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)  # a CSV fails while streaming, not before
    return response.content


def check_common(test, response, label):
    """No 5xx; no generated markup unescaped in HTML; JSON as JSON."""
    INPUTS[label] += 1
    body = body_of(response)
    test.assertLess(response.status_code, 500, label)
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        text = body.decode()
        for needle in UNESCAPED:
            test.assertNotIn(needle, text, f"{label}: unescaped markup")
    elif "json" in content_type:
        # Not HTML: browsers do not render application/json (nosniff), and <, > are escaped.
        test.assertEqual(response.get("X-Content-Type-Options"), "nosniff")
    return body


def assert_chinese(test, text, label):
    test.assertTrue(text and CJK.search(text), f"{label}: the message is not Chinese: {text!r}")


def notices(body):
    """The texts of the notice and error elements of an HTML page."""
    page = parse_bytes(body)
    return [
        element.get_text(" ", strip=True)
        for element in page.select(".notice, .form-field__error, .error-summary")
    ]


def parse_bytes(body):
    class _Response:
        content = body

    return parse(_Response)


def check_notices(test, body, label, expected=False):
    """Every notice is Chinese; `expected`: the input was bad, so one must be there."""
    texts = notices(body)
    for text in texts:
        assert_chinese(test, text, label)
    if expected:
        test.assertTrue(texts, f"{label}: a bad value was ignored without a notice")


def int_in(value, minimum=None, maximum=None, form=False):
    """Is this what core.utils.parse_int accepts (int() after strip, within range)? With `form`:
    what Django's forms.IntegerField accepts, which also takes "1." and "1.00"."""
    value = str(value)
    if form:
        value = re.sub(r"\.0*\s*$", "", value)
    try:
        number = int(value.strip())
    except ValueError:
        return False
    return (minimum is None or number >= minimum) and (maximum is None or number <= maximum)


# -- the site under test -----------------------------------------------------------------------


class FuzzSite(TestCase):
    """A small site with one of every public page and a few records behind each filter (the
    demo content takes minutes to load on a busy PostgreSQL; these take seconds)."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.news = NewsIndexPageFactory(parent=home, slug="news")
        cls.category = NewsCategoryFactory(name="工作动态", slug="gongzuo-dongtai")
        for n in range(3):
            NewsPageFactory(parent=cls.news, title=f"人大代表视察第{n}站", category=cls.category)
        cls.initiatives = InitiativeIndexPageFactory(parent=home, slug="initiatives")
        InitiativePageFactory(parent=cls.initiatives, title="秸秆禁烧倡议书")
        cls.appraisals = AppraisalIndexPageFactory(parent=home, slug="appraisals")
        cls.department = DepartmentFactory(name="县教育局")
        AppraisalPageFactory(parent=cls.appraisals, department=cls.department, year=2025)

        cls.term = TermFactory()
        cls.township = TownshipFactory(name="新桥镇")
        cls.village = VillageFactory(name="新桥村", parent=cls.township)
        cls.group = DeputyGroupFactory(term=cls.term, township=cls.township)
        constituency = ConstituencyFactory(term=cls.term, areas=[cls.village])
        deputy = DeputyFactory(name="王代表")
        ElectionFactory(deputy=deputy, constituency=constituency)
        GroupMembershipFactory(deputy=deputy, group=cls.group)
        cls.deputies = DeputyIndexPageFactory(parent=home, slug="deputies")
        cls.stations = StationIndexPageFactory(parent=home, slug="stations")
        cls.station = StationFactory(
            name="新桥镇人大代表工作站", township=cls.township, areas=[cls.village]
        )
        StationDeputyFactory(station=cls.station, deputy=deputy)

        cls.registry = DocumentRegistryPageFactory(parent=home)
        cls.body = IssuingBodyFactory(name="县人民政府")
        cls.document = NormativeDocumentFactory(title="县城区停车场管理办法", issuing_body=cls.body)
        ConcludedReviewFactory(document=cls.document)
        NormativeDocumentFactory(title="尚未公开的文件", live=False)
        cls.statistics = home.add_child(
            instance=StatisticsPage(title="数据统计", slug="statistics")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One client for all examples: hypothesis' TestCase makes a new self.client for every
        # example, and a new client loads the middleware again (WhiteNoise then lists every
        # static file): 100 ms an input, four times the cost of the request itself.
        cls.fuzz_client = Client()

    def setUp(self):
        cache.clear()  # rate limits and cached URLs live in the default cache
        self._started = time.monotonic()

    def tearDown(self):
        DURATIONS[self._testMethodName] = time.monotonic() - self._started

    def get(self, url, label, **extra):
        response = self.fuzz_client.get(url, **extra)
        return response, check_common(self, response, label)


class TestSearch(FuzzSite):
    @fuzz(600)
    @given(
        query(
            {
                "q": ["人大", "代表 工作站", '"人大代表"'],
                "type": ["news", "document"],
                "page": ["1", "2"],
            }
        )
    )
    def test_search_page(self, generated):
        text, last = generated
        response, body = self.get(f"/search/?{text}", "search page")
        self.assertEqual(response.status_code, 200)
        q = last.get("q", "")
        check_notices(self, body, "search page", expected=len(q.strip()) > 100)

    @fuzz(2600)
    @given(
        query(
            {
                "q": ["人大", "停车场", "新桥"],
                "type": ["news", "document", "station", "deputy"],
                "limit": ["1", "10", "100"],
                "offset": ["0", "5"],
            }
        )
    )
    def test_search_api(self, generated):
        text, last = generated
        response, body = self.get(f"/api/search/?{text}", "search API")
        self.assertIn(response.status_code, (200, 400))
        data = response.json()
        if response.status_code == 400:
            assert_chinese(self, data["error"], "search API")
        else:
            self.assertIsInstance(data["count"], int)
        self.assertNotIn(b"<", body, "search API: < not escaped in JSON")
        limit = last.get("limit")
        if limit is not None and limit.strip() and not int_in(limit, 1, 100, form=True):
            self.assertEqual(response.status_code, 400, f"limit={limit!r} was accepted")


class TestStations(FuzzSite):
    @fuzz(3600)
    @given(query({"q": ["新桥", "xq", "新桥村委会", "XQC"]}))
    def test_area_lookup(self, generated):
        text, last = generated
        response, body = self.get(f"/api/areas/?{text}", "area lookup")
        self.assertIn(response.status_code, (200, 400))
        data = response.json()
        if response.status_code == 400:
            assert_chinese(self, data["error"], "area lookup")
        self.assertEqual(response.status_code == 400, len(last.get("q", "").strip()) > 50)
        self.assertNotIn(b"<", body, "area lookup: < not escaped in JSON")

    @fuzz(500)
    @given(st.data())
    def test_finder(self, data):
        text, last = data.draw(
            query({"q": ["新桥村", "xqc", "新桥镇", "新乔村"], "area": [str(self.village.pk)]})
        )
        response, body = self.get(f"/stations/find/?{text}", "station finder")
        self.assertEqual(response.status_code, 200)
        # A chosen area (a village or a township) is shown whatever was typed; an unknown one
        # gets a notice, and so does a query of more than 50 characters without a valid area.
        area = last.get("area", "").strip()
        area_ok = int_in(area, 1) and int(area) in (self.village.pk, self.township.pk)
        too_long = len(" ".join(last.get("q", "").split())) > 50
        check_notices(
            self,
            body,
            "station finder",
            expected=(bool(area) and not area_ok) or (not area_ok and too_long),
        )

    @fuzz(150)
    @given(st.sampled_from(["", "map/", "csv/"]), query({"page": ["1", "2"]}, known=["township"]))
    def test_directory_map_and_csv(self, route, generated):
        text, _last = generated
        response, body = self.get(f"/stations/{route}?{text}", "stations list, map, CSV")
        self.assertEqual(response.status_code, 200)
        if route == "csv/":
            self.assertIn("新桥镇人大代表工作站", body.decode("utf-8-sig"))


class TestSuggestion(FuzzSite):
    """POST <registry>/suggest/: every field hostile or valid; a new client address per input so
    that the fuzz exercises validation rather than the per-IP limit (which has its own test)."""

    addresses = iter(range(1, 10**9))

    def valid_fields(self):
        return {
            "document": [str(self.document.pk), ""],
            "document_title": ["关于农村建房收取保证金的通知", ""],
            "issues": ["通知要求村民建房前缴纳保证金。"],
            "reasons": ["收取保证金没有法律、法规依据。"],
            "name": ["张三", "某村村民委员会"],
            "contact": ["13912345678", "（0311）8888 6666", "a@example.cn", "+86 139 1234 5678"],
            "website": [""],
            "started": [forms_public.new_timestamp()],
        }

    def post(self, data, address=None):
        address = address or f"127.8.{next(self.addresses) % 250}.{next(self.addresses) % 250 + 1}"
        return self.fuzz_client.post(
            f"{self.registry.url}suggest/", data, REMOTE_ADDR=address, follow=False
        )

    @override_settings(DOCUMENTS_SUGGESTION_MIN_SECONDS=0)
    @fuzz(600)
    @given(st.data())
    def test_suggestion_form(self, data):
        fields = self.valid_fields()

        @st.composite
        def form_data(draw):
            values = {}
            for name, valid in fields.items():
                choice = draw(st.integers(0, 9))
                if choice < 6:
                    values[name] = draw(st.sampled_from(valid))
                elif choice < 9:
                    values[name] = draw(hostile)
                else:
                    values[name] = [draw(hostile), draw(st.sampled_from(valid))]  # repeated
            for _ in range(draw(st.integers(0, 2))):
                values[draw(st.one_of(UNKNOWN_KEYS, small_text))] = draw(hostile)
            return values

        values = data.draw(form_data())
        before = ReviewSuggestion.objects.count()
        response = self.post(values)
        body = check_common(self, response, "suggestion form")
        after = ReviewSuggestion.objects.count()
        self.assertIn(response.status_code, (200, 303, 413))
        if response.status_code == 303:
            self.assertEqual(after, before + 1, "a valid suggestion is stored exactly once")
            stored = ReviewSuggestion.objects.latest("pk")
            self.assertTrue(stored.issues.strip() and stored.reasons.strip() and stored.name)
            self.assertNotIn("\x00", stored.issues + stored.reasons + stored.name)
        else:
            self.assertEqual(after, before, "a rejected suggestion stored something")
            texts = notices(body)
            self.assertTrue(texts, "a rejected suggestion without a message")
            for text in texts:
                assert_chinese(self, text, "suggestion form")

    @fuzz(100)
    @given(query({"document": ["1", "2"]}))
    def test_suggestion_form_link(self, generated):
        text, last = generated
        response, body = self.get(f"{self.registry.url}suggest/?{text}", "suggestion form (GET)")
        self.assertEqual(response.status_code, 200)
        raw = last.get("document", "").strip()
        check_notices(
            self, body, "suggestion form (GET)", expected=bool(raw) and raw != str(self.document.pk)
        )

    @override_settings(DOCUMENTS_SUGGESTION_MIN_SECONDS=0, DOCUMENTS_SUGGESTION_ATTEMPT_RATE="3/h")
    def test_rate_limit_refuses_in_chinese_and_stores_nothing(self):
        valid = {name: values[0] for name, values in self.valid_fields().items()}
        statuses = [
            # A fresh form each time: a form's token is single-use.
            self.post(
                {**valid, "name": f"张{n}", "started": forms_public.new_timestamp()},
                address="127.9.9.9",
            ).status_code
            for n in range(4)
        ]
        self.assertEqual(statuses, [303, 303, 303, 429])
        self.assertEqual(ReviewSuggestion.objects.count(), 3)
        response = self.post(valid, address="127.9.9.9")
        INPUTS["suggestion form"] += 5
        self.assertEqual(response.status_code, 429)
        self.assertEqual(ReviewSuggestion.objects.count(), 3)
        (refusal,) = notices(response.content)
        self.assertIn("您提交得过于频繁，请一小时后再试", refusal)

    @fuzz(400)
    @given(query({"tracking_number": ["JY20260315012345"], "check_code": ["ABCD1234"]}))
    def test_tracking(self, generated):
        # The lookup is a POST (the codes never in a URL): the generated text is its body.
        text, _last = generated
        response = self.fuzz_client.post(
            f"{self.registry.url}track/",
            text,
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR=f"127.7.0.{INPUTS['tracking page'] % 250 + 1}",
        )
        body = check_common(self, response, "tracking page")
        self.assertIn(response.status_code, (200, 404, 429))
        # The form is always checked: errors, "not found" (404) or the limit (429).
        check_notices(self, body, "tracking page", expected=True)


class TestLists(FuzzSite):
    @fuzz(250)
    @given(st.data())
    def test_news(self, data):
        text, last = data.draw(
            query({"category": ["gongzuo-dongtai"], "year": ["2025", "2026"], "page": ["1", "2"]})
        )
        response, body = self.get(f"/news/?{text}", "news list")
        self.assertEqual(response.status_code, 200)
        category = last.get("category", "").strip()
        year = last.get("year", "").strip()
        bad = (category and category != "gongzuo-dongtai") or (
            year and not int_in(year, 1949, 2100)
        )
        check_notices(self, body, "news list", expected=bool(bad))

    @fuzz(100)
    @given(query({"page": ["1", "2"]}))
    def test_initiatives(self, generated):
        text, _last = generated
        response, body = self.get(f"/initiatives/?{text}", "initiatives list")
        self.assertEqual(response.status_code, 200)
        check_notices(self, body, "initiatives list")

    @fuzz(250)
    @given(st.data())
    def test_appraisals(self, data):
        text, last = data.draw(
            query({"department": [str(self.department.pk)], "year": ["2025"], "page": ["1", "2"]})
        )
        response, body = self.get(f"/appraisals/?{text}", "appraisals list")
        self.assertEqual(response.status_code, 200)
        department = last.get("department", "")
        year = last.get("year", "").strip()
        bad = (department and not int_in(department, 1)) or (year and not int_in(year, 1949, 2100))
        check_notices(self, body, "appraisals list", expected=bool(bad))

    def deputy_filters(self):
        return {
            "level": [Level.COUNTY, Level.TOWNSHIP],
            "township": [str(self.township.pk)],
            "group": [str(self.group.pk)],
            "date": ["2024-05-01", "2026-01-31"],
            "page": ["1", "2"],
        }

    @fuzz(250)
    @given(st.data())
    def test_deputies_list(self, data):
        text, last = data.draw(query(self.deputy_filters()))
        response, body = self.get(f"/deputies/?{text}", "deputies list")
        self.assertEqual(response.status_code, 200)
        valid = self.deputy_filters()
        bad = any(
            last.get(name, "").strip() and last[name].strip() not in valid[name]
            for name in ("level", "township", "group")
        )
        check_notices(self, body, "deputies list", expected=bad)

    @fuzz(100)
    @given(st.data())
    def test_deputies_csv(self, data):
        text, _last = data.draw(query(self.deputy_filters()))
        response, body = self.get(f"/deputies/csv/?{text}", "deputies CSV")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(body.startswith("\ufeff".encode()))

    def registry_filters(self):
        return {
            "q": ["停车场", "县政发", "〔2026〕"],
            "body": [str(self.body.pk)],
            "year": ["2026"],
            "validity": ["valid", "amended", "repealed"],
            "conclusion": ["no_problem", "reviewing", "none"],
            "page": ["1", "2"],
        }

    @fuzz(300)
    @given(st.data())
    def test_registry(self, data):
        text, last = data.draw(query(self.registry_filters()))
        response, body = self.get(f"{self.registry.url}?{text}", "documents registry")
        self.assertEqual(response.status_code, 200)
        year = last.get("year", "").strip()
        body_pk = last.get("body", "").strip()
        bad = (
            len(last.get("q", "").strip()) > 100
            or (year and not int_in(year, 1949, 2100))
            or (body_pk and not (int_in(body_pk, 1) and int(body_pk) == self.body.pk))
        )
        check_notices(self, body, "documents registry", expected=bool(bad))

    @fuzz(100)
    @given(st.data())
    def test_registry_csv(self, data):
        text, _last = data.draw(query(self.registry_filters()))
        response, body = self.get(f"{self.registry.url}csv/?{text}", "documents CSV")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(body.startswith("\ufeff".encode()))

    @fuzz(150)
    @given(query({"term": ["18"], "year": ["2025", "2026"]}))
    def test_statistics(self, generated):
        text, last = generated
        response, body = self.get(f"/statistics/?{text}", "statistics")
        self.assertEqual(response.status_code, 200)
        year = last.get("year", "").strip()
        term = last.get("term", "").strip()
        bad = (year and not (len(year) == 4 and year.isdecimal() and int_in(year, 1949, 2100))) or (
            term and term != "18"
        )
        check_notices(self, body, "statistics", expected=bool(bad))


class TestRoutesAndApi(FuzzSite):
    @fuzz(200)
    @given(
        st.sampled_from(
            [
                "deputies/{}/",
                "stations/{}/",
                "stations/{}/print/",
                "stations/{}/receptions.ics",
                "normative-documents/{}/",
                "normative-documents/catalogue/{}/",
            ]
        ),
        st.one_of(
            st.integers(0, 10**40).map(str),
            st.sampled_from(NUMBERS),
            fragments.map(lambda f: quote(f, safe="")),
        ),
    )
    def test_numeric_route_parameters(self, route, number):
        response, _body = self.get("/" + route.format(number), "route parameters")
        self.assertIn(response.status_code, (200, 301, 302, 404))

    @fuzz(300)
    @given(
        st.sampled_from(["pages", "images", "documents"]),
        query(
            {
                "limit": ["1", "20"],
                "offset": ["0", "1"],
                "search": ["人大", "停车场"],
                "search_operator": ["and", "or"],
                "order": ["title", "-id", "random"],
                "type": ["news.NewsPage", "home.StandardPage"],
                "fields": ["*", "title", "-title"],
            },
            known=["child_of", "descendant_of", "id", "title", "slug"],
        ),
    )
    def test_wagtail_api(self, endpoint, generated):
        text, _last = generated
        response, _body = self.get(f"/api/v2/{endpoint}/?{text}", "Wagtail API v2")
        self.assertIn(response.status_code, (200, 400, 404))
        # Its error messages are Wagtail's own, in English (a developers' interface).
        if response.status_code == 400:
            self.assertIn("message", response.json())

    @fuzz(100)
    @given(query({"p": ["1"]}))
    def test_sitemap_paginator(self, generated):
        text, _last = generated
        response, _body = self.get(f"/sitemap.xml?{text}", "sitemap")
        self.assertIn(response.status_code, (200, 404))


@pytest.fixture(scope="module", autouse=True)
def _count_inputs(request):
    """At the end of the module: at least MIN_INPUTS inputs in all, when every test of the
    module ran (a run of some of them, with -k, checks nothing)."""
    yield
    fuzz_tests = {
        name
        for case in (TestSearch, TestStations, TestSuggestion, TestLists, TestRoutesAndApi)
        for name in dir(case)
        if name.startswith("test_")
    }
    if fuzz_tests - set(DURATIONS):
        return  # some were deselected (-k) or not run
    total = sum(INPUTS.values())
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        parts = ", ".join(f"{label} {count}" for label, count in INPUTS.most_common())
        seconds = sum(DURATIONS.values())
        reporter.write_line(f"\nfuzz: {total} inputs in {seconds:.0f} s ({parts})")
    assert SCALE != 1 or total >= MIN_INPUTS, f"only {total} generated inputs were sent"
