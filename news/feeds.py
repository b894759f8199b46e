"""RSS 2.0 and Atom 1.0 feeds of the listings (新闻动态, 倡议书), on Django's syndication framework.

One base, `IndexPageFeed`, does the work: the channel from the index page, items from the page's
`feed_items()` (live, public children only: the listing's own queryset), absolute links, the item
date at 08:00 Asia/Shanghai. `NewsFeed` and `InitiativeFeed` only say which date and categories an
item has. `FeedRoutesMixin` gives an index page the two routes:

    feed/         RSS 2.0 (application/rss+xml)
    feed/atom/    Atom 1.0 (application/atom+xml)

Both go through Wagtail's serve view, so a private index page's feeds are private too."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from wagtail.contrib.routable_page.models import path

from core.models import SiteSettings

# The hour an item "was published" on its date: the listings carry dates, not times.
ITEM_HOUR = datetime.time(8, 0)


class IndexPageFeed(Feed):
    """The latest `limit` items of an index page, as RSS 2.0 or (feed_type=Atom1Feed) Atom 1.0."""

    language = "zh-cn"
    limit = 20

    def __init__(self, index_page, feed_type=Rss201rev2Feed):
        super().__init__()
        self.index_page = index_page
        self.feed_type = feed_type

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.site_name = SiteSettings.for_request(request).site_name
        return super().__call__(request, *args, **kwargs)

    # -- the channel

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.get_url(self.request)  # made absolute by the framework

    def description(self):
        return self.index_page.summary or self.index_page.title

    def subtitle(self):  # Atom's name for the description
        return self.description()

    def author_name(self):  # Atom requires an author, of the feed or of every entry
        return self.site_name

    # -- the items

    def items(self):
        return self.index_page.feed_items()[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.search_description or ""

    def item_link(self, item):
        return item.get_url(self.request)

    def item_date(self, item):
        """The item's own date (a DateField); subclasses name it."""
        raise NotImplementedError

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(self.item_date(item), ITEM_HOUR))

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)


class NewsFeed(IndexPageFeed):
    """新闻动态: the news of a NewsIndexPage, newest first, with the category."""

    def item_date(self, item):
        return item.date

    def item_categories(self, item):
        return [item.category.name] if item.category else []


class InitiativeFeed(IndexPageFeed):
    """倡议书: the initiatives of an InitiativeIndexPage by issue date, newest first."""

    def item_date(self, item):
        return item.issued_date

    def item_description(self, item):
        """The summary and the period, as the listing's card shows them."""
        start = date_format(item.period_start) if item.period_start else "发布之日"
        end = date_format(item.period_end) if item.period_end else "长期"
        period = f"倡议期限：{start}至{end}。"
        text = super().item_description(item)
        return f"{text}{period}" if text else period


class FeedRoutesMixin:
    """The feed routes of an index page (mix in before RoutablePageMixin). The page defines
    `feed_class` and `feed_items()`; templates link to the routes by name, `feed_route` (RSS)
    and `atom_feed_route`."""

    feed_class = None

    @path("feed/", name="feed_route")
    def feed_route(self, request):
        return self.feed_class(self)(request)

    @path("feed/atom/", name="atom_feed_route")
    def atom_feed_route(self, request):
        return self.feed_class(self, feed_type=Atom1Feed)(request)
