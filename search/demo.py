"""Demo content of the search: promoted results for common questions and some counted searches,
so the search page's 推荐结果 and 大家都在搜 show something (docs/search.md). The pages are found
in the page tree by slug; the search app imports no other app's models."""

from datetime import timedelta

from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Page

# (query, slug of the promoted page, description)
PROMOTIONS = [
    ("接待日", "stations", "全县各人大代表工作站的代表接待日安排，可按村（社区）查找。"),
    ("代表", "deputies", "县人大代表名录，按姓氏笔画排序，可按乡镇、代表团查找。"),
    ("备案审查", "normative-documents", "规范性文件备案审查目录，可在线提出审查建议。"),
]
# (query, searches per day over the last week)
POPULAR = [("代表接待日", 9), ("倡议书", 6), ("规范性文件", 5), ("乡村振兴", 4), ("工作站", 3)]


def load(command):
    created = 0
    for query_string, slug, description in PROMOTIONS:
        page = Page.objects.live().filter(slug=slug, depth=3).first()
        if page is None:
            continue
        query = Query.get(query_string)
        if not SearchPromotion.objects.filter(query=query, page=page).exists():
            SearchPromotion.objects.create(
                query=query, page=page, description=description, sort_order=0
            )
            created += 1
    today = timezone.localdate()
    for query_string, per_day in POPULAR:
        query = Query.get(query_string)
        if query.daily_hits.exists():
            continue
        QueryDailyHits.objects.bulk_create(
            QueryDailyHits(query=query, date=today - timedelta(days=day), hits=per_day)
            for day in range(7)
        )
        created += 1
    return created
