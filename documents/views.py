"""Public routes of the registry; see DocumentRegistryPage (models/pages.py):

""                  live documents with facets (制定机关, 年度, 效力, 审查结论) and counts
<int:pk>/           a document: metadata, validity links, concluded reviews, files, full text
statistics/         annual statistics (documents/stats.py)
csv/                the list as a CSV download, same filters (core/csv_export.py)
catalogue/[<year>/] the annual catalogue (备案目录)
suggest/            the review-suggestion form (审查建议), PRG to a one-time confirmation
track/              a suggestion's status by tracking number plus check code (查询码)

Only live documents are public; a review's conclusion and opinion only once it is concluded; a
suggestion's name and contact never. Bad query parameters are ignored with a notice, never a 500.
Lists never load full_text; one aggregate query gives every facet's counts and the total."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_ratelimit.core import get_usage

from core.csv_export import csv_response, iterate
from core.utils import paginate, parse_int

from . import fulltext
from .forms_public import FORM_MAX_AGE, SuggestionForm, TrackForm
from .models import IssuingBody, NormativeDocument, Review, ReviewSuggestion
from .stats import annual_statistics, document_year, document_year_counts, totals

logger = logging.getLogger(__name__)

# Review status of a document on the public pages: the latest concluded review's conclusion, else
# "reviewing" while a review is open (接收登记 or 审查中), else "none".
REVIEWING, NOT_REVIEWED = "reviewing", "none"
STATUS_LABELS = {
    **dict(Review.CONCLUSION_CHOICES),
    REVIEWING: "审查中",
    NOT_REVIEWED: "未审查",
}
STATUS_ORDER = [key for key, _label in Review.CONCLUSION_CHOICES] + [REVIEWING, NOT_REVIEWED]
CONCLUSION_KEYS = frozenset(dict(Review.CONCLUSION_CHOICES))
VALIDITY_LABELS = dict(NormativeDocument.VALIDITY_CHOICES)
MIN_YEAR, MAX_YEAR = 1949, 2100
QUERY_MAX = 100
FACET_VISIBLE = 12  # values shown before "更多" (a <details>, no JavaScript needed)
LIST_DEFERRED = ("full_text", "summary", "text_note", "source_path", "content_hash")

SESSION_DONE = "documents_suggestion_done"
SUGGEST_MAX_BYTES = 64 * 1024  # a submission is at most ~15,000 characters of text


def _setting(name, default):
    return getattr(settings, name, default)


def with_review_status(documents):
    """Annotate `review_status` (a STATUS_LABELS key), one correlated subquery per row."""
    latest_conclusion = (
        Review.objects.filter(document=OuterRef("pk"), stage=Review.CONCLUDED)
        .exclude(conclusion="")
        .order_by("-concluded_date", "-pk")
        .values("conclusion")[:1]
    )
    open_review = Review.objects.filter(document=OuterRef("pk")).exclude(stage=Review.CONCLUDED)
    return documents.annotate(
        review_status=Coalesce(
            Subquery(latest_conclusion, output_field=CharField()),
            Case(
                When(Exists(open_review), then=Value(REVIEWING)),
                default=Value(NOT_REVIEWED),
                output_field=CharField(),
            ),
            output_field=CharField(),
        )
    )


def _year_q(year):
    """Documents of a year (filed, else issued) as range lookups the indexes can use."""
    return Q(date_filed__year=year) | Q(date_filed__isnull=True, date_issued__year=year)


# ---------------------------------------------------------------------------------------------
# The registry list and its facets


@dataclass
class Filters:
    body: IssuingBody | None = None
    year: int | None = None
    validity: str | None = None
    conclusion: str | None = None
    q: str = ""

    FACETS = ("body", "year", "validity", "conclusion")

    def params(self, **changes):
        """A QueryDict of the active filters (page dropped), with `changes` applied (None
        removes a key)."""
        values = {
            "q": self.q or None,
            "body": self.body.pk if self.body else None,
            "year": self.year,
            "validity": self.validity,
            "conclusion": self.conclusion,
        }
        values.update(changes)
        params = QueryDict(mutable=True)
        for key, value in values.items():
            if value not in (None, ""):
                params[key] = str(value)
        return params

    def apply(self, documents, skip=None):
        """`documents` filtered by every active filter but those named in `skip` (a facet name or
        a tuple of them)."""
        if self.q:
            documents = documents.filter(Q(title__icontains=self.q) | Q(number__icontains=self.q))
        skip = skip if isinstance(skip, tuple) else (skip,)
        if self.body and "body" not in skip:
            documents = documents.filter(issuing_body=self.body)
        if self.year and "year" not in skip:
            documents = documents.filter(_year_q(self.year))
        if self.validity and "validity" not in skip:
            documents = documents.filter(validity=self.validity)
        if self.conclusion and "conclusion" not in skip:
            documents = with_review_status(documents).filter(review_status=self.conclusion)
        return documents

    @property
    def active(self):
        return any((self.body, self.year, self.validity, self.conclusion, self.q))


def parse_filters(request, notices):
    """Filters from the query string; a malformed or unknown value is ignored with a notice."""
    get = request.GET
    filters = Filters()

    raw = get.get("q", "").strip()
    if len(raw) > QUERY_MAX:
        notices.append(f"检索词过长，已截取前{QUERY_MAX}个字。")
        raw = raw[:QUERY_MAX]
    if "\x00" in raw:
        # PostgreSQL refuses NUL in a text parameter (a 500 before, found by fuzzing).
        notices.append("检索词中含有无效字符（空字符），已将其去除。")
        raw = raw.replace("\x00", "").strip()
    filters.q = raw

    raw = get.get("body", "").strip()
    if raw:
        pk = parse_int(raw, minimum=1)
        filters.body = IssuingBody.objects.filter(pk=pk).first() if pk else None
        if filters.body is None:
            notices.append("未找到所选制定机关，已显示全部制定机关的文件。")

    raw = get.get("year", "").strip()
    if raw:
        filters.year = parse_int(raw, minimum=MIN_YEAR, maximum=MAX_YEAR)
        if filters.year is None:
            notices.append("年度应为四位数字，如 2026，已显示全部年度。")

    raw = get.get("validity", "").strip()
    if raw:
        if raw in VALIDITY_LABELS:
            filters.validity = raw
        else:
            notices.append("未知的效力状态，已显示全部文件。")

    raw = get.get("conclusion", "").strip()
    if raw:
        if raw in STATUS_LABELS:
            filters.conclusion = raw
        else:
            notices.append("未知的审查结论，已显示全部文件。")
    return filters


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    url: str
    active: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list

    @property
    def visible(self):
        return self.values[:FACET_VISIBLE] if len(self.values) > FACET_VISIBLE + 3 else self.values

    @property
    def more(self):
        return self.values[FACET_VISIBLE:] if len(self.values) > FACET_VISIBLE + 3 else []


def _url(base, params):
    query = params.urlencode()
    return f"{base}?{query}" if query else base


def _facet(filters, base, name, label, rows, active_value):
    """rows: [(value, label, count)] in display order. The active value links to its removal."""
    values = []
    seen = False
    for value, value_label, count in rows:
        active = str(value) == str(active_value)
        seen = seen or active
        params = filters.params(**{name: None if active else value})
        values.append(FacetValue(str(value), value_label, count, _url(base, params), active))
    if active_value is not None and not seen:
        label_of = {"body": str(filters.body) if filters.body else ""}.get(name)
        values.insert(
            0,
            FacetValue(
                str(active_value),
                label_of or _value_label(name, active_value),
                0,
                _url(base, filters.params(**{name: None})),
                True,
            ),
        )
    return Facet(name, label, values)


def _value_label(name, value):
    if name == "year":
        return f"{value}年"
    if name == "validity":
        return VALIDITY_LABELS.get(value, value)
    if name == "conclusion":
        return STATUS_LABELS.get(value, value)
    return str(value)


FACET_KEYS = {
    "body": "issuing_body",
    "year": "stat_year",
    "validity": "validity",
    "conclusion": "review_status",
}


def facet_rows(documents):
    """Counts of `documents` grouped by (body, year, validity, review status): one aggregate
    query from which every facet and the total are summed. A few hundred rows for the law
    corpus; each facet then counts the rows that pass the other filters (classic faceting)."""
    return list(
        with_review_status(documents)
        .order_by()
        .annotate(stat_year=document_year())
        .values(
            "issuing_body",
            "issuing_body__name",
            "issuing_body__sort_order",
            "stat_year",
            "validity",
            "review_status",
        )
        .annotate(n=Count("pk"))
    )


def _active(filters):
    """[(facet name, row key, selected value)] of the active facet filters."""
    selected = {
        "body": filters.body.pk if filters.body else None,
        "year": filters.year,
        "validity": filters.validity,
        "conclusion": filters.conclusion,
    }
    return [(name, FACET_KEYS[name], value) for name, value in selected.items() if value]


def _failed(row, active):
    """The names of the active filters a row does not pass."""
    return [name for name, key, value in active if row[key] != value]


def count_rows(rows, filters):
    """The number of documents passing every filter."""
    active = _active(filters)
    return sum(row["n"] for row in rows if not _failed(row, active))


def facets(rows, filters, base):
    """The four facets from facet_rows(), each counted with the other filters applied: a row
    counts in a facet when it fails no active filter but (at most) that facet's own."""
    active = _active(filters)
    counts = {name: {} for name in FACET_KEYS}
    body_names = {}
    for row in rows:
        body_names[row["issuing_body"]] = (
            row["issuing_body__sort_order"],
            row["issuing_body__name"],
        )
        failed = _failed(row, active)
        if len(failed) > 1:
            continue
        for name, key in FACET_KEYS.items():
            value = row[key]
            if value is not None and (not failed or failed[0] == name):
                counts[name][value] = counts[name].get(value, 0) + row["n"]
    if len(counts["body"]) > FACET_VISIBLE + 3:
        # A long list (the law corpus has 183 bodies): the busiest first, the rest under 更多.
        bodies = sorted(counts["body"], key=lambda pk: (-counts["body"][pk], *body_names[pk]))
    else:
        bodies = sorted(counts["body"], key=lambda pk: (*body_names[pk], pk))
    validity, conclusions = counts["validity"], counts["conclusion"]
    return [
        _facet(
            filters,
            base,
            "body",
            "制定机关",
            [(pk, body_names[pk][1], counts["body"][pk]) for pk in bodies],
            filters.body.pk if filters.body else None,
        ),
        _facet(
            filters,
            base,
            "year",
            "年度",
            [(y, f"{y}年", counts["year"][y]) for y in sorted(counts["year"], reverse=True)],
            filters.year,
        ),
        _facet(
            filters,
            base,
            "validity",
            "效力",
            [(k, label, validity[k]) for k, label in VALIDITY_LABELS.items() if k in validity],
            filters.validity,
        ),
        _facet(
            filters,
            base,
            "conclusion",
            "审查结论",
            [(k, STATUS_LABELS[k], conclusions[k]) for k in STATUS_ORDER if k in conclusions],
            filters.conclusion,
        ),
    ]


def active_filters(filters, base):
    """[(label, value label, URL without it)] for the summary with its 清除 links."""
    items = []
    if filters.q:
        items.append(("标题或文号", f"“{filters.q}”", _url(base, filters.params(q=None))))
    if filters.body:
        items.append(("制定机关", filters.body.name, _url(base, filters.params(body=None))))
    if filters.year:
        items.append(("年度", f"{filters.year}年", _url(base, filters.params(year=None))))
    if filters.validity:
        items.append(
            ("效力", VALIDITY_LABELS[filters.validity], _url(base, filters.params(validity=None)))
        )
    if filters.conclusion:
        items.append(
            (
                "审查结论",
                STATUS_LABELS[filters.conclusion],
                _url(base, filters.params(conclusion=None)),
            )
        )
    return items


def review_statuses(document_ids):
    """{document pk: review status} computed from the documents' reviews (one small query), for
    a page of documents: cheaper than the correlated subquery over the whole table."""
    latest = {}
    open_reviews = set()
    reviews = Review.objects.filter(document__in=document_ids).values_list(
        "document_id", "stage", "conclusion", "concluded_date", "pk"
    )
    for document_id, stage, conclusion, concluded_date, pk in reviews:
        if stage != Review.CONCLUDED:
            open_reviews.add(document_id)
        elif conclusion:
            key = (concluded_date or datetime.date.min, pk)
            if document_id not in latest or key > latest[document_id][0]:
                latest[document_id] = (key, conclusion)
    return {
        pk: latest[pk][1] if pk in latest else REVIEWING if pk in open_reviews else NOT_REVIEWED
        for pk in document_ids
    }


def for_listing(documents):
    return (
        documents.select_related("issuing_body")
        .defer(*LIST_DEFERRED)
        .order_by("-date_issued", "-pk")
    )


def decorate(documents, page):
    """Evaluate a list of documents and give each its public URL, review status and label."""
    documents = list(documents)
    statuses = review_statuses([document.pk for document in documents])
    prefix = page.document_url_prefix
    for document in documents:
        document.public_url = f"{prefix}{document.pk}/"
        document.review_status = statuses[document.pk]
        document.status_label = STATUS_LABELS[document.review_status]
    return documents


class _Counted:
    """A queryset whose count is already known (from the facet rows): Paginator skips COUNT."""

    def __init__(self, queryset, count):
        self.queryset, self._count = queryset, count
        self.ordered = True

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def registry(page, request):
    notices = []
    filters = parse_filters(request, notices)
    base = page.get_url(request)
    public = NormativeDocument.objects.public()
    searched = filters.apply(public, skip=Filters.FACETS)  # the title/number search only
    rows = facet_rows(searched)
    documents = _Counted(for_listing(filters.apply(public)), count_rows(rows, filters))
    documents_page = paginate(request, documents, page.page_size or 20)
    documents_page.object_list = decorate(documents_page.object_list, page)
    hidden_params = [(key, value) for key, value in filters.params(q=None).items()]
    return page.render(
        request,
        context_overrides={
            "documents_page": documents_page,
            "facets": facets(rows, filters, base),
            "filters": filters,
            "active_filters": active_filters(filters, base),
            "hidden_params": hidden_params,
            "notices": notices,
            "csv_url": _url(base + page.reverse_subpage("csv"), filters.params()),
        },
    )


# ---------------------------------------------------------------------------------------------
# The list as CSV

# The columns of the CSV download: what the list and a document's page show publicly. The review
# columns are those of the latest concluded review (as on the list: 审查中 / 未审查 otherwise);
# opinions in progress, receipts and suggestions are never part of it.
CSV_HEADER = [
    "标题",
    "文号",
    "制定机关",
    "类别",
    "公布日期",
    "报备日期",
    "施行日期",
    "效力",
    "审查结论",
    "审结日期",
    "网页",
]


def csv_documents(filters):
    """The documents of the list with these filters, all of them, in the list's order, with
    `review_status` and `review_concluded` (the latest concluded review's date): one query."""
    documents = filters.apply(NormativeDocument.objects.public())
    if not filters.conclusion:  # apply() has annotated it already when filtering on it
        documents = with_review_status(documents)
    concluded_date = (
        Review.objects.filter(document=OuterRef("pk"), stage=Review.CONCLUDED)
        .exclude(conclusion="")
        .order_by("-concluded_date", "-pk")
        .values("concluded_date")[:1]
    )
    return for_listing(documents).annotate(
        review_concluded=Subquery(concluded_date, output_field=DateField())
    )


def csv_rows(page, request, filters):
    prefix = page.get_full_url(request) + page.reverse_subpage("document", args=[0]).removesuffix(
        "0/"
    )
    for document in iterate(csv_documents(filters)):
        concluded = document.review_status in CONCLUSION_KEYS
        yield [
            document.title,
            document.number,
            document.issuing_body.name if document.issuing_body else "",
            document.category,
            document.date_issued,
            document.date_filed,
            document.date_effective,
            VALIDITY_LABELS[document.validity],
            STATUS_LABELS[document.review_status],
            document.review_concluded if concluded else None,
            f"{prefix}{document.pk}/",
        ]


def csv_download(page, request):
    """The registry list as a CSV file (csv/): the documents passing the list's filters (?q=,
    ?body=, ?year=, ?validity=, ?conclusion=), all pages."""
    filters = parse_filters(request, [])
    return csv_response(
        f"documents-{timezone.localdate().isoformat()}.csv",
        CSV_HEADER,
        csv_rows(page, request, filters),
    )


# ---------------------------------------------------------------------------------------------
# A document


def document_detail(page, request, pk):
    document = (
        NormativeDocument.objects.public().select_related("issuing_body").filter(pk=pk).first()
    )
    if document is None:
        raise Http404("没有这份文件，或文件尚未公开")
    superseded_by = None
    if document.superseded_by_id:
        superseded_by = (
            NormativeDocument.objects.public()
            .filter(pk=document.superseded_by_id)
            .only("pk", "title", "number")
            .first()
        )
    supersedes = list(
        document.supersedes.filter(live=True).only("pk", "title", "number", "validity")
    )
    reviews = list(document.reviews.order_by("-received_date", "-pk"))
    concluded = [review for review in reviews if review.is_concluded and review.conclusion]
    concluded.sort(
        key=lambda review: (review.concluded_date or datetime.date.min, review.pk), reverse=True
    )
    in_progress = any(not review.is_concluded for review in reviews)
    files = list(document.files.select_related("file").order_by("sort_order", "pk"))
    rendered = fulltext.render(document.full_text, document.title)
    document_url = page.document_url(document)
    return page.render(
        request,
        template="pages/document_detail.html",
        context_overrides={
            "document": document,
            "superseded_by": superseded_by,
            "supersedes": supersedes,
            "concluded_reviews": concluded,
            "review_in_progress": in_progress,
            "files": files,
            "fulltext": rendered,
            "document_url": document_url,
            "suggest_url": page.url + page.reverse_subpage("suggest") + f"?document={document.pk}",
            "breadcrumbs_extra": [(document.title, document_url)],
        },
    )


# ---------------------------------------------------------------------------------------------
# Statistics and catalogue


def statistics(page, request):
    years = annual_statistics()
    return page.render(
        request,
        template="pages/document_statistics.html",
        context_overrides={
            "years": years,
            "totals": totals(years),
            "catalogue_url": page.url + page.reverse_subpage("catalogue_index"),
            "breadcrumbs_extra": [("备案审查统计", page.url + page.reverse_subpage("statistics"))],
        },
    )


def catalogue(page, request, year=None):
    index_url = page.url + page.reverse_subpage("catalogue_index")
    crumbs = [("备案目录", index_url)]
    if year is None:
        counts = document_year_counts()
        return page.render(
            request,
            template="pages/document_catalogue.html",
            context_overrides={
                "years": [
                    (y, n, page.url + page.reverse_subpage("catalogue", args=[y]))
                    for y, n in sorted(counts.items(), reverse=True)
                ],
                "year": None,
                "breadcrumbs_extra": crumbs,
            },
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("没有该年度的备案目录")
    documents = list(
        NormativeDocument.objects.public()
        .filter(_year_q(year))
        .select_related("issuing_body")
        .defer(*LIST_DEFERRED)
        .order_by(Coalesce("date_filed", "date_issued").asc(nulls_last=True), "pk")
    )
    if not documents:
        raise Http404("没有该年度的备案目录")
    documents = decorate(documents, page)
    return page.render(
        request,
        template="pages/document_catalogue.html",
        context_overrides={
            "year": year,
            "documents": documents,
            "catalogue_index_url": index_url,
            "breadcrumbs_extra": [
                *crumbs,
                (f"{year}年", page.url + page.reverse_subpage("catalogue", args=[year])),
            ],
        },
    )


# ---------------------------------------------------------------------------------------------
# Review suggestions


def _limit(request, group, rate, increment):
    """(limited, usage) of a per-IP limit on `group`; `increment` counts this request."""
    try:
        usage = get_usage(request, group=group, key="ip", rate=rate, increment=increment)
    except ImproperlyConfigured:
        # No REMOTE_ADDR (a proxy on a Unix socket): one shared bucket rather than a 500.
        logger.error("Rate limit without a client address: set RATELIMIT_IP_META_KEY")
        usage = get_usage(
            request, group=group, key=lambda _g, _r: "unknown", rate=rate, increment=increment
        )
    if usage is None:  # RATELIMIT_ENABLE = False
        return False, None
    if increment:
        return usage["should_limit"], usage
    return usage["count"] >= usage["limit"], usage


def _private(response):
    """Forms and statuses are per visitor: never cached, never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def _suggest_context(page, request, **extra):
    return {
        "registry_url": page.url,
        "suggest_url": page.url + page.reverse_subpage("suggest"),
        "track_url": page.url + page.reverse_subpage("track"),
        "breadcrumbs_extra": [("提出审查建议", page.url + page.reverse_subpage("suggest"))],
        **extra,
    }


SUBMISSION_RATE = "DOCUMENTS_SUGGESTION_RATE", "5/h"
ATTEMPT_RATE = "DOCUMENTS_SUGGESTION_ATTEMPT_RATE", "30/h"
TRACK_RATE = "DOCUMENTS_TRACK_RATE", "30/h"


def suggest(page, request):
    template = "pages/document_suggest.html"
    if request.method == "POST":
        return _suggest_post(page, request, template)

    if request.GET.get("submitted"):
        done = request.session.pop(SESSION_DONE, None)
        if done:
            return _private(
                page.render(
                    request,
                    template="pages/document_suggest_done.html",
                    context_overrides=_suggest_context(page, request, done=done),
                )
            )

    initial = {}
    document = None
    notices = []
    raw = request.GET.get("document", "").strip()
    if raw:
        pk = parse_int(raw, minimum=1)
        document = (
            NormativeDocument.objects.public().filter(pk=pk).only("pk", "title", "number").first()
            if pk
            else None
        )
        if document is None:
            notices.append("未找到所选文件，请在表单中填写文件名称。")
        else:
            initial["document"] = document.pk
    form = SuggestionForm(initial=initial)
    return _private(
        page.render(
            request,
            template=template,
            context_overrides=_suggest_context(
                page, request, form=form, document=document, notices=notices
            ),
        )
    )


def _suggest_post(page, request, template):
    def render(**extra):
        return _private(
            page.render(
                request,
                template=template,
                context_overrides=_suggest_context(page, request, **extra),
            )
        )

    # Refuse oversized bodies before Django parses them.
    length = parse_int(request.META.get("CONTENT_LENGTH") or 0) or 0
    if length > SUGGEST_MAX_BYTES:
        response = render(refused="提交的内容过长，请精简后重新提交（每项不超过5000字）。")
        response.status_code = 413
        return response

    attempts_limited, _usage = _limit(
        request, "documents:suggest-attempts", _setting(*ATTEMPT_RATE), increment=True
    )
    submissions_limited, _usage = _limit(
        request, "documents:suggest", _setting(*SUBMISSION_RATE), increment=False
    )
    if attempts_limited or submissions_limited:
        logger.warning("Review suggestion rate-limited")
        response = render(
            refused="您提交得过于频繁，请一小时后再试。如有急事，请通过网站页脚的联系方式联系我们。"
        )
        response.status_code = 429
        return response

    form = SuggestionForm(request.POST)
    if form.is_valid():
        if _already_submitted(form):
            logger.info("Review suggestion sent again: not stored twice")
            done = request.session.get(SESSION_DONE)
            return render(
                refused=ALREADY_SUBMITTED,
                done_url=(page.url + page.reverse_subpage("suggest") + "?submitted=1")
                if done
                else None,
            )
        suggestion = _save(form)
        _limit(request, "documents:suggest", _setting(*SUBMISSION_RATE), increment=True)
        request.session[SESSION_DONE] = {
            "tracking_number": suggestion.tracking_number,
            "check_code": suggestion.check_code,
            "document_label": suggestion.document_label,
            "submitted": suggestion.submitted_at.date().isoformat(),
        }
        url = page.url + page.reverse_subpage("suggest") + "?submitted=1"
        return HttpResponseRedirect(url, status=303)

    if form.bot_detected:
        # Counted against the submission limit too: a bot retrying is soon shut out.
        _limit(request, "documents:suggest", _setting(*SUBMISSION_RATE), increment=True)
        logger.info("Review suggestion rejected as automated")
    return render(form=form, document=form.selected_document)


DUPLICATE_MINUTES = "DOCUMENTS_SUGGESTION_DUPLICATE_MINUTES", 10
USED_FORM_KEY = "documents:suggest-token:{}"
ALREADY_SUBMITTED = (
    "这份审查建议已经提交过，没有重复保存。受理编号和查询码在第一次提交后已经显示；"
    "如未记下，请通过网站页脚的联系方式联系我们。"
)


def _already_submitted(form):
    """The same submission again: the rendered form's single-use token already used (the same
    POST body replayed or sent twice), or a suggestion with identical content stored in the last
    DOCUMENTS_SUGGESTION_DUPLICATE_MINUTES (a copy of the form, reloaded and sent again). The
    token is claimed in the default cache (`add` is atomic: shared by every worker with Redis);
    the content check is in the database, so it holds with any cache."""
    since = timezone.now() - datetime.timedelta(minutes=_setting(*DUPLICATE_MINUTES))
    if ReviewSuggestion.objects.same_content(since, **form.content()).exists():
        return True
    if form.token is None:
        return False
    return not cache.add(USED_FORM_KEY.format(form.token), True, FORM_MAX_AGE + 60)


def _save(form):
    """Save the suggestion; a clash of the random tracking number is retried."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return form.save()
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


NOT_FOUND = "未找到与该受理编号和查询码相符的审查建议。请核对后重新输入（查询码不区分大小写）。"


LINK_IGNORED = (
    "为保护您的查询码，本页不再接受写在网址中的受理编号和查询码，请在下方输入后点击“查询”。"
)


def track(page, request):
    """The status lookup: a POST, so that the check code never appears in a URL, the access
    logs or the browser's history. A GET (an old bookmarked link with the codes in its query
    string) gets the empty form and a notice: nothing in it is looked up or counted."""
    template = "pages/document_track.html"
    context = _suggest_context(page, request)
    context["breadcrumbs_extra"] = [("审查建议办理情况查询", context["track_url"])]
    if request.method != "POST":
        context["form"] = TrackForm()
        if request.GET:
            context["link_ignored"] = LINK_IGNORED
        response = _private(page.render(request, template=template, context_overrides=context))
        response["Referrer-Policy"] = "no-referrer"
        return response

    form = TrackForm(request.POST)
    context["form"] = form
    limited, _usage = _limit(request, "documents:track", _setting(*TRACK_RATE), increment=True)
    if limited:
        context["refused"] = "查询过于频繁，请一小时后再试。"
        response = page.render(request, template=template, context_overrides=context)
        response.status_code = 429
        return _private(response)
    if not form.is_valid():
        return _private(page.render(request, template=template, context_overrides=context))

    number = form.cleaned_data["tracking_number"]
    suggestion = (
        ReviewSuggestion.objects.filter(tracking_number=number)
        .select_related("document")
        .only(
            "tracking_number",
            "check_code",
            "document_title",
            "submitted_at",
            "status",
            "reply",
            "replied_at",
            "document__title",
            "document__live",
        )
        .first()
    )
    # Compare even when the number is unknown, so both failures take the same time.
    probe = suggestion or ReviewSuggestion(check_code="-" * 8)
    matches = probe.check_matches(form.cleaned_data["check_code"])
    if suggestion is None or not matches:
        context["not_found"] = NOT_FOUND
        response = page.render(request, template=template, context_overrides=context)
        response.status_code = 404
        return _private(response)

    context["suggestion"] = suggestion
    context["show_reply"] = bool(suggestion.reply.strip()) and suggestion.status in (
        ReviewSuggestion.REPLIED,
        ReviewSuggestion.DECLINED,
    )
    context["document_url"] = (
        page.document_url(suggestion.document)
        if suggestion.document_id and suggestion.document.live
        else None
    )
    response = _private(page.render(request, template=template, context_overrides=context))
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------------------------------------
# Sitemap


def sitemap_entries(page, request=None):
    """Statistics, the catalogue (index and each year) and every live document."""
    base = page.get_full_url(request)
    if not base:
        return []
    entries = [
        {"location": base + page.reverse_subpage("statistics"), "lastmod": page.last_published_at},
        {
            "location": base + page.reverse_subpage("catalogue_index"),
            "lastmod": page.last_published_at,
        },
    ]
    for year in sorted(document_year_counts(), reverse=True):
        entries.append(
            {
                "location": base + page.reverse_subpage("catalogue", args=[year]),
                "lastmod": page.last_published_at,
            }
        )
    for pk, published in (
        NormativeDocument.objects.public().order_by("pk").values_list("pk", "last_published_at")
    ):
        entries.append(
            {"location": base + page.reverse_subpage("document", args=[pk]), "lastmod": published}
        )
    return entries
