from django.test import TestCase

from core.models import SiteSettings
from home.factories import StandardPageFactory
from tests.helpers import default_home, parse


class TestFooter(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.page = StandardPageFactory(parent=cls.home, title="联系我们", slug="contact")
        cls.settings = SiteSettings.for_site(cls.home.get_site())
        cls.settings.site_name = "演示县人大常委会"
        cls.settings.organisation = "演示县人民代表大会常务委员会办公室"
        cls.settings.address = "人民路88号"
        cls.settings.postcode = "050000"
        cls.settings.phone = "0311-1234 5678"
        cls.settings.icp_number = "冀ICP备12345678号-1"
        cls.settings.psb_number = "冀公网安备 13000000000001号"
        cls.settings.psb_code = "13000000000001"
        cls.settings.save()

    def footer(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return parse(response).find("footer", class_="site-footer")

    def test_footer_shows_the_registration_numbers_on_every_page(self):
        for url in ("/", "/contact/", "/search/"):
            with self.subTest(url=url):
                links = {
                    a.text: a["href"] for a in self.footer(url).select(".site-footer__beian a")
                }
                self.assertEqual(
                    links,
                    {
                        "冀ICP备12345678号-1": "https://beian.miit.gov.cn/",
                        "冀公网安备 13000000000001号": (
                            "https://beian.mps.gov.cn/#/query/webSearch?code=13000000000001"
                        ),
                    },
                )

    def test_footer_shows_organisation_and_contact(self):
        footer = self.footer("/contact/")
        self.assertEqual(
            footer.find(class_="site-footer__org").text, "主办：演示县人民代表大会常务委员会办公室"
        )
        contact = footer.find("address").get_text(" ", strip=True)
        # A no-break space keeps 邮编 with its number on a phone (issue 19).
        self.assertIn("地址：人民路88号（邮编\u00a0050000）", contact)
        self.assertEqual(footer.find("a", href="tel:0311-12345678").text, "0311-1234 5678")

    def test_site_name_in_header_and_title(self):
        soup = parse(self.client.get("/contact/"))
        self.assertEqual(soup.find(class_="site-brand__name").text, "演示县人大常委会")
        self.assertEqual(soup.title.text, "联系我们 - 演示县人大常委会")

    def test_empty_registration_numbers_are_left_out(self):
        self.settings.icp_number = ""
        self.settings.psb_number = ""
        self.settings.save()
        self.assertEqual(self.footer("/").select(".site-footer__beian a"), [])
