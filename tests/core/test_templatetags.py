from decimal import Decimal

import pytest
from django.test import TestCase

from core.templatetags.core_tags import money
from core.utils import parse_int
from home.factories import StandardPageFactory
from tests.helpers import default_home, make_private, parse


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("160000"), "160,000.00"),
        (Decimal("12345.5"), "12,345.50"),
        (0, "0.00"),
        (1234567, "1,234,567.00"),
        ("6000", "6,000.00"),
        (None, "—"),
        ("", "—"),
        ("不是数字", "不是数字"),
    ],
)
def test_money(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026", 2026), (" 2026 ", 2026), ("abc", None), ("", None), (None, None), ("1800", None)],
)
def test_parse_int_for_years(value, expected):
    assert parse_int(value, minimum=1949, maximum=2100) == expected


class TestMainMenu(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.about = StandardPageFactory(
            parent=home, title="机构设置", slug="about", show_in_menus=True
        )
        cls.office = StandardPageFactory(parent=cls.about, title="办公室", slug="office")
        StandardPageFactory(parent=home, title="不在菜单中", slug="hidden", show_in_menus=False)
        StandardPageFactory(
            parent=home, title="菜单草稿", slug="draft", show_in_menus=True, live=False
        )
        private = StandardPageFactory(
            parent=home, title="菜单私密", slug="private", show_in_menus=True
        )
        make_private(private)

    def menu(self, url):
        nav = parse(self.client.get(url)).find("nav", class_="main-nav")
        return [(a.text, a["href"], a.get("aria-current")) for a in nav.find_all("a")]

    def test_menu_lists_live_public_menu_pages(self):
        self.assertEqual(self.menu("/"), [("首页", "/", "page"), ("机构设置", "/about/", None)])

    def test_menu_marks_the_section_of_the_current_page(self):
        self.assertEqual(
            self.menu("/about/"), [("首页", "/", None), ("机构设置", "/about/", "page")]
        )
        self.assertEqual(
            self.menu("/about/office/"), [("首页", "/", None), ("机构设置", "/about/", "true")]
        )
