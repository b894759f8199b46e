import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamBlockValidationError

from core.blocks import BodyStreamBlock, CaptionedTableBlock, HeadingBlock


def table(caption="各部门满意率", header="row"):
    return {
        "data": [["部门", "满意率"], ["县民政局", "93.6"]],
        "table_caption": caption,
        "table_header_choice": header,
        "first_row_is_table_header": header in ("row", "both"),
        "first_col_is_header": header in ("column", "both"),
    }


class TestCaptionedTableBlock:
    block = CaptionedTableBlock()

    @pytest.mark.parametrize("header", ["row", "column", "both"])
    def test_table_with_caption_and_header_is_accepted(self, header):
        value = self.block.clean(table(header=header))
        assert value["table_caption"] == "各部门满意率"

    @pytest.mark.parametrize("caption", ["", "   ", None])
    def test_table_without_caption_is_refused(self, caption):
        with pytest.raises(ValidationError) as caught:
            self.block.clean(table(caption=caption))
        assert caught.value.messages == ["请填写表格标题（表注），以便读屏软件识别。"]

    def test_table_without_header_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            self.block.clean(table(header="neither"))
        assert caught.value.messages == ["请设置表头行或表头列。"]

    def test_table_without_either_names_both_problems(self):
        with pytest.raises(ValidationError) as caught:
            self.block.clean(table(caption="", header="neither"))
        assert caught.value.messages == [
            "请填写表格标题（表注），以便读屏软件识别。",
            "请设置表头行或表头列。",
        ]

    def test_table_without_header_choice_is_refused(self):
        value = table()
        del value["table_header_choice"]
        with pytest.raises(ValidationError):
            self.block.clean(value)

    def test_renders_caption_and_header_cells(self):
        html = self.block.render(self.block.clean(table(header="row")))
        assert "<caption>各部门满意率</caption>" in html
        assert '<th scope="col">部门</th>' in html
        # On a phone the cells stack with their column heading beside them (issue 19), so the
        # cell holds the value and its label: compare the value's text, not the markup.
        cells = [
            " ".join(td.get_text(" ", strip=True).split())
            for td in BeautifulSoup(html, "html.parser")("td")
        ]
        assert any(cell.endswith("93.6") for cell in cells), cells


class TestBodyStreamBlock:
    def test_a_bad_table_inside_the_body_is_reported_at_its_position(self):
        body = BodyStreamBlock()
        value = body.to_python(
            [
                {"type": "heading", "value": {"text": "一、总体情况", "level": "h2"}},
                {"type": "table", "value": table(caption="")},
            ]
        )
        with pytest.raises(StreamBlockValidationError) as caught:
            body.clean(value)
        assert list(caught.value.block_errors) == [1]

    @pytest.mark.parametrize("level", ["h2", "h3", "h4"])
    def test_heading_levels_h2_to_h4_render(self, level):
        block = HeadingBlock()
        value = block.clean(block.to_python({"text": "主要做法", "level": level}))
        assert block.render(value).strip() == f'<{level} class="block-heading">主要做法</{level}>'

    @pytest.mark.parametrize("level", ["h1", "h5", "script"])
    def test_other_heading_levels_are_refused(self, level):
        block = HeadingBlock()
        with pytest.raises(ValidationError):
            block.clean(block.to_python({"text": "主要做法", "level": level}))

    def test_rich_text_cannot_carry_an_h1(self):
        paragraph = BodyStreamBlock().child_blocks["paragraph"]
        assert "h1" not in paragraph.features
        assert {"h2", "h3", "h4"} <= set(paragraph.features)
