from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage, StandardPage
from news.models import (
    AppraisalIndexPage,
    AppraisalPage,
    InitiativeIndexPage,
    InitiativePage,
    NewsIndexPage,
    NewsPage,
)

PAIRS = [
    (NewsIndexPage, NewsPage),
    (InitiativeIndexPage, InitiativePage),
    (AppraisalIndexPage, AppraisalPage),
]


class TestEditorialPageTree(WagtailPageTestCase):
    def test_index_pages_sit_under_the_home_page_only(self):
        for index_model, _detail_model in PAIRS:
            with self.subTest(index_model.__name__):
                self.assertAllowedParentPageTypes(index_model, {HomePage})
                self.assertCanNotCreateAt(StandardPage, index_model)

    def test_index_pages_hold_their_own_detail_pages_only(self):
        for index_model, detail_model in PAIRS:
            with self.subTest(index_model.__name__):
                self.assertAllowedSubpageTypes(index_model, {detail_model})

    def test_detail_pages_sit_under_their_own_index_only(self):
        for index_model, detail_model in PAIRS:
            with self.subTest(detail_model.__name__):
                self.assertAllowedParentPageTypes(detail_model, {index_model})
                self.assertCanNotCreateAt(HomePage, detail_model)
                for other_index, _other_detail in PAIRS:
                    if other_index is not index_model:
                        self.assertCanNotCreateAt(other_index, detail_model)

    def test_detail_pages_have_no_children(self):
        for _index_model, detail_model in PAIRS:
            with self.subTest(detail_model.__name__):
                self.assertAllowedSubpageTypes(detail_model, set())
