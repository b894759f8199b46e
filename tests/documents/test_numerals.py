"""Chinese numerals (documents/numerals.py) and the full-text rendering with article anchors
(documents/fulltext.py) used on the registry's document pages."""

import time

import pytest
from bs4 import BeautifulSoup

from documents import fulltext, numerals


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百二十三", 123),
        ("二百零五", 205),
        ("两百", 200),
        ("一千零一", 1001),
        ("一千二百六十", 1260),
        ("一万零五百", 10500),
        ("二〇二六", 2026),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_parse(text, value):
    assert numerals.parse(text) == value


@pytest.mark.parametrize("text", ["", "条", "abc", "一a", "万"])
def test_parse_refuses_what_is_not_a_numeral(text):
    assert numerals.parse(text) is None


def soup(rendered):
    return BeautifulSoup(str(rendered.html), "html.parser")


LAW = """# 某县城区停车场管理办法

2024年2月26日 县人民政府第十次常务会议通过

<!-- INFO END -->

## 第一章　总　则

第一条　为了加强停车场管理，制定本办法。

第二条 本办法适用于城区。

本条第二段。

## 第二章 管理

### 第一节 公共停车场

第一百二十三条　公共停车场应当公示收费标准。

第二百二十四条之一　新增条款。

第五条规定的情形，依照本办法处理。

第三章附则

第十二条　本办法自公布之日起施行。
"""


def test_articles_get_arabic_anchors_and_links():
    rendered = fulltext.render(LAW, "某县城区停车场管理办法")
    page = soup(rendered)
    ids = [p["id"] for p in page.select("p.fulltext__article")]
    assert ids == ["art-1", "art-2", "art-123", "art-224-1", "art-12"]
    first = page.find(id="art-123")
    assert first.find("strong").get_text() == "第一百二十三条"
    link = first.find("a", class_="fulltext__anchor")
    assert link["href"] == "#art-123"
    assert link["aria-label"] == "第一百二十三条的链接"
    assert rendered.article_count == 5


def test_a_line_citing_an_article_is_not_an_anchor():
    page = soup(fulltext.render(LAW))
    citing = [p for p in page.find_all("p") if p.get_text().startswith("第五条规定的情形")]
    assert len(citing) == 1
    assert not citing[0].get("id")


def test_chapters_are_h2_with_ids_and_a_table_of_contents():
    rendered = fulltext.render(LAW, "某县城区停车场管理办法")
    page = soup(rendered)
    chapters = page.find_all("h2")
    assert [(h["id"], h.get_text()) for h in chapters] == [
        ("chapter-1", "第一章　总　则"),
        ("chapter-2", "第二章 管理"),
        ("chapter-3", "第三章附则"),
    ]
    section = page.find("h3")
    assert section["id"] == "chapter-2-section-1"
    assert [(h.level, h.id) for h in rendered.toc] == [
        (2, "chapter-1"),
        (2, "chapter-2"),
        (2, "chapter-3"),
    ]


def test_the_title_line_and_comments_are_dropped_but_other_text_kept():
    page = soup(fulltext.render(LAW, "某县城区停车场管理办法"))
    text = page.get_text()
    assert "某县城区停车场管理办法" not in text
    assert "INFO END" not in text
    assert "2024年2月26日 县人民政府第十次常务会议通过" in text
    assert "本条第二段。" in text


def test_parts_shift_chapters_down_a_level():
    text = "\n".join(
        [
            "第一编　总则",
            "第一章　基本规定",
            "第一条　内容。",
            "第二编　分则",
            "第一章　一般规定",
            "第二条　内容。",
        ]
    )
    page = soup(fulltext.render(text))
    assert [h.name for h in page.select(".fulltext__heading")] == ["h2", "h3", "h2", "h3"]
    # Chapters restart in each part: ids stay unique.
    assert [h["id"] for h in page.find_all("h3")] == ["chapter-1", "chapter-1-2"]


def test_repeated_article_numbers_get_unique_ids():
    page = soup(fulltext.render("第一条　甲。\n第一条　乙。\n第一条　丙。"))
    assert [p["id"] for p in page.select("p.fulltext__article")] == ["art-1", "art-1-2", "art-1-3"]


def test_everything_is_escaped():
    rendered = fulltext.render(
        '第一条　<script>alert("x")</script>\n<b>粗体</b>\n## <img src=x onerror=1>'
    )
    html = str(rendered.html)
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=1&gt;" in html


def test_empty_text():
    rendered = fulltext.render("")
    assert str(rendered.html) == ""
    assert rendered.toc == []


def test_a_megabyte_of_articles_renders_quickly():
    """About the longest law of the corpus, twice over: one pass, no quadratic id handling."""
    text = "".join(f"第{n}条　" + "测" * 130 + "\n" for n in range(1, 2500))
    text += "第一条　重复。\n" * 2000
    assert len(text.encode()) > 1_000_000
    start = time.perf_counter()
    rendered = fulltext.render(text)
    elapsed = time.perf_counter() - start
    assert rendered.article_count == 4499
    assert elapsed < 1.0, f"rendering took {elapsed:.2f}s"
