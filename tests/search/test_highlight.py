"""Snippets and highlighting (search/highlight.py): around the best match, Chinese-aware,
escaped."""

from django.test import SimpleTestCase

from search.backends.query import parse_user_query
from search.highlight import SNIPPET_LENGTH, highlighted, highlighted_snippet, needles, snippet

LAW = (
    "第一条 为了规范行政行为，制定本条例。"
    + "第二条 本条例适用于本县行政区域。" * 10
    + "第三十条 县级以上人民政府应当加强野生动物保护工作，建立健全野生动物保护管理制度。"
    + "第三十一条 附则。" * 10
)


def q(text):
    return parse_user_query(text)


class TestNeedles(SimpleTestCase):
    def test_terms_and_phrases_are_marked_whole_when_they_occur(self):
        self.assertEqual(needles(q("野生动物 保护"), "野生动物保护"), ["野生动物", "保护"])
        self.assertEqual(needles(q('"野生动物保护"'), "野生动物保护"), ["野生动物保护"])

    def test_a_run_not_found_whole_falls_back_to_its_bigrams(self):
        # 野生的动物: the search finds 野生动物 by its bigrams; mark those that are there.
        self.assertEqual(needles(q("野生动物"), "野生的动物"), ["动物", "生动", "野生"])

    def test_excluded_words_are_not_marked(self):
        self.assertEqual(needles(q("动物 -野生"), "野生动物"), ["动物"])

    def test_letters_and_digits_are_words_and_full_width_is_normalised(self):
        self.assertEqual(
            needles(q("ＣＯＶＩＤ－１９ 防控"), "covid 19 防控"), ["covid", "19", "防控"]
        )

    def test_nothing_searchable_marks_nothing(self):
        self.assertEqual(needles(q("！！！"), "文本"), [])
        self.assertEqual(needles(None, "文本"), [])


class TestSnippet(SimpleTestCase):
    def test_the_window_is_around_the_match_starting_at_its_sentence(self):
        text = snippet(q("野生动物保护"), LAW)
        self.assertTrue(text.startswith("…第三十条 县级以上人民政府"), text)
        self.assertIn("野生动物保护", text)
        self.assertTrue(text.endswith("…"))
        self.assertLessEqual(len(text), SNIPPET_LENGTH + 2)

    def test_the_window_with_most_different_words_wins(self):
        text = "甲乙" + "。填充文字" * 40 + "。人民政府。" + "填充" * 40 + "。人民政府加强管理。"
        self.assertIn("人民政府加强管理", snippet(q("人民政府 管理"), text))

    def test_without_a_match_the_beginning_is_shown(self):
        self.assertEqual(snippet(q("火星"), "短文本。"), "短文本。")
        self.assertTrue(snippet(q("火星"), LAW).startswith("第一条 为了规范行政行为"))

    def test_whitespace_is_collapsed(self):
        self.assertEqual(snippet(q("条例"), "第一条  本条例\t施行。"), "第一条 本条例 施行。")

    def test_empty_text(self):
        self.assertEqual(snippet(q("条例"), ""), "")
        self.assertEqual(highlighted_snippet(q("条例"), None), "")


class TestHighlighting(SimpleTestCase):
    def test_matches_are_marked(self):
        html = highlighted_snippet(q("野生动物 保护"), "加强野生动物保护工作，保护野生的动物。")
        # Adjacent matches are one mark (issue 16.4).
        self.assertEqual(html, "加强<mark>野生动物保护</mark>工作，<mark>保护</mark>野生的动物。")

    def test_overlapping_bigrams_merge_into_one_mark(self):
        # The query does not occur whole: its bigrams (城区 区停 停车 车场 场管 管理 理规 规定)
        # overlap in the text and are one mark, not 城区|停车|场管.
        html = highlighted(q("城区停车场管理规定"), "县城区停车场管理办法")
        self.assertEqual(html, "县<mark>城区停车场管理</mark>办法")

    def test_case_insensitive_words_keep_their_case(self):
        self.assertEqual(
            highlighted(q("covid"), "COVID-19 疫情防控"), "<mark>COVID</mark>-19 疫情防控"
        )

    def test_full_width_text_is_shown_normalised_and_marked(self):
        self.assertEqual(highlighted(q("第3号"), "第３号通知"), "<mark>第3号</mark>通知")

    def test_html_in_the_text_is_escaped(self):
        html = highlighted_snippet(q("河道"), '<script>alert("河道")</script><b>河道</b> & 治理')
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)
        self.assertEqual(
            html,
            "&lt;script&gt;alert(&quot;<mark>河道</mark>&quot;)&lt;/script&gt;"
            "&lt;b&gt;<mark>河道</mark>&lt;/b&gt; &amp; 治理",
        )

    def test_html_in_the_query_cannot_become_markup(self):
        html = highlighted(q("<b>河道</b>"), "<b>河道</b>")
        self.assertNotIn("<b>", html)
        # The term occurs whole in the text, so it is marked whole, escaped.
        self.assertEqual(html, "<mark>&lt;b&gt;河道&lt;/b&gt;</mark>")

    def test_regex_characters_in_the_query_are_literal(self):
        self.assertEqual(
            highlighted(q("a.b (c"), "axb a.b (c"),
            "axb <mark>a.b</mark> (<mark>c</mark>",
        )
