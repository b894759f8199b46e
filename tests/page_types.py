"""Every public page type of the site, resolved to a path in the demo content (load_demo_data):
the page models of the sitemap plus the routable sub-pages. Used by the browser layout tests
(tests/browser/test_responsive.py, test_modes.py) and the page meta tests."""

# Page types: those of the sitemap (Wagtail page models) plus the routable sub-pages, resolved
# from the demo content at run time (primary keys differ between databases).
PAGE_TYPES = [
    "home",
    "news-index",
    "news-page",
    "initiative-index",
    "initiative-page",
    "appraisal-index",
    "appraisal-page",
    "standard-page",
    "deputy-index",
    "deputy-profile",
    "deputy-committee",
    "station-index",
    "station-page",
    "station-map",
    "station-find",
    "station-find-result",
    "registry",
    "registry-filtered",
    "document-page",
    "document-statistics",
    "catalogue-index",
    "catalogue-year",
    "suggestion-form",
    "suggestion-track",
    "statistics",
    "search-results",
    "search-nothing-found",
    "not-found",
]


def resolve(page_type: str) -> str:
    from deputies.models import Deputy
    from documents.demo import SLUG
    from documents.models import NormativeDocument
    from home.models import StandardPage
    from news.models import AppraisalPage, InitiativePage, NewsPage
    from stations.models import Station, StationIndexPage

    stations = StationIndexPage.objects.live().first().url
    if page_type == "news-page":
        return NewsPage.objects.live().order_by("pk").first().url
    if page_type == "initiative-page":
        return InitiativePage.objects.live().order_by("pk").first().url
    if page_type == "appraisal-page":
        return AppraisalPage.objects.live().order_by("pk").first().url
    if page_type == "standard-page":
        return StandardPage.objects.live().order_by("pk").first().url
    if page_type == "deputy-profile":
        deputy = Deputy.objects.public().serving().order_by("sort_key").first()
        return f"/deputies/{deputy.pk}/"
    if page_type == "station-page":
        return f"{stations}{Station.objects.public().order_by('pk').first().pk}/"
    if page_type == "document-page":
        return f"/{SLUG}/{NormativeDocument.objects.public().order_by('pk').first().pk}/"
    if page_type == "catalogue-year":
        document = NormativeDocument.objects.public().exclude(date_filed=None).first()
        return f"/{SLUG}/catalogue/{document.date_filed.year}/"
    return {
        "home": "/",
        "news-index": "/news/",
        "initiative-index": "/initiatives/",
        "appraisal-index": "/appraisals/",
        "deputy-index": "/deputies/",
        "deputy-committee": "/deputies/committee/",
        "station-index": stations,
        "station-map": f"{stations}map/",
        "station-find": f"{stations}find/",
        "station-find-result": f"{stations}find/?q=新桥",
        "registry": f"/{SLUG}/",
        "registry-filtered": f"/{SLUG}/?validity=valid",
        "document-statistics": f"/{SLUG}/statistics/",
        "catalogue-index": f"/{SLUG}/catalogue/",
        "suggestion-form": f"/{SLUG}/suggest/",
        "suggestion-track": f"/{SLUG}/track/",
        "statistics": "/statistics/",
        "search-results": "/search/?q=代表",
        "search-nothing-found": "/search/?q=火星基地 月球",
        "not-found": "/no-such-page/",
    }[page_type]
