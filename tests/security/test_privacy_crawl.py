"""Privacy of the public site: an anonymous visitor who follows every link, reads every feed,
export and API answer, and guesses every id, finds no private record (docs/security.md,
"Privacy of the public site").

The fixture is the demo content (`load_demo_data`) plus one record of every private kind, each
field carrying its own marker (`PRIVMK-…`, or a distinctive Chinese name), beside public records
carrying `PUBMK-…` markers that the crawl must reach. The crawl starts from the home page, the
sitemap, the APIs, the open-data file, the CSV exports, the search for every marker, and every
id of every register, page, image and document (the visitor who guesses URLs); it then follows
every same-site link it meets in HTML, XML, JSON, CSV and iCal, breadth-first, up to a bound.
Every response body and header is decoded (HTML entities, %-escapes, \\u escapes, JSON, iCal line
folding) and searched for every private marker."""

import contextlib
import datetime
import html
import json
import os
import re
import sys
import time
from collections import Counter, deque
from io import StringIO
from urllib.parse import unquote, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Page, Site

from core.factories import DocumentFactory, ImageFactory
from deputies.factories import (
    CheckInFactory,
    CommitteeMemberFactory,
    DeputyFactory,
    DutyReportFactory,
    SupervisionRoleFactory,
    TermFactory,
    TownshipFactory,
    VoterContactFactory,
    VoterContactPersonFactory,
)
from deputies.models import Deputy, DeputyIndexPage
from documents.factories import (
    ConcludedReviewFactory,
    DocumentFileFactory,
    NormativeDocumentFactory,
    ReviewFactory,
    ReviewSuggestionFactory,
)
from documents.models import DocumentRegistryPage, NormativeDocument, Review
from home.models import StandardPage
from news.factories import NewsPageFactory
from news.models import NewsIndexPage
from stations.factories import (
    ActivityFactory,
    ActivityFileFactory,
    ActivityPhotoFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationFactory,
    StationSystemFactory,
)
from stations.models import Station, StationIndexPage
from stats.models import StatisticsPage
from tests.helpers import create_hidden, make_private

# The crawl's bounds: enough for the demo site several times over, small enough that a
# query-string explosion cannot run away: facet and pagination links combine, so a path is
# followed with at most MAX_QUERIES_PER_PATH query strings found in links (seeds do not count).
MAX_URLS = 4000
MAX_QUERIES_PER_PATH = 12

# The private markers: every one must be absent from every response.
PRIVATE = {
    # deputies/models/duty.py: voters' personal data (VoterContactPerson) and the summary of a
    # contact, of which only the counts are public.
    "voter name": "PRIVMK-VOTER-NAME",
    "voter name (Chinese)": "隗秘藏选民",
    "voter phone": "PRIVMK-VOTER-PHONE-13800001111",
    "voter address": "PRIVMK-VOTER-ADDRESS",
    "voter concern": "PRIVMK-VOTER-CONCERN",
    "voter contact summary": "PRIVMK-VOTERCONTACT-SUMMARY",
    # deputies/models/register.py: the register number (代表编号) of a published deputy.
    "register number": "PRIVMK-REGISTER-NO",
    # An unpublished deputy and everything hanging off him.
    "draft deputy name": "PRIVMK-DRAFT-DEPUTY",
    "draft deputy name (Chinese)": "阙秘稿代表",
    "draft deputy phone": "PRIVMK-DRAFTDEP-PHONE",
    "draft deputy email": "privmk-draftdep@example.org",
    "draft deputy post": "PRIVMK-DRAFTDEP-POST",
    "draft deputy biography": "PRIVMK-DRAFTDEP-BIOGRAPHY",
    "draft deputy photo": "PRIVMK-DRAFTDEP-PHOTO",
    "draft deputy photo file": "privmk-draftdep-photo",
    "draft deputy check-in": "PRIVMK-DRAFTDEP-CHECKIN",
    "draft deputy duty report": "PRIVMK-DRAFTDEP-DUTYREPORT",
    "draft deputy supervision role": "PRIVMK-DRAFTDEP-SUPERVISION",
    # stations/models.py: an unpublished station, internal and draft activities with their
    # photos and files, a draft reception day, the station's back-office accounts.
    "draft station name": "PRIVMK-DRAFT-STATION",
    "draft station address": "PRIVMK-DRAFTSTATION-ADDRESS",
    "draft station photo file": "privmk-draftstation-photo",
    "draft station system file": "privmk-draftstation-system",
    "draft station's public activity": "PRIVMK-DRAFTSTATION-ACTIVITY",
    "internal activity title": "PRIVMK-INTERNAL-ACTIVITY",
    "internal activity body": "PRIVMK-INTERNAL-BODY",
    "internal activity photo": "PRIVMK-INTERNAL-PHOTO",
    "internal activity photo file": "privmk-internal-photo",
    "internal activity photo caption": "PRIVMK-INTERNAL-CAPTION",
    "internal activity file": "PRIVMK-INTERNAL-FILE",
    "internal activity file name": "privmk-internal-file",
    "internal activity file label": "PRIVMK-INTERNAL-FILELABEL",
    "draft activity title": "PRIVMK-DRAFT-ACTIVITY",
    "draft activity file name": "privmk-draftactivity-file",
    "draft reception topic": "PRIVMK-DRAFT-RECEPTION",
    "draft reception notes": "PRIVMK-DRAFTRECEPTION-NOTES",
    "station manager username": "privmk_station_manager",
    "station manager email": "privmk-manager@example.org",
    "station manager name": "PRIVMK-MANAGER-NAME",
    # documents/models/: a citizen's review suggestion, an open review's drafted opinion, an
    # unpublished normative document and its file, a public document's internal bookkeeping.
    "suggester name": "PRIVMK-SUGGESTER-NAME",
    "suggester name (Chinese)": "晁秘建议人",
    "suggester contact": "PRIVMK-SUGGESTER-CONTACT",
    "suggestion issues": "PRIVMK-SUGGESTION-ISSUES",
    "suggestion reasons": "PRIVMK-SUGGESTION-REASONS",
    "suggestion document title": "PRIVMK-SUGGESTED-TITLE",
    "suggestion tracking number": "PRIVMK-TRACKING-NO",
    "suggestion check code": "PRIVMK-CHECKCD",
    "suggestion reply": "PRIVMK-SUGGESTION-REPLY",
    "open review opinion": "PRIVMK-OPEN-REVIEW-OPINION",
    "draft document title": "PRIVMK-DRAFT-NORMDOC",
    "draft document number": "PRIVMK-DRAFTDOC-NUMBER",
    "draft document summary": "PRIVMK-DRAFTDOC-SUMMARY",
    "draft document full text": "PRIVMK-DRAFTDOC-FULLTEXT",
    "draft document file name": "privmk-draftdoc-file",
    "receipt number": "PRIVMK-RECEIPT-NO",
    "import path": "privmk-import-path",
    "text extraction note": "PRIVMK-TEXT-NOTE",
    "registered by": "privmk_registrar",
    # Pages: a draft, a password-protected and an expired page (each with a file and an image
    # that only it uses), a child of the protected page, the unpublished draft of a live page.
    "hidden page": "PRIVMK-PAGE-",
    "hidden page file name": "privmk-hiddenpage-file",
    "hidden page image file": "privmk-hiddenpage-image",
    "protected section": "PRIVMK-PROTECTED-SECTION",
    "child of a protected page": "PRIVMK-PROTECTED-CHILD",
    "draft revision": "PRIVMK-DRAFT-REVISION",
    "draft revision file name": "privmk-draftrevision-file",
    "page owner username": "privmk_editor",
    "page owner name": "PRIVMK-EDITOR-NAME",
}

# Public markers beside them: every one must appear in some response, so that the crawl cannot
# pass by reaching nothing.
PUBLIC = {
    "deputy name": "PUBMK-DEPUTY",
    "deputy phone": "PUBMK-DEPUTY-PHONE",
    "deputy check-in": "PUBMK-CHECKIN",
    "deputy duty report": "PUBMK-DUTYREPORT",
    "deputy photo file": "pubmk-deputy-photo",
    "station name": "PUBMK-STATION",
    "station photo file": "pubmk-station-photo",
    "station system file": "pubmk-station-system",
    "activity title": "PUBMK-ACTIVITY",
    "activity photo file": "pubmk-activity-photo",
    "activity file name": "pubmk-activity-file",
    "activity file content": "PUBMK-ACTIVITY-FILE-CONTENT",
    "reception topic": "PUBMK-RECEPTION",
    "concluded review opinion": "PUBMK-REVIEW-OPINION",
    "normative document": "PUBMK-NORMDOC",
    "normative document file name": "pubmk-normdoc-file",
    "news page": "PUBMK-NEWS",
    "news page file name": "pubmk-news-file",
}


def text_file(name, *markers):
    """A .txt upload whose content names the markers (so that serving it leaks them)."""
    return ContentFile(("\n".join(markers) + "\n").encode(), name=f"{name}.txt")


def image(title, filename):
    """An image whose file name (kept in its renditions' names) carries a marker."""
    return ImageFactory(title=title, file__filename=f"{filename}.jpg", file__width=40)


def document(title, filename, *content):
    """A document whose title, file name and content carry markers."""
    return DocumentFactory(title=title, file=text_file(filename, title, *content))


def build_records():
    """The private and public records; returns {"private docs": [...], "public docs": [...]}."""
    p, q = PRIVATE, PUBLIC
    User = get_user_model()
    term = TermFactory()
    township = TownshipFactory(name="隐私测试镇")

    # Deputies: one public with a private register number, voters contacted, one draft.
    public_deputy = DeputyFactory(
        name=q["deputy name"],
        phone=q["deputy phone"],
        register_number=p["register number"],
        photo=image("公开代表照片", q["deputy photo file"]),
    )
    CheckInFactory(deputy=public_deputy, group__term=term, content=q["deputy check-in"])
    DutyReportFactory(deputy=public_deputy, text=q["deputy duty report"])
    contact = VoterContactFactory(deputy=public_deputy, summary=p["voter contact summary"])
    VoterContactPersonFactory(
        contact=contact,
        name=p["voter name"],
        phone=p["voter phone"],
        address=p["voter address"],
        concern=p["voter concern"],
    )
    VoterContactPersonFactory(contact=contact, name=p["voter name (Chinese)"])

    draft_deputy = DeputyFactory(
        live=False,
        name=p["draft deputy name"],
        phone=p["draft deputy phone"],
        email=p["draft deputy email"],
        post=p["draft deputy post"],
        biography=p["draft deputy biography"],
        photo=image(p["draft deputy photo"], p["draft deputy photo file"]),
    )
    draft_deputy_chinese = DeputyFactory(live=False, name=p["draft deputy name (Chinese)"])
    CheckInFactory(deputy=draft_deputy, group__term=term, content=p["draft deputy check-in"])
    DutyReportFactory(
        deputy=draft_deputy, title=p["draft deputy duty report"], text=p["draft deputy duty report"]
    )
    SupervisionRoleFactory(deputy=draft_deputy, organisation=p["draft deputy supervision role"])
    CommitteeMemberFactory(deputy=draft_deputy, term=term, post="member")
    CommitteeMemberFactory(deputy=draft_deputy_chinese, term=term, post="member")

    # Stations: a public one with a draft deputy on its wall and on duty, a draft one.
    manager = User.objects.create_user(
        username=p["station manager username"],
        email=p["station manager email"],
        first_name=p["station manager name"],
        password="x",
    )
    station = StationFactory(
        name=q["station name"],
        township=township,
        photo=image("公开站点照片", q["station photo file"]),
    )
    station.managers.add(manager)
    StationSystemFactory(
        station=station,
        kind="activity",
        document=document("活动制度", q["station system file"]),
    )
    StationDeputyFactory(station=station, deputy=public_deputy)
    StationDeputyFactory(station=station, deputy=draft_deputy)
    public_reception = ReceptionFactory(station=station, topic=q["reception topic"])
    public_reception.deputies.add(public_deputy, draft_deputy)
    ReceptionFactory(
        station=station,
        live=False,
        topic=p["draft reception topic"],
        notes=p["draft reception notes"],
    )

    public_activity = ActivityFactory(station=station, title=q["activity title"])
    public_activity.deputies.add(draft_deputy)
    ActivityPhotoFactory(
        activity=public_activity, image=image("公开活动照片", q["activity photo file"])
    )
    public_activity_file = document(
        "公开活动资料", q["activity file name"], q["activity file content"]
    )
    ActivityFileFactory(activity=public_activity, document=public_activity_file)

    internal = ActivityFactory(
        station=station,
        is_public=False,
        title=p["internal activity title"],
        body=f"<p>{p['internal activity body']}</p>",
    )
    ActivityPhotoFactory(
        activity=internal,
        image=image(p["internal activity photo"], p["internal activity photo file"]),
        caption=p["internal activity photo caption"],
    )
    internal_file = document(p["internal activity file"], p["internal activity file name"])
    ActivityFileFactory(
        activity=internal, document=internal_file, title=p["internal activity file label"]
    )
    draft_activity = ActivityFactory(station=station, live=False, title=p["draft activity title"])
    draft_activity_file = document(
        "活动资料", p["draft activity file name"], p["draft activity title"]
    )
    ActivityFileFactory(activity=draft_activity, document=draft_activity_file)

    draft_station = StationFactory(
        live=False,
        name=p["draft station name"],
        address=p["draft station address"],
        township=township,
        photo=image("站点照片", p["draft station photo file"]),
    )
    draft_station_system = document("制度", p["draft station system file"], p["draft station name"])
    StationSystemFactory(station=draft_station, kind="activity", document=draft_station_system)
    draft_station_activity = ActivityFactory(
        station=draft_station, title=p["draft station's public activity"]
    )
    draft_station_activity_file = document(
        "资料", "privmk-draftstation-activity-file", p["draft station's public activity"]
    )
    ActivityFileFactory(activity=draft_station_activity, document=draft_station_activity_file)

    # Normative documents: a public one (with internal bookkeeping), a draft one; reviews and a
    # citizen's suggestion.
    registrar = User.objects.create_user(username=p["registered by"], password="x")
    public_document = NormativeDocumentFactory(
        title=q["normative document"],
        receipt_number=p["receipt number"],
        source_path=f"/srv/{p['import path']}/doc.md",
        text_note=p["text extraction note"],
        registered_by=registrar,
    )
    public_document_file = document("正文", q["normative document file name"])
    DocumentFileFactory(document=public_document, file=public_document_file)
    ConcludedReviewFactory(document=public_document, opinion=q["concluded review opinion"])
    open_document = NormativeDocumentFactory()
    ReviewFactory(
        document=open_document,
        stage=Review.REVIEWING,
        started_date=datetime.date(2026, 3, 25),
        opinion=p["open review opinion"],
    )
    draft_document = NormativeDocumentFactory(
        live=False,
        title=p["draft document title"],
        number=p["draft document number"],
        summary=p["draft document summary"],
        full_text=p["draft document full text"],
    )
    draft_document_file = document(
        "正文", p["draft document file name"], p["draft document full text"]
    )
    DocumentFileFactory(document=draft_document, file=draft_document_file)
    for name in ("suggester name", "suggester name (Chinese)"):
        ReviewSuggestionFactory(
            document=public_document,
            name=p[name],
            contact=p["suggester contact"],
            issues=p["suggestion issues"],
            reasons=p["suggestion reasons"],
            reply=p["suggestion reply"],
            status="replied",
        )
    ReviewSuggestionFactory(
        document=None,
        document_title=p["suggestion document title"],
        tracking_number=p["suggestion tracking number"],
        check_code=p["suggestion check code"],
    )

    # Pages, owned by an editor whose account is not public.
    editor = User.objects.create_user(
        username=p["page owner username"],
        first_name=p["page owner name"],
        password="x",
    )
    home = Site.objects.get(is_default_site=True).root_page.specific
    news_index = NewsIndexPage.objects.live().first()
    public_news_file = document("新闻附件", q["news page file name"])
    NewsPageFactory(
        parent=news_index,
        title=q["news page"],
        owner=editor,
        body=[
            {
                "type": "paragraph",
                "value": f'<p><a linktype="document" id="{public_news_file.pk}">附件</a></p>',
            }
        ],
    )
    hidden_files = []
    hidden = create_hidden(NewsPageFactory, news_index, p["hidden page"], owner=editor)
    for number, page in enumerate(hidden):
        hidden_file = document(page.title, f"{p['hidden page file name']}-{number}", page.title)
        hidden_files.append(hidden_file)
        cover = image(page.title, f"{p['hidden page image file']}-{number}")
        page.cover_image = cover
        page.body = [
            {
                "type": "paragraph",
                "value": f'<p><a linktype="document" id="{hidden_file.pk}">{page.title}</a></p>',
            }
        ]
        revision = page.save_revision()
        if page.live:  # the password-protected one: its file and image are on the live page
            revision.publish()
    protected_section = StandardPage(title=p["protected section"], slug="protected-section")
    home.add_child(instance=protected_section)
    make_private(protected_section)
    protected_section.add_child(
        instance=StandardPage(title=p["child of a protected page"], slug="child", owner=editor)
    )

    revised = NewsPageFactory(parent=news_index, title="已发布页面（有未发布的修改）")
    revision_file = document("修改稿附件", p["draft revision file name"], p["draft revision"])
    revised.title = p["draft revision"]
    revised.summary = p["draft revision"]
    revised.body = [
        {
            "type": "paragraph",
            "value": f'<p><a linktype="document" id="{revision_file.pk}">修改稿</a></p>',
        }
    ]
    revised.save_revision()

    return {
        "private docs": [
            internal_file,
            draft_activity_file,
            draft_station_system,
            draft_station_activity_file,
            draft_document_file,
            revision_file,
            *hidden_files,
        ],
        "public docs": [
            public_activity_file,
            public_document_file,
            public_news_file,
        ],
    }


# --- the crawl -----------------------------------------------------------------------------

UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
ABSOLUTE_URL = re.compile(r"https?://[^\s\"'<>\\]+")
SKIPPED_PREFIXES = ("/admin/", "/static/")


def readable(response, body):
    """The body and headers as one lower-cased text, in every decoding a reader could apply."""
    text = body.decode("utf-8", errors="replace")
    variants = [
        text,
        html.unescape(text),
        unquote(text),
        UNICODE_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text),
    ]
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            variants.append(json.dumps(json.loads(text), ensure_ascii=False))
    if "calendar" in content_type:
        unfolded = re.sub(r"\r?\n[ \t]", "", text)  # RFC 5545 line folding
        variants.append(re.sub(r"\\([,;\\nN])", r"\1", unfolded))
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    variants += [headers, unquote(headers)]
    return "\n".join(variants).lower()


def links_in(response, body, base):
    """Every URL named in the body: HTML attributes, JSON strings, absolute URLs anywhere."""
    content_type = response.get("Content-Type", "")
    text = body.decode("utf-8", errors="replace")
    found = set(ABSOLUTE_URL.findall(text))
    if "html" in content_type:
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if name in ("srcset", "imagesrcset"):
                        found.update(part.split()[0] for part in item.split(",") if part.strip())
                    elif isinstance(item, str) and (
                        name in ("href", "src", "action", "poster")
                        or item.startswith("/")
                        or item.startswith("http")
                    ):
                        found.add(item)
    elif "json" in content_type:
        stack = [json.loads(text)] if text.strip() else []
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, str) and value.startswith("/"):
                found.add(value)
    return {urljoin(base, url.strip()) for url in found if url.strip()}


class Crawl:
    """Breadth-first over the site as an anonymous visitor, with Django's test client."""

    def __init__(self, hosts, kind_of):
        self.client = Client()
        self.hosts = hosts
        self.kind_of = kind_of
        self.queue = deque()
        self.seen = set()
        self.queries = Counter()
        self.found_by_links = set()
        self.media = set()
        self.results = []  # (url, status, kind, size, leaked labels)
        self.public_seen = set()

    def add(self, url, from_link=False):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", ""):
            return
        if parts.netloc and parts.hostname not in self.hosts:
            return
        path = unquote(parts.path) or "/"
        if path.startswith("/media/"):
            self.media.add(path)
            return
        if path.startswith(SKIPPED_PREFIXES):
            return
        key = f"{path}?{parts.query}" if parts.query else path
        if from_link:
            self.found_by_links.add(key)
        if key in self.seen:
            return
        if parts.query and from_link:
            if self.queries[path] >= MAX_QUERIES_PER_PATH:
                return
            self.queries[path] += 1
        self.seen.add(key)
        self.queue.append(key)

    def run(self, private, public):
        private = {label: marker.lower() for label, marker in private.items()}
        public = {label: marker.lower() for label, marker in public.items()}
        while self.queue and len(self.results) < MAX_URLS:
            url = self.queue.popleft()
            response = self.client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            # No response.close() here: the test client has closed it (a streamed one once
            # read), with Django's close_old_connections unhooked; a second close would fire
            # request_finished and drop the test's connection (PostgreSQL) mid-transaction.
            text = readable(response, body)
            leaked = [label for label, marker in private.items() if marker in text]
            self.public_seen.update(label for label, marker in public.items() if marker in text)
            self.results.append((url, response.status_code, self.kind_of(url), len(body), leaked))
            if response.status_code in (301, 302, 303, 307, 308):
                self.add(urljoin(f"http://testserver{url}", response["Location"]), True)
            elif response.status_code == 200:
                for link in links_in(response, body, f"http://testserver{url}"):
                    self.add(link, from_link=True)


def register_kinds(prefixes):
    """A function naming the kind of a crawled URL, for the coverage figures."""
    routes = [
        ("deputies", r"\d+/", "deputy profile"),
        ("deputies", r"committee/", "committee page"),
        ("stations", r"\d+/", "station page"),
        ("stations", r"\d+/print/", "station notice board"),
        ("stations", r"(map|find)/(\?.*)?", "station map/find"),
        ("documents", r"\d+/", "document detail"),
        ("documents", r"catalogue/.*", "document catalogue"),
        ("documents", r"statistics/.*", "statistics"),
        ("statistics", r"(\?.*)?", "statistics"),
    ]

    def kind_of(url):
        path = url.split("?", 1)[0]
        if path == "/sitemap.xml":
            return "sitemap"
        if path.startswith("/api/v2/"):
            return "api v2"
        if path.startswith("/api/"):
            return "api"
        if path == "/open-data/popolo.json":
            return "open data"
        if path.startswith("/documents/"):
            return "document file"
        if path.startswith("/search/"):
            return "search"
        if path.endswith(".ics"):
            return "ical"
        if path.endswith("/csv/"):
            return "csv"
        if "/feed/" in path:
            return "feed"
        for register, pattern, kind in routes:
            prefix = prefixes.get(register)
            if prefix and url.startswith(prefix) and re.fullmatch(pattern, url[len(prefix) :]):
                return kind
        return "page"

    return kind_of


def search_term(marker):
    """What the visitor types to find the record with `marker`, without the marker itself: the
    search page repeats the query, so the term must differ from the marker it looks for. The
    words of an ASCII marker without its hyphens (the tokenisers split there anyway); a Chinese
    name without its surname."""
    if marker.isascii():
        return re.sub(r"[-_@.]+", " ", marker).strip()
    return marker[1:]


def search_terms():
    private = {search_term(marker) for marker in PRIVATE.values()}
    public = {search_term(marker) for marker in PUBLIC.values()}
    return sorted(private | public | {"秘", "选民", "代表"})


def seeds(crawl, prefixes):
    """Where the visitor starts, and every id he could guess."""
    for url in ("/", "/sitemap.xml", "/robots.txt", "/open-data/popolo.json", "/api/areas/?q=村"):
        crawl.add(url)
    for term in search_terms():
        query = urlencode({"q": term})
        crawl.add(f"/search/?{query}")
        crawl.add(f"/api/search/?{query}&limit=50")
    page_count = Page.objects.count()
    for offset in range(0, page_count, 20):
        crawl.add(f"/api/v2/pages/?fields=*&limit=20&offset={offset}")
    for endpoint, model in (("images", get_image_model()), ("documents", get_document_model())):
        for offset in range(0, model.objects.count(), 20):
            crawl.add(f"/api/v2/{endpoint}/?fields=*&limit=20&offset={offset}")
    for pk in Page.objects.values_list("pk", flat=True):
        crawl.add(f"/api/v2/pages/{pk}/")
    for pk in get_image_model().objects.values_list("pk", flat=True):
        crawl.add(f"/api/v2/images/{pk}/")
    for document in get_document_model().objects.all():
        crawl.add(f"/api/v2/documents/{document.pk}/")
        crawl.add(document.url)
    for pk in Deputy.objects.values_list("pk", flat=True):
        crawl.add(f"{prefixes['deputies']}{pk}/")
    for pk in Station.objects.values_list("pk", flat=True):
        for suffix in ("", "print/", "receptions.ics"):
            crawl.add(f"{prefixes['stations']}{pk}/{suffix}")
    for pk in NormativeDocument.objects.values_list("pk", flat=True):
        crawl.add(f"{prefixes['documents']}{pk}/")
    for suffix in ("csv/", "?date=2024-01-01", "?level=county", "committee/"):
        crawl.add(f"{prefixes['deputies']}{suffix}")
    for suffix in ("csv/", "map/", "find/", "receptions.ics", "find/?q=村"):
        crawl.add(f"{prefixes['stations']}{suffix}")
    for suffix in ("csv/", "catalogue/", "statistics/", "track/", "?q=PRIVMK", "suggest/"):
        crawl.add(f"{prefixes['documents']}{suffix}")
    term = TermFactory._meta.model.objects.order_by("-number").first()
    for query in ("", f"?term={term.number}", "?year=2025", f"?term={term.number}&year=2026"):
        crawl.add(f"{prefixes['statistics']}{query}")


def summary_lines(crawl, seconds):
    kinds = Counter(kind for _, _, kind, _, _ in crawl.results)
    size = sum(size for _, _, _, size, _ in crawl.results)
    lines = [f"{len(crawl.results)} URLs, {size:,} bytes, {seconds:.1f} s"]
    lines += [f"  {kind}: {count}" for kind, count in kinds.most_common()]
    folders = Counter(path.split("/")[2] for path in crawl.media)
    lines.append(
        f"  media URLs seen (not fetched: the web server serves them): {len(crawl.media)}"
        f" {dict(folders)}"
    )
    statuses = Counter(status for _, status, _, _, _ in crawl.results)
    lines.append(f"  statuses: {dict(sorted(statuses.items()))}")
    return lines


class TestPrivacyCrawl(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_data", force=True, stdout=StringIO())
        records = build_records()
        cls.private_documents = records["private docs"]
        cls.public_documents = records["public docs"]
        staff_group = Group.objects.create(name="隐私测试后台用户")
        staff_group.permissions.add(Permission.objects.get(codename="access_admin"))
        cls.staff = get_user_model().objects.create_user(username="staff", password="x")
        cls.staff.groups.add(staff_group)
        cls.visitor = get_user_model().objects.create_user(username="visitor", password="x")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        prefixes = {
            "deputies": DeputyIndexPage.objects.live().get().url,
            "stations": StationIndexPage.objects.live().get().url,
            "documents": DocumentRegistryPage.objects.live().get().url,
            "statistics": StatisticsPage.objects.live().get().url,
        }
        hosts = {"testserver", "localhost", *Site.objects.values_list("hostname", flat=True)}
        cls.crawl = Crawl(hosts, register_kinds(prefixes))
        cls.prefixes = prefixes
        started = time.perf_counter()
        seeds(cls.crawl, prefixes)
        cls.crawl.run(PRIVATE, PUBLIC)
        cls.seconds = time.perf_counter() - started
        cls.summary = summary_lines(cls.crawl, cls.seconds)
        if os.environ.get("PRIVACY_CRAWL_REPORT"):  # the figures of docs/security.md
            sys.stderr.write("\n".join(["", *cls.summary, ""]))

    def test_no_private_record_in_any_response(self):
        leaks = [f"{url}: {labels}" for url, _, _, _, labels in self.crawl.results if labels]
        self.assertEqual(leaks, [], "\n".join([*leaks, *self.summary]))

    def test_no_server_error(self):
        errors = [(url, status) for url, status, _, _, _ in self.crawl.results if status >= 500]
        self.assertEqual(errors, [])

    def test_the_crawl_did_not_hit_its_bound(self):
        self.assertFalse(self.crawl.queue, f"bound of {MAX_URLS} URLs reached")

    def test_every_public_marker_was_reached(self):
        self.assertEqual(set(PUBLIC) - self.crawl.public_seen, set())

    def test_the_crawl_covers_every_kind_of_url(self):
        kinds = Counter(kind for _, status, kind, _, _ in self.crawl.results if status == 200)
        minimum = {
            "page": 30,
            "deputy profile": Deputy.objects.public().count(),
            "committee page": 1,
            "station page": Station.objects.public().count(),
            "station notice board": Station.objects.public().count(),
            "station map/find": 2,
            "document detail": NormativeDocument.objects.public().count(),
            "document catalogue": 2,
            "statistics": 4,
            "ical": Station.objects.public().count() + 1,
            "csv": 3,
            "feed": 4,
            "search": len(search_terms()),
            "api": len(search_terms()) + 1,
            "api v2": 50,
            "open data": 1,
            "document file": len(self.public_documents),
            "sitemap": 1,
        }
        short = {
            kind: (kinds[kind], least) for kind, least in minimum.items() if kinds[kind] < least
        }
        self.assertEqual(short, {}, "\n".join(self.summary))
        self.assertGreaterEqual(len(self.crawl.media), 20)

    def test_links_lead_to_every_public_register_record(self):
        """Not only the guessed ids: following links reaches every profile, station, document."""
        expected = {
            f"{self.prefixes['deputies']}{pk}/"
            for pk in Deputy.objects.public().values_list("pk", flat=True)
        }
        expected |= {
            f"{self.prefixes['stations']}{pk}/"
            for pk in Station.objects.public().values_list("pk", flat=True)
        }
        expected |= {
            f"{self.prefixes['documents']}{pk}/"
            for pk in NormativeDocument.objects.public().values_list("pk", flat=True)
        }
        expected |= {
            unquote(page.url) for page in Page.objects.live().public().specific() if page.url
        }
        self.assertEqual(expected - self.crawl.found_by_links, set())

    def test_no_private_image_file_is_named_anywhere(self):
        """Images are files under /media/ that the web server hands out without asking Django;
        what keeps them private is that no public response names them."""
        private_files = [
            m.lower()
            for label, m in PRIVATE.items()
            if "photo file" in label or "image file" in label
        ]
        named = [path for path in self.crawl.media if any(m in path.lower() for m in private_files)]
        self.assertEqual(named, [])
        public_files = ("pubmk-deputy-photo", "pubmk-station-photo", "pubmk-activity-photo")
        for name in public_files:
            self.assertTrue(any(name in path for path in self.crawl.media), name)

    def test_the_search_it_ran_finds_public_records(self):
        """The searches for the private markers found nothing private; the same searches for
        the public markers find their records, so the index does hold the fixture."""
        for label in ("news page", "deputy name", "station name", "normative document"):
            with self.subTest(label):
                query = urlencode({"q": search_term(PUBLIC[label])})
                response = self.client.get(f"/api/search/?{query}")
                self.assertGreaterEqual(response.json()["count"], 1)

    # The document serve hook (opendata/wagtail_hooks.py), with the same records.

    def fetch(self, document):
        response = self.client.get(document.url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, body

    def test_anonymous_visitors_get_404_for_files_no_public_content_uses(self):
        for document in self.private_documents:
            with self.subTest(document=document.filename):
                status, body = self.fetch(document)
                self.assertEqual(status, 404)
                self.assertNotIn(b"privmk", body.lower())

    def test_files_public_content_uses_are_served_to_anyone(self):
        for document in self.public_documents:
            with self.subTest(document=document.filename):
                status, body = self.fetch(document)
                self.assertEqual(status, 200)
                self.assertIn(document.title.encode(), body)

    def test_a_logged_in_user_without_admin_access_gets_404_too(self):
        self.client.force_login(self.visitor)
        for document in self.private_documents:
            with self.subTest(document=document.filename):
                self.assertEqual(self.fetch(document)[0], 404)

    def test_admin_access_alone_does_not_download_them(self):
        """Issue 15: staff download a private file only by their permission on its collection
        (tests/security/test_files_by_collection.py); being allowed into the admin is not enough.
        A superuser still downloads everything."""
        self.client.force_login(self.staff)
        for document in self.private_documents:
            with self.subTest(document=document.filename, user="staff"):
                self.assertEqual(self.fetch(document)[0], 404)
        self.client.force_login(
            get_user_model().objects.create_superuser("crawl-admin", "a@example.com", "x")
        )
        for document in self.private_documents:
            with self.subTest(document=document.filename, user="superuser"):
                status, body = self.fetch(document)
                self.assertEqual(status, 200)
                self.assertIn(document.title.encode(), body)

    def test_a_restricted_collection_keeps_wagtails_password_form(self):
        """An editor who put a file in a password-protected collection chose who may read it:
        Wagtail's own check answers (the password form), not this hook's 404."""
        collection = Collection.get_first_root_node().add_child(name="密码保护的文件")
        CollectionViewRestriction.objects.create(
            collection=collection,
            restriction_type=CollectionViewRestriction.PASSWORD,
            password="mima-2026",
        )
        document = DocumentFactory(collection=collection, file=text_file("protected", "x"))
        response = self.client.get(document.url)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "wagtaildocs/password_required.html")
        response = self.client.post(
            reverse(
                "wagtaildocs_authenticate_with_password",
                args=[collection.view_restrictions.get().pk],
            ),
            {"password": "mima-2026", "return_url": document.url},
        )
        status, body = self.fetch(document)
        self.assertEqual((status, body), (200, b"x\n"))
